"""The quarterly report's preview page, its downloads and the `report_quarter` command,
on a figure registered by the test (the procedures' own builders have their tests in
test_builders.py; the demo's Q1/2024 report is checked in tests/tasks_lifecycle/
test_demo.py)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import make_user
from workflows import registry
from workflows.periods import Quarter
from workflows.quarterly_report import docx_text, quarterly_report, report_docx
from workflows.reporting import RecordRef, ReportFigure
from workflows.roles import Role

pytestmark = pytest.mark.django_db
URL = "/can-bo/bao-cao-quy/2024-Q1/"


def _builder(*, start, end):
    if start != date(2024, 1, 1):
        return []
    return [
        ReportFigure(
            section="radiation",
            order=1,
            text="Tiếp nhận và xử lý 02 hồ sơ thử nghiệm.",
            records=(RecordRef("HS-1 – Bệnh viện A", "/can-bo/ho-so/HS-1/"), RecordRef("HS-2")),
        ),
        ReportFigure(section="directives", order=1, text="Thực hiện 05 nhiệm vụ UBND tỉnh giao."),
    ]


def _broken(*, start, end):
    raise RuntimeError("hỏng")


@pytest.fixture
def figures(monkeypatch):
    monkeypatch.setattr(registry, "report_figures", [_builder])


@pytest.fixture
def no_statistics(monkeypatch):
    """As if workflows.statistics were not installed (the report works without it)."""
    from workflows import report_views
    from workflows.management.commands import report_quarter

    monkeypatch.setattr(report_views, "statistics_module", lambda: None)
    monkeypatch.setattr(report_quarter, "statistics_module", lambda: None)


def _workbook(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


def test_report_layout_numbers_figures_and_keeps_placeholders(figures, monkeypatch):
    report = quarterly_report(Quarter.parse("2024-Q1"))
    assert [f.text for f in report.figures] == [
        "Tiếp nhận và xử lý 02 hồ sơ thử nghiệm.",
        "Thực hiện 05 nhiệm vụ UBND tỉnh giao.",
    ]
    field2 = report.results[1]
    assert field2.number == "2" and field2.items[0].figure == 1
    assert field2.items[-1].is_placeholder
    assert report.assessment[0].text == "Thực hiện 05 nhiệm vụ UBND tỉnh giao."
    text = docx_text(report_docx(report))
    for line in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "BÁO CÁO",
        "Kết quả hoạt động khoa học và công nghệ Quý I/2024",
        "và nhiệm vụ trọng tâm công tác Quý II/2024",
        "I. KẾT QUẢ CỤ THỂ TRÊN TỪNG LĨNH VỰC",
        "- Tiếp nhận và xử lý 02 hồ sơ thử nghiệm.",
        "II. ĐÁNH GIÁ CHUNG",
        "1. Thực hiện 05 nhiệm vụ UBND tỉnh giao.",
        "III. NHIỆM VỤ TRỌNG TÂM CÔNG TÁC QUÝ II NĂM 2024",
        "KT. GIÁM ĐỐC",
    ):
        assert line in text.splitlines(), line
    assert "[Văn phòng bổ sung: chữ ký, họ và tên người ký]" in text
    # a failing builder is reported, the others' figures stay
    monkeypatch.setattr(registry, "report_figures", [_broken, _builder])
    report = quarterly_report(Quarter.parse("2024-Q1"))
    assert len(report.figures) == 2 and "RuntimeError: hỏng" in report.errors[0]


def test_docx_layout_a4_times_new_roman_highlighted_placeholders(figures):
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX

    doc = Document(io.BytesIO(report_docx(quarterly_report(Quarter.parse("2024-Q1")))))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    runs = [r for p in doc.paragraphs for r in p.runs]
    assert {r.font.name for r in runs} == {"Times New Roman"}
    marked = [r for r in runs if r.text.startswith("[Văn phòng bổ sung:")]
    assert marked and all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in marked)
    assert not any(
        r.font.highlight_color for r in runs if not r.text.startswith("[Văn phòng bổ sung:")
    )


@pytest.mark.parametrize(
    "role, division, status",
    [
        (Role.DIRECTOR, "", 200),
        (Role.HEAD_OF_DIVISION, "qlkh", 200),
        (Role.SPECIALIST, "van-phong", 200),  # the office (Văn phòng Sở)
        (Role.ACCOUNTANT, "van-phong", 200),
        (Role.SPECIALIST, "qlkh", 403),
        (Role.ONE_STOP_OFFICER, "", 403),
        (Role.ACCOUNTANT, "", 403),
        (Role.INSPECTOR, "thanh-tra", 403),
        (Role.APPLICANT, "", 403),
    ],
)
def test_preview_permissions(client, figures, role, division, status):
    from workflows.models import Division

    unit = Division.objects.create(code=division, name=division) if division else None
    client.force_login(make_user("u", role, division=unit))
    assert client.get(URL).status_code == status
    assert client.get(URL + "so-lieu/1/").status_code == status
    assert client.get(URL + "bao-cao.docx").status_code == status


def test_preview_links_figures_to_their_records(client, figures, no_statistics):
    assert client.get(URL).status_code == 302  # a visitor: the login page
    client.force_login(make_user("giamdoc", Role.DIRECTOR))
    page = client.get(URL).content.decode()
    assert 'href="/can-bo/bao-cao-quy/2024-Q1/so-lieu/1/"' in page
    assert "Tiếp nhận và xử lý 02 hồ sơ thử nghiệm." in page
    assert '<mark class="motcua-placeholder">[Văn phòng bổ sung:' in page
    assert 'href="/can-bo/bao-cao-quy/2024-Q1/bao-cao.docx"' in page
    assert "bao-cao-quy/2024-Q1/thong-ke.xlsx" not in page  # no statistics installed
    records = client.get(URL + "so-lieu/1/").content.decode()
    assert 'href="/can-bo/ho-so/HS-1/"' in records and "HS-2" in records
    assert 'class="mdc-data-table__table motcua-table"' in records
    assert client.get(URL + "so-lieu/9/").status_code == 404
    response = client.get(URL + "bao-cao.docx")
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert "Tiếp nhận và xử lý 02 hồ sơ thử nghiệm." in docx_text(response.content)
    assert client.get(URL + "thong-ke.xlsx").status_code == 404
    # the chooser and a bad period: 400 with the reason, in Vietnamese
    assert client.get("/can-bo/bao-cao-quy/?ky=2024-Q2")["Location"].endswith("/2024-Q2/")
    bad = client.get("/can-bo/bao-cao-quy/2024-Q7/")
    assert bad.status_code == 400 and "không hợp lệ" in bad.content.decode()
    assert client.get("/can-bo/bao-cao-quy/?ky=abc").status_code == 400
    # a later report date: carried by every link; before the quarter's end or bad, 400
    later = client.get(URL + "?den-ngay=2024-04-15").content.decode()
    assert 'href="/can-bo/bao-cao-quy/2024-Q1/so-lieu/1/?den-ngay=2024-04-15"' in later
    assert 'bao-cao.docx?den-ngay=2024-04-15"' in later and "15/04/2024" in later
    assert client.get(URL + "?den-ngay=2024-02-01").status_code == 400
    assert client.get(URL + "bao-cao.docx?den-ngay=x").status_code == 400
    chooser = client.get("/can-bo/bao-cao-quy/?ky=2024-Q1&den-ngay=2024-04-15")
    assert chooser["Location"].endswith("/2024-Q1/?den-ngay=2024-04-15")


def test_preview_offers_the_workbook_when_statistics_are_installed(client, figures):
    client.force_login(make_user("giamdoc", Role.DIRECTOR))
    assert 'href="/can-bo/bao-cao-quy/2024-Q1/thong-ke.xlsx"' in client.get(URL).content.decode()
    response = client.get(URL + "thong-ke.xlsx")
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    assert _workbook(response.content).active.title == "2024-Q1"


def test_command_writes_both_files(tmp_path, figures):
    out = io.StringIO()
    docx, xlsx = tmp_path / "bao-cao.docx", tmp_path / "thong-ke.xlsx"
    call_command("report_quarter", "2024-Q1", docx=str(docx), xlsx=str(xlsx), stdout=out)
    assert "Tiếp nhận và xử lý 02 hồ sơ thử nghiệm." in docx_text(docx.read_bytes())
    assert _workbook(xlsx.read_bytes()).active.title == "2024-Q1"
    text = out.getvalue()
    assert str(docx) in text and str(xlsx) in text and "giây" in text


def test_command_refuses_bad_input(tmp_path, figures, no_statistics):
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("report_quarter", "2024-Q5", docx=str(tmp_path / "a.docx"))
    with pytest.raises(CommandError, match="Không có thư mục"):
        call_command("report_quarter", "2024-Q1", docx=str(tmp_path / "no" / "a.docx"))
    with pytest.raises(CommandError, match="thư mục"):
        call_command("report_quarter", "2024-Q1", docx=str(tmp_path))
    with pytest.raises(CommandError, match="--docx"):
        call_command("report_quarter", "2024-Q1")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("report_quarter", "2024-Q1", docx=str(tmp_path / "a.docx"), as_of="x")
    assert not (tmp_path / "a.docx").exists()
    # no statistics installed: the report is written, the workbook refused (non-zero)
    err = io.StringIO()
    with pytest.raises(CommandError, match="bảng thống kê"):
        call_command(
            "report_quarter", "2024-Q1", docx=str(tmp_path / "b.docx"),
            xlsx=str(tmp_path / "b.xlsx"), stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    assert (tmp_path / "b.docx").exists() and not (tmp_path / "b.xlsx").exists()
    assert "chưa có" in err.getvalue()
    # only the report asked: no error about the workbook
    call_command("report_quarter", "2024-Q1", docx=str(tmp_path / "c.docx"), stdout=io.StringIO())
