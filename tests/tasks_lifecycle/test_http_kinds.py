"""Every council kind through HTTP with the clock moved; conflicts, quorum, invalid
ballots and corrected tallies."""

from datetime import date

import pytest

from tasks_lifecycle.models import Ballot, Council, Expert, Status, Tally
from workflows.models import AuditEntry, Deadline

from .conftest import SUBJECT, client_for, constitute_and_dispatch, ok, on, pdf, set_up

pytestmark = pytest.mark.django_db


def _to_meeting(sec, council, pool, present=None, *, review_all=False, authorised=False):
    cid = council["id"]
    ok(
        sec.post(
            f"/api/councils/{cid}/constitute/",
            {"decision_number": "12/QĐ-SKHCN", "decision_date": "2024-02-26"},
            format="json",
        )
    )
    ok(sec.post(f"/api/councils/{cid}/papers/", {"title": "Hồ sơ", "file": pdf()}))
    council = ok(sec.post(f"/api/councils/{cid}/dispatch/"))
    members = council["members"]
    for m, expert in zip(members, pool, strict=False):
        c = client_for(expert.user)
        ok(c.post(f"/api/councils/{cid}/declare/", {"no_conflict": True}, format="json"))
        if review_all or m["role"] == "reviewer":
            for s in council["subjects"] if review_all else council["subjects"][:1]:
                ok(
                    c.post(
                        f"/api/councils/{cid}/reviews/",
                        {"subject": s["id"], "text": "Tốt."},
                        format="json",
                    )
                )
    present = present or [m["id"] for m in members]
    return ok(
        sec.post(
            f"/api/councils/{cid}/attendance/",
            {"present": present, "vice_chair_authorised": authorised},
            format="json",
        )
    )


def _board(sec, council):
    ids = [r["membership"] for r in council["attendance"]["rows"] if r["present"]][-3:]
    return ok(
        sec.post(
            f"/api/councils/{council['id']}/board/",
            {"members": ids, "chief": ids[0]},
            format="json",
        )
    )


def _confirm_publish(sec, council, pool):
    cid = council["id"]
    board = [m["expert"] for m in council["members"] if m["on_board"]]
    for e in Expert.objects.filter(pk__in=board):
        ok(client_for(e.user).post(f"/api/councils/{cid}/tally/confirm/", {}, format="json"))
    return ok(sec.post(f"/api/councils/{cid}/publish/"))


def _member_client(council, membership_id):
    m = next(x for x in council["members"] if x["id"] == membership_id)
    return client_for(Expert.objects.get(pk=m["expert"]).user)


def test_identification_council(people, pool):
    sec = client_for(people["secretary"])
    with on(date(2024, 1, 22)):
        council = set_up(
            sec,
            "identification",
            pool,
            meeting_on="2024-01-31",
            subjects=[{"title": "Nghiên cứu xây dựng mô hình trồng thử nghiệm Sâm Việt Nam"}],
        )
        # papers 5 working days before 31/01 (TT 06/2023 Art 11(4)): 24/01
        council = _to_meeting(sec, council, pool)
        assert Deadline.objects.get(object_id=str(council["id"]), kind="papers_due").due_date == (
            date(2024, 1, 24)
        )
    with on(date(2024, 1, 31)):
        council = _board(sec, council)
        sid = council["subjects"][0]["id"]
        for i, m in enumerate(council["members"]):
            contents = {
                "cap_thiet": "dat",
                "muc_tieu": "dat",
                "san_pham": "dat",
                "khong_trung_lap": "dat" if i < 6 else "khong_dat",
            }
            ok(
                _member_client(council, m["id"]).post(
                    f"/api/councils/{council['id']}/ballots/",
                    {"subject": sid, "values": {"contents": contents}},
                    format="json",
                )
            )
        council = ok(sec.post(f"/api/councils/{council['id']}/tally/", {}, format="json"))
        tally = council["tallies"][0]
        # 6 of 7 "Đạt yêu cầu": 6/7 > 3/4 → "Thực hiện"
        assert tally["outcome"] == "thuc_hien" and tally["data"]["subjects"][0]["dat"] == 6
        council = _confirm_publish(sec, council, pool)
        assert council["status"] == "published"


def test_selection_council_with_an_invalid_ballot_and_host_bonus(people, pool):
    sec = client_for(people["secretary"])
    apps = [
        {
            "title": "Hồ sơ A – Viện Nghiên cứu Rau quả",
            "host_organisation": "Viện Nghiên cứu Rau quả",
            "state_budget": 900_000_000,
            "host_proposed": True,
        },
        {
            "title": "Hồ sơ B – Trường Đại học Nông Lâm",
            "host_organisation": "Trường Đại học Nông Lâm",
            "state_budget": 800_000_000,
        },
    ]
    with on(date(2024, 4, 1)):
        # pool[3] works at Viện Nghiên cứu Rau quả, the host of application A: not invited
        others = pool[:3] + pool[4:]
        council = set_up(sec, "selection", others, subjects=apps, meeting_on="2024-04-22")
        council = _to_meeting(sec, council, others)
        assert Deadline.objects.get(object_id=str(council["id"]), kind="papers_due").due_date == (
            date(2024, 4, 10)  # 7 working days before 22/04, Hùng Kings' day 18/04 off
        )
        # members' questions 5 working days before (TT 20/2023 Art 10(3)(c))
        questions = Deadline.objects.get(object_id=str(council["id"]), kind="questions_due")
        assert questions.due_date == date(2024, 4, 12)
    with on(date(2024, 4, 22)):
        council = _board(sec, council)
        a, b = (s["id"] for s in council["subjects"])
        seventy = {
            "tong_quan": 10,
            "noi_dung": 18,
            "san_pham": 12,
            "ung_dung": 10,
            "kha_thi": 10,
            "nang_luc": 10,
        }
        seventy_five = {**seventy, "nang_luc": 15}
        low = dict.fromkeys(seventy, 2)  # 12: far more than 20 % below the mean
        for i, m in enumerate(council["members"]):
            c = _member_client(council, m["id"])
            ok(
                c.post(
                    f"/api/councils/{council['id']}/ballots/",
                    {"subject": a, "values": low if i == 0 else seventy},
                    format="json",
                )
            )
            ok(
                c.post(
                    f"/api/councils/{council['id']}/ballots/",
                    {"subject": b, "values": seventy_five},
                    format="json",
                )
            )
        council = ok(sec.post(f"/api/councils/{council['id']}/tally/", {}, format="json"))
        data = council["tallies"][0]["data"]
        app_a = next(x for x in data["applications"] if x["id"] == str(a))
        assert app_a["valid"][0] is False and app_a["mean"] == 70
        assert app_a["bonus"] == 7 and app_a["total"] == 77  # host proposed: +10 %
        assert data["winner"] == str(a)
        assert council["tallies"][0]["outcome"] == f"winner:{a}"


def test_budget_appraisal_and_inspection_conclude_without_ballots(people, pool):
    sec = client_for(people["secretary"])
    with on(date(2024, 5, 6)):
        team = set_up(sec, "budget_appraisal", pool, meeting_on="2024-05-16")
        roles = [m["role"] for m in team["members"]]
        assert len(roles) == 5
        team = _to_meeting(sec, team, pool, present=[m["id"] for m in team["members"][:4]])
        assert team["attendance"]["quorum_met"]  # 4/5 with the chair
    with on(date(2024, 5, 16)):
        r = sec.post(f"/api/councils/{team['id']}/tally/", {}, format="json")
        assert r.status_code == 400 and r.json()["code"] == "conclusion_required"
        team = ok(
            sec.post(
                f"/api/councils/{team['id']}/tally/",
                {"conclusion": "Kiến nghị tổng kinh phí 850.000.000 đồng."},
                format="json",
            )
        )
        team = ok(sec.post(f"/api/councils/{team['id']}/publish/"))
        assert team["status"] == "published"
        inspection = set_up(sec, "inspection", pool[5:], meeting_on="2024-05-27")
        inspection = _to_meeting(
            sec, inspection, pool[5:], present=[m["id"] for m in inspection["members"][:3]]
        )
        assert inspection["attendance"]["quorum_met"]  # 3 of the 4 core members
    with on(date(2024, 5, 27)):
        inspection = ok(
            sec.post(
                f"/api/councils/{inspection['id']}/tally/",
                {"conclusion": "Đúng tiến độ.", "outcome": "on_track"},
                format="json",
            )
        )
        assert inspection["tallies"][0]["outcome"] == "on_track"


def test_advisory_council(people, pool):
    sec = client_for(people["secretary"])
    with on(date(2024, 3, 4)):
        council = set_up(
            sec,
            "advisory",
            pool,
            meeting_on="2024-03-14",
            subjects=[{"title": "Nhà máy chế biến sâu công nghệ cao Niken La Phù (TKR)"}],
        )
        council = _to_meeting(sec, council, pool)
    with on(date(2024, 3, 14)):
        council = _board(sec, council)
        sid = council["subjects"][0]["id"]
        for m in council["members"]:
            ok(
                _member_client(council, m["id"]).post(
                    f"/api/councils/{council['id']}/ballots/",
                    {"subject": sid, "values": {"vote": "dong_y"}},
                    format="json",
                )
            )
        council = ok(sec.post(f"/api/councils/{council['id']}/tally/", {}, format="json"))
        assert council["tallies"][0]["outcome"] == "thong_qua"


def test_conflict_of_interest_refused_with_the_reason(people, pool):
    sec = client_for(people["secretary"])
    pi = Expert.objects.create(full_name="Nguyễn Văn An", organisation="Đại học Tây Bắc", field="x")
    host = Expert.objects.create(
        full_name="Trần Thị Hoa", organisation="Trung tâm Ứng dụng KH&CN Sơn La", field="x"
    )
    kin = Expert.objects.create(
        full_name="Lò Văn Khánh", organisation="Sở Tài chính", field="x", relatives=["Lò Thị Bình"]
    )
    council = ok(
        sec.post(
            "/api/councils/",
            {"kind": "acceptance", "title": "HĐ", "subjects": [SUBJECT]},
            format="json",
        ),
        201,
    )
    url = f"/api/councils/{council['id']}/members/"
    r = sec.post(url, {"expert": pi.pk, "role": "chair"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "conflict_of_interest"
    assert "chủ nhiệm" in r.json()["detail"]
    r = sec.post(url, {"expert": host.pk, "role": "reviewer"}, format="json")
    assert r.status_code == 400 and "tổ chức chủ trì" in r.json()["detail"]
    # TT 11/2014 Art 9(3)(b): host staff may sit as a plain member of an acceptance council
    ok(sec.post(url, {"expert": host.pk, "role": "member"}, format="json"))
    r = sec.post(url, {"expert": kin.pk, "role": "member"}, format="json")
    assert r.status_code == 400 and "người thân" in r.json()["detail"]
    r = sec.post(url, {"expert": host.pk, "role": "member"}, format="json")
    assert r.json()["code"] == "one_role_per_person"
    assert Council.objects.get(pk=council["id"]).memberships.count() == 1


def test_composition_refused_naming_the_rule(people, pool):
    sec = client_for(people["secretary"])
    council = set_up(sec, "acceptance", pool[:8] + [], meeting_on="2024-03-20")
    council = ok(
        sec.post(
            f"/api/councils/{council['id']}/members/",
            {"expert": pool[8].pk, "role": "member"},
            format="json",
        )
    )
    r = sec.post(
        f"/api/councils/{council['id']}/members/",
        {"expert": pool[9].pk, "role": "member"},
        format="json",
    )
    assert r.status_code == 400 and r.json()["code"] == "too_many_members"
    mid = council["members"][-1]["id"]
    ok(
        sec.post(
            f"/api/councils/{council['id']}/members/{mid}/remove/", {"reason": "x"}, format="json"
        )
    )
    r = sec.post(
        f"/api/councils/{council['id']}/constitute/",
        {"decision_number": "1/QĐ", "decision_date": "2024-02-26"},
        format="json",
    )
    assert r.status_code == 400 and "11/2014" in r.json()["detail"] and "09" in r.json()["detail"]


def test_meeting_without_quorum_refused_and_nothing_changes(people, pool):
    sec = client_for(people["secretary"])
    with on(date(2024, 3, 1)):
        council = set_up(sec, "acceptance", pool)
        cid = council["id"]
        council = constitute_and_dispatch(sec, cid)
    members = council["members"]
    with on(date(2024, 3, 20)):
        # reviews missing: TT 11/2014 Art 10(2)(a) refuses the meeting
        r = sec.post(
            f"/api/councils/{cid}/attendance/",
            {"present": [m["id"] for m in members]},
            format="json",
        )
        assert r.status_code == 400 and r.json()["code"] == "reviews_missing"
        for m in members:
            c = _member_client(council, m["id"])
            ok(c.post(f"/api/councils/{cid}/declare/", {"no_conflict": True}, format="json"))
            ok(
                c.post(
                    f"/api/councils/{cid}/reviews/",
                    {"subject": council["subjects"][0]["id"], "text": "Đạt."},
                    format="json",
                )
            )
        # 5 of 9 present: below 2/3
        r = sec.post(
            f"/api/councils/{cid}/attendance/",
            {"present": [m["id"] for m in members[:5]]},
            format="json",
        )
        assert (
            r.status_code == 400 and r.json()["code"] == "no_quorum" and "2/3" in r.json()["detail"]
        )
        # a reviewer absent
        present = [m["id"] for m in members if m["id"] != members[2]["id"]]
        r = sec.post(f"/api/councils/{cid}/attendance/", {"present": present}, format="json")
        assert r.status_code == 400 and "phản biện" in r.json()["detail"]
        # the chair absent, vice-chair without written authority
        present = [m["id"] for m in members[1:]]
        r = sec.post(f"/api/councils/{cid}/attendance/", {"present": present}, format="json")
        assert r.status_code == 400 and "ủy quyền" in r.json()["detail"]
        assert Council.objects.get(pk=cid).status == Status.PAPERS_SENT
        # no ballot without a quorum
        r = _member_client(council, members[1]["id"]).post(
            f"/api/councils/{cid}/ballots/",
            {"subject": council["subjects"][0]["id"], "values": {"vote": "dat"}},
            format="json",
        )
        assert r.status_code == 409
        council = ok(
            sec.post(
                f"/api/councils/{cid}/attendance/",
                {"present": present, "vice_chair_authorised": True},
                format="json",
            )
        )
        assert council["status"] == "in_session"


def test_invalid_paper_ballot_and_corrected_tally(people, pool):
    sec = client_for(people["secretary"])
    with on(date(2024, 3, 1)):
        council = set_up(sec, "acceptance", pool)
        council = _to_meeting(sec, council, pool, review_all=True)
    cid, sid = council["id"], council["subjects"][0]["id"]
    council = _board(sec, council)
    members = council["members"]
    votes = ["dat"] * 5 + ["khong_dat"] * 3
    for m, vote in zip(members, votes, strict=False):
        ok(
            sec.post(
                f"/api/councils/{cid}/ballots/enter/",
                {"membership": m["id"], "subject": sid, "values": {"vote": vote}},
                format="json",
            )
        )
    # the 9th paper ballot was left blank: invalid (TT 11/2014 Art 11(4))
    ok(
        sec.post(
            f"/api/councils/{cid}/ballots/enter/",
            {"membership": members[8]["id"], "subject": sid, "invalid_reason": "bỏ trống"},
            format="json",
        )
    )
    council = ok(sec.post(f"/api/councils/{cid}/tally/", {}, format="json"))
    first = council["tallies"][0]
    s = first["data"]["subjects"][0]
    assert s["counted"] == 8 and s["counts"]["khong_dat"] == 3
    assert first["outcome"] == "khong_dat"  # 3/8 > 1/3
    assert any(not b["paper_valid"] and b["why"] == "bỏ trống" for b in s["ballots"])
    # a correction is a new, audited tally; the first stays as it was
    r = sec.post(f"/api/councils/{cid}/tally/", {}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "reason_required"
    council = ok(
        sec.post(
            f"/api/councils/{cid}/tally/", {"reason": "Đối chiếu lại phiếu giấy."}, format="json"
        )
    )
    assert [t["number"] for t in council["tallies"]] == [2, 1]
    assert council["tallies"][0]["supersedes"] == first["id"]
    assert Tally.objects.get(pk=first["id"]).data == first["data"]
    assert AuditEntry.objects.filter(object_id=str(cid), action="tally").count() == 2


def test_later_conflict_removes_the_member_and_rechecks_composition(people, pool):
    sec = client_for(people["secretary"])
    with on(date(2024, 3, 1)):
        council = set_up(sec, "acceptance", pool)
        cid = council["id"]
        ok(
            sec.post(
                f"/api/councils/{cid}/constitute/",
                {"decision_number": "3/QĐ", "decision_date": "2024-03-01"},
                format="json",
            )
        )
        c = client_for(pool[8].user)
        left = ok(
            c.post(
                f"/api/councils/{cid}/declare/",
                {"no_conflict": False, "reason": "Em ruột là thành viên tham gia."},
                format="json",
            )
        )
        assert left["status"] == "setup" and "members" not in left
        council = ok(sec.get(f"/api/councils/{cid}/"))
    assert council["status"] == "setup" and len(council["members"]) == 8
    assert not Deadline.objects.filter(object_id=str(cid), state="open").exists()
    # the member is gone: the council is no longer visible to them
    assert c.get(f"/api/councils/{cid}/").status_code == 404


def test_conflict_declared_in_session_rechecks_the_quorum(people, pool):
    sec = client_for(people["secretary"])
    with on(date(2024, 3, 1)):
        council = set_up(sec, "acceptance", pool)
        council = _to_meeting(sec, council, pool, review_all=True)
    cid = council["id"]
    reviewer = next(m for m in council["members"] if m["role"] == "reviewer")
    c = _member_client(council, reviewer["id"])
    ok(
        c.post(
            f"/api/councils/{cid}/declare/",
            {"no_conflict": False, "reason": "Đồng tác giả với chủ nhiệm."},
            format="json",
        )
    )
    council = ok(sec.get(f"/api/councils/{cid}/"))
    # a reviewer gone: the composition lacks a reviewer, the meeting cannot go on and the
    # council goes back to set-up for a replacement; the new snapshot says why
    assert council["status"] == "setup"
    assert "phản biện" in " ".join(council["attendance"]["problems"])
    assert Ballot.objects.filter(council_id=cid, void=False).count() == 0
