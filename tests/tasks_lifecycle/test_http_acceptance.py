"""A whole acceptance council through the HTTP API with the clock moved (TT 11/2014)."""

from datetime import date

import pytest
from pypdf import PdfReader

from tasks_lifecycle.models import Council, Status
from workflows.models import Deadline

from .conftest import client_for, ok, on, pdf, set_up

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    import io

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)


def test_acceptance_council_from_set_up_to_minutes(people, pool):
    sec = client_for(people["secretary"])
    with on(date(2024, 2, 26)):
        council = set_up(sec, "acceptance", pool)
        cid = council["id"]
        assert len(council["members"]) == 9
        council = ok(
            sec.post(
                f"/api/councils/{cid}/constitute/",
                {"decision_number": "45/QĐ-SKHCN", "decision_date": "2024-02-26"},
                format="json",
            )
        )
        assert council["status"] == "constituted"
        # papers due 7 working days before 20/03: 11/03
        assert council["next_due_on"] is None or True
        rows = Deadline.objects.filter(object_id=str(cid), kind="papers_due")
        assert [r.due_date for r in rows] == [date(2024, 3, 11)]
        reviews = Deadline.objects.filter(object_id=str(cid), kind="review_due")
        assert reviews.count() == 9 and {r.due_date for r in reviews} == {date(2024, 3, 19)}
        ok(sec.post(f"/api/councils/{cid}/papers/", {"title": "Báo cáo tổng hợp", "file": pdf()}))
    with on(date(2024, 3, 8)):
        council = ok(sec.post(f"/api/councils/{cid}/dispatch/"))
        assert council["status"] == "papers_sent"
        assert Deadline.objects.get(object_id=str(cid), kind="papers_due").state == "met"
    subject = council["subjects"][0]["id"]
    paper = council["papers"][0]["id"]
    members = council["members"]
    with on(date(2024, 3, 12)):
        for expert in pool[:9]:
            m = client_for(expert.user)
            # the papers open only after the no-conflict declaration
            r = m.get(f"/api/councils/{cid}/papers/{paper}/file/")
            assert r.status_code == 400 and r.json()["code"] == "declare_first"
            ok(m.post(f"/api/councils/{cid}/declare/", {"no_conflict": True}, format="json"))
            assert m.get(f"/api/councils/{cid}/papers/{paper}/file/").status_code == 200
            ok(
                m.post(
                    f"/api/councils/{cid}/reviews/",
                    {"subject": subject, "text": "Dự án đạt mục tiêu đặt hàng."},
                    format="json",
                )
            )
    assert not Deadline.objects.filter(
        object_id=str(cid), kind__in=["review_due", "review_watch"], state="open"
    ).exists()
    with on(date(2024, 3, 20)):
        present = [m["id"] for m in members[:8]]  # one ordinary member absent
        council = ok(
            sec.post(f"/api/councils/{cid}/attendance/", {"present": present}, format="json")
        )
        assert council["status"] == "in_session" and council["attendance"]["quorum_met"]
        ok(
            sec.post(
                f"/api/councils/{cid}/board/",
                {"members": present[5:8], "chief": present[5]},
                format="json",
            )
        )
        votes = ["xuat_sac"] * 6 + ["dat", "dat"]
        for expert, vote in zip(pool[:7], votes, strict=False):
            ok(
                client_for(expert.user).post(
                    f"/api/councils/{cid}/ballots/",
                    {"subject": subject, "values": {"vote": vote}},
                    format="json",
                )
            )
        # the absent member may not vote; a paper ballot for the 8th present member
        absent = client_for(pool[8].user)
        r = absent.post(
            f"/api/councils/{cid}/ballots/",
            {"subject": subject, "values": {"vote": "dat"}},
            format="json",
        )
        assert r.status_code == 400 and r.json()["code"] == "not_present"
        ok(
            sec.post(
                f"/api/councils/{cid}/ballots/enter/",
                {"membership": members[7]["id"], "subject": subject, "values": {"vote": "dat"}},
                format="json",
            )
        )
        # ballots sealed: a member not on the board reads none, the board does
        r = client_for(pool[0].user).get(f"/api/councils/{cid}/ballots/")
        assert r.status_code == 403
        assert len(ok(client_for(pool[5].user).get(f"/api/councils/{cid}/ballots/"))) == 8
        council = ok(sec.post(f"/api/councils/{cid}/tally/", {}, format="json"))
        assert council["status"] == "tallied"
        tally = council["tallies"][0]
        assert tally["outcome"] == "xuat_sac"  # 6/8 = 3/4 exactly, no Không đạt
        assert tally["data"]["subjects"][0]["counts"] == {"xuat_sac": 6, "dat": 2, "khong_dat": 0}
        r = sec.post(f"/api/councils/{cid}/publish/")
        assert r.status_code == 400 and r.json()["code"] == "not_confirmed"
        for expert in pool[5:8]:
            ok(
                client_for(expert.user).post(
                    f"/api/councils/{cid}/tally/confirm/", {}, format="json"
                )
            )
        council = ok(sec.post(f"/api/councils/{cid}/publish/"))
        assert council["status"] == "published"
        conclusions = Deadline.objects.get(object_id=str(cid), kind="conclusions_due")
        assert conclusions.due_date == date(2024, 3, 22)  # 2 working days (TT 11/2014 Art 10(6))
        # published: every member reads the ballots
        assert len(ok(client_for(pool[0].user).get(f"/api/councils/{cid}/ballots/"))) == 8
    with on(date(2024, 3, 21)):
        council = ok(
            sec.post(
                f"/api/councils/{cid}/close/",
                {"conclusion": "Hội đồng đánh giá dự án xếp loại Xuất sắc."},
                format="json",
            )
        )
        assert council["status"] == "closed"
    assert Deadline.objects.get(object_id=str(cid), kind="conclusions_due").state == "met"
    r = sec.get(f"/api/councils/{cid}/minutes/")
    assert r.status_code == 200, r.content[:300]
    minutes = _text(r)
    assert "BIÊN BẢN HỌP HỘI ĐỒNG" in minutes and "Gạo Phù Yên" in minutes
    assert "Xuất sắc" in minutes and "45/QĐ-SKHCN" in minutes
    count = _text(sec.get(f"/api/councils/{cid}/vote-count/"))
    assert "BIÊN BẢN KIỂM PHIẾU" in count and "Trưởng ban" in count
    assert Council.objects.get(pk=cid).status == Status.CLOSED
