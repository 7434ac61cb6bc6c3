"""The demo data: the Q1/2024 history of the department's report, kept as reported and
closed after the quarter, and a current set of dossiers on dates relative to today."""

import io
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType

from notifications.models import Notification
from permits import rules
from permits.models import PROCEDURE_CODES, ApologySlip, Dossier, DossierKind, Permit, Status
from tests.permits.conftest import on
from workflows.calendar import is_working_day
from workflows.models import AuditEntry, Deadline
from workflows.selectors import deadlines_due_within, deadlines_overdue

VN = ZoneInfo("Asia/Ho_Chi_Minh")
Q1_START, Q1_END = date(2024, 1, 1), date(2024, 3, 31)


def q1_history() -> dict:
    """What the quarterly report is made of: the radiation dossiers received in Q1/2024,
    every audit row, clock event and ledger row of theirs dated in the quarter, and each
    ledger row's state at the end of the quarter (the desk's table holds the other
    one-stop kinds too: the result registrations have their own test)."""
    from permits.models import Dossier, DossierKind
    from workflows.models import AuditEntry, ClockEvent, Deadline

    end = datetime.combine(Q1_END, time.max, tzinfo=VN)
    start = datetime.combine(Q1_START, time.min, tzinfo=VN)
    radiation = Dossier.objects.filter(kind__in=DossierKind.values)
    dossiers = radiation.filter(submitted_on__gte=Q1_START, submitted_on__lte=Q1_END)
    codes = {str(d.pk): d.code for d in radiation}
    ct = ContentType.objects.get_for_model(Dossier)
    audit = [
        (codes.get(a.object_id, a.object_id), a.action, a.from_state, a.to_state,
         a.at.astimezone(VN).date().isoformat(), getattr(a.actor, "username", ""))
        for a in AuditEntry.objects.filter(content_type=ct, at__gte=start, at__lte=end,
                                           object_id__in=list(codes))
        .select_related("actor").order_by("at", "id")
    ]  # fmt: skip
    clock = [
        (e.clock.deadline.dossier_code, e.clock.deadline.kind, e.kind, e.on.isoformat(),
         e.units, str(e.due_before or ""), str(e.due_after or ""))
        for e in ClockEvent.objects.filter(
            on__lte=Q1_END, clock__deadline__procedure_code__in=PROCEDURE_CODES.values())
        .select_related("clock__deadline").order_by("at", "id")
    ]  # fmt: skip
    # a row still open at the end of the quarter may move later (a supplement answered
    # in April moves its due date): only rows closed in the quarter keep their due date
    ledger = sorted(
        (d.dossier_code, d.kind, d.opened_at.astimezone(VN).date().isoformat(),
         d.state, d.due_date.isoformat(), d.closed_on.isoformat())
        if d.closed_on and d.closed_on <= Q1_END
        else (d.dossier_code, d.kind, d.opened_at.astimezone(VN).date().isoformat(), "open")
        for d in Deadline.objects.filter(
            opened_at__lte=end, procedure_code__in=PROCEDURE_CODES.values()
        )
    )  # fmt: skip
    history = {
        "received": sorted((d.code, d.kind) for d in dossiers),
        "audit": audit,
        "clock": clock,
        "ledger": ledger,
    }
    return json.loads(json.dumps(history))  # as stored in test_demo_q1_2024.json


pytestmark = pytest.mark.django_db

EXPECTED_Q1 = json.loads((Path(__file__).parent / "test_demo_q1_2024.json").read_text())
HISTORY = [
    "Phòng khám Đa khoa Hoàng Long",
    "Bệnh viện Đa khoa huyện Mộc Châu",
    "Phòng khám Nha khoa Sơn La",
    "Trung tâm Y tế huyện Mai Sơn",
    "Phòng khám Đa khoa Thảo Nguyên",
    "Bệnh viện Đa khoa huyện Phù Yên",
]
STAFF_KINDS = ("check", "step", "result", "apology")


def _seed(django_capture_on_commit_callbacks, today: date | None = None) -> dict:
    """seed_demo's two parts, on `today` (the real date if None); returns the permits'
    summary. What runs after commit (flows, deliveries) runs at the end, on that day."""
    from permits.demo import seed_permits
    from workflows.demo import seed_engine

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            seed_engine()
            return seed_permits()

    if today is None:
        return run()
    with on(today, 10):
        return run()


def _current():
    return Dossier.objects.filter(submitted_on__gt=date(2024, 5, 31))


def _status(name: str) -> str:
    return Dossier.objects.get(organisation_name=name, parent__isnull=True).status


def _assert_every_state(today: date) -> None:
    states = set(_current().values_list("status", flat=True))
    wanted = {
        Status.SUBMITTED, Status.SUPPLEMENT, Status.AWAITING_FEE, Status.APPRAISAL, Status.REVIEW,
        Status.SIGNING, Status.ISSUED, Status.REFUSED, Status.NOT_ACCEPTED,
    }  # fmt: skip
    assert wanted <= states, wanted - states
    # nothing a department would call absurd: no dossier late by more than a few weeks
    # (the S&T tasks' demo has its own long warnings: a task 5 months past its end)
    dossiers = ContentType.objects.get_for_model(Dossier)
    for row in deadlines_overdue(today=today).filter(content_type=dossiers):
        assert (today - row.due_date).days <= 30, row


def _assert_every_warning(today: date) -> None:
    staff = Deadline.objects.filter(state=Deadline.State.OPEN, paused=False, kind__in=STAFF_KINDS)
    overdue = deadlines_overdue(today=today).filter(kind__in=STAFF_KINDS)
    soon = deadlines_due_within(days=2, today=today).filter(
        kind__in=STAFF_KINDS, due_date__gt=today
    )
    assert overdue.filter(kind="check").exists()  # a check 2 working days late
    assert overdue.filter(kind="step").exists()  # an appraisal late on its step
    assert soon.filter(kind="step").count() >= 3  # appraisal, review, signing due tomorrow
    assert soon.filter(kind="check").exists()
    if is_working_day(today):
        assert staff.filter(due_date=today, kind="check").exists()
        assert staff.filter(due_date=today, kind="step").exists()
    # late, with its apology slip issued: the appointment passed, the new one is ahead
    late = ApologySlip.objects.filter(
        state=ApologySlip.State.ISSUED, old_date__lt=today, new_date__gte=today
    ).exclude(dossier__status__in=[Status.ISSUED, Status.REFUSED])
    assert late.count() == 1, list(late.values_list("dossier__code", "old_date", "new_date"))
    assert late.get().dossier.organisation_name == "Phòng khám Đa khoa Hồng Đức"
    # an apology slip drafted by the beat, to be issued by the head or the director
    draft = ApologySlip.objects.get(state=ApologySlip.State.DRAFT)
    assert draft.dossier.organisation_name == "Bệnh viện Đa khoa huyện Mường La"
    assert today <= draft.issue_by < draft.old_date
    assert staff.filter(kind="apology", dossier_code=draft.dossier.code).exists()
    # the applicant waiting for a supplement is reminded today
    assert Notification.objects.filter(
        template="applicant_reminder", created_at__date=today, channel="in_app"
    ).exists()
    # a permit nearing expiry whose holder was reminded while renewal is still open
    expiring = [
        p
        for p in Permit.objects.filter(
            state=Permit.State.VALID, valid_until__gt=today, valid_until__lte=today + timedelta(90)
        )
        if rules.renewal_in_time(p.valid_until, 45, today)
        and Notification.objects.filter(
            template="permit_expiry", recipient=p.applicant, channel="in_app"
        ).exists()
    ]
    assert expiring


def test_the_demo_on_01_12_2026(django_capture_on_commit_callbacks, client):
    today = date(2026, 12, 1)
    # the permits' part of `seed_demo` (the whole command, with its idempotency, is
    # tests/tasks_lifecycle/test_demo.py: it is the suite's slowest test)
    from permits.demo import seed_permits
    from workflows.demo import seed_engine

    with on(today, 10), django_capture_on_commit_callbacks(execute=True):
        out = io.StringIO()
        seed_engine()
        seed_permits(out)
    assert "bỏ qua" not in out.getvalue()
    counts = (Dossier.objects.count(), AuditEntry.objects.count(), Deadline.objects.count(),
              Notification.objects.count())  # fmt: skip
    # idempotent: a second `make run` the same day adds nothing
    with on(today, 11), django_capture_on_commit_callbacks(execute=True):
        seed_engine()
        seed_permits(io.StringIO())
    assert (Dossier.objects.count(), AuditEntry.objects.count(), Deadline.objects.count(),
            Notification.objects.count()) == counts  # fmt: skip

    # the report's quarter is exactly as reported: 06 permit dossiers, 01 certificate
    history = q1_history()
    assert history == EXPECTED_Q1
    kinds = [kind for _code, kind in history["received"]]
    assert (kinds.count("permit_new"), kinds.count("certificate")) == (6, 1)
    # ... and closed after it, on 2024 dates: no case of the report is late today
    for name in HISTORY:
        assert _status(name) == Status.ISSUED
    history_rows = Deadline.objects.filter(dossier_code__contains="-24").exclude(
        kind="permit_expiry"
    )
    assert not history_rows.filter(state=Deadline.State.OPEN).exists()
    assert max(history_rows.values_list("closed_on", flat=True)) <= date(2024, 4, 30)
    radiation = Dossier.objects.filter(kind__in=DossierKind.values)
    assert radiation.filter(decided_on__year=2024).count() == 7

    _assert_every_state(today)
    _assert_every_warning(today)
    # on 01/12/2026 the nearing-expiry permit is the report's first: issued 26/01/2024,
    # reminded on 28/10 (T-90) and 27/11/2026 (T-60); renewal open until 12/12/2026
    first = Permit.objects.get(dossier__code="GPBX-240108-0001")
    sent = Notification.objects.filter(
        template="permit_expiry", recipient=first.applicant, channel="in_app"
    ).values_list("created_at__date", flat=True)
    assert sorted(sent) == [date(2026, 10, 28), date(2026, 11, 27)]

    # what the staff see
    from django.contrib.auth import get_user_model

    User = get_user_model()
    late_check = Dossier.objects.get(organisation_name="Phòng khám Đa khoa Bình An").code
    appraisal = Dossier.objects.get(organisation_name="Bệnh viện Đa khoa huyện Bắc Yên").code
    with on(today, 11):
        client.force_login(User.objects.get(username="truongphong"))
        manager = client.get("/can-bo/quan-ly/").content.decode()
        assert late_check in manager and appraisal in manager
        assert "GPBX-2402" not in manager  # nothing of the report is pending
        assert late_check in client.get("/deadlines/?view=overdue").content.decode()
        client.force_login(User.objects.get(username="chuyenvien"))
        assert appraisal in client.get("/workflow/inbox/").content.decode()


def test_the_demo_in_june_2026_has_its_own_permit_nearing_expiry(
    django_capture_on_commit_callbacks,
):
    today = date(2026, 6, 16)
    summary = _seed(django_capture_on_commit_callbacks, today)
    assert summary["skipped"] == []
    _assert_every_state(today)
    _assert_every_warning(today)
    permit = Permit.objects.get(dossier__organisation_name="Bệnh viện Đa khoa huyện Quỳnh Nhai")
    assert permit.valid_until == date(2026, 8, 10)  # 55 days ahead
    sent = Notification.objects.filter(
        template="permit_expiry", recipient=permit.applicant, channel="in_app"
    ).values_list("created_at__date", flat=True)
    assert sorted(sent) == [date(2026, 5, 12), date(2026, 6, 11)]  # T-90, T-60
    # T-50 falls on Sunday 21/06/2026: sent on Friday 19/06, before the last renewal day
    row = Deadline.objects.get(kind="permit_expiry", object_id=str(permit.pk))
    assert row.next_action_on == date(2026, 6, 19)
    assert rules.renewal_last_filing_day(permit.valid_until, 45) == date(2026, 6, 26)


def test_the_demo_on_a_sunday_of_tet_2027(django_capture_on_commit_callbacks):
    # the last working day before is Thursday 04/02/2027; the report's own permits, issued
    # in 2024, are the ones expiring (the first has expired on 26/01/2027)
    today = date(2027, 2, 7)
    summary = _seed(django_capture_on_commit_callbacks, today)
    assert summary["skipped"] == []
    _assert_every_state(today)
    assert Permit.objects.get(dossier__code="GPBX-240108-0001").state == Permit.State.EXPIRED
    assert not Dossier.objects.filter(organisation_name="Bệnh viện Đa khoa huyện Quỳnh Nhai")
    assert q1_history() == EXPECTED_Q1


def test_the_demo_today(django_capture_on_commit_callbacks):
    summary = _seed(django_capture_on_commit_callbacks)
    assert summary["skipped"] == []
    from django.utils import timezone

    _assert_every_state(timezone.localdate())
