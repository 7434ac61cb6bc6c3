"""The quarterly statistics of administrative procedures (`workflows.statistics`): the
column identities, the figures as of the period end, the boundaries of a due date and
of a quarter, the apology slip, the workbook read back."""

from __future__ import annotations

import io
from datetime import date, datetime, time

import pytest
from django.contrib.contenttypes.models import ContentType

from permits import services
from permits.models import Channel, Dossier, DossierKind, Status
from tests.permits.conftest import DEVICES, ORGANISATION, VN, drive, file_dossier, on
from workflows.models import AuditEntry, ClockEvent, Deadline, LegalClock
from workflows.periods import Quarter
from workflows.roles import Role
from workflows.statistics import (
    Figures,
    StatisticsTable,
    statistics_for_period,
    statistics_workbook,
)

Q1 = Quarter(2024, 1)
Q2 = Quarter(2024, 2)
PERMIT = "bx-giay-phep-moi"


def figures(quarter: Quarter, code: str = PERMIT) -> Figures:
    table = statistics_for_period(quarter)
    return next(r.figures for r in table.rows if r.procedure_code == code)


def assert_identities(f: Figures) -> None:
    assert f.total == f.carried_over + f.received_online + f.received_counter + f.received_post
    assert f.total == f.resolved + f.pending + f.returned + f.withdrawn
    assert f.resolved == f.resolved_early + f.resolved_on_time + f.resolved_late
    assert f.pending == f.pending_not_due + f.pending_overdue
    assert f.late_with_apology <= f.resolved_late + f.pending_overdue


# --- cases written as rows: one clock, the audit entry that ends it -------------------
def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=VN)


def row_case(
    applicant,
    *,
    received: date,
    due: date,
    end: date | None = None,
    end_state: str = Status.ISSUED,
    apology_on: date | None = None,
    channel: str = Channel.ONLINE,
    paused_on: date | None = None,
) -> Dossier:
    """A dossier whose check clock starts on `received` with the due date `due` and
    stops on `end` with the audit entry `end_state`; an apology slip issued on
    `apology_on` extends it by 5 days (the statutory due date stays `due`)."""
    with on(received):
        dossier = services.dossier_create(
            actor=applicant,
            kind=DossierKind.PERMIT_NEW,
            organisation=ORGANISATION,
            devices=DEVICES[:1],
        )
    Dossier.objects.filter(pk=dossier.pk).update(channel=channel)
    ct = ContentType.objects.get_for_model(Dossier)
    rule = dossier.procedure_version.rule("check")
    link = {"content_type": ct, "object_id": str(dossier.pk)}
    with on(received):
        deadline = Deadline.objects.create(
            **link, kind="check", procedure_code=PERMIT, title="t", due_date=due
        )
        clock = LegalClock.objects.create(
            **link,
            rule=rule,
            deadline=deadline,
            amount=5,
            unit=rule.unit,
            legal_basis="x",
            started_on=received,
            due_date=due,
        )
        ClockEvent.objects.create(clock=clock, kind="start", on=received, cause="x", due_after=due)
    if paused_on:
        with on(paused_on):
            ClockEvent.objects.create(
                clock=clock, kind="pause", on=paused_on, cause="x", due_before=due, due_after=due
            )
    if apology_on:
        with on(apology_on):
            AuditEntry.objects.create(**link, action="apology_issue")
            ClockEvent.objects.create(
                clock=clock,
                kind="extend",
                on=apology_on,
                units=5,
                cause="x",
                due_before=due,
                due_after=date(due.year, due.month, min(28, due.day + 7)),
            )
    if end:
        with on(end):
            after = clock.events.order_by("-id").first().due_after
            ClockEvent.objects.create(
                clock=clock, kind="stop", on=end, cause="x", due_before=after, due_after=after
            )
            AuditEntry.objects.create(**link, action="x", from_state="signing", to_state=end_state)
    return dossier


@pytest.mark.django_db
def test_early_on_time_late_at_the_due_date_and_the_apology(applicant):
    due = date(2024, 3, 15)
    row_case(applicant, received=date(2024, 3, 1), due=due, end=date(2024, 3, 14))
    row_case(applicant, received=date(2024, 3, 1), due=due, end=due)
    row_case(applicant, received=date(2024, 3, 1), due=due, end=date(2024, 3, 18))
    # late although its apology moved the appointment: counted late, with the apology
    row_case(
        applicant,
        received=date(2024, 3, 1),
        due=due,
        end=date(2024, 3, 19),
        apology_on=date(2024, 3, 13),
    )
    # pending at the end of the quarter: due on its last day (not yet due), overdue with
    # an apology, overdue but waiting for the applicant (paused: not overdue)
    row_case(applicant, received=date(2024, 3, 20), due=date(2024, 3, 31))
    row_case(
        applicant,
        received=date(2024, 3, 1),
        due=date(2024, 3, 25),
        apology_on=date(2024, 3, 22),
        channel=Channel.COUNTER,
    )
    row_case(
        applicant,
        received=date(2024, 3, 1),
        due=date(2024, 3, 20),
        paused_on=date(2024, 3, 10),
        channel=Channel.POST,
    )
    row_case(
        applicant,
        received=date(2024, 3, 1),
        due=due,
        end=date(2024, 3, 5),
        end_state=Status.NOT_ACCEPTED,
    )
    f = figures(Q1)
    assert (f.resolved_early, f.resolved_on_time, f.resolved_late) == (1, 1, 2)
    assert (f.pending_not_due, f.pending_overdue) == (2, 1)
    assert f.returned == 1 and f.withdrawn == 0
    assert f.late_with_apology == 2
    assert (f.received_online, f.received_counter, f.received_post) == (6, 1, 1)
    assert f.carried_over == 0 and f.total == 8
    assert f.on_time_rate == pytest.approx(0.5)
    assert_identities(f)


@pytest.mark.django_db
def test_a_case_received_on_the_last_day_and_resolved_on_the_first_day_of_the_next(applicant):
    row_case(applicant, received=date(2024, 3, 31), due=date(2024, 4, 5), end=date(2024, 4, 1))
    q1, q2 = figures(Q1), figures(Q2)
    assert (q1.received, q1.pending_not_due, q1.resolved) == (1, 1, 0)
    assert (q2.carried_over, q2.received, q2.resolved_early, q2.pending) == (1, 0, 1, 0)
    # the previous quarter's pending is this one's carried over
    assert q2.carried_over == q1.pending
    assert_identities(q1)
    assert_identities(q2)


@pytest.fixture
def quarter_cases(staff, applicant):
    """A generated quarter through the services: carried over from Q4/2023 and issued
    in Q1; received in Q1 at the counter and by post; not accepted; overdue on its
    check; one filed on the last day of the quarter (a Sunday, online)."""
    cases = {}
    with on(date(2023, 12, 20)):
        cases["carried"] = file_dossier(applicant)
        cases["carried"] = drive(cases["carried"], staff, Status.SUBMITTED)
    with on(date(2024, 1, 3)):
        cases["carried"] = drive(cases["carried"], staff, Status.AWAITING_FEE)
    with on(date(2024, 1, 4)):
        drive(cases["carried"], staff, Status.ISSUED)
    for name, channel, day in (
        ("counter", Channel.COUNTER, date(2024, 2, 20)),
        ("post", Channel.POST, date(2024, 3, 1)),
        ("late_check", Channel.ONLINE, date(2024, 3, 11)),
    ):
        with on(day):
            d = services.dossier_create(
                actor=staff[Role.ONE_STOP_OFFICER] if channel != Channel.ONLINE else applicant,
                applicant=applicant if channel != Channel.ONLINE else None,
                kind=DossierKind.PERMIT_NEW,
                organisation=ORGANISATION,
                devices=DEVICES[:1],
                channel=channel,
            )
            cases[name] = d
        with on(day):
            from tests.permits.conftest import upload_all

            upload_all(d, staff[Role.ONE_STOP_OFFICER] if channel != Channel.ONLINE else applicant)
            cases[name] = services.dossier_submit(
                dossier=d,
                actor=staff[Role.ONE_STOP_OFFICER] if channel != Channel.ONLINE else applicant,
            )
    with on(date(2024, 2, 21)):
        services.dossier_reject(
            dossier=cases["counter"], actor=staff[Role.ONE_STOP_OFFICER], reasons="Sai mẫu đơn."
        )
    with on(date(2024, 3, 4)):
        cases["post"] = drive(cases["post"], staff, Status.APPRAISAL)
    with on(date(2024, 3, 31)):
        cases["last_day"] = drive(file_dossier(applicant), staff, Status.SUBMITTED)
    return cases


@pytest.mark.django_db
def test_a_generated_quarter_and_later_events_change_nothing(quarter_cases, staff):
    f = figures(Q1)
    assert f.carried_over == 1 and f.resolved == 1
    assert (f.received_online, f.received_counter, f.received_post) == (2, 1, 1)
    assert f.returned == 1
    # the post case's result was due 29/03 (25 days from the fee, 04/03) and its check
    # is over: overdue; the unchecked one was due 18/03: overdue; the last day's: not due
    assert (f.pending_not_due, f.pending_overdue) == (1, 2)
    assert_identities(f)
    before = statistics_for_period(Q1).to_data()

    # after the quarter: results, an apology, a return, a refusal to accept
    with on(date(2024, 4, 1)):
        services.dossier_accept(
            dossier=quarter_cases["last_day"], actor=staff[Role.ONE_STOP_OFFICER]
        )
        services.dossier_reject(
            dossier=quarter_cases["late_check"],
            actor=staff[Role.ONE_STOP_OFFICER],
            reasons="Thiếu hồ sơ.",
        )
    with on(date(2024, 4, 2)):
        drive(Dossier.objects.get(pk=quarter_cases["post"].pk), staff, Status.SIGNING)
    with on(date(2024, 4, 3)):
        services.dossier_refuse(
            dossier=Dossier.objects.get(pk=quarter_cases["post"].pk),
            actor=staff[Role.DIRECTOR],
            reasons="Không đạt.",
        )
    assert statistics_for_period(Q1).to_data() == before
    q2 = figures(Q2)
    assert q2.carried_over == f.pending
    assert q2.returned == 2 and q2.pending == 1
    assert_identities(q2)


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_cases(applicant, django_assert_max_num_queries):
    for i in range(3):
        row_case(applicant, received=date(2024, 3, 1 + i), due=date(2024, 3, 15))
    statistics_for_period(Q1)  # the content types are cached
    with django_assert_max_num_queries(4):
        statistics_for_period(Q1)
    for i in range(20):
        row_case(applicant, received=date(2024, 2, 1 + i), due=date(2024, 3, 15))
    with django_assert_max_num_queries(4):
        table = statistics_for_period(Q1)
    assert table.total.received == 23


def test_the_workbook_read_back():
    from openpyxl import load_workbook

    data = {
        "period": "2024-Q1",
        "as_of": "2024-03-31",
        "rows": [
            {
                "procedure_code": "a",
                "procedure_name": "Cấp giấy phép",
                "field": "An toàn bức xạ",
                "division_code": "cn-qlkhcs",
                "division_name": "Phòng CN",
                "carried_over": 2,
                "received_online": 1200,
                "received_counter": 3,
                "received_post": 0,
                "resolved_early": 1000,
                "resolved_on_time": 100,
                "resolved_late": 5,
                "pending_not_due": 90,
                "pending_overdue": 7,
                "returned": 2,
                "withdrawn": 1,
                "late_with_apology": 4,
            },
            {
                "procedure_code": "b",
                "procedure_name": "Đăng ký kết quả",
                "field": "Hoạt động khoa học và công nghệ",
                "division_code": "qlkh",
                "division_name": "Phòng QLKH",
                "received_online": 3,
                "resolved_on_time": 3,
            },
        ],
    }
    table = StatisticsTable.from_data(data)
    seen = []
    ws = load_workbook(io.BytesIO(statistics_workbook(table, progress=seen.append))).active
    assert seen[-1] == 100
    assert "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in ws["A2"].value
    assert "Quý I/2024" in ws["A3"].value
    merged = {str(r) for r in ws.merged_cells.ranges}
    # STT and the name over three header rows; the groups over their columns
    assert {"A6:A8", "B6:B8", "C6:G6", "H6:P6", "C7:C8", "E7:G7", "H7:K7", "L7:N7"} <= merged
    assert [ws.cell(9, c).value for c in range(3, 19)] == [f"({n})" for n in range(1, 17)]
    assert ws["A10"].value == "I" and ws["B10"].value == "An toàn bức xạ"
    assert ws["A11"].value == 1 and ws["B11"].value == "Cấp giấy phép"
    assert ws["C11"].value == "=D11+E11+F11+G11"
    assert ws["H11"].value == "=I11+J11+K11"
    assert ws["L11"].value == "=M11+N11"
    assert ws["E11"].value == 1200 and ws["I11"].value == 1000 and ws["Q11"].value == 4
    assert ws["R11"].value == '=IF(H11=0,"",(I11+J11)/H11)'
    assert ws["A13"].value == 2  # STT goes on across fields
    assert ws["B14"].value == "Tổng số"
    assert ws["E14"].value == "=SUM(E10:E13)"
    assert ws["C14"].value == "=SUM(C10:C13)"
    assert "\\." in ws["E11"].number_format  # 1200 displays as 1.200
    assert ws.freeze_panes == "C10"
    assert ws.column_dimensions["B"].width == 48
    # the identity (1) = (6) + (10) + (13) + (14) holds in the written values
    row = table.rows[0].figures
    assert row.total == row.resolved + row.pending + row.returned + row.withdrawn == 1205
