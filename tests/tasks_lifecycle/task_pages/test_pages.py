"""The S&T tasks' pages: the register with its filters and pagination, a task's page
with every section, the overdue / due-soon view, the host's pages, the step forms
(refusals with their reason, nothing changed), and the query counts at two sizes."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tasks_lifecycle.models import AcceptanceDossier, Stage, Task
from tests.workflows.test_vietnamese import page_problems
from workflows.models import Deadline

from ..conftest import on
from .conftest import browser, ledger_row, many_tasks, new_task

pytestmark = pytest.mark.django_db


def html(response, status: int = 200) -> str:
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def test_register_shows_stage_next_date_and_owner(world):
    page = html(browser(world["users"]["officer"]).get("/nhiem-vu/"))
    task = world["task"]
    assert task.code in page and "Đang thực hiện" in page and "motcua-table" in page
    # the first open row: the notice the host is owed 5 working days before 29/08/2024
    assert "Thông báo cho tổ chức chủ trì trước khi kiểm tra" in page
    assert 'id="task-filters"' in page and "Chuyên viên theo dõi" in page
    assert page_problems(page) == []  # Vietnamese, tables only through {% table %}


def test_register_filters_and_pagination(world, staff, org):
    many_tasks(org, 30, officer=staff["officer2"])
    c = browser(staff["head"])
    page = html(c.get("/nhiem-vu/"))
    assert 'id="register-count">32<' in page and "Trang 1/2" in page
    page = html(c.get("/nhiem-vu/", {"page": 2}))
    assert "Trang 2/2" in page
    page = html(c.get("/nhiem-vu/", {"stage": Stage.IN_PROGRESS}))
    assert world["task"].code in page and "NV-B-00000" not in page
    page = html(c.get("/nhiem-vu/", {"q": "sâm việt"}))
    assert 'id="register-count">1<' in page
    page = html(c.get("/nhiem-vu/", {"officer": staff["officer2"].pk, "year": 2020}))
    assert 'id="register-count">6<' in page and world["task"].code not in page
    page = html(c.get("/nhiem-vu/", {"programme": "brand", "field": "nông"}))
    assert 'id="register-count">0<' in page and "Không có nhiệm vụ nào." in page
    page = html(c.get("/nhiem-vu/", {"host": org.pk, "o": "due", "year": "abc"}))
    assert 'id="register-count">31<' in page  # a bad value is ignored, not a 500


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_register_queries_do_not_grow_with_the_tasks(world, staff, org):
    c = browser(staff["officer"])
    many_tasks(org, 5, officer=staff["officer"])
    small = _queries(c, "/nhiem-vu/")
    many_tasks(org, 60, officer=staff["officer2"], start=100)
    assert _queries(c, "/nhiem-vu/") == small
    assert _queries(c, "/nhiem-vu/?o=due&page=2") == small


def test_task_page_shows_every_section(world, staff):
    task = world["task"]
    AcceptanceDossier.objects.create(
        task=task, submitted_on=date(2025, 9, 10), self_evaluation="Hoàn thành 100% sản phẩm"
    )
    page = html(browser(staff["officer"]).get(f"/nhiem-vu/{task.pk}/"))
    for text in (
        "05/2024/HĐ-KHCN",  # contract
        "700.000.000",  # instalment
        "Kiểm tra, đánh giá định kỳ",  # inspections
        "29/08/2024",
        "Hoàn thành 100% sản phẩm",  # acceptance dossier
        "Sổ theo dõi thời hạn",
        "Kết thúc thời gian thực hiện hợp đồng",  # ledger row label (no raw kind)
        "Nguyễn Văn An",  # PI
        "an.nv@example.vn",  # the PI's contact: the officer has a step
        "binh.lt@example.vn",
        "Nhật ký",
        "Ghi nhận hợp đồng",  # audit / stages
        "Các giai đoạn",
        "Văn bản, tài liệu",
        "Chưa đưa ra hội đồng.",
    ):
        assert text in page, text
    assert "contract_end" not in page
    assert page_problems(page) == []
    assert "Ghi nhận gia hạn hợp đồng" not in page  # the officer is not a leader
    head = html(browser(staff["head"]).get(f"/nhiem-vu/{task.pk}/"))
    assert 'id="action-extend"' in head


def test_task_page_queries_do_not_grow_with_its_rows(world, staff):
    task = world["task"]
    c = browser(staff["officer"])
    before = _queries(c, f"/nhiem-vu/{task.pk}/")
    for i in range(25):
        ledger_row(task, "supplement", date(2025, 1, 1 + i % 28), owner=staff["host"])
        AcceptanceDossier.objects.create(
            task=task, submitted_on=date(2025, 9, 1), self_evaluation=f"Lần {i}"
        )
    assert _queries(c, f"/nhiem-vu/{task.pk}/") == before


def test_council_secretary_sees_the_task_without_personal_data(world, staff):
    page = html(browser(staff["secretary"]).get(f"/nhiem-vu/{world['task'].pk}/"))
    assert "Nguyễn Văn An" in page and "an.nv@example.vn" not in page
    assert "binh.lt@example.vn" not in page and 'id="personal-hidden"' in page
    assert 'id="action-' not in page  # no step


def test_overdue_view_by_stage_and_officer(world, staff, org):
    today = date(2025, 9, 15)
    with on(today):
        page = html(browser(staff["head"]).get("/nhiem-vu/qua-han/"))
        assert 'id="total-overdue">1<' in page
        assert 'data-stage="in_progress"' in page and 'data-officer="cvqlkh"' in page
        assert "Kết thúc thời gian thực hiện hợp đồng" in page and world["task"].code in page
        assert page_problems(page) == []
        late = new_task(org, stage=Stage.DOSSIER_FILED, officer=staff["officer2"])
        ledger_row(late, "validity_notice", date(2025, 9, 16), owner=staff["officer2"])
        page = html(browser(staff["head"]).get("/nhiem-vu/qua-han/", {"within": 5}))
        assert 'id="total-due-soon">1<' in page and 'data-stage="dossier_filed"' in page
        page = html(browser(staff["head"]).get("/nhiem-vu/qua-han/", {"stage": "dossier_filed"}))
        assert "Thông báo tính hợp lệ của hồ sơ nghiệm thu" in page
        assert "Kết thúc thời gian thực hiện hợp đồng" not in page
        page = html(
            browser(staff["head"]).get("/nhiem-vu/qua-han/", {"officer": staff["officer"].pk})
        )
        assert "Kết thúc thời gian thực hiện hợp đồng" in page
        assert "Thông báo tính hợp lệ" not in page


def test_host_home_lists_tasks_dates_owed_and_notifications(world):
    from notifications.models import Notification

    host = world["users"]["host"]
    Notification.objects.create(
        channel="in_app",
        recipient=host,
        template="x",
        subject="Sắp đến hạn nộp hồ sơ",
        body="…",
        idempotency_key="t-1",
        status="sent",
    )
    page = html(browser(host).get("/to-chuc/nhiem-vu/"))
    task = world["task"]
    assert task.code in page and "Đang thực hiện" in page
    assert "Nộp hồ sơ đánh giá, nghiệm thu" in page  # a date the host owes
    assert "Kết thúc thời gian thực hiện hợp đồng" in page
    assert "Kiểm tra, đánh giá định kỳ đến hạn" not in page  # the division's row
    assert "Sắp đến hạn nộp hồ sơ" in page and "1 chưa đọc" in page
    assert world["other"].code not in page
    assert 'id="propose"' in page
    pi_page = html(browser(world["users"]["pi"]).get("/to-chuc/nhiem-vu/"))
    assert task.code in pi_page and 'id="propose"' not in pi_page  # the PI has no organisation


def test_host_task_page_leaves_out_the_divisions_own(world, staff):
    task = world["task"]
    Task.objects.filter(pk=task.pk).update(
        similar_tasks=[{"code": "NV-2019-0003", "title": "Trồng sâm", "score": 0.5}]
    )
    page = html(browser(world["users"]["host"]).get(f"/to-chuc/nhiem-vu/{task.pk}/"))
    assert "05/2024/HĐ-KHCN" in page and "700.000.000" in page
    assert "Nộp hồ sơ đánh giá, nghiệm thu" in page  # their form
    assert "NV-2019-0003" not in page  # the overlap check is the division's
    assert "Kiểm tra, đánh giá định kỳ đến hạn" not in page
    assert "Sở Khoa học và Công nghệ" in page  # who acted for the division
    assert "· cvqlkh" not in page  # the stages name no officer
    assert "motcua-table" not in page
    # the staff URL of their own task sends them to their page
    r = browser(world["users"]["host"]).get(f"/nhiem-vu/{task.pk}/")
    assert r.status_code == 302 and r["Location"] == f"/to-chuc/nhiem-vu/{task.pk}/"


def test_host_files_the_dossier_then_a_supplement(world, staff):
    task = world["task"]
    host = browser(world["users"]["host"])
    url = f"/to-chuc/nhiem-vu/{task.pk}/thao-tac/file-dossier/"
    with on(date(2025, 9, 10)):
        page = html(host.post(url, {"file-dossier-self_evaluation": "  "}), 400)
        assert "Trường này là bắt buộc." in page or "bắt buộc" in page
        assert Task.objects.get(pk=task.pk).stage == Stage.IN_PROGRESS
        r = host.post(url, {"file-dossier-self_evaluation": "Đã hoàn thành mọi sản phẩm."})
        assert r.status_code == 302, r.content.decode()[:500]
    assert Task.objects.get(pk=task.pk).stage == Stage.DOSSIER_FILED
    officer = browser(staff["officer"])
    with on(date(2025, 9, 11)):
        url = f"/nhiem-vu/{task.pk}/thao-tac/request-supplement/"
        html(officer.post(url, {"request-supplement-missing": ""}), 400)
        r = officer.post(
            url, {"request-supplement-missing": "Báo cáo tài chính\nBiên bản tự đánh giá"}
        )
        assert r.status_code == 302
    page = html(host.get(f"/to-chuc/nhiem-vu/{task.pk}/"))
    assert "Nộp hồ sơ bổ sung" in page and "Biên bản tự đánh giá" in page
    with on(date(2025, 9, 15)):
        r = host.post(
            f"/to-chuc/nhiem-vu/{task.pk}/thao-tac/file-supplement/",
            {"file-supplement-self_evaluation": "Bổ sung báo cáo tài chính."},
        )
        assert r.status_code == 302
    assert Task.objects.get(pk=task.pk).stage == Stage.DOSSIER_FILED
    with on(date(2025, 9, 16)):
        r = officer.post(f"/nhiem-vu/{task.pk}/thao-tac/accept-dossier/")
        assert r.status_code == 302
    assert Task.objects.get(pk=task.pk).stage == Stage.DOSSIER_VALID


def test_refused_step_shows_the_reason_and_changes_nothing(world, staff, org):
    task = world["task"]
    officer = browser(staff["officer"])
    # wrong stage: 409 with the service's reason
    page = html(officer.post(f"/nhiem-vu/{task.pk}/thao-tac/publish/"), 409)
    assert "motcua-alert--error" in page
    # not the officer's step: a leader's (403), or held by another officer
    head_only = {
        "extend-months": 6,
        "extend-requested_on": "2025-07-31",
        "extend-decision_number": "120/QĐ-UBND",
        "extend-signed_on": "2025-07-31",
        "extend-signer": "Chủ tịch UBND tỉnh",
        "extend-cause": "Thời tiết",
    }
    with on(date(2025, 7, 31)):
        page = html(officer.post(f"/nhiem-vu/{task.pk}/thao-tac/extend/", head_only), 403)
        assert "Lãnh đạo phòng" in page
        page = html(
            browser(staff["officer2"]).post(f"/nhiem-vu/{task.pk}/thao-tac/extend/", head_only),
            403,
        )
        # a rule of the service (400): more than the maximum
        page = html(
            browser(staff["head"]).post(
                f"/nhiem-vu/{task.pk}/thao-tac/extend/", {**head_only, "extend-months": 12}
            ),
            400,
        )
        assert "tối đa" in page or "06 tháng" in page or "6 tháng" in page
    contract = Task.objects.get(pk=task.pk).contract
    assert contract.ends_on == date(2025, 8, 31) and contract.extended_months == 0
    # an unknown step, a task not seen
    assert officer.post(f"/nhiem-vu/{task.pk}/thao-tac/nope/").status_code == 404
    assert officer.post("/nhiem-vu/999999/thao-tac/screen/").status_code == 404
    # the host may not take the division's step, even on its own task
    r = browser(world["users"]["host"]).post(f"/nhiem-vu/{task.pk}/thao-tac/accept-dossier/")
    assert r.status_code == 404


def test_division_steps_through_the_forms(staff, org):
    task = new_task(org, host=False)
    officer = browser(staff["officer"])
    assert officer.post(f"/nhiem-vu/{task.pk}/thao-tac/screen/").status_code == 302
    task = Task.objects.get(pk=task.pk)
    assert task.stage == Stage.SCREENED and task.officer == staff["officer"]
    page = html(officer.get(f"/nhiem-vu/{task.pk}/"))
    assert 'id="action-send-to-identification"' in page and 'id="action-not-recommend"' not in page
    page = html(
        officer.post(
            f"/nhiem-vu/{task.pk}/thao-tac/send-to-identification/",
            {"send-to-identification-council": "9999"},
        ),
        400,
    )
    assert "Chọn một Hội đồng tư vấn xác định nhiệm vụ" in page
    Task.objects.filter(pk=task.pk).update(stage=Stage.RECOMMENDED)
    head = browser(staff["head"])
    with on(date(2024, 2, 6)):
        page = html(
            head.post(
                f"/nhiem-vu/{task.pk}/thao-tac/approve/",
                {
                    "approve-number": "250/QĐ-UBND",
                    "approve-signed_on": "2024-02-07",
                    "approve-signer": "Chủ tịch UBND tỉnh",
                },
            ),
            400,
        )
        assert "Ngày không thể sau hôm nay." in page
        r = head.post(
            f"/nhiem-vu/{task.pk}/thao-tac/approve/",
            {
                "approve-number": "250/QĐ-UBND",
                "approve-signed_on": "06/02/2024",
                "approve-signer": "Chủ tịch UBND tỉnh",
            },
        )
        assert r.status_code == 302
        assert (
            officer.post(f"/nhiem-vu/{task.pk}/thao-tac/publish/", {"publish-on": ""}).status_code
            == 302
        )
    task = Task.objects.get(pk=task.pk)
    assert task.stage == Stage.PUBLISHED and task.ordering_decision.number == "250/QĐ-UBND"
    assert task.published_on == date(2024, 2, 6)


def test_contract_through_the_form_with_instalments(staff, org):
    task = new_task(org, stage=Stage.HOST_APPROVED, officer=staff["officer"])
    officer = browser(staff["officer"])
    data = {
        "sign-contract-number": "07/2024/HĐ-KHCN",
        "sign-contract-signed_on": "2024-02-29",
        "sign-contract-effective_on": "2024-02-29",
        "sign-contract-starts_on": "2024-03-01",
        "sign-contract-ends_on": "2025-08-31",
        "sign-contract-budget": "1200000000",
        "sign-contract-instalments": "15/03/2024 700.000.000\n15/11/2024 400.000.000",
    }
    url = f"/nhiem-vu/{task.pk}/thao-tac/sign-contract/"
    with on(date(2024, 2, 29)):
        page = html(officer.post(url, data), 400)  # 1.1 billion in instalments ≠ 1.2 billion
        assert "phải bằng kinh phí hợp đồng" in page
        page = html(
            officer.post(url, {**data, "sign-contract-instalments": "15/03/2024 nhiều"}), 400
        )
        assert "Số tiền phải là số đồng lớn hơn 0" in page
        data["sign-contract-instalments"] = "15/03/2024 700.000.000\n15/11/2024 500.000.000"
        assert officer.post(url, data).status_code == 302
    task = Task.objects.get(pk=task.pk)
    assert task.stage == Stage.IN_PROGRESS
    assert [i.amount for i in task.contract.instalments.all()] == [700_000_000, 500_000_000]
    assert Deadline.objects.filter(object_id=str(task.pk), kind="contract_end").exists()


def test_host_proposes_with_validation(world, staff, org):
    host = browser(world["users"]["host"])
    page = html(host.get("/to-chuc/nhiem-vu/de-xuat/"))
    assert "Trung tâm Ứng dụng KH&amp;CN Sơn La" in page
    page = html(
        host.post(
            "/to-chuc/nhiem-vu/de-xuat/",
            {
                "proposer": org.pk,
                "title": "",
                "year": "20x",
                "programme": "provincial",
                "task_type": "technology",
            },
        ),
        400,
    )
    assert "bắt buộc" in page and "Nhập năm bằng chữ số, ví dụ 2025." in page
    other = world["other"].proposer
    page = html(
        host.post(
            "/to-chuc/nhiem-vu/de-xuat/",
            {
                "proposer": other.pk,
                "title": "X",
                "year": 2025,
                "programme": "provincial",
                "task_type": "technology",
            },
        ),
        400,
    )
    assert "Chọn một tổ chức mà tài khoản của bạn thuộc về." in page
    r = host.post(
        "/to-chuc/nhiem-vu/de-xuat/",
        {
            "proposer": org.pk,
            "title": "Bảo tồn giống lúa nếp Tan",
            "year": 2025,
            "programme": "provincial",
            "task_type": "technology",
            "field": "Nông nghiệp",
        },
    )
    assert r.status_code == 302
    task = Task.objects.get(title="Bảo tồn giống lúa nếp Tan")
    assert task.proposer == org and task.stage == Stage.PROPOSED
    assert r["Location"] == f"/to-chuc/nhiem-vu/{task.pk}/"
    html(host.get(r["Location"]))


def test_staff_menu_lists_the_tasks(world, staff):
    page = html(browser(staff["officer"]).get("/nhiem-vu/"))
    assert "Nhiệm vụ KH&amp;CN" in page or "Nhiệm vụ KH&CN" in page
    r = browser(staff["officer"]).get("/nhiem-vu-khcn/")
    assert r.status_code == 302 and r["Location"] == "/nhiem-vu/"


def test_no_page_input_answers_500(world, staff, org):
    from tasks_lifecycle.task_access import HOST
    from tasks_lifecycle.task_steps import STEP_TABLE

    task = world["task"]
    for step in STEP_TABLE:
        actor = world["users"]["host"] if step.side == HOST else staff["director"]
        prefix = "/to-chuc/nhiem-vu" if step.side == HOST else "/nhiem-vu"
        fields = list(step.form.base_fields) or ["x"]
        for value in ("\x00", "x" * 30000, "9999-12-31"):
            data = {f"{step.name}-{f}": value for f in fields}
            stage = Task.objects.get(pk=task.pk).stage
            r = browser(actor).post(f"{prefix}/{task.pk}/thao-tac/{step.name}/", data)
            assert r.status_code in (302, 400, 403, 409), (step.name, value, r.status_code)
            if r.status_code != 302:
                assert Task.objects.get(pk=task.pk).stage == stage
