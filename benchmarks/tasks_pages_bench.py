"""Benchmark of the S&T tasks' register and a task's page with 1,000 tasks, on PostgreSQL.

Loads N tasks (default 1,000) over every stage of the lifecycle, for 8 host
organisations and 4 officers; those past the contract have a contract with 3
instalments and 3 inspections; every task has 6 ledger rows (open and closed, some
overdue) and 4 audit entries. Then, through the Django test client signed in as the
head of the managing division, requests R times after a warm-up: the register
(`/nhiem-vu/`, 25 a page) first page, a later page, filtered by stage and searched;
the overdue / due-soon view; one task's page (in progress, with its contract,
inspections and rows). Prints the number of SQL queries and the server time (median and
90th percentile).

It prints figures; it is not a test. Run from the project root:

    .venv/bin/python benchmarks/tasks_pages_bench.py            # reuses loaded data
    .venv/bin/python benchmarks/tasks_pages_bench.py --reload   # loads again

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/motcua_tasks_bench) names the
database; it is created if missing and migrated; a name without "bench" is refused.
"""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_tasks_bench"
PREFIX = "BENCH-NV-"


from bench_env import bench_start, measure_get  # noqa: E402

ARGS = bench_start(
    "tasks_pages_bench", database=DEFAULT_URL, size=("--tasks", 1000), description=__doc__
)

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from tasks_lifecycle.models import (  # noqa: E402
    Contract,
    HostOrganisation,
    Inspection,
    Instalment,
    Investigator,
    Programme,
    Stage,
    Task,
)
from tasks_lifecycle.task_catalogue import current_version  # noqa: E402
from workflows.models import AuditEntry, Deadline, Division, User  # noqa: E402
from workflows.roles import Role  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
CONTRACTED = {
    Stage.IN_PROGRESS, Stage.TERMINATED, Stage.DOSSIER_FILED, Stage.DOSSIER_SUPPLEMENT,
    Stage.DOSSIER_VALID, Stage.ACCEPTANCE, Stage.CORRECTIONS, Stage.RECOGNISED, Stage.FAILED,
}  # fmt: skip
KINDS = ["contract_end", "inspection_due", "acceptance_dossier", "extension_window",
         "validity_notice", "supplement"]  # fmt: skip


def people() -> tuple[User, list[User]]:
    qlkh, _ = Division.objects.get_or_create(code="qlkh", defaults={"name": "Phòng QLKH"})
    head, _ = User.objects.get_or_create(
        username="bench-truongphong", defaults={"last_name": "Bench", "division": qlkh}
    )
    head.groups.add(Group.objects.get(name=Role.HEAD_OF_DIVISION))
    officers = []
    for i in range(4):
        u, _ = User.objects.get_or_create(
            username=f"bench-cv{i}", defaults={"last_name": f"Chuyên viên {i}", "division": qlkh}
        )
        u.groups.add(Group.objects.get(name=Role.SPECIALIST))
        officers.append(u)
    return head, officers


def unload() -> None:
    ct = ContentType.objects.get_for_model(Task)
    pks = Task.objects.filter(code__startswith=PREFIX).values_list("pk", flat=True)
    ids = [str(i) for i in pks]
    with transaction.atomic():
        Deadline.objects.filter(content_type=ct, object_id__in=ids).delete()
        Task.objects.filter(code__startswith=PREFIX).delete()
    # the audit trail is append-only (triggers refuse DELETE): its rows of old runs stay


def load(n: int, officers: list[User]) -> float:
    t0 = time.perf_counter()
    today = timezone.localdate()
    version = current_version(today)
    orgs = [
        HostOrganisation.objects.get_or_create(name=f"Bench tổ chức chủ trì {i}")[0]
        for i in range(8)
    ]
    pis = [
        Investigator.objects.get_or_create(
            full_name=f"Bench chủ nhiệm {i}", defaults={"email": f"cn{i}@example.vn"}
        )[0]
        for i in range(20)
    ]
    stages = list(Stage.values)
    programmes = list(Programme.values)
    tasks = Task.objects.bulk_create(
        Task(
            code=f"{PREFIX}{i:05d}",
            title=f"Nhiệm vụ benchmark số {i}: ứng dụng tiến bộ kỹ thuật",
            year=2020 + i % 6,
            programme=programmes[i % len(programmes)],
            field=["Nông nghiệp", "Y dược", "Công nghệ thông tin", "Môi trường"][i % 4],
            proposer=orgs[i % 8],
            host=orgs[i % 8],
            pi=pis[i % 20],
            officer=officers[i % 4],
            procedure_version=version,
            proposed_on=today - timedelta(days=400 + i % 300),
            stage=stages[i % len(stages)],
            state_budget=500_000_000 + i * 1000,
        )
        for i in range(n)
    )
    contracted = [t for t in tasks if t.stage in CONTRACTED]
    contracts = Contract.objects.bulk_create(
        Contract(
            task=t,
            number=f"{PREFIX}HĐ-{t.pk}",
            signed_on=today - timedelta(days=500),
            effective_on=today - timedelta(days=500),
            starts_on=today - timedelta(days=499),
            original_ends_on=today + timedelta(days=t.pk % 200 - 60),
            ends_on=today + timedelta(days=t.pk % 200 - 60),
            budget=900_000_000,
        )
        for t in contracted
    )
    Instalment.objects.bulk_create(
        Instalment(
            contract=c,
            number=k + 1,
            due_on=c.starts_on + timedelta(days=120 * k),
            amount=300_000_000,
        )  # fmt: skip
        for c in contracts
        for k in range(3)
    )
    Inspection.objects.bulk_create(
        Inspection(task=t, number=k + 1, due_on=today - timedelta(days=300 - 180 * k))
        for t in contracted
        for k in range(3)
    )
    ct = ContentType.objects.get_for_model(Task)
    rows = []
    for i, t in enumerate(tasks):
        for k, kind in enumerate(KINDS):
            open_ = k < 3 or i % 3 == 0
            rows.append(Deadline(
                content_type=ct, object_id=str(t.pk), kind=kind, procedure_code="nhiem-vu-khcn",
                dossier_code=t.code, title=f"{t.code}: {kind}",
                due_date=today + timedelta(days=(i * 7 + k * 11) % 90 - 30),
                owner_user=officers[i % 4] if k % 2 else None,
                state=Deadline.State.OPEN if open_ else Deadline.State.MET,
                closed_on=None if open_ else today - timedelta(days=5),
            ))  # fmt: skip
    Deadline.objects.bulk_create(rows, batch_size=2000)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            content_type=ct,
            object_id=str(t.pk),
            actor=officers[0],
            action=a,
            from_state=f,
            to_state=to,
        )  # fmt: skip
        for t in tasks
        for a, f, to in (
            ("propose", "", "proposed"),
            ("screen", "proposed", "screened"),
            ("send_to_identification", "screened", "identification"),
            ("recommend", "identification", "recommended"),
        )  # fmt: skip
    )
    return time.perf_counter() - t0


measure = measure_get


def main() -> None:
    call_command("migrate", verbosity=0)
    head, officers = people()
    have = Task.objects.filter(code__startswith=PREFIX).count()
    if ARGS.reload or have != ARGS.tasks:
        unload()
        print(f"loaded {ARGS.tasks} tasks in {load(ARGS.tasks, officers):.1f} s")
    task = (
        Task.objects.filter(code__startswith=PREFIX, stage=Stage.IN_PROGRESS).order_by("pk").first()
    )
    client = Client()
    client.force_login(head)
    print(f"S&T tasks, {ARGS.tasks} tasks, {ARGS.repeats} requests each (head of division):")
    for label, url in (
        ("register, first page", "/nhiem-vu/"),
        ("register, page 20", "/nhiem-vu/?page=20"),
        ("register by due date", "/nhiem-vu/?o=due"),
        ("register, one stage", "/nhiem-vu/?stage=in_progress"),
        ("register, search", "/nhiem-vu/?q=benchmark+s%E1%BB%91+77"),
        ("overdue / due soon", "/nhiem-vu/qua-han/"),
        ("a task's page", f"/nhiem-vu/{task.pk}/"),
    ):
        q, median, p90 = measure(client, url, ARGS.repeats)
        print(f"  {label:<22} {q:>3} queries  median {median:6.1f} ms  p90 {p90:6.1f} ms")


if __name__ == "__main__":
    main()
