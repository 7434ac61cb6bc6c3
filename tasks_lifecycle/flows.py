"""Who must do what next on a council (the secretary's and the members' tasks).

The council's legal status is its FSM field; the tasks follow it. `flow_start_locked`
and `flow_sync_locked` are called by the services inside their transaction.
"""

from __future__ import annotations


def flow_start_locked(council) -> None:
    """A new council: its process starts (no-op until the viewflow flow lands)."""


def flow_sync_locked(council, *_rest) -> None:
    """Bring the council's tasks in line with its status in the same transaction."""
