"""One Django form for a step's input, on the page and in the API.

`form_serializer(form_class, name)` is the DRF serializer of the form's fields: the
request body of the step's API operation in the OpenAPI schema, and the first check of
the JSON (types, required fields, lengths). `form_from_api(form_class, data, …)` runs
that serializer, then the form itself on what it read (the form's own cleaning: dates
not in the future, a council that holds the task…), and answers a bound, valid form or
raises DRF's `ValidationError` (400 in the one error shape, field by field).

A form field maps to the serializer field of the same meaning; a custom field
(`workflows.forms`) declares its own with `api_field()`.
"""

from __future__ import annotations

import functools

from django import forms
from django.utils.translation import gettext as _
from rest_framework import serializers


def _api_field(field: forms.Field) -> serializers.Field:
    if hasattr(field, "api_field"):
        return field.api_field()
    common = {"required": field.required, "help_text": str(field.label or "")}
    if field.initial not in (None, "") and not callable(field.initial):
        common = {"required": False, "default": field.initial, "help_text": common["help_text"]}
    if isinstance(field, forms.FileField):  # multipart/form-data, checked by the service
        return serializers.FileField(allow_empty_file=False, **common)
    if isinstance(field, forms.ModelChoiceField):
        return serializers.IntegerField(min_value=1, allow_null=not field.required, **common)
    if isinstance(field, forms.ChoiceField):
        choices = [(value, label) for value, label in field.choices if value not in ("", None)]
        return serializers.ChoiceField(choices=choices, allow_blank=not field.required, **common)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(
            required=False, default=False, help_text=common["help_text"]
        )
    if isinstance(field, forms.DateField):
        return serializers.DateField(allow_null=not field.required, **common)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(
            min_value=field.min_value,
            max_value=field.max_value,
            allow_null=not field.required,
            **common,
        )
    if isinstance(field, forms.CharField):
        return serializers.CharField(
            max_length=field.max_length, allow_blank=not field.required, **common
        )
    raise TypeError(f"{type(field).__name__}: no API field for this form field")


def form_has_files(form_class: type[forms.Form]) -> bool:
    """The form takes an upload: its API operation reads multipart/form-data."""
    return any(isinstance(f, forms.FileField) for f in form_class.base_fields.values())


@functools.cache
def form_serializer(form_class: type[forms.Form], name: str) -> type[serializers.Serializer] | None:
    """The request serializer of `form_class` (None for a form without fields), named
    `<name>Serializer` so its schema component is `<name>`."""
    fields = {n: _api_field(f) for n, f in form_class.base_fields.items()}
    if not fields:
        return None
    return type(f"{name}Serializer", (serializers.Serializer,), {**fields, "__doc__": None})


def form_from_api(form_class: type[forms.Form], data, *, name: str, **form_kwargs) -> forms.Form:
    """`data` (the request's JSON or form body) checked by the form's serializer and then
    by the form; a valid bound form, or `ValidationError`."""
    serializer_class = form_serializer(form_class, name)
    values = {}
    if serializer_class is not None:
        if not hasattr(data, "get"):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Cần gửi một đối tượng JSON.")]}
            )
        s = serializer_class(data=data)
        s.is_valid(raise_exception=True)
        values = dict(s.validated_data)
    files = {k: v for k, v in values.items() if hasattr(v, "read")}
    data = {k: v for k, v in values.items() if k not in files}
    form = form_class(data=data, files=files, **form_kwargs)
    if not form.is_valid():
        errors = {
            ("non_field_errors" if key == "__all__" else key): [str(m) for m in messages]
            for key, messages in form.errors.items()
        }
        raise serializers.ValidationError(errors)
    return form
