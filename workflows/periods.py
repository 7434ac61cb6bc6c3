"""Reporting periods: quarters ("2024-Q1"), their first and last day and their label."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

_QUARTER = re.compile(r"^\s*(\d{4})\s*-\s*[Qq]([1-4])\s*$")
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodError(ValueError):
    """A period that cannot be read; the message says what is expected."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """`2024-Q1` (also `2024-q1`, `2024 - Q1`)."""
        match = _QUARTER.match(text or "")
        if not match:
            raise PeriodError(
                _("Kỳ báo cáo “%(text)s” không hợp lệ: ghi theo dạng NĂM-QUÝ, ví dụ 2024-Q1.")
                % {"text": text}
            )
        year = int(match.group(1))
        if not 2000 <= year <= 2100:
            raise PeriodError(_("Năm %(year)s nằm ngoài khoảng 2000–2100.") % {"year": year})
        return cls(year, int(match.group(2)))

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def roman(self) -> str:
        return _ROMAN[self.number]

    @property
    def label(self) -> str:
        """ "Quý I/2024"."""
        return _("Quý %(roman)s/%(year)s") % {"roman": self.roman, "year": self.year}

    def __str__(self) -> str:
        return self.code
