"""The registration of an S&T task's results as a one-stop procedure: its catalogue, the
whole path receipt → supplement → valid → certificate through the desk's services, the
appointment date on real dates (5 working days after a valid dossier [GK]), the apology
slip when late, the refusal, the documents (Mẫu 01–04 and the certificate, text read
back from the PDF), and the link to the task it registers."""

from __future__ import annotations

from datetime import date

import pytest

from permits import documents, flows, services
from permits.models import ApologySlip, Dossier, Status
from tasks_lifecycle import task_rules
from tasks_lifecycle.models import Stage
from tasks_lifecycle.registration.kind import KIND, PROCEDURE_CODE, registration_of
from tasks_lifecycle.registration.models import ResultRegistration
from tests.permits.test_documents import assert_contains, render
from tests.task_registration.conftest import (
    DETAILS,
    REQUIRED_ITEMS,
    drive,
    file_registration,
    make_task,
    on,
    pdf,
)
from workflows.errors import ActionForbidden, DomainError
from workflows.ledger import deadlines_for_case
from workflows.models import Deadline, LegalClock
from workflows.onestop import kinds
from workflows.roles import Role
from workflows.selectors import procedure_version_for

pytestmark = pytest.mark.django_db


def _accept_on(applicant, staff, filed: date, accepted: date) -> Dossier:
    with on(filed):
        dossier = services.dossier_submit(dossier=file_registration(applicant), actor=applicant)
    with on(accepted):
        return services.dossier_accept(dossier=dossier, actor=staff[Role.ONE_STOP_OFFICER])


# --- the catalogue --------------------------------------------------------------------
def test_the_kind_and_its_catalogue_are_data():
    spec = kinds.require(KIND)
    assert (spec.code_prefix, spec.fee, spec.appraisal_division) == ("DKKQ", False, "qlkh")
    version = procedure_version_for(PROCEDURE_CODE, date(2024, 1, 15))
    result = version.rule("result")
    limit = task_rules.LIMITS["registration"]
    assert (result.amount, result.unit, result.legal_basis) == (
        limit.amount,
        limit.unit,
        limit.legal_basis,
    )
    assert (result.amount, result.unit) == (5, "working") and "[GK]" in result.legal_basis
    assert "11/2014/NĐ-CP" in version.legal_basis and "14/2014/TT-BKHCN" in version.legal_basis
    codes = [d["code"] for d in version.documents if d["required"]]
    assert codes == REQUIRED_ITEMS
    names = " ".join(d["name"] for d in version.documents)
    assert "Phiếu đăng ký kết quả" in names and "Báo cáo tổng hợp kết quả" in names
    assert "quyết định công nhận kết quả" in names
    assert (version.rule("check").amount, version.fees.get("flat", 0)) == (2, 0)
    # the envelope's ladder: the check, steps, result, apology and supplement rows
    assert {s.deadline_kind for s in version.ladder.all()} == {
        "check",
        "step",
        "result",
        "apology",
        "supplement",
    }


# --- the appointment date: 5 working days after the valid dossier [GK] -----------------
@pytest.mark.parametrize(
    ("filed", "accepted", "appointment"),
    [
        (date(2024, 1, 12), date(2024, 1, 15), date(2024, 1, 22)),  # a Monday: next Monday
        (date(2024, 1, 18), date(2024, 1, 19), date(2024, 1, 26)),  # a Friday: next Friday
        # Tết 2024 (08–14/02) is not counted: 06, 07, 15, 16, 19/02
        (date(2024, 2, 2), date(2024, 2, 5), date(2024, 2, 19)),
        # 29/04 (substitute day), 30/04 and 01/05 off; Saturday 04/05 is a make-up day
        (date(2024, 4, 25), date(2024, 4, 26), date(2024, 5, 7)),
    ],
)
def test_appointment_date_is_five_working_days_after_the_valid_dossier(
    staff, applicant, filed, accepted, appointment
):
    dossier = _accept_on(applicant, staff, filed, accepted)
    # no fee: straight to the appraisal, the clock running from the valid dossier
    assert dossier.status == Status.APPRAISAL and dossier.fee_total == 0
    clock = LegalClock.objects.get(pk=dossier.result_clock_id)
    assert clock.state == LegalClock.State.RUNNING and clock.due_date == appointment
    assert dossier.appointment_date == appointment
    receipt = render(dossier, "tiep-nhan")
    assert_contains(
        receipt,
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ",
        "5 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ",
        f"5. Ngày hẹn trả kết quả: {appointment:%d/%m/%Y}",
        "Báo cáo tóm tắt kết quả thực hiện nhiệm vụ",
    )
    assert "phí thẩm định" not in receipt.lower()


# --- the whole path --------------------------------------------------------------------
def test_receipt_supplement_valid_certificate(staff, applicant, django_capture_on_commit_callbacks):
    officer, specialist = staff[Role.ONE_STOP_OFFICER], staff[Role.SPECIALIST]
    head, director = staff[Role.HEAD_OF_DIVISION], staff[Role.DIRECTOR]
    with on(date(2024, 2, 26)):
        dossier = file_registration(applicant)
        assert dossier.code == "DKKQ-240226-0001"
        dossier = services.dossier_submit(dossier=dossier, actor=applicant)
        # the check: 2 working days, owned by the one-stop desk
        check = LegalClock.objects.get(pk=dossier.check_clock_id)
        assert check.due_date == date(2024, 2, 28)
        process = flows.process_for(dossier)
        assert process.flow_class is flows.OneStopFlow
        assert process.data["kind"] == KIND
    with on(date(2024, 2, 27)):
        request = services.dossier_request_supplement(
            dossier=dossier,
            actor=officer,
            items=["bao-cao-tom-tat"],
            reasons="Báo cáo tóm tắt chưa có chữ ký của chủ nhiệm nhiệm vụ.",
        )
        dossier = Dossier.objects.get(pk=dossier.pk)
        assert dossier.status == Status.SUPPLEMENT
        assert LegalClock.objects.get(pk=dossier.check_clock_id).state == "paused"
        supplement_text = render(dossier, f"bo-sung-{request.number}")
        assert_contains(
            supplement_text,
            "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            "Báo cáo tóm tắt kết quả thực hiện nhiệm vụ",
            "chưa có chữ ký của chủ nhiệm",
        )
    with on(date(2024, 3, 1)):
        dossier = services.dossier_answer_supplement(
            dossier=dossier, actor=applicant, files={"bao-cao-tom-tat": pdf("tom-tat.pdf")}
        )
        assert dossier.status == Status.SUBMITTED
    with on(date(2024, 3, 4)):
        dossier = services.dossier_accept(dossier=dossier, actor=officer)
        assert dossier.status == Status.APPRAISAL
        assert dossier.appointment_date == date(2024, 3, 11)
        # the division's queue: the appraisal's step and result rows are qlkh's
        rows = {r.kind: r for r in deadlines_for_case(dossier).filter(state=Deadline.State.OPEN)}
        assert rows["result"].owner_division.code == "qlkh"
        assert rows["step"].owner_division.code == "qlkh"
        services.dossier_assign(dossier=dossier, actor=head, specialist=specialist)
    with on(date(2024, 3, 6)):
        dossier = services.dossier_record_appraisal(
            dossier=dossier, actor=specialist, conclusion="pass", findings="Hồ sơ đầy đủ."
        )
    with on(date(2024, 3, 7)):
        dossier = services.dossier_review(dossier=dossier, actor=head, approve=True)
    with on(date(2024, 3, 8)), django_capture_on_commit_callbacks(execute=True):
        certificate = services.dossier_sign(dossier=dossier, actor=director)
    assert isinstance(certificate, ResultRegistration)
    assert certificate.number == "01/2024/GCN-SKHCN" and certificate.issued_on == date(2024, 3, 8)
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == Status.ISSUED and dossier.decided_on == date(2024, 3, 8)
    assert not deadlines_for_case(dossier).filter(state=Deadline.State.OPEN).exists()
    result = deadlines_for_case(dossier).get(kind="result")
    assert result.state == Deadline.State.MET and result.due_date == date(2024, 3, 11)
    assert flows.process_for(dossier).status == "DONE"
    # the applicant is told, with the certificate's number
    from notifications.models import Notification

    issued = Notification.objects.filter(
        idempotency_key__contains=f"permits:{dossier.pk}:issued"
    ).first()
    assert issued is not None and "01/2024/GCN-SKHCN" in issued.subject

    text = render(dossier, "giay-chung-nhan")
    assert_contains(
        text,
        "ỦY BAN NHÂN DÂN TỈNH SƠN LA",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 01/2024/GCN-SKHCN",
        "GIẤY CHỨNG NHẬN",
        "ĐĂNG KÝ KẾT QUẢ THỰC HIỆN NHIỆM VỤ KHOA HỌC VÀ CÔNG NGHỆ",
        "Nghị định số 11/2014/NĐ-CP",
        "Thông tư số 14/2014/TT-BKHCN",
        DETAILS["task_title"],
        "Chủ nhiệm nhiệm vụ: TS. Lò Văn Hưng",
        "Tổ chức chủ trì: Trường Đại học Tây Bắc",
        "1.250.000.000 đồng",
        "Quyết định số 2415/QĐ-UBND ngày 20/12/2023",
        "Sơn La, ngày 08 tháng 3 năm 2024",
    )
    # and the receipt is there for the registration, with the new appointment
    assert_contains(render(dossier, "tiep-nhan"), "5. Ngày hẹn trả kết quả: 11/03/2024")
    with pytest.raises(documents.DocumentUnavailable):
        documents.generated_document(dossier, "giay-phep")  # the radiation result's name


def test_certificate_numbers_run_per_year(staff, applicant, other_applicant):
    with on(date(2024, 12, 27)):
        first = drive(file_registration(applicant), staff, Status.ISSUED)
    with on(date(2025, 1, 6)):
        second = drive(
            file_registration(applicant, details={**DETAILS, "task_title": "Nhiệm vụ khác"}),
            staff,
            Status.ISSUED,
        )
    assert registration_of(first).number == "01/2024/GCN-SKHCN"
    assert registration_of(second).number == "01/2025/GCN-SKHCN"


def test_supplement_during_appraisal_moves_the_appointment(staff, applicant):
    dossier = _accept_on(applicant, staff, date(2024, 1, 12), date(2024, 1, 15))
    assert dossier.appointment_date == date(2024, 1, 22)
    with on(date(2024, 1, 16)):  # one working day used
        services.dossier_request_supplement(
            dossier=dossier,
            actor=staff[Role.SPECIALIST],
            items=["bao-cao-tong-hop"],
            reasons="Báo cáo tổng hợp chưa cập nhật theo kết luận của Hội đồng.",
        )
    with on(date(2024, 1, 19)):  # paused 16/01 → 19/01: three working days
        dossier = services.dossier_answer_supplement(
            dossier=Dossier.objects.get(pk=dossier.pk),
            actor=applicant,
            files={"bao-cao-tong-hop": pdf("tong-hop.pdf")},
        )
    assert dossier.status == Status.APPRAISAL
    assert dossier.appointment_date == date(2024, 1, 25)


# --- late: the apology slip (Mẫu 04) ---------------------------------------------------
def test_apology_slip_when_late(staff, applicant, django_capture_on_commit_callbacks):
    dossier = _accept_on(applicant, staff, date(2024, 3, 11), date(2024, 3, 12))
    assert dossier.appointment_date == date(2024, 3, 19)
    with on(date(2024, 3, 14), 7):  # three working days before: not yet
        assert services.apologies_draft_due() == 0
    with on(date(2024, 3, 15), 7):  # two working days before: the beat drafts it
        assert services.apologies_draft_due() == 1
    slip = ApologySlip.objects.get(dossier=dossier)
    # the issue-by date (1 working day before) and the new date (3 working days later)
    assert (slip.old_date, slip.issue_by, slip.new_date) == (
        date(2024, 3, 19),
        date(2024, 3, 18),
        date(2024, 3, 22),
    )
    apology_row = deadlines_for_case(dossier).get(kind="apology")
    assert apology_row.owner_division.code == "qlkh"
    draft = render(dossier, f"xin-loi-{slip.pk}", preview=True)
    assert "DỰ THẢO" in draft
    with pytest.raises(ActionForbidden):  # the radiation division's head is not its head
        services.apology_issue(apology=slip, actor=staff["head_elsewhere"])
    with on(date(2024, 3, 15)), django_capture_on_commit_callbacks(execute=True):
        slip = services.apology_issue(apology=slip, actor=staff[Role.HEAD_OF_DIVISION])
    assert slip.state == ApologySlip.State.ISSUED
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.appointment_date == date(2024, 3, 22)
    text = render(dossier, f"xin-loi-{slip.pk}")
    assert_contains(
        text,
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ",
        "ngày 19/03/2024",
        "vào ngày 22/03/2024",
    )
    with on(date(2024, 3, 22)):
        dossier = drive(dossier, staff, Status.ISSUED)
    assert not ApologySlip.objects.filter(dossier=dossier, state=ApologySlip.State.DRAFT)
    result = deadlines_for_case(dossier).get(kind="result")
    assert result.due_date == date(2024, 3, 22) and result.state == Deadline.State.MET


# --- refusals (Mẫu 03) -----------------------------------------------------------------
def test_not_accepted_and_refused(staff, applicant, other_applicant):
    with on(date(2024, 2, 26)):
        dossier = services.dossier_submit(dossier=file_registration(applicant), actor=applicant)
        dossier = services.dossier_reject(
            dossier=dossier,
            actor=staff[Role.ONE_STOP_OFFICER],
            reasons="Nhiệm vụ chưa có quyết định công nhận kết quả.",
        )
    assert dossier.status == Status.NOT_ACCEPTED
    assert_contains(
        render(dossier, "tu-choi"),
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "Nhiệm vụ chưa có quyết định công nhận kết quả.",
    )
    with on(date(2024, 3, 4)):
        dossier = file_registration(applicant, details={**DETAILS, "task_title": "Khác"})
        dossier = drive(dossier, staff, Status.SIGNING)
        dossier = services.dossier_refuse(
            dossier=dossier,
            actor=staff[Role.DIRECTOR],
            reasons="Kết quả kê khai không khớp với biên bản nghiệm thu.",
        )
    assert dossier.status == Status.REFUSED
    assert_contains(
        render(dossier, "tu-choi"),
        "Về việc từ chối cấp giấy chứng nhận đăng ký kết quả thực hiện nhiệm vụ KH&CN",
        "không khớp với biên bản nghiệm thu",
    )


def test_a_failed_appraisal_cannot_be_signed(staff, applicant):
    dossier = _accept_on(applicant, staff, date(2024, 1, 12), date(2024, 1, 15))
    with on(date(2024, 1, 16)):
        dossier = services.dossier_record_appraisal(
            dossier=dossier, actor=staff[Role.SPECIALIST], conclusion="fail", findings="Thiếu."
        )
        dossier = services.dossier_review(
            dossier=dossier, actor=staff[Role.HEAD_OF_DIVISION], approve=True
        )
        with pytest.raises(DomainError, match="không đạt"):
            services.dossier_sign(dossier=dossier, actor=staff[Role.DIRECTOR])
    assert registration_of(Dossier.objects.get(pk=dossier.pk)).number is None


# --- what the host declares, and the task it registers ----------------------------------
def test_declarations_are_checked_by_the_kinds_form(applicant):
    with on(date(2024, 2, 26)):
        with pytest.raises(DomainError, match="Tên nhiệm vụ"):
            file_registration(applicant, details={**DETAILS, "task_title": ""}, upload=False)
        with pytest.raises(DomainError, match="Ngày kết thúc"):
            file_registration(
                applicant, details={**DETAILS, "ended_on": date(2020, 1, 1)}, upload=False
            )
        with pytest.raises(DomainError, match="thiết bị"):
            file_registration(
                applicant,
                upload=False,
                devices=[services.DeviceInput("dental", "X", "1")],
            )
    assert not Dossier.objects.exists() and not ResultRegistration.objects.exists()


def test_a_recognised_task_of_the_host_fills_what_is_left_blank(applicant, task):
    with on(date(2024, 2, 26)):
        dossier = file_registration(applicant, details={"task": task.code}, upload=False)
    reg = registration_of(dossier)
    assert reg.task == task
    assert (reg.task_title, reg.task_code, reg.pi_name) == (task.title, task.code, "Lò Văn Hưng")
    assert (reg.accepted_on, reg.acceptance_class) == (date(2023, 11, 23), "xuat_sac")
    assert reg.state_budget == task.state_budget
    assert list(task.result_registrations.all()) == [reg]


def test_the_task_link_is_refused_when_it_does_not_fit(applicant, other_applicant, host, task):
    with on(date(2024, 2, 26)):
        in_progress = make_task(host, code="NV-2023-01", stage=Stage.IN_PROGRESS)
        with pytest.raises(DomainError, match="đã được công nhận"):
            file_registration(applicant, details={"task": in_progress.code}, upload=False)
        # another organisation's account cannot register the task
        with pytest.raises(DomainError, match="đã được công nhận"):
            file_registration(other_applicant, details={"task": task.code}, upload=False)
        # once: a second dossier for the same task is refused while the first is open
        first = file_registration(applicant, details={"task": task.code}, upload=False)
        with pytest.raises(DomainError, match=first.code):
            file_registration(applicant, details={"task": task.code}, upload=False)
    assert ResultRegistration.objects.filter(task=task).count() == 1


def test_the_host_check_is_also_made_at_the_counter(staff, other_applicant, task):
    """At the counter the form offers every recognised task; the filing checks the
    named account belongs to the task's host."""
    from tasks_lifecycle.registration.kind import _check_task

    class _Probe:
        applicant_id = other_applicant.pk
        pk = 0

    with pytest.raises(ActionForbidden, match="không thuộc tổ chức chủ trì"):
        _check_task(task, _Probe())
