"""The managers' page across procedures (manager:index) and each officer's own view of
it (manager:mine). Reads only: `workflows.manager` decides the scope and reads the
counts; the view turns them into links, charts and a page of rows."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote_plus

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from . import charts, manager, manager_html
from .models import Division
from .roles import user_division
from .selectors import division_by_code


class _KnownCountPaginator(Paginator):
    """A paginator told the number of rows (from the tally) instead of counting them."""

    def __init__(self, object_list, per_page, *, count: int | None):
        super().__init__(object_list, per_page)
        self._known = count

    @cached_property
    def count(self) -> int:
        if self._known is None:
            return super().count
        return self._known


def _qs(params: dict) -> str:
    q = QueryDict(mutable=True)
    q.update(params)
    return "?" + q.urlencode() if params else "?"


# urlencode's quoting of the keys and values of the page's ~120 links, remembered
_quote = lru_cache(maxsize=4096)(quote_plus)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class ManagerPageView(LoginRequiredMixin, TemplateView):
    template_name = "workflows/manager/index.html"
    own = False

    def get_context_data(self, **kwargs):
        user = self.request.user
        scope = manager.scope_for(user, own=self.own)
        f = manager.filters_from(self.request.GET, scope)
        now = timezone.now()
        today = timezone.localdate(now)
        stamp = manager.tally_current(now=now)
        tally, quarters = manager.counts_cached(stamp, scope, f, today)

        base = f.params(q=None, quarter=None, state="")

        def link(**changes) -> str:
            params = dict(base)
            if any(k in changes for k in ("quarter", "q")):
                params = f.params(**{"q": None, "quarter": None, "state": "", **changes})
            else:
                for k, v in changes.items():
                    if v in (None, ""):
                        params.pop(k, None)
                    else:
                        params[k] = str(v)
            return "?" + "&".join(f"{_quote(k)}={_quote(v)}" for k, v in params.items()) + "#list"

        tally["by_officer_shown"] = tally["by_officer"][:20]
        for rows, key in (
            (tally["by_division"], "division"),
            (tally["by_officer_shown"], "officer"),
            (tally["by_procedure"], "procedure"),
            (tally["by_step"], "step"),
        ):
            for row in rows:
                value = row.get(_KEYS[key])
                dim = {key: value}
                if key == "officer":  # a person, a role's unassigned rows, or nobody
                    dim = {"officer": value}
                row["overdue_url"] = link(**dim, window="overdue", age=None)
                row["soon_url"] = link(**dim, window="soon", age=None)
        for row in tally["by_division"]:
            row["name"] = row["division__name"] or _t("(chưa giao đơn vị)")
        for rows in (tally["by_officer"], tally["by_procedure"], tally["by_step"]):
            for row in rows:
                row["name"] = row["label"]
        if f.window == "closed":
            rows_qs = manager.closed_rows(scope, f)
        else:
            rows_qs = manager.open_rows(scope, f, today)
        paginator = _KnownCountPaginator(
            rows_qs, manager.PAGE_SIZE, count=manager.list_total(f, tally, quarters)
        )
        page = paginator.get_page(self.request.GET.get("page"))
        items = [
            {
                "row": d,
                "url": manager.case_url(d),
                "step": manager.step_label(d.content_type_id, d.kind, d.procedure_code),
                "owner": manager.owner_label(
                    username=d.owner_user.username if d.owner_user else None,
                    last_name=d.owner_user.last_name if d.owner_user else "",
                    first_name=d.owner_user.first_name if d.owner_user else "",
                    group_name=d.owner_group.name if d.owner_group else None,
                ),
                "days_late": max(0, ((d.closed_on or today) - d.due_date).days),
            }
            for d in page.object_list
        ]
        procedure_names = {r["procedure_code"]: r["label"] for r in tally["by_procedure"]}
        for item in items:  # what the row shows, ready to print (a template filter per cell
            # of 25 rows costs more than the page's queries)
            d = item["row"]
            item["procedure"] = _short(procedure_names.get(d.procedure_code, d.procedure_code), 50)
            item["code"] = d.dossier_code or d.object_id
            item["due"] = d.due_date.strftime("%d/%m/%Y")
            item["closed"] = d.closed_on.strftime("%d/%m/%Y") if d.closed_on else ""
            item["division"] = d.owner_division.name if d.owner_division else ""

        division_chart = charts.hbars(
            [
                (
                    r["name"],
                    r["overdue"],
                    r["overdue_url"],
                    _t("%(d)s: %(n)s việc quá hạn") % {"d": r["name"], "n": _n(r["overdue"])},
                )
                for r in tally["by_division"]
                if r["overdue"]
            ][:12],
            # division names are long ("Phòng Công nghệ và Quản lý khoa học cơ sở")
            width=520,
            label_width=240,
            label_chars=32,
        )
        age_chart = charts.hbars(
            [
                (
                    str(label),
                    tally["buckets"][b],
                    link(age=b, window="overdue"),
                    _t("Quá hạn %(a)s: %(n)s việc") % {"a": label, "n": _n(tally["buckets"][b])},
                )
                for b, label in manager.AGE_LABELS.items()
            ],
            label_width=100,
        )
        division_chart["bars_html"] = manager_html.hbars_svg(division_chart)
        age_chart["bars_html"] = manager_html.hbars_svg(age_chart, tone="age")
        rate_chart = charts.columns(
            [
                (
                    f"{q['quarter'].roman}/{q['quarter'].year}",
                    q["rate"],
                    (f"{q['rate']:.1f} %".replace(".", ",") if q["rate"] is not None else "—"),
                    link(quarter=q["quarter"], state="missed", window="closed", age=""),
                    _t("%(q)s: %(met)s đúng hạn, %(missed)s trễ hạn trên %(n)s việc đã xong")
                    % {
                        "q": q["quarter"].label,
                        "met": _n(q["met"]),
                        "missed": _n(q["missed"]),
                        "n": _n(q["closed"]),
                    },
                )
                for q in quarters
            ]
        )
        rate_chart["bars_html"] = manager_html.columns_svg(rate_chart)
        querystring = self.request.GET.copy()
        querystring.pop("page", None)
        divisions = (
            list(Division.objects.filter(is_active=True)) if scope.level == "department" else []
        )
        # the select lists the officers of the table (the most overdue first) and the
        # one chosen; any other is one click away in the table's links
        officer_options = tally["by_officer_shown"] + [
            r for r in tally["by_officer"][20:] if r["officer"] == self.request.GET.get("officer")
        ]
        closed = f.window == "closed"
        html = {  # the rows of the tables, lists and select lists (workflows.manager_html)
            "division_rows": manager_html.count_rows(tally["by_division"]),
            "procedure_rows": manager_html.count_rows(tally["by_procedure"]),
            "step_rows": manager_html.count_rows(tally["by_step"], "step"),
            "officer_rows": manager_html.count_rows(tally["by_officer_shown"], "officer"),
            "division_options": manager_html.options(
                [(d.pk, d.name) for d in divisions], f.division
            ),
            "officer_select": manager_html.options(
                [(r["officer"], r["name"]) for r in officer_options],
                self.request.GET.get("officer"),
            ),
            "procedure_options": manager_html.options(
                [(r["procedure_code"], r["name"]) for r in tally["by_procedure"]],
                f.procedure,
                truncate=60,
            ),
            "step_options": manager_html.options(
                [(r["step"], r["name"]) for r in tally["by_step"]],
                self.request.GET.get("step"),
                truncate=60,
            ),
            "list_rows": manager_html.list_rows(items, closed=closed),
        }
        return super().get_context_data(
            scope=scope,
            scope_label=self._scope_label(scope, user),
            filters=f,
            today=today,
            soon_until=manager.soon_until(today),
            stamp=stamp,
            tally=tally,
            quarters=quarters,
            by_officer=tally["by_officer_shown"],
            officer_options=officer_options,
            officers_more=max(0, len(tally["by_officer"]) - 20),
            division_chart=division_chart,
            age_chart=age_chart,
            rate_chart=rate_chart,
            overdue_url=link(window="overdue", age=""),
            soon_url=link(window="soon", age=""),
            open_url=link(window="open", age=""),
            windows=[
                (key, label, _qs(f.params(window=key, age="", quarter=None, state="")))
                for key, label in manager.WINDOWS.items()
            ],
            divisions=divisions,
            page_obj=page,
            items=items,
            querystring=querystring,
            reset_url=self.request.path,
            own=self.own,
            closed=closed,
            **html,
            **kwargs,
        )

    @staticmethod
    def _scope_label(scope, user) -> str:
        if scope.level == "department":
            return _t("Toàn Sở")
        if scope.level == "division":
            division = division_by_code(user_division(user) or "")
            return str(division) if division else ""
        return user.get_full_name() or user.username


_KEYS = {
    "division": "division_id",
    "officer": "officer",
    "procedure": "procedure_code",
    "step": "step",
}


class OwnPageView(ManagerPageView):
    """Anyone on the staff: the same page over their own rows."""

    own = True


TITLE = _("Quản lý thời hạn toàn Sở")
