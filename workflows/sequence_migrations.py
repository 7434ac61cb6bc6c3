"""For the data migrations that moved each app's own `Counter` table (key, value) into the
engine's `NamedSequence`, with the key namespaced by the app (see `sql.sequence_next`).

`counters_move(app_label)` is the migration's operation. It works on the historical
models, so it stays valid whatever the models become, and it is made of module-level
functions and a `functools.partial`, so a squash can write it out. Forward copies every
counter row under its new key, keeping the higher value where the key is already
there; backward moves the rows that forward would have made back into the re-created
`Counter` table and removes them from the engine's.
"""

from __future__ import annotations

from functools import partial

from django.db import migrations


def new_key(namespaces: dict[str, str], key: str) -> str:
    """The namespaced key of an old counter key. `namespaces` maps the start of old keys
    to the prefix they get (the longest matching start wins; "" matches every key)."""
    start = max((s for s in namespaces if key.startswith(s)), key=len)
    return namespaces[start] + key


def old_key(namespaces: dict[str, str], key: str) -> str | None:
    """The old counter key `new_key` turns into `key`, or None (another app's row)."""
    for prefix in set(namespaces.values()):
        if key.startswith(prefix) and new_key(namespaces, key[len(prefix) :]) == key:
            return key[len(prefix) :]
    return None


def counters_to_sequences(app_label, namespaces, apps, schema_editor) -> None:
    Counter = apps.get_model(app_label, "Counter")
    NamedSequence = apps.get_model("workflows", "NamedSequence")
    for row in Counter.objects.order_by("key"):
        key = new_key(namespaces, row.key)
        seq, created = NamedSequence.objects.get_or_create(key=key, defaults={"value": row.value})
        if not created and seq.value < row.value:
            NamedSequence.objects.filter(key=key).update(value=row.value)


def sequences_to_counters(app_label, namespaces, apps, schema_editor) -> None:
    Counter = apps.get_model(app_label, "Counter")
    NamedSequence = apps.get_model("workflows", "NamedSequence")
    for seq in NamedSequence.objects.order_by("key"):
        key = old_key(namespaces, seq.key)
        if key is not None:
            Counter.objects.update_or_create(key=key, defaults={"value": seq.value})
            NamedSequence.objects.filter(key=seq.key).delete()


def counters_move(app_label: str, namespaces: dict[str, str] | None = None):
    """The RunPython that moves `app_label`'s Counter rows into NamedSequence, each key
    under "<app_label>:" unless `namespaces` says otherwise."""
    namespaces = namespaces or {"": f"{app_label}:"}
    return migrations.RunPython(
        partial(counters_to_sequences, app_label, namespaces),
        partial(sequences_to_counters, app_label, namespaces),
    )
