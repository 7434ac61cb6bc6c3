"""Staff pages of the councils (shared staff look) and the member's pages.

- the secretary's workspace: my councils with what is due next and when (paginated);
- the council page: members and conflicts, papers and who read them, reviews in and
  missing, attendance and quorum, board, ballots and tally, minutes; every action a
  small form that calls one service;
- the member's pages: my councils; one council's papers, declaration, review, ballot.

Every action calls the service, which decides who may act; a refusal is shown as the
service's Vietnamese message and nothing is lost.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import TemplateView

from workflows.audit import audit_trail
from workflows.errors import DomainError

from . import access, documents, selectors, services
from .api import paper_response, pdf_response
from .models import (
    Ballot,
    BallotForm,
    Council,
    CouncilSubject,
    Expert,
    KindCode,
    Membership,
    Paper,
    PaperRead,
    Review,
    Status,
)

PAGE_SIZE = 20
AUDIT_LABELS = {
    "create": _lazy("Lập hội đồng"),
    "member_add": _lazy("Thêm thành viên"),
    "member_remove": _lazy("Rút thành viên"),
    "member_conflict": _lazy("Thành viên kê khai xung đột lợi ích, rút khỏi hội đồng"),
    "constitute": _lazy("Thành lập hội đồng"),
    "reopen": _lazy("Bổ sung thành viên"),
    "paper_upload": _lazy("Tải lên tài liệu"),
    "dispatch_papers": _lazy("Gửi tài liệu"),
    "declare_no_conflict": _lazy("Ký cam kết không xung đột lợi ích"),
    "declaration_record": _lazy("Ghi nhận cam kết (bản giấy)"),
    "review_submit": _lazy("Gửi phiếu nhận xét"),
    "open_meeting": _lazy("Điểm danh, khai mạc phiên họp"),
    "suspend_meeting": _lazy("Dừng phiên họp"),
    "board_elect": _lazy("Bầu ban kiểm phiếu"),
    "ballot": _lazy("Nhận phiếu đánh giá"),
    "tally": _lazy("Kiểm phiếu"),
    "tally_confirm": _lazy("Ban kiểm phiếu xác nhận"),
    "publish": _lazy("Công bố kết quả"),
    "close": _lazy("Gửi kết luận"),
}
TONES = {
    Status.SETUP: "new",
    Status.CONSTITUTED: "active",
    Status.PAPERS_SENT: "active",
    Status.IN_SESSION: "warning",
    Status.TALLIED: "warning",
    Status.PUBLISHED: "done",
    Status.CLOSED: "done",
}


class CouncilStaffMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self) -> bool:
        return access.is_council_staff(self.request.user)


def _council_for_staff(request, pk) -> Council:
    council = get_object_or_404(Council.objects.select_related("kind", "secretary"), pk=pk)
    if not access.is_council_staff(request.user):
        raise Http404(_("Không tìm thấy hội đồng."))
    return council


def _council_for_member(request, pk) -> tuple[Council, Membership]:
    council = get_object_or_404(Council.objects.select_related("kind", "secretary"), pk=pk)
    membership = access.membership_of(request.user, council)
    if membership is None:
        raise Http404(_("Không tìm thấy hội đồng."))
    return council, membership


# --- the secretary's workspace -----------------------------------------------------------
class WorkspaceView(CouncilStaffMixin, TemplateView):
    template_name = "tasks_lifecycle/workspace.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        mine = self.request.GET.get("view", "mine") != "all"
        qs = selectors.councils_visible(user)
        if mine:
            qs = qs.filter(secretary=user)
        status = self.request.GET.get("status")
        if status in Status.values:
            qs = qs.filter(status=status)
        qs = (
            selectors.with_next_due(qs)
            .annotate(
                members_count=Count("memberships", filter=Q(memberships__removed_at__isnull=True))
            )
            .order_by("next_due_on", "-meeting_on", "-id")
        )
        page = Paginator(qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        councils = list(page.object_list)
        for c in councils:
            c.tone = TONES.get(c.status, "active")
        ctx.update(
            page_obj=page,
            councils=councils,
            mine=mine,
            statuses=Status.choices,
            status=status or "",
            querystring=self.request.GET.urlencode(),
            today=timezone.localdate(),
        )
        return ctx


class CouncilCreateView(CouncilStaffMixin, TemplateView):
    template_name = "tasks_lifecycle/create.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(kinds=KindCode.choices, task_types=CouncilSubject.TaskType.choices)
        return ctx

    def post(self, request):
        p = request.POST
        subject = {
            "title": p.get("subject_title", "").strip(),
            "pi_name": p.get("pi_name", "").strip(),
            "participants": [x.strip() for x in p.get("participants", "").split(",") if x.strip()],
            "host_organisation": p.get("host_organisation", "").strip(),
            "task_type": p.get("task_type") or "technology",
            "contract_end": _date(p.get("contract_end")),
            "dossier_submitted_on": _date(p.get("dossier_submitted_on")),
        }
        if not subject["title"] or not p.get("title", "").strip():
            messages.error(request, _("Nhập tên hội đồng và tên đối tượng đánh giá."))
            return self.render_to_response(self.get_context_data(values=p))
        try:
            council = services.council_create(
                actor=request.user,
                kind=p.get("kind", ""),
                title=p["title"],
                meeting_on=_date(p.get("meeting_on")),
                meeting_place=p.get("meeting_place", ""),
                subjects=[subject],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return self.render_to_response(self.get_context_data(values=p))
        messages.success(request, _("Đã lập hội đồng %(code)s.") % {"code": council.code})
        return redirect("tasks_lifecycle:council", pk=council.pk)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- the council page ----------------------------------------------------------------------
def council_context(council: Council, user) -> dict:
    members = list(
        council.memberships.filter(removed_at__isnull=True)
        .select_related("expert__user", "reviews_subject")
        .annotate(read_count=Count("reads", distinct=True))
        .order_by("id")
    )
    removed = list(council.memberships.filter(removed_at__isnull=False).select_related("expert"))
    subjects = list(council.subjects.order_by("position", "id"))
    papers = list(
        council.papers.prefetch_related(
            Prefetch("reads", queryset=PaperRead.objects.select_related("membership__expert"))
        )
    )
    reviews = list(
        Review.objects.filter(membership__council=council).select_related(
            "membership__expert", "subject"
        )
    )
    attendance = council.attendances.order_by("-id").first()
    tallies = list(council.tallies.order_by("-number"))
    sealed = not access.reads_ballots(user, council)
    ballots = (
        []
        if sealed
        else list(
            Ballot.objects.filter(council=council).select_related("membership__expert", "subject")
        )
    )
    for b in ballots:
        b.label = documents.ballot_label(b.values)
    deadlines = list(selectors.council_deadlines(council).order_by("due_date", "id"))
    return {
        "council": council,
        "tone": TONES.get(council.status, "active"),
        "members": members,
        "removed": removed,
        "subjects": subjects,
        "papers": papers,
        "reviews": reviews,
        "missing": services.reviews_missing(council) if council.status != Status.SETUP else [],
        "attendance": attendance,
        "tallies": tallies,
        "tally": tallies[0] if tallies else None,
        "confirmed_ids": {c["membership"] for c in tallies[0].confirmations} if tallies else set(),
        "sealed": sealed,
        "ballots": ballots,
        "ballot_count": Ballot.objects.filter(council=council, void=False).count(),
        "deadlines": deadlines,
        "composition": services.composition_of(council),
        "rule": council.kind.rule(),
        "roles": Membership.MemberRole.choices,
        "manages": access.manages(user, council) or user.pk == council.secretary_id,
        "audit": [
            (a, AUDIT_LABELS.get(a.action, a.action))
            for a in audit_trail(council).select_related("actor")
        ],
        "kind_form": council.kind.ballot_form,
    }


class CouncilPageView(CouncilStaffMixin, TemplateView):
    template_name = "tasks_lifecycle/council.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        council = _council_for_staff(self.request, kwargs["pk"])
        ctx.update(council_context(council, self.request.user))
        if council.status == Status.SETUP:
            ctx["pool"] = services.experts_available(council)
        if council.status == Status.IN_SESSION and ctx["kind_form"] != BallotForm.NONE:
            ctx["forms"] = [(s, services.ballot_form(council, s)) for s in ctx["subjects"]]
        ctx["inspection_outcomes"] = services.INSPECTION_OUTCOMES.items()
        return ctx


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()]


def _ballot_values(post, form: dict) -> dict:
    if form["form"] == BallotForm.SELECTION:
        return {code: post.get(f"c_{code}", "") for code, _name, _max in form["criteria"]}
    if form["form"] == BallotForm.IDENTIFICATION:
        return {"contents": {code: post.get(f"c_{code}", "") for code, _name in form["contents"]}}
    return {"vote": post.get("vote", "")}


class CouncilActionView(LoginRequiredMixin, View):
    """One form of the council page → one service."""

    http_method_names = ["post"]
    ACTIONS = {
        "member_add": _("Đã thêm thành viên."),
        "member_remove": _("Đã rút thành viên khỏi danh sách."),
        "constitute": _("Hội đồng đã được thành lập; các hạn đã vào sổ theo dõi."),
        "paper_upload": _("Đã tải lên tài liệu."),
        "dispatch": _("Đã gửi tài liệu cho các thành viên."),
        "attendance": _("Đã điểm danh: phiên họp đủ điều kiện."),
        "declaration_record": _("Đã ghi nhận cam kết ký trên giấy."),
        "review_record": _("Đã ghi nhận phiếu nhận xét."),
        "board": _("Đã bầu ban kiểm phiếu."),
        "ballot_enter": _("Đã nhập phiếu."),
        "tally": _("Đã kiểm phiếu."),
        "confirm_paper": _("Đã ghi nhận xác nhận của thành viên ban kiểm phiếu."),
        "publish": _("Đã công bố kết quả."),
        "close": _("Đã gửi kết luận."),
    }

    def post(self, request, pk, action):
        council = _council_for_staff(request, pk)
        if action not in self.ACTIONS:
            raise Http404
        try:
            self.perform(request, council, action)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, self.ACTIONS[action])
        return redirect("tasks_lifecycle:council", pk=council.pk)

    def perform(self, request, council, action):
        p, actor = request.POST, request.user
        if action == "member_add":
            expert = get_object_or_404(Expert, pk=p.get("expert") or 0)
            subject = council.subjects.filter(pk=p.get("reviews_subject") or 0).first()
            services.council_member_add(
                council=council, actor=actor, expert=expert, role=p.get("role", ""),
                reviews_subject=subject,
            )  # fmt: skip
        elif action == "member_remove":
            m = get_object_or_404(Membership, pk=p.get("membership") or 0, council=council)
            services.council_member_remove(
                council=council, actor=actor, membership=m, reason=p.get("reason", "")
            )
        elif action == "constitute":
            services.council_constitute(
                council=council, actor=actor, decision_number=p.get("decision_number", ""),
                decision_date=_date(p.get("decision_date")), meeting_on=_date(p.get("meeting_on")),
            )  # fmt: skip
        elif action == "paper_upload":
            upload = request.FILES.get("file")
            if upload is None:
                raise DomainError(_("Chọn tệp tài liệu."))
            services.council_paper_upload(
                council=council, actor=actor, title=p.get("title", ""), upload=upload
            )
        elif action == "dispatch":
            services.council_papers_dispatch(council=council, actor=actor)
        elif action == "declaration_record":
            m = get_object_or_404(Membership, pk=p.get("membership") or 0, council=council)
            services.council_declaration_record(council=council, actor=actor, membership=m)
        elif action == "review_record":
            m = get_object_or_404(Membership, pk=p.get("membership") or 0, council=council)
            subject = get_object_or_404(CouncilSubject, pk=p.get("subject") or 0, council=council)
            services.council_review_record(
                council=council, actor=actor, membership=m, subject=subject,
                text=p.get("text", ""),
            )  # fmt: skip
        elif action == "attendance":
            present = dict.fromkeys(_ids(p.getlist("present")), True)
            services.council_attendance_record(
                council=council, actor=actor, present=present,
                vice_chair_authorised=bool(p.get("vice_chair_authorised")),
            )  # fmt: skip
        elif action == "board":
            ids = _ids(p.getlist("board"))
            ms = list(council.memberships.filter(pk__in=ids, removed_at__isnull=True))
            chief = next((m for m in ms if str(m.pk) == p.get("chief")), None)
            if chief is None or len(ms) != 3:
                raise DomainError(_("Chọn 03 thành viên có mặt và trưởng ban kiểm phiếu."))
            services.council_board_elect(council=council, actor=actor, memberships=ms, chief=chief)
        elif action == "ballot_enter":
            m = get_object_or_404(Membership, pk=p.get("membership") or 0, council=council)
            subject = get_object_or_404(CouncilSubject, pk=p.get("subject") or 0, council=council)
            form = services.ballot_form(council, subject)
            services.council_ballot_enter(
                council=council, actor=actor, membership=m, subject=subject,
                values=_ballot_values(p, form), invalid_reason=p.get("invalid_reason", ""),
            )  # fmt: skip
        elif action == "tally":
            services.council_tally_compute(
                council=council, actor=actor, reason=p.get("reason", ""),
                conclusion=p.get("conclusion", ""), outcome=p.get("outcome", ""),
            )  # fmt: skip
        elif action == "confirm_paper":
            m = get_object_or_404(Membership, pk=p.get("membership") or 0, council=council)
            services.council_tally_confirm_paper(council=council, actor=actor, membership=m)
        elif action == "publish":
            services.council_publish(council=council, actor=actor)
        elif action == "close":
            services.council_close(council=council, actor=actor, conclusion=p.get("conclusion", ""))


# --- the member's pages ------------------------------------------------------------------------
class MemberHomeView(LoginRequiredMixin, TemplateView):
    template_name = "tasks_lifecycle/member_home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        memberships = (
            Membership.objects.filter(expert__user=self.request.user, removed_at__isnull=True)
            .select_related("council__kind", "expert")
            .order_by("-council__meeting_on", "-id")
        )
        page = Paginator(memberships, PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = list(page.object_list)
        for m in rows:
            m.tone = TONES.get(m.council.status, "active")
        ctx.update(page_obj=page, memberships=rows, querystring=self.request.GET.urlencode())
        return ctx


class MemberCouncilView(LoginRequiredMixin, TemplateView):
    template_name = "tasks_lifecycle/member_council.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        council, membership = _council_for_member(self.request, kwargs["pk"])
        subjects = list(council.subjects.order_by("position", "id"))
        mine = {b.subject_id: b for b in Ballot.objects.filter(membership=membership, void=False)}
        reviewed = set(
            Review.objects.filter(membership=membership).values_list("subject_id", flat=True)
        )  # noqa: E501
        present = membership.pk in services._present_ids(council)
        tally = council.tallies.order_by("-number").first()
        ctx.update(
            council=council,
            membership=membership,
            tone=TONES.get(council.status, "active"),
            subjects=[
                (s, services.ballot_form(council, s), mine.get(s.pk), s.pk in reviewed)
                for s in subjects
            ],
            papers=list(council.papers.all()) if membership.declared_at else [],
            can_read=membership.declared_at is not None
            and council.status not in (Status.SETUP, Status.CONSTITUTED),
            present=present,
            tally=tally if access.reads_ballots(self.request.user, council, membership) else None,
            confirmed=bool(
                tally and any(c["membership"] == membership.pk for c in tally.confirmations)
            ),  # noqa: E501
        )
        return ctx


class MemberActionView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, action):
        council, membership = _council_for_member(request, pk)
        p = request.POST
        try:
            if action == "declare":
                services.council_member_declare(
                    council=council, actor=request.user,
                    no_conflict=p.get("no_conflict") == "1", reason=p.get("reason", ""),
                )  # fmt: skip
                done = _("Đã ghi nhận kê khai của bạn.")
            elif action == "review":
                subject = get_object_or_404(
                    CouncilSubject, pk=p.get("subject") or 0, council=council
                )
                services.council_review_submit(
                    council=council, actor=request.user, subject=subject,
                    text=p.get("text", ""), questions=p.get("questions", ""),
                )  # fmt: skip
                done = _("Đã gửi phiếu nhận xét.")
            elif action == "ballot":
                subject = get_object_or_404(
                    CouncilSubject, pk=p.get("subject") or 0, council=council
                )
                form = services.ballot_form(council, subject)
                services.council_ballot_cast(
                    council=council, actor=request.user, subject=subject,
                    values=_ballot_values(p, form),
                )  # fmt: skip
                done = _("Đã bỏ phiếu.")
            elif action == "confirm":
                services.council_tally_confirm(council=council, actor=request.user)
                done = _("Đã xác nhận kết quả kiểm phiếu.")
            else:
                raise Http404
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
        if access.membership_of(request.user, council) is None:
            return redirect("tasks_lifecycle:member-home")
        return redirect("tasks_lifecycle:member-council", pk=council.pk)


# --- files ---------------------------------------------------------------------------------------
class PaperDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk, paper):
        council = get_object_or_404(Council, pk=pk)
        if not access.sees_council(request.user, council):
            raise Http404
        item = get_object_or_404(Paper, pk=paper, council=council)
        try:
            services.council_paper_open(paper=item, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("tasks_lifecycle:member-council", pk=council.pk)
        return paper_response(item)


class DocumentView(LoginRequiredMixin, View):
    def get(self, request, pk, document):
        council = get_object_or_404(Council.objects.select_related("kind"), pk=pk)
        if not access.sees_council(request.user, council):
            raise Http404
        try:
            if document == "bien-ban":
                content = documents.minutes_for(council, request.user)
            else:
                content = documents.vote_count_for(council, request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            target = "council" if access.is_council_staff(request.user) else "member-council"
            return redirect(reverse(f"tasks_lifecycle:{target}", kwargs={"pk": council.pk}))
        return pdf_response(content, council, document)
