"""Stages 2–3 of an S&T task and the approval of its host (TT 20/2023/TT-BKHCN), through the
services with the clock moved: the call (30 days), applications online (the bar after
"Không đạt"), the opening within 7 working days with its record, a failed call and the
second call within 6 months of the first, the selection council (its own services and
API), direct assignment, the revision within 20 days, the budget appraisal team (10 days),
the finalised dossier (15 days), the approval decision (15 days, ≤ 3 months for acceptance)
and the contract that follows. Every limit with real 2024 dates and its boundary; every
refused step leaves the task as it was; who may act on each step."""

from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from tasks_lifecycle import documents, task_access, task_rules
from tasks_lifecycle import services as councils
from tasks_lifecycle.models import (
    Application,
    Call,
    Council,
    Decision,
    HostOrganisation,
    Investigator,
    LumpSum,
    Method,
    Stage,
    Status,
    Tally,
    Task,
    TaskDocument,
)
from tasks_lifecycle.task_selection import (
    selection_subjects,
    task_apply,
    task_appraise_budget,
    task_approve_host,
    task_call_fails,
    task_finalise,
    task_open_applications,
    task_open_call,
    task_select,
    task_send_to_selection,
    task_submit_revision,
)
from tasks_lifecycle.task_services import TaskRefused, task_sign_contract
from tests.conftest import make_user
from workflows.errors import ActionForbidden, TransitionRefused
from workflows.models import AuditEntry, Deadline
from workflows.roles import Role
from workflows.uploads import UploadRefused

from .conftest import ROLES, client_for, ok, on, pdf
from .test_http_kinds import _board, _confirm_publish, _member_client, _to_meeting
from .test_task_contract import CONTRACT
from .test_task_services import SAM, _proposed

pytestmark = pytest.mark.django_db

MET, MISSED, CANCELLED, OPEN = (
    Deadline.State.MET,
    Deadline.State.MISSED,
    Deadline.State.CANCELLED,
    Deadline.State.OPEN,
)
ATTENDEES = [
    {"name": "Nguyễn Thị Lan", "position": "Trưởng phòng Quản lý khoa học"},
    {"name": "Hoàng Văn Minh", "position": "Phòng Kế hoạch - Tài chính"},
]


# --- fixtures and helpers -------------------------------------------------------------------
@pytest.fixture
def published(staff, org):
    """The Sâm task, ordered for selection by Decision 250/QĐ-UBND and published."""
    task = _proposed(staff, org)
    d250 = Decision.objects.create(
        kind=Decision.Kind.ORDERED_LIST,
        number="250/QĐ-UBND",
        signed_on=date(2024, 2, 6),
        signer="Chủ tịch UBND tỉnh",
    )
    Task.objects.filter(pk=task.pk).update(
        stage=Stage.PUBLISHED,
        method=Method.SELECTION,
        officer=staff["officer"],
        published_on=date(2024, 2, 22),
        ordering_decision=d250,
        summary="Xây dựng mô hình trồng thử nghiệm Sâm Việt Nam dưới tán rừng",
    )
    return Task.objects.get(pk=task.pk)


@pytest.fixture
def parties(staff, org):
    """Two organisations answering the call: the proposer (the test's host) and Tây Bắc."""
    tay_bac = HostOrganisation.objects.get(name="Trường Đại học Tây Bắc")
    pi_user = make_user("chunhiem", Role.APPLICANT)
    org.users.add(pi_user)
    return SimpleNamespace(
        org=org,
        tay_bac=tay_bac,
        an=Investigator.objects.create(full_name="Nguyễn Văn An", organisation=org, user=pi_user),
        binh=Investigator.objects.create(full_name="Lò Thị Bình", organisation=org),
        hoa=Investigator.objects.create(full_name="Trần Thị Hoa", organisation=tay_bac),
        pi_user=pi_user,
    )


def _fresh(task) -> Task:
    return Task.objects.get(pk=task.pk)


def _rows(task, kind) -> list[Deadline]:
    return list(
        Deadline.objects.filter(
            object_id=str(task.pk), kind=kind, procedure_code="nhiem-vu-khcn"
        ).order_by("id")
    )


def _row(task, kind) -> Deadline:
    rows = _rows(task, kind)
    assert len(rows) == 1, (kind, rows)
    return rows[0]


def _snapshot(task) -> tuple:
    """What a refused step must leave unchanged."""
    t = _fresh(task)
    return (
        t.stage,
        t.host_id,
        t.pi_id,
        t.state_budget,
        t.host_decision_id,
        Call.objects.filter(task=t).count(),
        Application.objects.filter(task=t).count(),
        TaskDocument.objects.filter(task=t).count(),
        Deadline.objects.filter(object_id=str(t.pk), procedure_code="nhiem-vu-khcn").count(),
        AuditEntry.objects.filter(object_id=str(t.pk), content_type__model="task").count(),
    )


def _call(task, staff, day=date(2024, 3, 15), **kw) -> Task:
    with on(day):
        return task_open_call(task=task, actor=staff["officer"], notice_number="15", **kw)


def _apply(task, who, host, pi, day, budget=900_000_000, **kw) -> Application:
    with on(day):
        return task_apply(
            task=task, actor=who, host=host, pi=pi, state_budget=budget, proposal=pdf(), **kw
        )


def _open(task, staff, day, verdicts=(), **kw) -> Task:
    with on(day):
        return task_open_applications(
            task=task, actor=staff["officer"], attendees=ATTENDEES, verdicts=verdicts, **kw
        )


def _valid(*apps) -> list[dict]:
    return [{"application": a, "valid": True} for a in apps]


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def _fake_result(staff, kind, subjects, *, meeting_on, published_on, outcome="", data=None):
    """A council set up by the secretary with its subjects, its result published (the
    councils' own machinery is exercised in the end-to-end tests below)."""
    with on(meeting_on):
        council = councils.council_create(
            actor=staff["secretary"],
            kind=kind,
            title=f"Hội đồng {kind}",
            meeting_on=meeting_on,
            subjects=subjects,
        )
    if outcome.startswith("app:"):  # the winner named by its application
        pk = council.subjects.get(target_id=outcome[4:]).pk
        outcome, data = f"winner:{pk}", {"form": "selection", "winner": str(pk)}
    Council.objects.filter(pk=council.pk).update(status=Status.PUBLISHED, published_on=published_on)
    Tally.objects.create(
        council=council,
        number=1,
        data=data or {},
        outcome=outcome,
        outcome_label=outcome,
        computed_by=staff["secretary"],
    )
    return council


# --- the pure rules ---------------------------------------------------------------------------
def test_second_call_duration_and_tie_break_rules():
    # 6 months from the start of the first call (15/03/2024): 15/09/2024, a Sunday, not moved
    assert task_rules.second_call_latest_on(date(2024, 3, 15)) == date(2024, 9, 15)
    first = {"first_opens_on": date(2024, 3, 15)}
    assert task_rules.second_call_problems(**first, opens_on=date(2024, 9, 15)) == []
    late = task_rules.second_call_problems(**first, opens_on=date(2024, 9, 16))
    assert len(late) == 1 and "15/09/2024" in late[0] and "khoản 3 Điều 3" in late[0]
    assert task_rules.duration_problems(duration_months=18, prep_months=3) == []
    assert task_rules.duration_problems(duration_months=18, prep_months=0) == []
    four = task_rules.duration_problems(duration_months=18, prep_months=4)
    assert "không quá 03 tháng" in four[0] and "khoản 3 Điều 15" in four[0]
    assert task_rules.duration_problems(duration_months=3, prep_months=3)  # must be shorter
    assert task_rules.duration_problems(duration_months=0, prep_months=None)
    # an "Xuất sắc" within 5 years of the filing breaks a tie (TT 20/2023 Art 11(8)(b))
    assert task_rules.excellent_since(date(2024, 4, 10)) == date(2019, 4, 10)


# --- 1. the call -------------------------------------------------------------------------------
def test_call_is_public_for_30_days_and_the_opening_is_due_7_working_days_after(staff, published):
    task = _call(published, staff)
    call = Call.objects.get(task=task)
    assert task.stage == Stage.CALL_OPEN and call.round == 1
    # 15/03/2024 + 30 days = 14/04/2024, a Sunday → Monday 15/04/2024 (TT 20/2023 Art 3(2))
    assert call.opens_on == date(2024, 3, 15) and call.closes_on == date(2024, 4, 15)
    # 7 working days after 15/04/2024, the Hùng Kings' day 18/04 off: 25/04/2024 (Art 7(1))
    opening = _row(task, "opening")
    assert opening.due_date == date(2024, 4, 25) and opening.owner_user == staff["officer"]
    entry = AuditEntry.objects.get(object_id=str(task.pk), action="open_call")
    assert entry.data["closes_on"] == "2024-04-15" and entry.actor == staff["officer"]
    text = _text(documents.call_notice_pdf(call))
    for expected in (
        "THÔNG BÁO",
        "Tuyển chọn tổ chức và cá nhân chủ trì",
        SAM,
        "250/QĐ-UBND",
        "15/TB-SKHCN",
        "từ ngày 15/03/2024 đến hết ngày 15/04/2024",
        "30 ngày",
        "07 ngày làm việc",
        "Không đạt",
        "Sơn La, ngày 15 tháng 03 năm 2024",
    ):
        assert expected in text, expected


def test_call_refused_with_the_reason_and_nothing_changes(staff, published, org):
    before = _snapshot(published)
    with on(date(2024, 3, 15)):
        with pytest.raises(TaskRefused) as exc:  # before the list was published
            task_open_call(task=published, actor=staff["officer"], opens_on=date(2024, 2, 20))
        assert "22/02/2024" in str(exc.value)
        for who in ("host", "other_host", "secretary"):
            with pytest.raises(ActionForbidden):
                task_open_call(task=published, actor=staff[who])
        Task.objects.filter(pk=published.pk).update(method=Method.DIRECT)
        with pytest.raises(TaskRefused) as exc:
            task_open_call(task=published, actor=staff["officer"])
        assert exc.value.code == "direct_assignment"
    assert _snapshot(published) == before


# --- 2. applications ------------------------------------------------------------------------------
def test_applications_accepted_up_to_the_last_day_of_the_call(staff, published, parties):
    task = _call(published, staff)
    p = parties
    with on(date(2024, 3, 14)), pytest.raises(TaskRefused) as exc:  # not open yet
        task_apply(task=task, actor=staff["host"], host=p.org, pi=p.an, state_budget=1,
                   proposal=pdf())  # fmt: skip
    assert exc.value.code == "call_not_open"
    first = _apply(task, staff["host"], p.org, p.an, date(2024, 3, 15), participants=[p.binh])
    assert first.call.round == 1 and first.task == task and first.valid is None
    assert [x.full_name for x in first.participants.all()] == ["Lò Thị Bình"]
    doc = TaskDocument.objects.get(application=first)
    assert doc.kind == TaskDocument.Kind.APPLICATION and doc.content_type == "application/pdf"
    assert doc.file.name.startswith(f"tasks/{task.pk}/") and doc.uploaded_by == staff["host"]
    # the last day (15/04/2024) is still open; the organisation replaces its dossier (Art 6(3))
    again = _apply(task, staff["host"], p.org, p.an, date(2024, 4, 15), budget=850_000_000)
    assert again.pk == first.pk and again.state_budget == 850_000_000
    assert list(again.participants.all()) == []
    docs = TaskDocument.objects.filter(application=first).order_by("id")
    assert [d.is_current for d in docs] == [False, True]
    assert AuditEntry.objects.filter(object_id=str(task.pk), action="apply").count() == 2
    before = _snapshot(task)
    with pytest.raises(TaskRefused) as exc:  # 16/04/2024: the call has closed
        _apply(task, staff["other_host"], p.tay_bac, p.hoa, date(2024, 4, 16))
    assert exc.value.code == "call_closed" and "15/04/2024" in str(exc.value)
    assert _snapshot(task) == before and _fresh(task).stage == Stage.CALL_OPEN


def test_application_checks_refuse_and_store_nothing(staff, published, parties):
    task = _call(published, staff)
    p = parties
    before = _snapshot(task)
    day = date(2024, 3, 20)
    with pytest.raises(ActionForbidden) as exc:  # filing for another organisation
        _apply(task, staff["other_host"], p.org, p.an, day)
    assert exc.value.code == "not_member"
    for who in (AnonymousUser(), staff["officer"]):
        with pytest.raises(ActionForbidden):
            _apply(task, who, p.org, p.an, day)
    with pytest.raises(TaskRefused) as exc:
        _apply(task, staff["host"], p.org, p.an, day, budget=0)
    assert exc.value.code == "application_invalid"
    html = SimpleUploadedFile("thuyet-minh.pdf", b"<html>not a pdf</html>", "application/pdf")
    with on(day), pytest.raises(UploadRefused):
        task_apply(task=task, actor=staff["host"], host=p.org, pi=p.an, state_budget=9,
                   proposal=html)  # fmt: skip
    assert _snapshot(task) == before


def test_the_bar_after_khong_dat_is_checked_for_the_host_and_the_pi(staff, published, parties):
    task = _call(published, staff)
    p = parties
    # an earlier task of Tây Bắc led by Trần Thị Hoa, "Không đạt" on 01/12/2023
    Task.objects.create(
        code="NV-2021-0007",
        title="Nghiên cứu nhân giống cây dược liệu",
        year=2021,
        proposed_on=date(2020, 9, 1),
        host=p.tay_bac,
        pi=p.hoa,
        stage=Stage.FAILED,
        concluded_on=date(2023, 12, 1),
    )
    before = _snapshot(task)
    with pytest.raises(TaskRefused) as exc:
        _apply(task, staff["other_host"], p.tay_bac, p.an, date(2024, 3, 20))
    assert exc.value.code == "barred" and "Không đạt" in str(exc.value)
    assert "NV-2021" not in str(exc.value) and "Nghiên cứu nhân giống" in str(exc.value)
    with pytest.raises(TaskRefused) as exc:  # the PI barred, filed by another host
        _apply(task, staff["host"], p.org, p.hoa, date(2024, 3, 20))
    assert exc.value.code == "barred"
    assert _snapshot(task) == before
    assert _apply(task, staff["host"], p.org, p.an, date(2024, 3, 20)).pk


# --- the opening ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("opened", "state"), [(date(2024, 4, 25), MET), (date(2024, 4, 26), MISSED)]
)
def test_opening_within_7_working_days_with_its_record(staff, published, parties, opened, state):
    task = _call(published, staff)
    p = parties
    a = _apply(task, staff["host"], p.org, p.an, date(2024, 4, 1), participants=[p.binh])
    b = _apply(task, staff["other_host"], p.tay_bac, p.hoa, date(2024, 4, 2))
    before = _snapshot(task)
    with pytest.raises(TaskRefused) as exc:  # on the last day of the call: still open
        _open(task, staff, date(2024, 4, 15), _valid(a, b))
    assert exc.value.code == "call_still_open"
    with pytest.raises(TaskRefused) as exc:
        _open(task, staff, opened, _valid(a))  # no verdict on Tây Bắc's dossier
    assert "Trường Đại học Tây Bắc" in str(exc.value)
    with pytest.raises(TaskRefused):
        _open(task, staff, opened, [*_valid(a), {"application": b, "valid": False}])  # no reason
    with on(opened), pytest.raises(TaskRefused) as exc:
        task_open_applications(task=task, actor=staff["officer"], attendees=[" "],
                               verdicts=_valid(a, b))  # fmt: skip
    assert exc.value.code == "attendees_required"
    with pytest.raises(ActionForbidden), on(opened):
        task_open_applications(task=task, actor=staff["host"], attendees=ATTENDEES)
    assert _snapshot(task) == before
    verdicts = [
        *_valid(a),
        {"application": b, "valid": False, "reason": "Thiếu lý lịch khoa học của chủ nhiệm"},
    ]
    task = _open(task, staff, opened, verdicts, note="Hồ sơ niêm phong, nguyên vẹn.")
    assert task.stage == Stage.APPLICATIONS_OPENED
    assert _row(task, "opening").state == state  # due 25/04/2024
    call = Call.objects.get(task=task)
    assert call.opened_on == opened and call.opening_attendees == ATTENDEES
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.valid, b.valid, b.invalid_reason) == (
        True,
        False,
        "Thiếu lý lịch khoa học của chủ nhiệm",
    )
    text = _text(documents.opening_record_pdf(call))
    for expected in (
        "BIÊN BẢN MỞ HỒ SƠ",
        SAM,
        f"Thời gian mở hồ sơ: ngày {opened:%d/%m/%Y}",
        "Nguyễn Thị Lan",
        "Phòng Kế hoạch - Tài chính",
        "Số hồ sơ nhận được: 2; hợp lệ: 1; không hợp lệ: 1",
        "Trung tâm Ứng dụng KH&CN Sơn La",
        "900.000.000 đồng",
        "Không hợp lệ: Thiếu lý lịch khoa học của chủ nhiệm",
        "Hồ sơ niêm phong, nguyên vẹn.",
        "khoản 1, khoản 2 Điều 7",
    ):
        assert expected in text, expected
    # the council's subjects are the valid applications only, with their parties
    specs = selection_subjects(task)
    assert [s["target"] for s in specs] == [a]
    assert specs[0]["pi_name"] == "Nguyễn Văn An" and specs[0]["participants"] == ["Lò Thị Bình"]
    assert specs[0]["host_proposed"] is True and specs[0]["state_budget"] == 900_000_000


def test_no_valid_application_fails_and_the_second_call_is_due_6_months_after_the_first(
    staff, published, parties
):
    task = _call(published, staff)
    p = parties
    b = _apply(task, staff["other_host"], p.tay_bac, p.hoa, date(2024, 4, 2))
    task = _open(
        task,
        staff,
        date(2024, 4, 19),
        [{"application": b, "valid": False, "reason": "Không có đơn đăng ký"}],
    )
    assert task.stage == Stage.CALL_FAILED
    actions = list(
        AuditEntry.objects.filter(object_id=str(task.pk), content_type__model="task")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["open_applications", "call_fails"]
    call = Call.objects.get(task=task)
    assert call.failed_on == date(2024, 4, 19) and "không" in call.failure_reason.lower()
    assert _row(task, "opening").state == MET
    # 6 months from the start of the first call, 15/03/2024 (TT 20/2023 Art 3(3))
    second = _row(task, "second_call")
    assert second.due_date == date(2024, 9, 15) and second.state == OPEN
    assert second.next_action_on == date(2024, 8, 16)  # the ladder: a month before
    before = _snapshot(task)
    with on(date(2024, 9, 16)), pytest.raises(TaskRefused) as exc:
        task_open_call(task=task, actor=staff["officer"])
    assert "15/09/2024" in str(exc.value) and "khoản 3 Điều 3" in str(exc.value)
    assert _snapshot(task) == before
    # on the last day (a Sunday: the limit does not move) the second call may start
    task = _call(task, staff, date(2024, 9, 13), opens_on=date(2024, 9, 15))
    round2 = Call.objects.get(task=task, round=2)
    assert task.stage == Stage.CALL_OPEN and round2.closes_on == date(2024, 10, 15)
    assert _row(task, "second_call").state == MET
    assert [r.due_date for r in _rows(task, "opening")] == [date(2024, 4, 25), date(2024, 10, 24)]
    assert "LẦN 2" in _text(documents.call_notice_pdf(round2))
    # the second call gets no application: it fails, no third call and no third date
    task = _open(task, staff, date(2024, 10, 16))
    assert task.stage == Stage.CALL_FAILED and len(_rows(task, "second_call")) == 1
    assert "Không có hồ sơ đăng ký" in Call.objects.get(task=task, round=2).failure_reason
    with on(date(2024, 10, 20)), pytest.raises(TaskRefused) as exc:
        task_open_call(task=task, actor=staff["officer"])
    assert exc.value.code == "no_third_call"


# --- 3. the selection council ------------------------------------------------------------------
def _opened_with(staff, published, parties):
    task = _call(published, staff)
    p = parties
    a = _apply(task, staff["host"], p.org, p.an, date(2024, 4, 1), participants=[p.binh])
    b = _apply(task, staff["other_host"], p.tay_bac, p.hoa, date(2024, 4, 2), budget=800_000_000)
    return _open(task, staff, date(2024, 4, 22), _valid(a, b)), a, b


def test_selection_council_decides_and_the_winner_revises_within_20_days(
    staff, published, parties, pool
):
    task, a, b = _opened_with(staff, published, parties)
    sec = client_for(staff["secretary"])
    with on(date(2024, 5, 2)):
        council = councils.council_create(
            actor=staff["secretary"],
            kind="selection",
            title="Hội đồng tư vấn tuyển chọn nhiệm vụ Sâm Việt Nam",
            meeting_on=date(2024, 5, 20),
            subjects=selection_subjects(task),
        )
        # the subjects carry the parties: the PI may not sit on the council
        pi_expert = pool[11]
        pi_expert.full_name = "Nguyễn Văn An"
        assert any(
            "chủ nhiệm" in r for r in councils.member_conflicts(council, pi_expert, "member")
        )
        for expert, role in zip(pool, ROLES["selection"], strict=False):
            ok(
                sec.post(
                    f"/api/councils/{council.pk}/members/",
                    {"expert": expert.pk, "role": role},
                    format="json",
                )
            )
        other = councils.council_create(
            actor=staff["secretary"],
            kind="selection",
            title="Hội đồng thiếu hồ sơ",
            meeting_on=date(2024, 5, 20),
            subjects=selection_subjects(task)[:1],
        )
        with pytest.raises(TaskRefused) as exc:
            task_send_to_selection(task=task, actor=staff["officer"], council=other)
        assert "Trường Đại học Tây Bắc" in str(exc.value)
        task = task_send_to_selection(task=task, actor=staff["officer"], council=council)
        assert task.stage == Stage.SELECTION
        with pytest.raises(TaskRefused) as exc:  # before the council has published
            task_select(task=task, actor=staff["officer"])
        assert exc.value.code == "no_selection_result"
        data = _to_meeting(sec, ok(sec.get(f"/api/councils/{council.pk}/")), pool)
    with on(date(2024, 5, 20)):
        data = _board(sec, data)
        subject_of = {s["id"]: s for s in data["subjects"]}
        sa = next(k for k, s in subject_of.items() if "Trung tâm" in s["title"])
        sb = next(k for k in subject_of if k != sa)
        points = {
            "tong_quan": 10,
            "noi_dung": 18,
            "san_pham": 12,
            "ung_dung": 10,
            "kha_thi": 10,
            "nang_luc": 10,
        }  # fmt: skip  70, +10 % for the proposer
        for m in data["members"]:
            c = _member_client(data, m["id"])
            for sid, values in ((sa, points), (sb, {**points, "nang_luc": 14})):  # 74
                ok(
                    c.post(
                        f"/api/councils/{council.pk}/ballots/",
                        {"subject": sid, "values": values},
                        format="json",
                    )
                )
        ok(sec.post(f"/api/councils/{council.pk}/tally/", {}, format="json"))
        _confirm_publish(sec, ok(sec.get(f"/api/councils/{council.pk}/")), pool)
        task = task_select(task=task, actor=staff["officer"])
    assert task.stage == Stage.REVISION
    a.refresh_from_db()
    assert a.winner is True  # 77 with the proposer's bonus beats 74
    t = Task.objects.select_related("host", "pi").get(pk=task.pk)
    assert (t.host, t.pi, t.state_budget) == (parties.org, parties.an, 900_000_000)
    assert [x.full_name for x in t.participants.all()] == ["Lò Thị Bình"]
    # 20 days from the result of 20/05/2024: 09/06/2024, a Sunday → 10/06/2024 (Art 11(12))
    revision = _row(task, "revision")
    assert revision.due_date == date(2024, 6, 10) and revision.owner_user == parties.pi_user


def test_no_winner_fails_the_call_and_a_tie_is_refused(staff, published, parties):
    task, a, b = _opened_with(staff, published, parties)
    tie = _fake_result(staff, "selection", selection_subjects(task), meeting_on=date(2024, 5, 20),
                       published_on=date(2024, 5, 20), outcome="tie")  # fmt: skip
    with on(date(2024, 5, 2)):
        task = task_send_to_selection(task=task, actor=staff["officer"], council=tie)
    before = _snapshot(task)
    with on(date(2024, 5, 21)), pytest.raises(TaskRefused) as exc:
        task_select(task=task, actor=staff["officer"])
    assert exc.value.code == "tie" and _snapshot(task) == before
    # the council counts again (a correction supersedes the tally): no application ≥ 70
    Tally.objects.create(council=tie, number=2, supersedes=tie.tallies.get(), data={},
                         outcome="none", outcome_label="none", computed_by=staff["secretary"],
                         reason="Kiểm phiếu lại")  # fmt: skip
    with on(date(2024, 5, 28)):
        task = task_select(task=task, actor=staff["officer"])
    assert task.stage == Stage.CALL_FAILED
    assert Call.objects.get(task=task).failed_on == date(2024, 5, 28)
    assert _row(task, "second_call").due_date == date(2024, 9, 15)
    assert not Application.objects.filter(task=task, winner=True).exists()


def test_direct_assignment_the_designated_host_files_its_single_dossier(staff, published, parties):
    Task.objects.filter(pk=published.pk).update(method=Method.DIRECT)
    task, p = _fresh(published), parties
    before = _snapshot(task)
    with pytest.raises(TaskRefused) as exc:  # Tây Bắc is not the designated organisation
        _apply(task, staff["other_host"], p.tay_bac, p.hoa, date(2024, 3, 1))
    assert exc.value.code == "not_designated"
    with on(date(2024, 3, 1)), pytest.raises(TaskRefused) as exc:
        task_send_to_selection(task=task, actor=staff["officer"], council=None)
    assert exc.value.code == "no_direct_dossier"
    assert _snapshot(task) == before
    app = _apply(task, staff["host"], p.org, p.an, date(2024, 3, 1))
    assert app.call is None and app.task == task
    council = _fake_result(staff, "selection", selection_subjects(task),
                           meeting_on=date(2024, 3, 20), published_on=date(2024, 3, 20),
                           outcome=f"app:{app.pk}")  # fmt: skip
    with on(date(2024, 3, 8)):
        task = task_send_to_selection(task=task, actor=staff["officer"], council=council)
    with on(date(2024, 3, 21)):
        task = task_select(task=task, actor=staff["officer"])
    assert task.stage == Stage.REVISION and _fresh(task).host == p.org
    assert _row(task, "revision").due_date == date(2024, 4, 9)  # 20 days after 20/03/2024


# --- 4. revision, budget appraisal, approval -----------------------------------------------------
@pytest.fixture
def selected(staff, published, parties):
    """The proposer's application won; the selection council's result of 20/05/2024."""
    task, a, _b = _opened_with(staff, published, parties)
    council = _fake_result(staff, "selection", selection_subjects(task),
                           meeting_on=date(2024, 5, 20), published_on=date(2024, 5, 20),
                           outcome=f"app:{a.pk}")  # fmt: skip
    with on(date(2024, 5, 2)):
        task = task_send_to_selection(task=task, actor=staff["officer"], council=council)
    with on(date(2024, 5, 21)):
        return task_select(task=task, actor=staff["officer"])


def _budget_team(staff, task, pool, *, meeting_on=date(2024, 6, 14)):
    """The budget appraisal team (5 members, the task as its subject) meets with 4 of 5
    and publishes its collective conclusion (the councils' own API)."""
    sec = client_for(staff["secretary"])
    with on(date(2024, 6, 7)):
        team = councils.council_create(
            actor=staff["secretary"],
            kind="budget_appraisal",
            title="Tổ thẩm định kinh phí nhiệm vụ Sâm Việt Nam",
            meeting_on=meeting_on,
            subjects=[Task.objects.get(pk=task.pk).subject_spec()],
        )
        for expert, role in zip(pool, ROLES["budget_appraisal"], strict=False):
            ok(sec.post(f"/api/councils/{team.pk}/members/",
                        {"expert": expert.pk, "role": role}, format="json"))  # fmt: skip
        data = ok(sec.get(f"/api/councils/{team.pk}/"))
        assert len(data["members"]) == 5
        data = _to_meeting(sec, data, pool, present=[m["id"] for m in data["members"][:4]])
    with on(meeting_on):
        ok(sec.post(f"/api/councils/{team.pk}/tally/",
                    {"conclusion": "Kiến nghị tổng kinh phí 850.000.000 đồng; khoán chi từng "
                                   "phần; thời gian 18 tháng."}, format="json"))  # fmt: skip
        ok(sec.post(f"/api/councils/{team.pk}/publish/"))
    return team


APPROVAL = {
    "number": "1020/QĐ-UBND",
    "signed_on": date(2024, 7, 12),
    "signer": "Chủ tịch UBND tỉnh",
    "state_budget": 850_000_000,
    "lump_sum": LumpSum.PARTIAL,
    "duration_months": 18,
    "acceptance_prep_months": 3,
}


def test_revision_budget_appraisal_finalising_and_approval_with_their_dates(
    staff, selected, parties, pool
):
    task, p = selected, parties
    before = _snapshot(task)
    with on(date(2024, 6, 5)):
        with pytest.raises(ActionForbidden):  # the losing organisation's user
            task_submit_revision(task=task, actor=staff["other_host"], proposal=pdf())
        with pytest.raises(ActionForbidden):
            task_submit_revision(task=task, actor=staff["officer"], proposal=pdf())
    assert _snapshot(task) == before
    with on(date(2024, 6, 5)):
        task = task_submit_revision(
            task=task, actor=staff["host"], proposal=pdf(), explanation="Đã chỉnh sửa mục 12"
        )
    assert task.stage == Stage.BUDGET_APPRAISAL and _row(task, "revision").state == MET
    assert TaskDocument.objects.get(task=task, kind="revision").uploaded_by == staff["host"]
    # the team meets within 10 days of 05/06/2024: 15/06 is a Saturday → 17/06/2024
    assert _row(task, "budget_meeting").due_date == date(2024, 6, 17)
    with on(date(2024, 6, 10)), pytest.raises(TaskRefused) as exc:
        task_appraise_budget(task=task, actor=staff["officer"])
    assert exc.value.code == "no_budget_conclusion"
    _budget_team(staff, task, pool)
    with on(date(2024, 6, 14)):
        task = task_appraise_budget(task=task, actor=staff["officer"])
    assert task.stage == Stage.FINALISING
    assert _row(task, "budget_meeting").state == MET
    entry = AuditEntry.objects.get(object_id=str(task.pk), action="appraise_budget")
    assert "850.000.000" in entry.data["conclusion"]
    # the host finalises within 15 days of 14/06/2024: 29/06 is a Saturday → 01/07/2024
    finalise = _row(task, "budget_finalise")
    assert finalise.due_date == date(2024, 7, 1) and finalise.owner_user == p.pi_user
    with on(date(2024, 6, 28)):
        task = task_finalise(task=task, actor=staff["host"], dossier=pdf("hoan-thien.pdf"))
    assert task.stage == Stage.AWAITING_APPROVAL and _row(task, "budget_finalise").state == MET
    # the approval within 15 days of 28/06/2024: 13/07 is a Saturday → 15/07/2024
    assert _row(task, "budget_approval").due_date == date(2024, 7, 15)
    before = _snapshot(task)
    args = {**APPROVAL, "host": p.org, "pi": p.an}
    with on(date(2024, 7, 12)):
        with pytest.raises(ActionForbidden):  # the specialist does not record the decision
            task_approve_host(task=task, actor=staff["officer"], **args)
        for bad, words in (
            ({"acceptance_prep_months": 4}, "không quá 03 tháng"),
            ({"acceptance_prep_months": None}, "hoàn thiện hồ sơ"),
            ({"duration_months": 3}, "phải ngắn hơn"),
            ({"host": p.tay_bac}, "trúng tuyển"),
            ({"pi": p.hoa}, "chủ nhiệm trúng tuyển"),
            ({"lump_sum": "all"}, "khoán chi"),
            ({"state_budget": 0}, "lớn hơn 0"),
            ({"signed_on": date(2024, 7, 13)}, "sau hôm nay"),
            ({"number": " "}, "số, ngày ký"),
        ):
            with pytest.raises(TaskRefused) as exc:
                task_approve_host(task=task, actor=staff["head"], **{**args, **bad})
            assert words in str(exc.value), bad
    assert _snapshot(task) == before and not Decision.objects.filter(number="1020/QĐ-UBND")
    with on(date(2024, 7, 12)):
        task = task_approve_host(task=task, actor=staff["director"], **args)
    t = _fresh(task)
    assert t.stage == Stage.HOST_APPROVED and t.host_decision.number == "1020/QĐ-UBND"
    assert t.host_decision.kind == Decision.Kind.HOST_APPROVAL
    assert (t.state_budget, t.lump_sum, t.duration_months, t.acceptance_prep_months) == (
        850_000_000,
        "partial",
        18,
        3,
    )
    assert _row(task, "budget_approval").state == MET
    # the contract follows (task_services), its duration as approved
    with on(date(2024, 7, 20)):
        task = task_sign_contract(
            task=task,
            actor=staff["officer"],
            **{**CONTRACT, "signed_on": date(2024, 7, 20), "effective_on": date(2024, 7, 20),
               "starts_on": date(2024, 8, 1), "ends_on": date(2026, 1, 31),
               "budget": 850_000_000, "instalments": []},
        )  # fmt: skip
    assert task.stage == Stage.IN_PROGRESS and _fresh(task).duration_months == 18


def test_late_steps_are_recorded_as_missed_not_refused(staff, selected, parties):
    task, p = selected, parties
    with on(date(2024, 6, 11)):  # revision due 10/06/2024
        task = task_submit_revision(task=task, actor=staff["host"], proposal=pdf())
    assert _row(task, "revision").state == MISSED
    assert _row(task, "budget_meeting").due_date == date(2024, 6, 21)
    _fake_result(staff, "budget_appraisal", [_fresh(task).subject_spec()],
                 meeting_on=date(2024, 6, 24), published_on=date(2024, 6, 25),
                 data={"form": "none", "conclusion": "Giữ nguyên kinh phí."})  # fmt: skip
    with on(date(2024, 6, 25)):
        task = task_appraise_budget(task=task, actor=staff["officer"])
    assert _row(task, "budget_meeting").state == MISSED  # met on 24/06, due 21/06
    assert _row(task, "budget_finalise").due_date == date(2024, 7, 10)  # 15 days after 25/06
    with on(date(2024, 7, 11)):
        task = task_finalise(task=task, actor=staff["host"], dossier=pdf())
    assert _row(task, "budget_finalise").state == MISSED
    assert _row(task, "budget_approval").due_date == date(2024, 7, 26)
    with on(date(2024, 8, 1)):
        task = task_approve_host(task=task, actor=staff["head"], host=p.org, pi=p.an,
                                 **{**APPROVAL, "signed_on": date(2024, 8, 1),
                                    "submitted_on": date(2024, 7, 29)})  # fmt: skip
    assert _row(task, "budget_approval").state == MISSED  # submitted 29/07, due 26/07


def test_wrong_stage_is_refused_before_anything_is_read(staff, published, parties):
    before = _snapshot(published)
    with on(date(2024, 3, 1)):
        for service, kw in (
            (task_open_applications, {"attendees": ATTENDEES}),
            (task_call_fails, {"reason": "x"}),
            (task_select, {}),
            (task_appraise_budget, {}),
            (task_approve_host, {**APPROVAL, "host": parties.org, "pi": parties.an}),
        ):
            with pytest.raises(TransitionRefused):
                service(task=published, actor=staff["head"], **kw)
        with pytest.raises(TransitionRefused):
            task_submit_revision(task=published, actor=staff["host"], proposal=pdf())
    assert _snapshot(published) == before


# --- who may act ------------------------------------------------------------------------------
NEW_STEPS = [
    "open_call",
    "open_applications",
    "call_fails",
    "send_to_selection",
    "select",
    "submit_revision",
    "appraise_budget",
    "finalise",
    "approve_host",
]
ALLOWED = {
    "division": {"officer", "head", "director"},
    "leader": {"head", "director"},
    "host": {"host"},
}
ACTORS = ["officer", "head", "director", "host", "other_host", "anonymous"]


@pytest.mark.parametrize("step", NEW_STEPS)
def test_who_may_act_on_each_step(staff, org, step):
    task = _proposed(staff, org)
    Task.objects.filter(pk=task.pk).update(host=org, officer=staff["officer"])
    task = _fresh(task)
    who = task_access.STEPS[step]
    for name in ACTORS:
        actor = AnonymousUser() if name == "anonymous" else staff[name]
        if name in ALLOWED[who]:
            task_access.step_authorize(task, step, actor)
        else:
            with pytest.raises(ActionForbidden):
                task_access.step_authorize(task, step, actor)


def test_who_may_apply_any_organisation_for_itself_only(staff, org):
    task = _proposed(staff, org)
    tay_bac = HostOrganisation.objects.get(name="Trường Đại học Tây Bắc")
    task_access.step_authorize(task, "apply", staff["host"], organisation=org)
    task_access.step_authorize(task, "apply", staff["other_host"], organisation=tay_bac)
    for name in ("officer", "head", "director", "other_host", "anonymous"):
        actor = AnonymousUser() if name == "anonymous" else staff[name]
        with pytest.raises(ActionForbidden) as exc:
            task_access.step_authorize(task, "apply", actor, organisation=org)
        assert exc.value.code == "not_member"


def test_every_service_refuses_the_wrong_actor_and_changes_nothing(staff, published, parties):
    before = _snapshot(published)
    p = parties
    calls = [
        (task_open_call, {}),
        (task_open_applications, {"attendees": ATTENDEES}),
        (task_call_fails, {"reason": "x"}),
        (task_send_to_selection, {"council": None}),
        (task_select, {}),
        (task_submit_revision, {"proposal": pdf()}),
        (task_appraise_budget, {}),
        (task_finalise, {"dossier": pdf()}),
        (task_approve_host, {**APPROVAL, "host": p.org, "pi": p.an}),
    ]
    with on(date(2024, 3, 1)):
        for service, kw in calls:
            for actor in (staff["other_host"], AnonymousUser()):
                with pytest.raises(ActionForbidden):
                    service(task=published, actor=actor, **kw)
        with pytest.raises(ActionForbidden):
            task_apply(task=published, actor=AnonymousUser(), host=p.org, pi=p.an,
                       state_budget=1, proposal=pdf())  # fmt: skip
    assert _snapshot(published) == before
