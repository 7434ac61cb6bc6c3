"""The book import: a good file (CSV and .xlsx) creates everything in bulk; one bad line
refuses the whole file with its line and column, and nothing is created."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook

from directives import imports
from directives.models import Assignment, ImportBatch, Result, Status
from workflows.errors import ActionForbidden
from workflows.models import AuditEntry, Deadline

from .conftest import on

pytestmark = pytest.mark.django_db

GOOD = [
    {
        "source": "UBND tỉnh",
        "source_kind": "Công văn",
        "source_number": "6395/UBND-KGVX",
        "source_date": date(2023, 12, 28),
        "content": "Góp ý dự thảo khung Chương trình khoa học và công nghệ cấp Quốc gia",
        "received_on": date(2023, 12, 29),
        "due_on": date(2024, 1, 10),
        "lead_division": "qlkh",
        "supporting": ["cn-qlkhcs"],
        "officer": "cvqlkh",
        "outgoing_kind": "Công văn",
        "outgoing_number": "84/UBND-KGVX",
        "outgoing_date": date(2024, 1, 8),
    },
    {
        "source": "Chủ tịch UBND tỉnh",
        "source_kind": "Thông báo",
        "source_number": "45/TB-UBND",
        "source_date": date(2024, 2, 19),
        "content": "Trình Bộ KH&CN điều chỉnh kế hoạch lựa chọn nhà thầu dự án măng tây",
        "received_on": date(2024, 2, 20),
        "due_on": date(2024, 2, 23),
        "lead_division": "Phòng Quản lý khoa học và công nghệ",
        "officer": "cvqlkh",
        "outgoing_kind": "Tờ trình",
        "outgoing_number": "331/TTr-SKHCN",
        "outgoing_date": date(2024, 2, 26),
    },
    {
        "source": "UBND tỉnh",
        "source_kind": "Kế hoạch",
        "source_number": "62/KH-UBND",
        "source_date": date(2024, 3, 1),
        "content": "Triển khai xét tặng Giải thưởng khoa học và công nghệ tỉnh năm 2024",
        "received_on": date(2024, 3, 4),
        "due_on": date(2024, 4, 30),
        "lead_division": "qlkh",
    },
]


def _run(people, rows, name="so.csv", day=date(2024, 3, 15), actor="office"):
    with on(day):
        return imports.assignments_import(
            actor=people[actor], file_name=name, content=imports.book_csv(rows)
        )


def test_a_good_csv_creates_assignments_ledger_rows_and_audit(people, divisions):
    result = _run(people, GOOD)
    assert (result.created, result.completed) == (3, 2)
    a, b, c = Assignment.objects.order_by("id")
    assert (a.code, a.status, a.result) == ("NV-2023-0001", Status.COMPLETED, Result.EARLY)
    assert a.outgoing_label == "Công văn số 84/UBND-KGVX ngày 08/01/2024"
    assert set(a.supporting_divisions.values_list("code", flat=True)) == {"cn-qlkhcs"}
    assert (b.code, b.result, b.source) == ("NV-2024-0001", Result.LATE, "chu_tich")
    assert (c.status, c.officer_id) == (Status.RECEIVED, None)
    states = dict(Deadline.objects.values_list("object_id", "state"))
    assert states == {str(a.pk): "met", str(b.pk): "missed", str(c.pk): "open"}
    open_row = Deadline.objects.get(object_id=str(c.pk))
    assert open_row.owner_group.name == "head_of_division" and open_row.next_action_on
    assert AuditEntry.objects.filter(action="import").count() == 3
    assert ImportBatch.objects.get().rows == 3


def test_a_good_xlsx_file(people, divisions):
    book = Workbook()
    sheet = book.active
    sheet.append(imports.HEADERS)
    for r in GOOD:
        sheet.append(
            [
                ", ".join(r.get(k)) if isinstance(r.get(k), list) else r.get(k)
                for k, _h, _r in imports.COLUMNS
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    with on(date(2024, 3, 15)):
        result = imports.assignments_import(
            actor=people["office"], file_name="so.xlsx", content=buffer.getvalue()
        )
    assert result.created == 3
    assert Assignment.objects.get(source_number="45/TB-UBND").due_on == date(2024, 2, 23)


def test_bad_lines_refuse_the_whole_file_with_line_and_column(people, divisions):
    bad = [dict(r) for r in GOOD]
    bad[1]["due_on"] = date(2024, 2, 1)  # before the document
    bad[2]["lead_division"] = "phong-khong-co"
    bad[2]["received_on"] = "31/02/2024"
    with pytest.raises(imports.ImportRefused) as caught:
        _run(people, bad)
    problems = caught.value.problems
    assert any(p.startswith("Dòng 3, cột G “Hạn hoàn thành”") for p in problems), problems
    assert any(p.startswith("Dòng 4, cột H “Phòng chủ trì”") for p in problems), problems
    assert any(p.startswith("Dòng 4, cột F “Ngày nhận”") for p in problems), problems
    assert not Assignment.objects.exists()
    assert not Deadline.objects.exists() and not AuditEntry.objects.exists()
    assert not ImportBatch.objects.exists()


def test_officer_of_another_division_and_duplicates_refused(people, divisions):
    rows = [dict(GOOD[0], officer="chuyenvien"), GOOD[2], GOOD[2]]
    with pytest.raises(imports.ImportRefused) as caught:
        _run(people, rows)
    text = " ".join(caught.value.problems)
    assert "không phải cán bộ của" in text and "trùng với dòng 3" in text
    _run(people, [GOOD[2]])
    with pytest.raises(imports.ImportRefused, match="lỗi"):
        _run(people, [GOOD[2]])  # already in the register
    assert Assignment.objects.count() == 1


def test_missing_columns_and_empty_file(people, divisions):
    with pytest.raises(imports.ImportRefused, match="Tệp thiếu cột"):
        imports.assignments_import(
            actor=people["office"], file_name="x.csv", content="Số văn bản giao\n1/UBND\n".encode()
        )
    with pytest.raises(Exception, match="không có dữ liệu"):
        imports.assignments_import(actor=people["office"], file_name="x.csv", content=b"")
    with pytest.raises(Exception, match="Excel không đọc được"):
        imports.assignments_import(
            actor=people["office"], file_name="x.xlsx", content=b"PK\x03\x04broken"
        )


@pytest.mark.parametrize("who", ["head", "officer", "accountant", "applicant"])
def test_only_the_office_and_the_director_import(people, divisions, who):
    with pytest.raises(ActionForbidden):
        _run(people, GOOD, actor=who)
    assert not Assignment.objects.exists()


def test_the_director_imports(people, divisions):
    assert _run(people, GOOD[:1], actor="director").created == 1


def test_import_query_count_does_not_grow_with_lines(
    people, divisions, django_assert_max_num_queries
):
    rows = [
        dict(GOOD[2], source_number=f"{i}/UBND-KGVX", content=f"Nhiệm vụ số {i}")
        for i in range(200)
    ]
    from django.db import connection

    # SQLite splits a bulk insert into batches of its 999 parameters; PostgreSQL does not
    limit = 20 if connection.vendor == "postgresql" else 40
    with django_assert_max_num_queries(limit):
        assert _run(people, rows).created == 200
