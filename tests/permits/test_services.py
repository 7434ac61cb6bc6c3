"""The legal rules of the radiation procedures, on the services, with moved time.

Dates are the worked examples of DOMAIN.md §0–§2 (Tết 2024 is 08–14/02).
"""

from datetime import date

import pytest

from permits import services
from permits.models import ApologySlip, DossierKind, Permit, Status
from tests.permits.conftest import drive, file_dossier, on, pdf
from workflows.errors import ActionForbidden, DomainError, TransitionRefused
from workflows.ledger import deadlines_for_case
from workflows.models import Deadline, LegalClock
from workflows.roles import Role

pytestmark = pytest.mark.django_db


def test_full_path_with_moved_time(staff, applicant):
    with on(date(2024, 2, 5)):
        dossier = file_dossier(applicant)
        assert dossier.fee_total == 2_000_000 + 8_000_000
        dossier = services.dossier_submit(dossier=dossier, actor=applicant)
    assert dossier.status == Status.SUBMITTED
    # received 05/02/2024: the 5-working-day check is due 19/02/2024
    assert dossier.check_clock.due_date == date(2024, 2, 19)

    with on(date(2024, 2, 6)):
        dossier = services.dossier_accept(dossier=dossier, actor=staff[Role.ONE_STOP_OFFICER])
    assert dossier.status == Status.AWAITING_FEE
    assert dossier.check_clock.deadline.state == Deadline.State.MET
    # the result clock waits for the fee
    assert dossier.result_clock.state == LegalClock.State.PAUSED

    with on(date(2024, 2, 16)):
        dossier = services.dossier_record_fee(
            dossier=dossier, actor=staff[Role.ACCOUNTANT], receipt_no="BL-15"
        )
    # 25 calendar days from the fee (16/02/2024) → 12/03/2024
    assert dossier.result_clock.due_date == date(2024, 3, 12)
    assert dossier.status == Status.APPRAISAL

    with on(date(2024, 2, 26)):
        dossier = services.dossier_record_appraisal(
            dossier=dossier,
            actor=staff[Role.SPECIALIST],
            conclusion="pass",
            findings="Đạt yêu cầu.",
        )
    with on(date(2024, 2, 27)):
        dossier = services.dossier_review(
            dossier=dossier, actor=staff[Role.HEAD_OF_DIVISION], approve=True
        )
    with on(date(2024, 2, 28)):
        permit = services.dossier_sign(dossier=dossier, actor=staff[Role.DIRECTOR])
    dossier.refresh_from_db()
    assert dossier.status == Status.ISSUED
    assert permit.valid_from == date(2024, 2, 28)
    assert permit.valid_until == date(2027, 2, 28)
    assert permit.number == "001/2024/GP-SKHCN"
    assert dossier.result_clock.deadline.state == Deadline.State.MET
    rows = deadlines_for_case(dossier)
    assert not rows.filter(state=Deadline.State.OPEN).exists()
    assert deadlines_for_case(permit).get(kind="permit_expiry").due_date == date(2027, 2, 28)


def test_supplement_loop_pauses_the_clock(staff, applicant):
    with on(date(2024, 2, 5)):
        dossier = services.dossier_submit(dossier=file_dossier(applicant), actor=applicant)
    with on(date(2024, 2, 6)):
        request = services.dossier_request_supplement(
            dossier=dossier,
            actor=staff[Role.ONE_STOP_OFFICER],
            items=["kiem-xa", "ung-pho-su-co"],
            reasons="Biên bản kiểm xạ thiếu chữ ký; kế hoạch ứng phó chưa được phê duyệt.",
        )
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT
    assert dossier.check_clock.state == LegalClock.State.PAUSED
    assert request.back_to == Status.SUBMITTED
    with on(date(2024, 2, 20)):
        with pytest.raises(DomainError, match="còn thiếu"):
            services.dossier_answer_supplement(
                dossier=dossier, actor=applicant, files={"kiem-xa": pdf()}
            )
        with pytest.raises(DomainError, match="không thuộc yêu cầu bổ sung"):
            services.dossier_answer_supplement(
                dossier=dossier,
                actor=applicant,
                files={"kiem-xa": pdf(), "ung-pho-su-co": pdf(), "anh": pdf()},
            )
        dossier = services.dossier_answer_supplement(
            dossier=dossier,
            actor=applicant,
            files={"kiem-xa": pdf(), "ung-pho-su-co": pdf()},
        )
    assert dossier.status == Status.SUBMITTED
    # paused from 06/02 to 20/02: 5 working days → 19/02 + 5 working days = 26/02
    assert dossier.check_clock.paused_units == 5
    assert dossier.check_clock.due_date == date(2024, 2, 26)
    assert dossier.documents.filter(supplement=request, is_current=True).count() == 2


def test_refusal_at_signing(staff, applicant):
    with on(date(2024, 3, 1)):
        dossier = drive(file_dossier(applicant), staff, Status.SIGNING, conclusion="fail")
        with pytest.raises(DomainError, match="không đạt"):
            services.dossier_sign(dossier=dossier, actor=staff[Role.DIRECTOR])
        dossier = services.dossier_refuse(
            dossier=dossier, actor=staff[Role.DIRECTOR], reasons="Phòng đặt máy không đạt."
        )
    assert dossier.status == Status.REFUSED
    assert not Permit.objects.exists()
    assert dossier.result_clock.state == LegalClock.State.STOPPED


def test_refused_transition_changes_nothing(staff, applicant):
    with on(date(2024, 3, 1)):
        dossier = drive(file_dossier(applicant), staff, Status.SUBMITTED)
        with pytest.raises(ActionForbidden):
            services.dossier_accept(dossier=dossier, actor=staff[Role.SPECIALIST])
        with pytest.raises(TransitionRefused):
            services.dossier_record_fee(
                dossier=dossier, actor=staff[Role.ACCOUNTANT], receipt_no="X"
            )
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert dossier.result_clock is None


def test_late_case_gets_its_apology_slip(staff, applicant):
    with on(date(2024, 2, 16)):
        dossier = drive(file_dossier(applicant), staff, Status.APPRAISAL)
    due = dossier.result_clock.due_date
    assert due == date(2024, 3, 12)
    # two working days before (08/03) the system drafts the slip
    with on(date(2024, 3, 7)):
        assert services.apologies_draft_due() == 0
    with on(date(2024, 3, 8)):
        assert services.apologies_draft_due() == 1
        assert services.apologies_draft_due() == 0  # once
    slip = ApologySlip.objects.get(dossier=dossier)
    assert slip.old_date == due
    assert slip.issue_by == date(2024, 3, 11)  # 1 working day before the due date
    assert slip.new_date == date(2024, 3, 19)  # + 5 working days (catalogue default)
    row = deadlines_for_case(dossier).get(kind="apology")
    assert row.due_date == date(2024, 3, 11)
    with on(date(2024, 3, 11)):
        with pytest.raises(ActionForbidden):
            services.apology_issue(apology=slip, actor=staff[Role.SPECIALIST])
        slip = services.apology_issue(apology=slip, actor=staff[Role.DIRECTOR])
    dossier.refresh_from_db()
    assert slip.state == ApologySlip.State.ISSUED
    assert dossier.result_clock.due_date == date(2024, 3, 19)
    row.refresh_from_db()
    assert row.state == Deadline.State.MET
    event = dossier.result_clock.events.get(kind="extend")
    assert "Phiếu xin lỗi" in event.cause


def test_certificate_health_certificate_older_than_six_months(staff, applicant):
    with on(date(2024, 2, 5)):
        dossier = file_dossier(applicant, kind=DossierKind.CERTIFICATE, upload=False)
        with pytest.raises(DomainError, match="quá 6 tháng"):
            services.document_upload(
                dossier=dossier,
                item="giay-kham-suc-khoe",
                upload=pdf(),
                actor=applicant,
                issued_on=date(2023, 8, 4),
            )
        services.document_upload(
            dossier=dossier,
            item="giay-kham-suc-khoe",
            upload=pdf(),
            actor=applicant,
            issued_on=date(2023, 8, 5),
        )


def test_certificate_takes_ten_working_days_and_never_expires(staff, applicant):
    with on(date(2024, 2, 5)):
        dossier = drive(
            file_dossier(applicant, kind=DossierKind.CERTIFICATE), staff, Status.APPRAISAL
        )
    assert dossier.fee_total == 200_000
    # fee 05/02/2024 + 10 working days (Tết 08–14/02 is off) = 26/02/2024
    assert dossier.result_clock.due_date == date(2024, 2, 26)
    with on(date(2024, 2, 6)):
        dossier = drive(dossier, staff, Status.ISSUED)
    cert = Permit.objects.get(dossier=dossier)
    assert cert.kind == Permit.Kind.CERTIFICATE and cert.valid_until is None
    assert cert.number == "001/2024/CC-SKHCN"


def test_permit_with_certificate_opens_the_linked_case(staff, applicant):
    with on(date(2024, 2, 5)):
        dossier = file_dossier(
            applicant,
            with_certificate=services.WorkerInput("Lò Văn Bình", date(1990, 4, 12), "014090001234"),
        )
        child = dossier.linked_certificates.get()
        assert child.kind == DossierKind.CERTIFICATE
        services.dossier_submit(dossier=dossier, actor=applicant)
    child.refresh_from_db()
    assert child.status == Status.SUBMITTED
    assert child.check_clock.due_date == date(2024, 2, 19)


def test_renewal_window_and_term(staff, applicant):
    with on(date(2024, 2, 28)):
        permit = services.dossier_sign(
            dossier=drive(file_dossier(applicant), staff, Status.SIGNING),
            actor=staff[Role.DIRECTOR],
        )
    assert permit.valid_until == date(2027, 2, 28)
    # 45 days before 28/02/2027 is 14/01/2027: filing on 15/01/2027 is too late
    with on(date(2027, 1, 15)), pytest.raises(DomainError, match="cấp giấy phép mới"):
        file_dossier(applicant, kind=DossierKind.PERMIT_RENEWAL, previous_permit=permit)
    with on(date(2027, 1, 14)):
        renewal = file_dossier(applicant, kind=DossierKind.PERMIT_RENEWAL, previous_permit=permit)
        renewal = drive(renewal, staff, Status.SIGNING)
        new = services.dossier_sign(dossier=renewal, actor=staff[Role.DIRECTOR])
    # the renewed term runs from the old expiry date
    assert new.valid_from == date(2027, 2, 28)
    assert new.valid_until == date(2030, 2, 28)
    permit.refresh_from_db()
    assert permit.state == Permit.State.SUPERSEDED
    assert deadlines_for_case(permit).get(kind="permit_expiry").state == Deadline.State.MET
