"""The staff site reads Vietnamese: viewflow's pages (inbox, queue, archive, process and
task pages) rendered for a Vietnamese user show none of viewflow's English strings, and
every table of a staff page is the shared component.

The English strings are read from the installed viewflow itself: every gettext msgid of
its code and templates, and the English literals its templates write without gettext
(field labels, the pagination summary). The browser tests use the same checks.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
import viewflow
from django.urls import reverse

from permits import flows
from tests.permits import conftest as permit_fixtures
from tests.permits.conftest import on
from tests.permits.test_flow import claim, open_task, submitted, url
from workflows.roles import Role

pytestmark = pytest.mark.django_db
# the radiation fixtures (staff by role, an applicant), shared with tests/permits
staff, applicant, divisions = (
    permit_fixtures.staff,
    permit_fixtures.applicant,
    permit_fixtures.divisions,
)

VIEWFLOW = Path(viewflow.__file__).parent
_MSGID_PY = re.compile(r"""\b_\(\s*(?:"([^"\\]+)"|'([^'\\]+)')""")
_MSGID_TPL = re.compile(r"""{%\s*(?:trans|translate)\s+(?:"([^"]+)"|'([^']+)')""")
_LITERAL_ATTR = re.compile(r"""\b(?:label|default)[=:]"([A-Z][A-Za-z ]+)\"""")
_PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w*\}|%s")
# text that only English viewflow chrome produces
ENGLISH_PATTERNS = [
    re.compile(r"\b\d+-\d+ of \d+\b"),  # viewflow's list summary
    re.compile(r"\b\d+\s(?:minute|hour|day|week|month|year)s?\b"),  # Django's timesince
]


@cache
def viewflow_english() -> frozenset[str]:
    """viewflow's user-facing English: msgids and the literals of its templates."""
    found: set[str] = set()
    for path in VIEWFLOW.rglob("*"):
        if path.suffix not in (".py", ".html") or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        pattern = _MSGID_PY if path.suffix == ".py" else _MSGID_TPL
        for match in pattern.finditer(text):
            found.add(match.group(1) or match.group(2))
        if path.suffix == ".html":
            found.update(_LITERAL_ATTR.findall(text))
    strings = set()
    for s in found:
        for fragment in _PLACEHOLDER.split(s):  # "Task {task} has been assigned."
            fragment = " ".join(fragment.split()).strip(" .!?:,\"'")
            # words, not codes: "PNG", "BPMN", "YYYY" and "#" read the same in Vietnamese
            if len(fragment) >= 3 and re.search(r"[a-z]{2}", fragment):
                strings.add(fragment)
    return frozenset(strings)


class _Visible(HTMLParser):
    """The text a user sees or hears: text nodes outside scripts and styles, and the
    attributes that are shown or read out."""

    ATTRS = ("label", "placeholder", "title", "aria-label", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tables: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag == "table":
            self.tables.append(attrs.get("class") or "")
        for name in self.ATTRS:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data)


def english_in(text: str) -> list[str]:
    """viewflow's English strings found, as whole words, in `text`."""
    text = " ".join(text.split())
    hits = [s for s in viewflow_english() if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", text)]
    hits += [m.group(0) for p in ENGLISH_PATTERNS for m in p.finditer(text)]
    return sorted(hits)


SHARED_TABLE_CLASSES = ("motcua-table", "vf-list__table")  # ours, and viewflow's list


def page_problems(html: str) -> list[str]:
    """English viewflow strings and tables outside the shared components, in a page."""
    parser = _Visible()
    parser.feed(html)
    problems = [f"English: {s!r}" for s in english_in("\n".join(parser.parts))]
    for classes in parser.tables:
        if not any(c in classes.split() for c in SHARED_TABLE_CLASSES):
            problems.append(f"table outside the shared components (class={classes!r})")
    return problems


def test_the_list_of_english_strings_comes_from_viewflow():
    strings = viewflow_english()
    for expected in (
        "Inbox",
        "Queue",
        "Archive",
        "Process brief",
        "Assign",
        "Unassign",
        "Execute",
        "Created",
        "Log out",
        "Processes",
        "Task",
        "Brief",
    ):
        assert expected in strings
    assert english_in("Việc của tôi 1-10 of 20") == ["1-10 of 20"]
    assert english_in("Inboxes") == []  # whole words only


def _get(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def test_viewflow_pages_read_vietnamese(client, staff, applicant):
    officer = staff[Role.ONE_STOP_OFFICER]
    dossier = submitted(applicant)
    task = open_task(dossier, "check")
    client.force_login(officer)
    pages = {
        "queue": reverse("workflow:queue"),
        "task detail": url(task, "detail"),
        "task assign": url(task, "assign"),
    }
    html = {name: _get(client, path) for name, path in pages.items()}
    claim(client, task)
    with on(dossier.submitted_on):
        later = {
            "inbox": reverse("workflow:inbox"),
            "archive": reverse("workflow:archive"),
            "task page": url(task, "execute"),
            "task unassign": url(task, "unassign"),
            "process page": flows.PermitFlow.instance.reverse(
                "process_detail", args=[task.process_id]
            ),
            "flow dashboard": flows.PermitFlow.instance.reverse("index"),
            "process list": flows.PermitFlow.instance.reverse("process_list"),
            "case page": reverse("permits:staff-dossier", args=[dossier.code]),
            "deadlines": reverse("deadlines:index"),
            "notifications": reverse("notification-inbox"),
        }
        html.update({name: _get(client, path) for name, path in later.items()})
    assert "Việc của tôi" in html["inbox"] and "Việc chờ nhận" in html["inbox"]
    assert dossier.code in html["inbox"] and "Tiếp nhận hồ sơ" in html["task page"]
    # viewflow's process panel beside the task pages lists no field of the dossier
    assert dossier.lookup_key not in html["task detail"] + html["task assign"]
    problems = {name: page_problems(body) for name, body in html.items()}
    assert {name: p for name, p in problems.items() if p} == {}


def test_manager_and_register_pages_read_vietnamese(client, staff, applicant):
    submitted(applicant)
    client.force_login(staff[Role.HEAD_OF_DIVISION])
    for path in (
        reverse("permits:manager"),
        reverse("permits:register"),
        reverse("permits:staff-home"),
        reverse("workflow:queue"),
    ):
        assert page_problems(_get(client, path)) == [], path
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    counter = reverse("permits:counter-intake", args=["permit_new"])
    assert page_problems(_get(client, counter)) == []


def test_an_english_user_still_gets_viewflow_in_english(client, staff):
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    body = client.get(reverse("workflow:inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Inbox" in body
