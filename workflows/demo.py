"""Demo data of the engine: divisions, one user per role. Idempotent.

Also the replay every procedure's demo uses: a `Timeline` of dated actions run in date
order with the clock moved to each day, and the beat's daily work (the ledger sweep
and the procedure's daily checks) run on each day of a window, so the reminders of a
demo exist and carry the day they would have been sent.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .errors import DomainError
from .models import Division
from .roles import Role

log = logging.getLogger(__name__)

DEMO_PASSWORD = "motcua-demo-2024"  # noqa: S105  (published in the README; demo only)

# Units of the department named in its Q1/2024 report (seed/bao-cao-khcn-quy-I-2024.txt)
# and in the province's procedure records (DOMAIN.md §2).
DIVISIONS = [
    ("van-phong", "Văn phòng Sở"),
    ("thanh-tra", "Thanh tra Sở"),
    ("qlkh", "Phòng Quản lý khoa học và công nghệ"),
    ("cn-qlkhcs", "Phòng Công nghệ và Quản lý khoa học cơ sở"),
    ("trung-tam-tdc", "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng"),
    ("trung-tam-khoi-nghiep", "Trung tâm Hỗ trợ khởi nghiệp đổi mới sáng tạo"),
    ("mot-cua", "Bộ phận Một cửa (Trung tâm Phục vụ hành chính công tỉnh)"),
]

# username, role, last name, first name, division code
USERS = [
    ("nguoinop", Role.APPLICANT, "Phòng khám Đa khoa", "Hoàng Long", None),
    ("motcua", Role.ONE_STOP_OFFICER, "Lò Thị", "Hương", "mot-cua"),
    ("chuyenvien", Role.SPECIALIST, "Cầm Văn", "Đức", "cn-qlkhcs"),
    ("truongphong", Role.HEAD_OF_DIVISION, "Nguyễn Thị", "Thu", "cn-qlkhcs"),
    ("giamdoc", Role.DIRECTOR, "Trần Văn", "Minh", "van-phong"),
    ("thuky", Role.COUNCIL_SECRETARY, "Quàng Thị", "Mai", "qlkh"),
    ("thanhvien", Role.COUNCIL_MEMBER, "Đinh Công", "Bằng", None),
    ("thanhtra", Role.INSPECTOR, "Vì Văn", "Thắng", "thanh-tra"),
    ("ketoan", Role.ACCOUNTANT, "Lường Thị", "Lan", "van-phong"),
]


@transaction.atomic
def seed_engine(stdout=None) -> list[tuple[str, str, str]]:
    """Create divisions and demo users; return (username, role label, password) rows."""
    divisions = {}
    for code, name in DIVISIONS:
        divisions[code], _ = Division.objects.update_or_create(code=code, defaults={"name": name})
    User = get_user_model()
    logins = []
    for username, role, last, first, division in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "last_name": last,
                "first_name": first,
                "email": f"{username}@demo.motcua.vn",
                "division": divisions.get(division),
                "is_staff": False,
            },
        )
        if created:
            user.password = _demo_password_hash()
            user.save()
        user.groups.add(Group.objects.get(name=role))
        logins.append((username, str(role.label), DEMO_PASSWORD))
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={
            "is_staff": True,
            "is_superuser": True,
            "email": "admin@demo.motcua.vn",
            "last_name": "Quản trị",
            "first_name": "hệ thống",
        },
    )
    if created:
        admin.password = _demo_password_hash()
        admin.save()
    logins.append(("admin", "Quản trị hệ thống (/admin/)", DEMO_PASSWORD))
    return logins


def demo_user(
    username: str, role: str, *, last: str, first: str, division: str | None = None, email=""
):
    """A demo account in the role's group (created once, with the demo password)."""
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "last_name": last,
            "first_name": first,
            "email": email or f"{username}@demo.motcua.vn",
            "division": Division.objects.filter(code=division).first() if division else None,
        },
    )
    if created:
        user.password = _demo_password_hash()
        user.save()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@functools.cache
def _demo_password_hash() -> str:
    """DEMO_PASSWORD hashed once per process (the hasher's work factor is per hash)."""
    from django.contrib.auth.hashers import make_password

    return make_password(DEMO_PASSWORD)


def sample_pdf(title: str) -> bytes:
    """A one-page PDF standing for a demo dossier's uploaded document (uploads are
    checked by parsing, so the demo files are real PDFs)."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    pdf.drawString(72, 770, "Demo document - motcua")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# --- replaying dated actions ------------------------------------------------------------
@contextmanager
def demo_on(day: date, hour: int = 9, minute: int = 0, *, today: date | None = None):
    """Move the clock to `day` at `hour:minute` (Vietnam time) for the block. On `today`
    (the real date, by default) the clock is left alone: nothing is dated in the future."""
    if day == (today or timezone.localdate()):
        yield
        return
    try:
        import time_machine
    except ImportError as exc:  # pragma: no cover - dev dependency, installed by `make setup`
        raise RuntimeError("seed_demo needs the dev dependencies (pip install -e .[dev])") from exc
    moment = datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(settings.TIME_ZONE)
    )
    with time_machine.travel(moment, tick=False):
        yield


class Timeline:
    """Dated actions of a demo, run in date order (then in the order they were added).

    `run(window=(first, last))` also does the beat's daily work on every day of the
    window before the day's actions (07:00), and once more after the last day's: the
    procedure's `daily` checks, then the ledger sweep. An action a business rule refuses is skipped
    and reported (a demo must load on any date), never half-done: each action is one
    service call with its own transaction.
    """

    def __init__(self) -> None:
        self._events: list[tuple[date, int, str, Callable[[], object]]] = []
        self.skipped: list[str] = []

    def at(self, day: date, label: str, action: Callable[[], object]) -> None:
        self._events.append((day, len(self._events), label, action))

    def __len__(self) -> int:
        return len(self._events)

    def run(
        self,
        *,
        window: tuple[date, date] | None = None,
        daily: Iterable[Callable[..., object]] = (),
        today: date | None = None,
    ) -> None:
        from notifications.services import deadlines_sweep

        today = today or timezone.localdate()
        daily = list(daily)
        by_day: dict[date, list] = {}
        for day, _order, label, action in sorted(self._events, key=lambda e: (e[0], e[1])):
            by_day.setdefault(day, []).append((label, action))
        days = set(by_day)
        if window is not None:
            first, last = window
            days.update(first + timedelta(days=n) for n in range((last - first).days + 1))

        def beat(day: date, hour: int) -> None:
            if window is None or not (window[0] <= day <= window[1]):
                return
            with demo_on(day, hour, today=today):
                for job in daily:
                    job(today=day)
                deadlines_sweep(today=day)

        ordered = sorted(days)
        for day in ordered:
            beat(day, 7)
            for minute, (label, action) in enumerate(by_day.get(day, [])):
                with demo_on(day, 8 + minute // 60, minute % 60, today=today):
                    try:
                        action()
                    except DomainError as exc:
                        self.skipped.append(f"{day:%d/%m/%Y} {label}: {exc}")
                        log.warning("demo: skipped %s on %s: %s", label, day, exc)
        if ordered:
            beat(ordered[-1], 17)  # what the last day's actions made due is sent too
