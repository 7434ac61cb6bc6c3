"""Each procedure's figure builder of the quarterly report, on small data built here:
what it counts, what it leaves out (outside the quarter, drafts, paid before it), and
the records behind each figure. The Q1/2024 sentences from the whole demo are checked in
tests/tasks_lifecycle/test_demo.py (on its one seeded database)."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType

from penalties import services as penalty_services
from penalties.models import Inspection as PenaltyInspection
from penalties.report import penalty_report_figures
from permits.models import PROCEDURE_CODES, Dossier, DossierKind
from permits.report import radiation_figures
from tasks_lifecycle.models import (
    AcceptanceDossier,
    Attendance,
    Contract,
    Council,
    CouncilKind,
    CouncilSubject,
    Decision,
    Inspection,
    Programme,
    Task,
)
from tasks_lifecycle.registration.kind import KIND as REGISTRATION
from tasks_lifecycle.registration.models import ResultRegistration
from tasks_lifecycle.registration.report import registration_figures
from tasks_lifecycle.report import task_report_figures
from tests.conftest import make_user
from tests.penalties.conftest import decided, on
from workflows.models import ProcedureVersion

pytestmark = pytest.mark.django_db
Q1 = {"start": date(2024, 1, 1), "end": date(2024, 3, 31)}


def _only(figures, section):
    found = [f for f in figures if f.section == section]
    assert len(found) == 1, [f.text for f in figures]
    return found[0]


# --- the radiation desk ------------------------------------------------------------------
def _dossier(n: int, kind: str, submitted_on, applicant, name="Phòng khám Hoàng Long"):
    code = PROCEDURE_CODES.get(kind, "khcn-dang-ky-ket-qua")
    version = ProcedureVersion.objects.filter(procedure__code=code).first()
    return Dossier.objects.create(
        code=f"HS-{n:04d}",
        lookup_key="ABC123",
        kind=kind,
        procedure_version=version,
        applicant=applicant,
        organisation_name=f"{name} {n}",
        organisation_address="Sơn La",
        business_registration_no="5500",
        contact_phone="0212",
        submitted_on=submitted_on,
    )


def test_radiation_counts_the_dossiers_received_in_the_quarter():
    applicant = make_user("nguoinop", "applicant")
    for n, day in enumerate([date(2024, 1, 8), date(2024, 2, 19), date(2024, 3, 31)]):
        _dossier(n, DossierKind.PERMIT_NEW, day, applicant)
    _dossier(10, DossierKind.PERMIT_RENEWAL, date(2024, 3, 1), applicant)
    _dossier(11, DossierKind.CERTIFICATE, date(2024, 1, 8), applicant)
    _dossier(12, DossierKind.PERMIT_NEW, date(2023, 12, 31), applicant)  # before
    _dossier(13, DossierKind.PERMIT_NEW, date(2024, 4, 1), applicant)  # after
    _dossier(14, DossierKind.PERMIT_NEW, None, applicant)  # a draft: never received
    figure = _only(radiation_figures(**Q1), "radiation")
    assert figure.text == (
        "Tiếp nhận và xử lý 04 hồ sơ đề nghị cấp giấy phép tiến hành công việc bức xạ; "
        "01 hồ sơ cấp chứng chỉ nhân viên bức xạ."
    )
    assert [r.url for r in figure.records][-1] == "/can-bo/ho-so/HS-0011/"
    assert len(figure.records) == 5
    assert radiation_figures(start=date(2025, 1, 1), end=date(2025, 3, 31)) == []


def test_registration_counts_its_own_dossiers_only():
    applicant = make_user("tochuc", "applicant")
    ct = ContentType.objects.get_for_model(Dossier)
    for n, day in enumerate([date(2024, 1, 15), date(2024, 2, 26), date(2024, 4, 2)]):
        d = _dossier(n, REGISTRATION, day, applicant, name="Viện Dược liệu")
        ResultRegistration.objects.create(
            content_type=ct,
            object_id=str(d.pk),
            task_title=f"Nhiệm vụ {n}",
            pi_name="Nguyễn Văn A",
            accepted_on=date(2023, 12, 1),
            acceptance_class="dat",
        )
    _dossier(9, DossierKind.PERMIT_NEW, date(2024, 1, 15), applicant)  # another kind
    figure = _only(registration_figures(**Q1), "registration")
    assert figure.text == "Tiếp nhận 02 hồ sơ đăng ký cấp giấy chứng nhận nhiệm vụ KH&CN."
    assert [r.label.split(" – ")[1].split(" (")[0] for r in figure.records] == [
        "Nhiệm vụ 0",
        "Nhiệm vụ 1",
    ]
    assert all(r.url.startswith("/can-bo/ho-so/") for r in figure.records)


# --- the S&T tasks and councils ----------------------------------------------------------
def _task(code: str, title: str, programme=Programme.PROVINCIAL, **kw) -> Task:
    return Task.objects.create(
        code=code, title=title, programme=programme, year=2024, proposed_on=date(2023, 10, 1), **kw
    )


def _council(n, kind, title, meeting_on, secretary, subjects=(), quorate=True) -> Council:
    council = Council.objects.create(
        kind=CouncilKind.objects.get(code=kind),
        code=f"HD-{n}",
        title=title,
        meeting_on=meeting_on,
        secretary=secretary,
    )
    ct = ContentType.objects.get_for_model(Task)
    for i, task in enumerate(subjects):
        CouncilSubject.objects.create(
            council=council, position=i, title=task.title, target_type=ct, target_id=str(task.pk)
        )
    Attendance.objects.create(council=council, quorum_met=quorate, recorded_by=secretary)
    return council


def test_tasks_decisions_projects_councils_and_next_inspections():
    secretary = make_user("thuky", "council_secretary")
    d250 = Decision.objects.create(
        kind=Decision.Kind.ORDERED_LIST,
        number="250/QĐ-UBND",
        signed_on=date(2024, 2, 6),
        signer="UBND tỉnh",
        title="Phê duyệt danh mục nhiệm vụ KH&CN cấp tỉnh đặt hàng năm 2024",
    )
    Decision.objects.create(  # the year before: not in the quarter
        kind=Decision.Kind.ORDERED_LIST, number="900/QĐ-UBND", signed_on=date(2023, 12, 1),
        signer="UBND tỉnh",
    )  # fmt: skip
    sam = _task("NV-1", "Sâm Việt Nam", ordering_decision=d250)
    gao = _task("NV-2", "Gạo Phù Yên", Programme.BRAND, concluded_on=date(2024, 3, 7))
    chu = _task("NV-3", "Rượu Hang Chú", Programme.BRAND)
    old = _task("NV-4", "Dứa (xong 2023)", Programme.BRAND, concluded_on=date(2023, 11, 1))
    ip = _task("NV-5", "Mắc ca Sơn La", Programme.IP)
    for t in (gao, chu, old, ip):
        Contract.objects.create(
            task=t, number=f"HĐ-{t.code}", signed_on=date(2022, 3, 1),
            effective_on=date(2022, 3, 1), starts_on=date(2022, 3, 1),
            original_ends_on=date(2023, 12, 31), ends_on=date(2023, 12, 31), budget=1,
        )  # fmt: skip
    _council(1, "acceptance", "HĐ nghiệm thu Gạo", date(2024, 3, 5), secretary, [gao])
    _council(2, "acceptance", "HĐ nghiệm thu Hang Chú", date(2024, 3, 12), secretary, [chu])
    _council(3, "acceptance", "HĐ chưa đủ điều kiện", date(2024, 3, 20), secretary, [ip], False)
    _council(4, "identification", "HĐ xác định 2024", date(2024, 1, 23), secretary, [sam])
    _council(5, "acceptance", "HĐ quý sau", date(2024, 4, 9), secretary, [ip])
    for n, task in enumerate((sam, ip, chu)):
        Inspection.objects.create(task=task, number=1, due_on=date(2024, 4 + n, 10))
    Inspection.objects.create(task=ip, number=2, due_on=date(2024, 9, 10))  # H2
    for task, notice_on in ((chu, date(2024, 2, 1)), (ip, date(2024, 3, 25)), (sam, None)):
        AcceptanceDossier.objects.create(
            task=task, submitted_on=date(2024, 1, 29), self_evaluation="Đạt",
            validity="valid" if notice_on else "pending", notice_on=notice_on,
        )  # fmt: skip

    figures = task_report_figures(**Q1)
    texts = [f.text for f in figures]
    assert (
        "Trình UBND tỉnh ban hành Quyết định số 250/QĐ-UBND ngày 06/02/2024 phê duyệt "
        "danh mục nhiệm vụ KH&CN cấp tỉnh đặt hàng năm 2024."
    ) in texts
    assert not any("900/QĐ-UBND" in t for t in texts)
    decision = next(f for f in figures if "250/QĐ-UBND" in f.text)
    assert decision.section == "tasks" and [r.label for r in decision.records] == [
        "NV-1 – Sâm Việt Nam"
    ]
    projects = next(f for f in figures if f.text.startswith("Triển khai"))
    assert projects.text == (
        "Triển khai 02 dự án xây dựng, quản lý và phát triển nhãn hiệu sản phẩm chủ lực "
        "của tỉnh; 01 dự án thuộc Chương trình phát triển tài sản trí tuệ (Mắc ca Sơn La)."
    )
    acceptance = next(f for f in figures if "nghiệm thu 02" in f.text)
    assert acceptance.section == "technology"
    assert acceptance.text == (
        "Tổ chức 02 Hội đồng tư vấn nghiệm thu 02 dự án xây dựng, quản lý và phát triển "
        "nhãn hiệu sản phẩm chủ lực của tỉnh (Dự án “Gạo Phù Yên”; dự án “Rượu Hang Chú”)."
    )
    assert {r.url for r in acceptance.records} >= {f"/nhiem-vu/{gao.pk}/", f"/nhiem-vu/{chu.pk}/"}
    assert not any("chưa đủ điều kiện" in t or "quý sau" in t for t in texts)
    ident = next(f for f in figures if "xác định" in f.text)
    assert ident.text.startswith("Tổ chức 01 Hội đồng tư vấn xác định nhiệm vụ: HĐ xác định 2024")
    # the acceptance councils to hold next: valid dossiers not judged by the quarter's end
    assert _only(figures, "plan_technology").text == (
        "Tổ chức Hội đồng tư vấn nghiệm thu đối với 01 dự án thuộc Chương trình phát triển "
        "tài sản trí tuệ đã có hồ sơ đánh giá, nghiệm thu hợp lệ (Dự án “Mắc ca Sơn La”)."
    )
    plan = _only(figures, "plan")
    assert plan.text == (
        "Kiểm tra, nghiệm thu định kỳ 6 tháng đầu năm 2024 đối với 03 nhiệm vụ KH&CN đang "
        "triển khai thực hiện."
    )


# --- the inspectorate --------------------------------------------------------------------
def _pay(people, case, day, amount, number):
    with on(day):
        return penalty_services.payment_record(
            case=case, actor=people["accountant"], number=number, value_date=day, amount=amount
        )


def test_penalties_as_of_the_report_date(people):
    paid = decided(people, amount=15_000_000, decide_on=date(2023, 12, 26), number="01/BB")
    unpaid = decided(
        people, amount=11_000_000, decide_on=date(2023, 12, 26), number="02/BB", name="Quang Hưng"
    )
    late = decided(
        people, amount=9_000_000, decide_on=date(2024, 2, 1), number="03/BB", name="Minh Châu"
    )
    before = decided(
        people, amount=5_000_000, decide_on=date(2023, 11, 1), number="04/BB", name="Cũ"
    )
    for case in (paid, unpaid, late, before):
        with on(case.decided_on):
            penalty_services.delivery_record(
                case=case, actor=people["inspector"], on=case.decided_on,
                outcome="received",
            )  # fmt: skip
    _pay(people, PenaltyCase_get(before), date(2023, 11, 20), 5_000_000, "KB-0")
    _pay(people, PenaltyCase_get(paid), date(2024, 1, 5), 15_000_000, "KB-1")
    _pay(people, PenaltyCase_get(late), date(2024, 4, 10), 9_000_000, "KB-2")  # after Q1
    PenaltyInspection.objects.create(
        kind=PenaltyInspection.Kind.PROPOSAL, issued_on=date(2024, 2, 26),
        title="Đề nghị xử phạt", subjects="Cơ sở kinh doanh vàng trang sức, mỹ nghệ",
    )  # fmt: skip
    PenaltyInspection.objects.create(
        kind=PenaltyInspection.Kind.PLAN, planned_for="Quý II/2024", title="Thanh tra LPG"
    )
    PenaltyInspection.objects.create(
        kind=PenaltyInspection.Kind.PLAN, planned_for="Quý III/2024", title="Thanh tra khác"
    )

    figure = _only(penalty_report_figures(**Q1), "inspection")
    assert figure.text == (
        "Đôn đốc 03 đơn vị kinh doanh vàng thực hiện các Quyết định xử phạt vi phạm hành "
        "chính (đến thời điểm báo cáo có 01/03 đơn vị đã nộp 15.000.000đ tiền xử phạt vi "
        "phạm hành chính, 02/03 đơn vị chưa nộp 20.000.000đ tiền xử phạt vi phạm hành "
        "chính); tiếp nhận 01 hồ sơ đề nghị xử phạt vi phạm hành chính đối với các cơ sở "
        "kinh doanh vàng trang sức, mỹ nghệ."
    )
    assert len(figure.records) == 3
    assert all(r.url.startswith("/can-bo/xu-phat/ho-so/") for r in figure.records)
    # as of a later report date, the April payment counts
    later = _only(penalty_report_figures(**Q1, as_of=date(2024, 4, 15)), "inspection")
    assert "đến ngày 15/04/2024 có 02/03 đơn vị đã nộp 24.000.000đ" in later.text
    assert "01/03 đơn vị chưa nộp 11.000.000đ" in later.text
    plan = _only(penalty_report_figures(**Q1), "plan_inspection")
    assert plan.text.startswith("Chuẩn bị triển khai cuộc thanh tra trong quý II/2024: thanh tra")


def PenaltyCase_get(case):  # noqa: N802 (reads like the model)
    from penalties.models import PenaltyCase

    return PenaltyCase.objects.get(pk=case.pk)


# --- cost: the queries do not grow with the records --------------------------------------
def _world(n: int, secretary, applicant) -> None:
    d = Decision.objects.create(
        kind=Decision.Kind.ORDERED_LIST, number=f"{n}/QĐ-UBND", signed_on=date(2024, 2, 6),
        signer="UBND tỉnh", title="Phê duyệt danh mục",
    )  # fmt: skip
    for i in range(n):
        task = _task(f"NV-{n}-{i}", f"Nhiệm vụ {n}-{i}", Programme.BRAND, ordering_decision=d)
        Contract.objects.create(
            task=task, number=f"HĐ-{n}-{i}", signed_on=date(2022, 3, 1),
            effective_on=date(2022, 3, 1), starts_on=date(2022, 3, 1),
            original_ends_on=date(2024, 12, 31), ends_on=date(2024, 12, 31), budget=1,
        )  # fmt: skip
        _council(f"{n}-{i}", "acceptance", f"HĐ {n}-{i}", date(2024, 3, 5), secretary, [task])
        Inspection.objects.create(task=task, number=1, due_on=date(2024, 5, 10))
        AcceptanceDossier.objects.create(
            task=task, submitted_on=date(2024, 3, 1), self_evaluation="Đạt",
            validity="valid", notice_on=date(2024, 3, 2),
        )  # fmt: skip
        _dossier(n * 100 + i, DossierKind.PERMIT_NEW, date(2024, 2, 1), applicant)


@pytest.mark.parametrize("n", [2, 12])
def test_queries_do_not_grow_with_the_records(n, django_assert_max_num_queries):
    _world(n, make_user("thuky", "council_secretary"), make_user("nguoinop", "applicant"))
    with django_assert_max_num_queries(11):
        figures = task_report_figures(**Q1) + radiation_figures(**Q1) + registration_figures(**Q1)
    assert sum(len(f.records) for f in figures) >= 5 * n
