"""The counters of the assignment codes move to the engine's named sequences
(workflows.NamedSequence), each key under "directives:"."""

from django.db import migrations

from workflows.sequence_migrations import counters_move


class Migration(migrations.Migration):

    dependencies = [
        ("directives", "0001_assignments"),
        ("workflows", "0009_named_sequence"),
    ]

    operations = [
        counters_move("directives"),
        migrations.DeleteModel(name="Counter"),
    ]
