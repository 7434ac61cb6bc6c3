"""The transition pattern: lock, permission, FSM, audit row, effects, on_commit."""

import threading
from datetime import date

import pytest
from django.db import (
    IntegrityError,
    InternalError,
    ProgrammingError,
    close_old_connections,
    connection,
    transaction,
)

from tests.conftest import make_user
from tests.sampleapp.models import SampleCase
from workflows.audit import audit_trail
from workflows.errors import ActionForbidden, TransitionRefused
from workflows.ledger import deadline_open
from workflows.models import AuditEntry, Deadline
from workflows.transitions import after_commit, transition_perform


@pytest.mark.django_db
def test_happy_path_writes_one_audit_row_and_runs_effects(django_capture_on_commit_callbacks):
    officer = make_user("officer", "one_stop_officer")
    case = SampleCase.objects.create(code="HS-1")
    sent = []

    def effects(locked, source, target):
        deadline_open(
            case=locked,
            kind="check",
            due_date=date(2024, 2, 19),
            title="Kiểm tra",
            procedure_code="TEST-01",
            owner_user=officer,
        )
        after_commit(lambda: sent.append((source, target)))

    with django_capture_on_commit_callbacks(execute=True):
        result = transition_perform(
            case=case,
            transition="accept",
            actor=officer,
            note="Hồ sơ đầy đủ",
            request_ip="10.0.0.7",
            effects=effects,
        )
    assert result.status == "accepted"
    assert sent == [("submitted", "accepted")]
    entry = audit_trail(result).get()
    assert (entry.actor, entry.from_state, entry.to_state, entry.note, entry.ip) == (
        officer,
        "submitted",
        "accepted",
        "Hồ sơ đầy đủ",
        "10.0.0.7",
    )
    assert Deadline.objects.filter(kind="check").count() == 1


@pytest.mark.django_db
def test_wrong_state_is_refused_in_vietnamese_and_changes_nothing():
    officer = make_user("officer", "one_stop_officer")
    case = SampleCase.objects.create(code="HS-1")
    case = transition_perform(case=case, transition="accept", actor=officer)
    with pytest.raises(TransitionRefused, match="Không thể thực hiện “Từ chối”"):
        transition_perform(case=case, transition="refuse", actor=officer)
    assert SampleCase.objects.get(pk=case.pk).status == "accepted"
    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db
def test_wrong_actor_is_forbidden_and_changes_nothing(django_capture_on_commit_callbacks):
    applicant = make_user("applicant", "applicant")
    case = SampleCase.objects.create(code="HS-1")
    effects_ran = []
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ActionForbidden, match="không có quyền"),
    ):
        transition_perform(
            case=case,
            transition="accept",
            actor=applicant,
            effects=lambda *a: effects_ran.append(a),
        )
    assert callbacks == [] and effects_ran == []
    assert SampleCase.objects.get(pk=case.pk).status == "submitted"
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_failing_effect_rolls_everything_back():
    officer = make_user("officer", "one_stop_officer")
    case = SampleCase.objects.create(code="HS-1")

    def effects(*args):
        raise RuntimeError("ledger write failed")

    with pytest.raises(RuntimeError):
        transition_perform(case=case, transition="accept", actor=officer, effects=effects)
    assert SampleCase.objects.get(pk=case.pk).status == "submitted"
    assert AuditEntry.objects.count() == 0
    assert case.status == "submitted"  # the caller's copy is untouched


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_exactly_one_succeeds():
    officer = make_user("officer", "one_stop_officer")
    case = SampleCase.objects.create(code="HS-RACE")
    barrier = threading.Barrier(2)
    outcomes = []

    def worker(name):
        close_old_connections()
        try:
            barrier.wait()
            transition_perform(case=case, transition=name, actor=officer)
            outcomes.append(("ok", name))
        except TransitionRefused:
            outcomes.append(("refused", name))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("accept", "refuse")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(o for o, _ in outcomes) == ["ok", "refused"]
    winner = next(n for o, n in outcomes if o == "ok")
    assert (
        SampleCase.objects.get(pk=case.pk).status
        == {"accept": "accepted", "refuse": "refused"}[winner]
    )
    assert AuditEntry.objects.filter(object_id=str(case.pk)).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_audit_rows_cannot_be_updated_or_deleted_on_postgres():
    officer = make_user("officer", "one_stop_officer")
    case = transition_perform(
        case=SampleCase.objects.create(code="HS-A"), transition="accept", actor=officer
    )
    entry = audit_trail(case).get()
    for attempt in (
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(note="sửa"),
        lambda: AuditEntry.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
            attempt()
    assert AuditEntry.objects.get(pk=entry.pk).note == ""


@pytest.mark.django_db
def test_system_transition_skips_the_permission_check_and_names_no_actor():
    case = transition_perform(
        case=SampleCase.objects.create(code="HS-S"),
        transition="accept",
        actor=None,
        system=True,
        note="Tự động",
    )
    entry = audit_trail(case).get()
    assert (case.status, entry.actor, entry.note) == ("accepted", None, "Tự động")


def test_client_ip_ignores_forwarded_header_unless_trusted(rf, settings):
    from workflows.http import client_ip

    request = rf.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.1.1.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.1.1.1"
    # issue 8 (F7): the address N trusted hops from the right, never the leftmost
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "203.0.113.9"
