"""Helpers of the task tests from the contract on: the signed task of Sơn La's example
contract (05/2024/HĐ-KHCN: effect 29/02/2024, end 31/08/2025, inspections every 6
months), a snapshot to show a refused step changed nothing, and the acceptance council
run through the councils' own services."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from notifications.models import Notification
from tasks_lifecycle import services as councils
from tasks_lifecycle import task_access
from tasks_lifecycle.models import (
    Council,
    Inspection,
    Investigator,
    RefundPayment,
    Stage,
    Task,
    TaskDocument,
)
from tasks_lifecycle.task_rules import LIMITS, OWNERS
from tasks_lifecycle.task_services import (
    task_accept_dossier,
    task_file_dossier,
    task_sign_contract,
)
from workflows.errors import ActionForbidden
from workflows.models import AuditEntry, Deadline, LadderStep

from .conftest import ROLES, on, pdf
from .test_task_contract import CONTRACT
from .test_task_services import _proposed

NOT_A_PDF = b"%PDF-1.4 but nothing after"


def broken_pdf(name: str = "bao-cao.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, NOT_A_PDF, content_type="application/pdf")


def signed_task(staff, org, *, title: str | None = None, number: str | None = None) -> Task:
    """A task in progress: host, PI (the host user's account), officer, the contract."""
    task = _proposed(staff, org, **({"title": title} if title else {}))
    pi = Investigator.objects.filter(user=staff["host"]).first() or Investigator.objects.create(
        full_name="Nguyễn Văn An", academic_title="TS.", organisation=org, user=staff["host"]
    )
    Task.objects.filter(pk=task.pk).update(
        stage=Stage.HOST_APPROVED, host=org, pi=pi, officer=staff["officer"]
    )
    contract = {**CONTRACT, **({"number": number} if number else {})}
    with on(date(2024, 2, 29)):
        return task_sign_contract(
            task=Task.objects.get(pk=task.pk), actor=staff["officer"], **contract
        )


def valid_dossier_task(
    staff, org, *, filed_on=date(2025, 9, 5), valid_on=date(2025, 9, 16), **signed
):
    """The signed task whose acceptance dossier was filed and found valid."""
    task = signed_task(staff, org, **signed)
    with on(filed_on):
        task = task_file_dossier(task=task, actor=staff["host"], self_evaluation="Đạt yêu cầu")
    with on(valid_on):
        return task_accept_dossier(task=task, actor=staff["officer"])


def rows(task, kind: str | None = None):
    qs = Deadline.objects.filter(object_id=str(task.pk), procedure_code="nhiem-vu-khcn")
    return qs.filter(kind=kind) if kind else qs


def row(task, kind: str, inspection: Inspection | None = None) -> Deadline:
    qs = rows(task, kind)
    if inspection is not None:
        qs = qs.filter(ref=f"inspection:{inspection.pk}")
    return qs.get()


def _state(task) -> dict:
    t = Task.objects.filter(pk=task.pk)
    return {
        "task": t.values().get(),
        "participants": list(t.values_list("participants", flat=True)),
        "inspections": list(Inspection.objects.filter(task=task).order_by("pk").values()),
        "rows": list(
            rows(task).order_by("pk").values("kind", "ref", "due_date", "state", "closed_on")
        ),
        "files": TaskDocument.objects.filter(task=task).count(),
        "refunds": RefundPayment.objects.filter(task=task).count(),
        "audit": AuditEntry.objects.filter(object_id=str(task.pk)).count(),
        "notifications": Notification.objects.count(),
    }


@contextmanager
def unchanged(task):
    """The block (a refused step) leaves the task, its records, rows and audit as they were."""
    before = _state(task)
    yield
    assert _state(task) == before


def acceptance_council(
    staff, pool, task, *, decision_date: date, meeting_on: date, constitute: bool = True
) -> Council:
    """The secretary sets up the 9-member acceptance council whose subject is the task
    (parties and first filing from `Task.subject_spec`) and constitutes it."""
    sec = staff["secretary"]
    with on(decision_date):
        council = councils.council_create(
            actor=sec,
            kind="acceptance",
            title="Hội đồng tư vấn đánh giá, nghiệm thu nhiệm vụ KH&CN cấp tỉnh",
            meeting_on=meeting_on,
            subjects=[Task.objects.get(pk=task.pk).subject_spec()],
        )
        for expert, role in zip(pool, ROLES["acceptance"], strict=False):
            councils.council_member_add(council=council, actor=sec, expert=expert, role=role)
        if constitute:
            council = councils.council_constitute(
                council=council,
                actor=sec,
                decision_number="45/QĐ-SKHCN",
                decision_date=decision_date,
            )
    return Council.objects.get(pk=council.pk)


def acceptance_meeting(staff, council: Council, votes: list[str]) -> Council:
    """Papers, declarations and reviews, then the meeting on its day: every member
    present, one paper ballot each (`votes` in membership order), the tally confirmed
    by the board on paper, the result published."""
    sec = staff["secretary"]
    subject = council.subjects.get()
    members = list(council.memberships.filter(removed_at__isnull=True).order_by("id"))
    with on(council.decision_date):
        councils.council_paper_upload(
            council=council, actor=sec, title="Báo cáo tổng hợp", upload=pdf()
        )
        councils.council_papers_dispatch(council=council, actor=sec)
        for m in members:
            councils.council_declaration_record(council=council, actor=sec, membership=m)
            councils.council_review_record(
                council=council, actor=sec, membership=m, subject=subject, text="Đạt mục tiêu."
            )
    with on(council.meeting_on):
        councils.council_attendance_record(
            council=council, actor=sec, present={m.pk: True for m in members}
        )
        councils.council_board_elect(
            council=council, actor=sec, memberships=members[-3:], chief=members[-3]
        )
        for m, vote in zip(members, votes, strict=True):
            councils.council_ballot_enter(
                council=council, actor=sec, membership=m, subject=subject, values={"vote": vote}
            )
        councils.council_tally_compute(council=council, actor=sec)
        for m in members[-3:]:
            councils.council_tally_confirm_paper(council=council, actor=sec, membership=m)
        councils.council_publish(council=council, actor=sec)
    return Council.objects.get(pk=council.pk)


# --- who may act: the matrix of the issue, for one step -----------------------------------
ACTORS = ("officer", "head", "director", "host", "other_host", "anonymous")
ALLOWED = {
    task_access.DIVISION: {"officer", "head", "director"},
    task_access.LEADER: {"head", "director"},
    task_access.HOST: {"host"},
}


def _refusal(step: str, who: str) -> str:
    if task_access.STEPS[step] == task_access.HOST:
        return "not_host"
    # the host's user is also the PI's account: acting for the division is self-dealing
    return {"anonymous": "not_authenticated", "host": "self_dealing"}.get(who, "forbidden")


def assert_who_may_act(staff, task, step: str, service, **kwargs) -> None:
    """The division officer, the head, the director, a host user of this task, one of
    another organisation and anonymous: those `task_access.STEPS` allows pass the
    check; the others are refused by the service itself with their reason, and the task
    is left as it was."""
    allowed = ALLOWED[task_access.STEPS[step]]
    for who in ACTORS:
        actor = AnonymousUser() if who == "anonymous" else staff[who]
        if who in allowed:
            task_access.step_authorize(task, step, actor)
            continue
        with unchanged(task), pytest.raises(ActionForbidden) as exc:
            service(task=task, actor=actor, **kwargs)
        assert exc.value.code == _refusal(step, who), (step, who)


def assert_rows_well_formed(task) -> None:
    """Every row of the task has its time limit (named by it), an owner and a ladder."""
    ladder = set(
        LadderStep.objects.filter(version=task.procedure_version).values_list(
            "deadline_kind", flat=True
        )
    )
    for r in rows(task):
        assert r.kind in LIMITS and LIMITS[r.kind].owner in OWNERS, r.kind
        assert r.title == f"{task.code}: {LIMITS[r.kind].name}", r.kind
        assert r.owner_user_id or r.owner_division_id, r.kind
        assert r.kind in ladder, r.kind
