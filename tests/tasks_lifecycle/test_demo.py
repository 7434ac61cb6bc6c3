"""`seed_demo` as a whole, run once for the suite (it is the slowest fixture there is):
the demo accounts; the councils' Q1/2024 councils the report names, held, with minutes,
and the current set at its stages; the S&T tasks' history (Decisions 250 and 252/QĐ-UBND,
the brand projects accepted, the 29 tasks under 6-monthly inspection) and a current set
over every stage with no step refused; idempotent; and the quarterly report of Q1/2024
written from it.

The demo is seeded once for the module (`demo`, in a transaction rolled back after the
module's last test): every test here reads the same seeded database, so a check on the
whole demo costs no second seeding. Put new whole-demo checks here."""

import io
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from tasks_lifecycle import documents
from tasks_lifecycle.models import Council, Decision, Inspection, Stage, Status, Task
from tasks_lifecycle.task_demo import GAO, HANG_CHU, IP_PROJECTS, SAM
from workflows.models import Deadline, Division
from workflows.periods import Quarter
from workflows.quarterly_report import docx_text, quarterly_report, report_docx

# one process runs the whole module: its module-scoped data is built once (xdist)
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("tasks_lifecycle-test_demo")]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """`seed_demo`'s output; the database seeded once for the module, rolled back after
    it (what runs after commit is tested elsewhere: it never runs in here)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = io.StringIO()
            call_command("seed_demo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_seed_demo(demo):
    text = demo
    assert "giamdoc" in text and "motcua-demo-2024" in text and "bỏ qua" not in text
    assert get_user_model().objects.filter(username="giamdoc", groups__name="director").count() == 1
    assert Division.objects.filter(name="Phòng Quản lý khoa học và công nghệ").count() == 1
    titles = {c.title: c for c in Council.objects.all()}
    gao = next(c for t, c in titles.items() if "Gạo Phù Yên" in t)
    hang_chu = next(c for t, c in titles.items() if "Rượu Hang Chú" in t)
    tkr = next(c for t, c in titles.items() if "Niken La Phù (TKR)" in t)
    ident = next(c for c in titles.values() if "250/QĐ-UBND" in c.conclusion)
    for c in (gao, hang_chu, tkr, ident):
        assert c.status == Status.CLOSED, c.title
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(documents.minutes_pdf(gao))).pages
    )
    assert "BIÊN BẢN HỌP HỘI ĐỒNG" in text and "Gạo Phù Yên" in text
    assert "250/QĐ-UBND" in ident.conclusion
    current = [c for c in titles.values() if c.status != Status.CLOSED]
    # with the S&T tasks' own: an identification council before its meeting
    assert {c.kind.code for c in current} == {"selection", "acceptance", "identification"}
    assert sorted(c.status for c in current if c.kind.code == "acceptance") == [
        "constituted",
        "papers_sent",
        "papers_sent",
    ]
    # the missing review of `thanhvien` is due tomorrow: warned today
    row = Deadline.objects.get(kind="review_due", owner_user__username="thanhvien", state="open")
    assert row.escalation_level == 1
    _assert_tasks()
    n, t = Council.objects.count(), Task.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Council.objects.count() == n and Task.objects.count() == t


def _assert_tasks() -> None:
    stages = set(Task.objects.values_list("stage", flat=True))
    assert stages == set(Stage.values), set(Stage.values) - stages
    # the history of Q1/2024
    d250 = Decision.objects.get(number="250/QĐ-UBND")
    assert d250.signed_on == date(2024, 2, 6)
    assert Decision.objects.filter(number="252/QĐ-UBND", signed_on=date(2024, 2, 6)).exists()
    sam = Task.objects.get(title=SAM)
    assert sam.ordering_decision == d250 and sam.stage == Stage.SELECTION
    assert sam.applications.count() == 2
    for title in (GAO, HANG_CHU):
        assert Task.objects.get(title=title).stage == Stage.RECOGNISED
    h1 = Inspection.objects.filter(due_on__range=(date(2024, 1, 1), date(2024, 6, 30)))
    assert h1.values("task").distinct().count() == 29
    assert set(IP_PROJECTS) <= set(h1.values_list("task__title", flat=True))
    # every inspection due a month ago or more was held (none slid past unrecorded)
    late = Deadline.objects.filter(
        kind="inspection_due", state="open", due_date__lt=timezone.localdate() - timedelta(30)
    )
    assert not late.exists(), list(late[:3])


# --- the quarterly report of Q1/2024, from the demo ---------------------------------------
Q1_SENTENCES = [
    "Tiếp nhận và xử lý 06 hồ sơ đề nghị cấp giấy phép tiến hành công việc bức xạ; 01 hồ sơ "
    "cấp chứng chỉ nhân viên bức xạ.",
    "Tổ chức 02 Hội đồng tư vấn nghiệm thu 02 dự án xây dựng, quản lý và phát triển nhãn "
    "hiệu sản phẩm chủ lực của tỉnh (Dự án “Xây dựng, quản lý và phát triển nhãn hiệu chứng "
    "nhận “Gạo Phù Yên” cho sản phẩm Gạo của huyện Phù Yên, tỉnh Sơn La”; dự án “Xây dựng, "
    "quản lý và phát triển nhãn hiệu chứng nhận “Rượu Hang Chú” cho sản phẩm Rượu Hang Chú "
    "của huyện Bắc Yên, tỉnh Sơn La”).",
    "Đôn đốc 08 đơn vị kinh doanh vàng thực hiện các Quyết định xử phạt vi phạm hành chính "
    "(đến thời điểm báo cáo có 07/08 đơn vị đã nộp 74.000.000đ tiền xử phạt vi phạm hành "
    "chính, 01/08 đơn vị chưa nộp 11.000.000đ tiền xử phạt vi phạm hành chính); tiếp nhận 03 "
    "hồ sơ đề nghị xử phạt vi phạm hành chính đối với các cơ sở kinh doanh vàng trang sức, "
    "mỹ nghệ.",
    "Kiểm tra, nghiệm thu định kỳ 6 tháng đầu năm 2024 đối với 29 nhiệm vụ KH&CN đang triển "
    "khai thực hiện.",
    "Trình UBND tỉnh ban hành Quyết định số 250/QĐ-UBND ngày 06/02/2024 phê duyệt danh mục "
    "nhiệm vụ KH&CN cấp tỉnh đặt hàng năm 2024.",
    "Trình UBND tỉnh ban hành Quyết định số 252/QĐ-UBND ngày 06/02/2024 phê duyệt danh mục "
    "nhiệm vụ KH&CN đặt hàng thực hiện từ năm 2024, thuộc Chương trình phát triển tài sản trí "
    "tuệ.",
    "Tiếp nhận 03 hồ sơ đăng ký cấp giấy chứng nhận nhiệm vụ KH&CN.",
    "Tổ chức Hội đồng tư vấn khoa học và công nghệ tư vấn về công nghệ đề xuất của dự án đầu "
    "tư “Nhà máy chế biến sâu công nghệ cao Niken La Phù (TKR)”.",
]


def test_quarterly_report_q1_2024(demo, client):
    report = quarterly_report(Quarter.parse("2024-Q1"))
    assert report.errors == []
    lines = docx_text(report_docx(report)).splitlines()
    for sentence in Q1_SENTENCES:
        assert f"- {sentence}" in lines, sentence
    assert any(
        line.startswith(
            "- Tổ chức Hội đồng tư vấn nghiệm thu đối với 03 dự án xây dựng, quản lý và phát "
            "triển nhãn hiệu sản phẩm chủ lực của tỉnh đã có hồ sơ đánh giá, nghiệm thu hợp lệ"
        )
        for line in lines
    )
    assert "Kết quả hoạt động khoa học và công nghệ Quý I/2024" in lines
    assert "III. NHIỆM VỤ TRỌNG TÂM CÔNG TÁC QUÝ II NĂM 2024" in lines
    # every figure is traceable: its records open their cases
    gold = next(f for f in report.figures if f.text.startswith("Đôn đốc 08"))
    assert len(gold.records) == 8 + 3 and all(r.url for r in gold.records)
    plan = next(f for f in report.figures if "29 nhiệm vụ" in f.text)
    assert len(plan.records) == 29
    # the director's preview links every figure to its records
    client.force_login(get_user_model().objects.get(username="giamdoc"))
    page = client.get("/can-bo/bao-cao-quy/2024-Q1/").content.decode()
    for n in range(1, len(report.figures) + 1):
        assert f'href="/can-bo/bao-cao-quy/2024-Q1/so-lieu/{n}/"' in page
    n = report.figures.index(gold) + 1
    records = client.get(f"/can-bo/bao-cao-quy/2024-Q1/so-lieu/{n}/").content.decode()
    assert records.count('class="motcua-record-link"') == 11


def test_quarterly_report_q1_2024_directives(demo):
    """ "… tham mưu thực hiện 246 nhiệm vụ UBND tỉnh, chủ tịch UBND tỉnh giao …" in
    II. ĐÁNH GIÁ CHUNG (section "directives"), counted from the demo's assignments, in the
    preview and in the Word file."""
    report = quarterly_report(Quarter.parse("2024-Q1"))
    (figure,) = [item for item in report.assessment if "246 nhiệm vụ UBND tỉnh" in item.text]
    assert figure.records == 246
    assert (
        "Trong kỳ báo cáo Sở Khoa học và Công nghệ tham mưu thực hiện 246 nhiệm vụ UBND tỉnh, "
        "chủ tịch UBND tỉnh giao"
    ) in figure.text
    assert "246 nhiệm vụ UBND tỉnh, chủ tịch UBND tỉnh giao" in docx_text(report_docx(report))
