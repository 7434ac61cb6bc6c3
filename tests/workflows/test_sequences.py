"""workflows.sql.sequence_next: the engine's named sequences. Each key counts from 1, n
values are reserved at once, a rolled-back number is given again; on PostgreSQL two
transactions never get the same value, the second waiting for the first's commit."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction

from workflows.models import NamedSequence
from workflows.sql import sequence_next


@pytest.mark.django_db
def test_each_key_counts_from_one():
    assert [sequence_next("workflows:test-a") for _ in range(3)] == [1, 2, 3]
    assert sequence_next("workflows:test-b") == 1
    assert NamedSequence.objects.get(key="workflows:test-a").value == 3


@pytest.mark.django_db
def test_n_reserves_a_block_and_returns_its_last_value():
    assert sequence_next("workflows:test-block", 3) == 3  # 1, 2, 3
    assert sequence_next("workflows:test-block") == 4
    assert sequence_next("workflows:test-block", 5) == 9  # 5 … 9


@pytest.mark.django_db
@pytest.mark.parametrize("n", [0, -1, True, 1.5, "2"])
def test_n_must_be_an_integer_of_at_least_one(n):
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        sequence_next("workflows:test-n", n)
    assert not NamedSequence.objects.filter(key="workflows:test-n").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "key",
    [
        "dossier:GPBX:20240108",  # an old key without its app
        "council-2024",
        "permits:",
        "nosuchapp:qd-2024",
        "permits:" + "x" * 93,  # 101 characters
    ],
)
def test_key_must_be_namespaced_by_an_installed_app(key):
    with pytest.raises(ValueError, match="<app label>:<name>"):
        sequence_next(key)
    assert not NamedSequence.objects.exists()


@pytest.mark.django_db
def test_a_rolled_back_number_is_given_again():
    assert sequence_next("penalties:qd-2024") == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert sequence_next("penalties:qd-2024") == 2
        raise RuntimeError
    assert sequence_next("penalties:qd-2024") == 2


def _in_threads(*targets) -> None:
    def run(target):
        close_old_connections()
        try:
            target()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_transactions_never_get_the_same_value():
    """Two connections numbering from one key at once, one value a transaction, the
    other in blocks of 3: every value from 1 to the total is taken exactly once, and
    each block is contiguous."""
    key = "permits:dossier:GPBX:20240108"
    barrier = threading.Barrier(2)
    taken: dict[str, list[range]] = {"one": [], "block": []}

    def numbering(name: str, n: int, rounds: int):
        def target():
            barrier.wait()
            for _ in range(rounds):
                with transaction.atomic():
                    last = sequence_next(key, n)
                    time.sleep(0.001)  # hold the row a little, as a service does
                taken[name].append(range(last - n + 1, last + 1))

        return target

    _in_threads(numbering("one", 1, 60), numbering("block", 3, 40))
    values = sorted(v for blocks in taken.values() for block in blocks for v in block)
    assert values == list(range(1, 60 + 3 * 40 + 1))
    assert NamedSequence.objects.get(key=key).value == 180


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_second_transaction_waits_for_the_first_and_gets_the_next_value():
    key = "directives:assignment:2024"
    sequence_next(key, 4)  # NV-2024-0001 … 0004 exist
    holding, seen = threading.Event(), {}

    def first():
        with transaction.atomic():
            seen["first"] = sequence_next(key, 5)  # 5 … 9
            holding.set()
            time.sleep(0.5)
            seen["first_committed"] = time.monotonic()

    def second():
        holding.wait(30)
        with transaction.atomic():
            seen["second"] = sequence_next(key)
            seen["second_got"] = time.monotonic()

    _in_threads(first, second)
    assert (seen["first"], seen["second"]) == (9, 10)
    assert seen["second_got"] >= seen["first_committed"]
