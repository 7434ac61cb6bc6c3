"""The migrations that moved the apps' own `Counter` tables into the engine's named
sequences: a database numbered by the old code keeps its numbering (each row under its
app's prefix), and migrating back restores the old tables."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from workflows import sequence_migrations as moves
from workflows.sql import sequence_next

BEFORE = [
    ("workflows", "0009_named_sequence"),
    ("permits", "0003_dossier_kind_choices_from_onestop_registry"),
    ("tasks_lifecycle", "0005_task_progress"),
    ("penalties", "0001_initial"),
    ("directives", "0001_assignments"),
]
OLD_ROWS = {
    "permits": {"dossier:GPBX:20240108": 7, "register:GP:2024": 6},
    "tasks_lifecycle": {"council-2024": 8, "st-task-2024": 27, "gcn-dkkq:2024": 3},
    "penalties": {"qd-2024": 3, "cc-2024": 1},
    "directives": {"assignment:2024": 231},
}
MOVED = {
    "permits:dossier:GPBX:20240108": 7,
    "permits:register:GP:2024": 6,
    "tasks_lifecycle:council-2024": 8,
    "tasks_lifecycle:st-task-2024": 27,
    "task_registration:gcn-dkkq:2024": 3,
    "penalties:qd-2024": 3,
    "penalties:cc-2024": 1,
    "directives:assignment:2024": 231,
}


def _migrate(targets):
    """Migrate to `targets`; the historical models there."""
    return MigrationExecutor(connection).migrate(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _old_counters(apps) -> dict:
    return {
        app: dict(apps.get_model(app, "Counter").objects.values_list("key", "value"))
        for app in OLD_ROWS
    }


@pytest.mark.django_db(transaction=True)
def test_the_old_counters_move_under_their_app_prefix_and_back():
    try:
        old = _migrate(BEFORE)
        for app, rows in OLD_ROWS.items():
            Counter = old.get_model(app, "Counter")
            Counter.objects.bulk_create(Counter(key=k, value=v) for k, v in rows.items())
        Sequence = old.get_model("workflows", "NamedSequence")
        # already there: a lower value of a moved key (the higher one wins), another's key
        Sequence.objects.create(key="penalties:qd-2024", value=1)
        Sequence.objects.create(key="workflows:other", value=5)

        new = _migrate(_latest())
        rows = dict(new.get_model("workflows", "NamedSequence").objects.values_list("key", "value"))
        assert rows == {**MOVED, "workflows:other": 5}
        # the numbering goes on where the old code left it
        assert sequence_next("permits:dossier:GPBX:20240108") == 8
        assert sequence_next("directives:assignment:2024", 3) == 234

        back = _migrate(BEFORE)
        assert _old_counters(back) == {
            **OLD_ROWS,
            "permits": {**OLD_ROWS["permits"], "dossier:GPBX:20240108": 8},
            "directives": {"assignment:2024": 234},
        }
        left = back.get_model("workflows", "NamedSequence").objects.values_list("key", "value")
        assert dict(left) == {"workflows:other": 5}
    finally:
        _migrate(_latest())


TASKS = {"": "tasks_lifecycle:", "gcn-dkkq:": "task_registration:"}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("council-2024", "tasks_lifecycle:council-2024"),
        ("st-task-2024", "tasks_lifecycle:st-task-2024"),
        ("gcn-dkkq:2024", "task_registration:gcn-dkkq:2024"),
    ],
)
def test_the_key_maps_are_each_others_inverse(old, new):
    assert moves.new_key(TASKS, old) == new
    assert moves.old_key(TASKS, new) == old


@pytest.mark.parametrize(
    "key",
    [
        "permits:dossier:GPBX:20240108",  # another app's
        "task_registration:other-2024",  # not a series the old table had
        "tasks_lifecycle:gcn-dkkq:2024",  # never made by the move
    ],
)
def test_backward_leaves_the_rows_the_move_did_not_make(key):
    assert moves.old_key(TASKS, key) is None
