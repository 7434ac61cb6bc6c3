"""Form fields every procedure's pages and API share.

A page posts text (one item a line, a date as dd/mm/yyyy or yyyy-mm-dd); the API posts
JSON (a list, a date object once DRF has read it). The fields below accept both, so one
Django form checks a step's input whatever the door (`workflows.api_forms` builds the
API's request serializer from the same form). A field that is not one of Django's
declares its API shape with `api_field()`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from datetime import date

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DATE_INPUT = ["%d/%m/%Y", "%Y-%m-%d"]


def date_field(label, *, required: bool = True, not_after_today: bool = False, **kwargs):
    """A date as the browser's date picker sends it (yyyy-mm-dd) or typed (dd/mm/yyyy),
    within the years a procedure's dates can have (the rules add months and years to it)."""
    field = PastDateField if not_after_today else BoundedDateField
    return field(
        label=label,
        required=required,
        input_formats=DATE_INPUT,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


class BoundedDateField(forms.DateField):
    """A date from 1990 to 2100."""

    first, last = date(1990, 1, 1), date(2100, 12, 31)

    def validate(self, value):
        super().validate(value)
        if value and not self.first <= value <= self.last:
            raise forms.ValidationError(
                _("Ngày phải trong khoảng %(a)s – %(b)s."),
                code="out_of_range",
                params={"a": f"{self.first:%d/%m/%Y}", "b": f"{self.last:%d/%m/%Y}"},
            )


class PastDateField(BoundedDateField):
    """A date that has happened: not after today."""

    def validate(self, value):
        super().validate(value)
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Ngày không thể sau hôm nay."), code="future")


def _text_lines(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return value.splitlines()
    if isinstance(value, list | tuple):
        return list(value)
    raise forms.ValidationError(_("Giá trị không hợp lệ."), code="invalid")


class LinesField(forms.Field):
    """A list of short texts: one a line on a page, a JSON list of strings in the API."""

    widget = forms.Textarea(attrs={"rows": 4})
    default_error_messages = {
        "too_many": _("Tối đa %(n)s dòng."),
        "too_long": _("Mỗi dòng tối đa %(n)s ký tự."),
        "invalid": _("Giá trị không hợp lệ."),
    }

    def __init__(self, *, max_items: int = 50, max_length: int = 300, **kwargs):
        self.max_items, self.item_max_length = max_items, max_length
        super().__init__(**kwargs)

    def to_python(self, value) -> list[str]:
        items = []
        for item in _text_lines(value):
            if not isinstance(item, str):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            ProhibitNullCharactersValidator()(item)
            if item.strip():
                items.append(" ".join(item.split()))
        return items

    def validate(self, value):
        super().validate(value)
        if len(value) > self.max_items:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"n": self.max_items}
            )
        if any(len(v) > self.item_max_length for v in value):
            raise forms.ValidationError(
                self.error_messages["too_long"],
                code="too_long",
                params={"n": self.item_max_length},
            )

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def api_field(self):
        from rest_framework import serializers

        return serializers.ListField(
            child=serializers.CharField(max_length=self.item_max_length),
            max_length=self.max_items,
            allow_empty=not self.required,
            required=self.required,
            help_text=str(self.label or ""),
        )


_AMOUNT_SEPARATORS = re.compile(r"[.,\s](?=\d{3}(?:\D|$))")


class DatedAmountsField(forms.Field):
    """A schedule of amounts in đồng, each with its date (budget instalments, payments):
    on a page one a line, "dd/mm/yyyy số tiền" (thousands may be separated by dots);
    in the API a list of {"due_on": "yyyy-mm-dd", "amount": int}. Cleaned: a list of
    (date, int), in the order given."""

    widget = forms.Textarea(attrs={"rows": 3})
    default_error_messages = {
        "line": _("Dòng không hợp lệ (cần “ngày số tiền”, ví dụ 15/03/2024 700.000.000): %(l)s"),
        "amount": _("Số tiền phải là số đồng lớn hơn 0: %(l)s"),
        "too_many": _("Tối đa %(n)s dòng."),
    }

    def __init__(self, *, max_items: int = 24, max_amount: int = 10**13, **kwargs):
        self.max_items, self.max_amount = max_items, max_amount
        super().__init__(**kwargs)

    def _date(self, value, line) -> date:
        try:
            return BoundedDateField(input_formats=DATE_INPUT).clean(value)
        except forms.ValidationError as exc:
            raise forms.ValidationError(
                self.error_messages["line"], code="line", params={"l": line}
            ) from exc

    def _amount(self, value, line) -> int:
        if isinstance(value, bool):
            value = None
        elif isinstance(value, str):
            value = _AMOUNT_SEPARATORS.sub("", value.strip())
            value = int(value) if value.isdigit() else None
        if not isinstance(value, int) or not 0 < value <= self.max_amount:
            raise forms.ValidationError(
                self.error_messages["amount"], code="amount", params={"l": line}
            )
        return value

    def to_python(self, value) -> list[tuple[date, int]]:
        out = []
        for item in _text_lines(value):
            if isinstance(item, Mapping):
                line = f"{item.get('due_on', '')} {item.get('amount', '')}"
                due = self._date(item.get("due_on"), line)
                out.append((due, self._amount(item.get("amount"), line)))
                continue
            if not isinstance(item, str) or "\x00" in item:
                raise forms.ValidationError(
                    self.error_messages["line"], code="line", params={"l": str(item)[:60]}
                )
            if not item.strip():
                continue
            day, _sep, amount = item.strip().partition(" ")
            out.append((self._date(day, item), self._amount(amount, item)))
        if len(out) > self.max_items:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"n": self.max_items}
            )
        return out

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(
                f"{d:%d/%m/%Y} {a}" if isinstance(d, date) else str(d) for d, a in value
            )
        return value

    def api_field(self):
        from rest_framework import serializers

        return serializers.ListField(
            child=_dated_amount_serializer()(),
            max_length=self.max_items,
            required=self.required,
            allow_empty=True,
            help_text=str(self.label or ""),
        )


@functools.cache
def _dated_amount_serializer():
    """One schema component for every dated amount of the API."""
    from rest_framework import serializers

    return type(
        "DatedAmountSerializer",
        (serializers.Serializer,),
        {
            "due_on": serializers.DateField(help_text=_("Ngày")),
            "amount": serializers.IntegerField(
                min_value=1, max_value=10**13, help_text=_("Số tiền (đồng)")
            ),
        },
    )
