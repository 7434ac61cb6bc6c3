"""The S&T tasks' and councils' sentences of the quarterly report (`workflows.reporting`).

From the records of the period:
- the decisions of the People's Committee signed in it (ordered lists, host approvals,
  recognitions…): "Trình UBND tỉnh ban hành Quyết định số 250/QĐ-UBND ngày 06/02/2024
  phê duyệt danh mục nhiệm vụ KH&CN cấp tỉnh đặt hàng năm 2024.";
- the brand and IP-programme projects carried out in it (a contract started by the
  period's end, not concluded before its start);
- the councils that met in it (a quorate attendance recorded): the acceptance councils
  with the projects they accepted ("Tổ chức 02 Hội đồng tư vấn nghiệm thu 02 dự án …"),
  the identification and selection councils, the advisory councils on technology;
- for the next quarter's plan: the tasks due a periodic inspection in the half-year that
  holds the next quarter ("kiểm tra, nghiệm thu định kỳ 6 tháng đầu năm 2024 đối với 29
  nhiệm vụ KH&CN đang triển khai thực hiện"), and the acceptance councils to hold (the
  tasks whose acceptance dossier was valid by the period's end, not yet judged).

The brand and IP-programme projects belong to the report's field 2 (technology
management), the other tasks to field 1.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from workflows.reporting import RecordRef, ReportFigure, quoted_list, two_digits, vn_date

from .models import (
    AcceptanceDossier,
    Attendance,
    Council,
    CouncilSubject,
    Decision,
    Inspection,
    Programme,
    Task,
)

TECHNOLOGY_PROGRAMMES = frozenset({Programme.BRAND, Programme.IP})


def _section(programmes) -> str:
    programmes = set(programmes)
    return "technology" if programmes and programmes <= TECHNOLOGY_PROGRAMMES else "tasks"


def _task_ref(task: Task) -> RecordRef:
    return RecordRef(
        label=f"{task.code} – {task.title}", url=reverse("tasks_lifecycle:task", args=[task.pk])
    )


def _council_ref(council: Council) -> RecordRef:
    when = f" ({vn_date(council.meeting_on)})" if council.meeting_on else ""
    return RecordRef(
        label=f"{council.title}{when}", url=reverse("tasks_lifecycle:council", args=[council.pk])
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


# --- decisions ---------------------------------------------------------------------------
def decision_figures(*, start: date, end: date) -> list[ReportFigure]:
    decisions = list(
        Decision.objects.filter(signed_on__gte=start, signed_on__lte=end).order_by(
            "signed_on", "number"
        )
    )
    if not decisions:
        return []
    tasks = defaultdict(list)
    links = Q()
    for rel in ("ordering_decision", "host_decision", "recognition_decision",
                "termination_decision"):  # fmt: skip
        links |= Q(**{f"{rel}__in": decisions})
    for task in Task.objects.filter(links).only(
        "code", "title", "programme", "ordering_decision", "host_decision",
        "recognition_decision", "termination_decision",
    ):  # fmt: skip
        for rel in ("ordering_decision_id", "host_decision_id", "recognition_decision_id",
                    "termination_decision_id"):  # fmt: skip
            if getattr(task, rel) is not None:
                tasks[getattr(task, rel)].append(task)
    figures = []
    for i, d in enumerate(decisions):
        subject = _lower_first(d.title or d.get_kind_display())
        provincial = d.number.upper().endswith("QĐ-UBND")
        text = (
            _("Trình UBND tỉnh ban hành Quyết định số %(number)s ngày %(date)s %(subject)s.")
            if provincial
            else _("Ban hành Quyết định số %(number)s ngày %(date)s %(subject)s.")
        ) % {"number": d.number, "date": vn_date(d.signed_on), "subject": subject.rstrip(".")}
        of = sorted({t.pk: t for t in tasks[d.pk]}.values(), key=lambda t: t.code)
        figures.append(
            ReportFigure(
                section=_section(t.programme for t in of),
                order=20 + i,
                text=text,
                records=tuple(_task_ref(t) for t in of),
            )
        )
    return figures


# --- projects carried out ----------------------------------------------------------------
def projects_figures(*, start: date, end: date) -> list[ReportFigure]:
    """ "Triển khai 05 dự án xây dựng, quản lý và phát triển nhãn hiệu …; 05 dự án thuộc
    Chương trình phát triển tài sản trí tuệ (…)": the projects under contract in the
    period (started by its end, not concluded before its start)."""
    running = list(
        Task.objects.filter(
            programme__in=TECHNOLOGY_PROGRAMMES,
            contract__starts_on__lte=end,
        )
        .filter(Q(concluded_on__isnull=True) | Q(concluded_on__gte=start))
        .exclude(stage="terminated", contract__ends_on__lt=start)
        .only("code", "title", "programme")
        .order_by("code")
    )
    if not running:
        return []
    brand = [t for t in running if t.programme == Programme.BRAND]
    ip = [t for t in running if t.programme == Programme.IP]
    parts = []
    if brand:
        parts.append(
            _("%(n)s dự án xây dựng, quản lý và phát triển nhãn hiệu sản phẩm chủ lực của tỉnh")
            % {"n": two_digits(len(brand))}
        )
    if ip:
        parts.append(
            _("%(n)s dự án thuộc Chương trình phát triển tài sản trí tuệ (%(titles)s)")
            % {
                "n": two_digits(len(ip)),
                "titles": "; ".join(t.title for t in ip),
            }
        )
    text = _("Triển khai %(parts)s.") % {"parts": "; ".join(parts)}
    return [
        ReportFigure(
            section="technology",
            order=5,
            text=text,
            records=tuple(_task_ref(t) for t in brand + ip),
        )
    ]


# --- councils ----------------------------------------------------------------------------
def _councils_met(start: date, end: date) -> list[Council]:
    met = Attendance.objects.filter(quorum_met=True).values("council_id")
    return list(
        Council.objects.filter(meeting_on__gte=start, meeting_on__lte=end, pk__in=met)
        .select_related("kind")
        .order_by("meeting_on", "code")
    )


def _subject_tasks(councils: list[Council]) -> dict[int, list[tuple[CouncilSubject, Task]]]:
    """Each council's subjects with the task each one is (when it is a task), in two
    queries."""
    task_type = ContentType.objects.get_for_model(Task)
    subjects = list(
        CouncilSubject.objects.filter(council__in=councils).order_by("council_id", "position")
    )
    ids = [int(s.target_id) for s in subjects if s.target_type_id == task_type.pk and s.target_id]
    tasks = Task.objects.only("code", "title", "programme").in_bulk(ids)
    out = defaultdict(list)
    for s in subjects:
        task = tasks.get(int(s.target_id)) if s.target_type_id == task_type.pk else None
        out[s.council_id].append((s, task))
    return out


_PROJECT_NOUN = {
    Programme.BRAND: (
        "dự án xây dựng, quản lý và phát triển nhãn hiệu sản phẩm chủ lực của tỉnh",
        "Dự án",
        "dự án",
    ),
    Programme.IP: (
        "dự án thuộc Chương trình phát triển tài sản trí tuệ",
        "Dự án",
        "dự án",
    ),
}


def council_figures(*, start: date, end: date) -> list[ReportFigure]:
    councils = _councils_met(start, end)
    if not councils:
        return []
    subjects = _subject_tasks(councils)
    figures = []
    # acceptance councils, by the programme of the tasks they accepted
    acceptance = defaultdict(list)
    for c in councils:
        if c.kind.code == "acceptance":
            programmes = {t.programme for _s, t in subjects[c.pk] if t is not None}
            key = programmes.pop() if len(programmes) == 1 else Programme.PROVINCIAL
            acceptance[key].append(c)
    for i, (programme, group) in enumerate(sorted(acceptance.items())):
        items = [(s, t) for c in group for s, t in subjects[c.pk]]
        noun, first, then = _PROJECT_NOUN.get(programme, ("nhiệm vụ KH&CN", "Nhiệm vụ", "nhiệm vụ"))
        text = _("Tổ chức %(councils)s Hội đồng tư vấn nghiệm thu %(n)s %(noun)s (%(titles)s).") % {
            "councils": two_digits(len(group)),
            "n": two_digits(len(items)),
            "noun": _(noun),
            "titles": quoted_list([s.title for s, _t in items], first=_(first), then=_(then)),
        }
        refs = [_council_ref(c) for c in group] + [_task_ref(t) for _s, t in items if t]
        figures.append(
            ReportFigure(
                section=_section([programme]), order=40 + i, text=text, records=tuple(refs)
            )
        )
    # identification, selection and budget appraisal councils: by kind
    by_kind = defaultdict(list)
    for c in councils:
        if c.kind.code in ("identification", "selection", "budget_appraisal", "inspection"):
            by_kind[c.kind].append(c)
    for i, (kind, group) in enumerate(sorted(by_kind.items(), key=lambda kv: kv[0].pk)):
        programmes = {t.programme for c in group for _s, t in subjects[c.pk] if t is not None}
        text = _("Tổ chức %(n)s %(kind)s: %(titles)s.") % {
            "n": two_digits(len(group)),
            "kind": kind.name,
            "titles": "; ".join(c.title for c in group),
        }
        figures.append(
            ReportFigure(
                section=_section(programmes) if programmes else "tasks",
                order=50 + i,
                text=text,
                records=tuple(_council_ref(c) for c in group),
            )
        )
    # advisory councils on technology: one sentence each, as the report's highlights
    for i, c in enumerate(c for c in councils if c.kind.code == "advisory"):
        titles = [s.title for s, _t in subjects[c.pk]] or [c.title]
        text = _(
            "Tổ chức Hội đồng tư vấn khoa học và công nghệ tư vấn về công nghệ đề xuất của "
            "dự án đầu tư %(titles)s."
        ) % {"titles": "; ".join(f"“{t}”" for t in titles)}
        figures.append(
            ReportFigure(section="technology", order=60 + i, text=text, records=(_council_ref(c),))
        )
    return figures


# --- the next quarter's plan -------------------------------------------------------------
def _half_year(day: date) -> tuple[date, date, str]:
    if day.month <= 6:
        return date(day.year, 1, 1), date(day.year, 6, 30), _("6 tháng đầu năm %(y)s")
    return date(day.year, 7, 1), date(day.year, 12, 31), _("6 tháng cuối năm %(y)s")


def inspection_plan_figures(*, start: date, end: date) -> list[ReportFigure]:
    """The tasks due a periodic inspection in the half-year that holds the next quarter
    (the 6-monthly round of inspections, TT 04/2015: whether or not some were already
    held early), still running at the period's end (not recognised, failed or
    terminated by then)."""
    first, last, label = _half_year(end + timedelta(days=1))
    rows = list(
        Inspection.objects.filter(due_on__gte=first, due_on__lte=last)
        .filter(Q(task__concluded_on__isnull=True) | Q(task__concluded_on__gt=end))
        .exclude(task__termination_decision__signed_on__lte=end)
        .select_related("task")
        .only("task__code", "task__title", "task__programme", "due_on")
        .order_by("task__code", "due_on")
    )
    tasks = list({i.task_id: i.task for i in rows}.values())
    if not tasks:
        return []
    text = _(
        "Kiểm tra, nghiệm thu định kỳ %(half)s đối với %(n)s nhiệm vụ KH&CN đang triển "
        "khai thực hiện."
    ) % {"half": label % {"y": first.year}, "n": two_digits(len(tasks))}
    return [
        ReportFigure(
            section="plan", order=60, text=text, records=tuple(_task_ref(t) for t in tasks)
        )
    ]


def acceptance_plan_figures(*, start: date, end: date) -> list[ReportFigure]:
    """The tasks whose acceptance dossier was found valid by the period's end and whose
    acceptance council had not met by then: the next quarter's acceptance councils."""
    valid = AcceptanceDossier.objects.filter(
        validity=AcceptanceDossier.Validity.VALID, notice_on__lte=end
    ).values("task_id")
    task_type = ContentType.objects.get_for_model(Task)
    met = Attendance.objects.filter(quorum_met=True, council__meeting_on__lte=end).values(
        "council_id"
    )
    judged = set(
        CouncilSubject.objects.filter(
            target_type=task_type, council__kind__code="acceptance", council_id__in=met
        ).values_list("target_id", flat=True)
    )
    tasks = [
        t
        for t in Task.objects.filter(pk__in=valid)
        .filter(Q(concluded_on__isnull=True) | Q(concluded_on__gt=end))
        .only("code", "title", "programme")
        .order_by("code")
        if str(t.pk) not in judged
    ]
    if not tasks:
        return []
    programmes = {t.programme for t in tasks}
    noun, first, then = (
        _PROJECT_NOUN[programmes.pop()]
        if len(programmes) == 1 and next(iter(programmes)) in _PROJECT_NOUN
        else ("nhiệm vụ KH&CN", "Nhiệm vụ", "nhiệm vụ")
    )
    text = _(
        "Tổ chức Hội đồng tư vấn nghiệm thu đối với %(n)s %(noun)s đã có hồ sơ đánh giá, "
        "nghiệm thu hợp lệ (%(titles)s)."
    ) % {
        "n": two_digits(len(tasks)),
        "noun": _(noun),
        "titles": quoted_list([t.title for t in tasks], first=_(first), then=_(then)),
    }
    section = "plan_technology" if _section(t.programme for t in tasks) == "technology" else "plan"
    return [
        ReportFigure(
            section=section, order=50, text=text, records=tuple(_task_ref(t) for t in tasks)
        )
    ]


def task_report_figures(*, start: date, end: date) -> list[ReportFigure]:
    """Every sentence of the S&T tasks and councils for the period (the registry's
    builder)."""
    return (
        decision_figures(start=start, end=end)
        + projects_figures(start=start, end=end)
        + council_figures(start=start, end=end)
        + inspection_plan_figures(start=start, end=end)
        + acceptance_plan_figures(start=start, end=end)
    )
