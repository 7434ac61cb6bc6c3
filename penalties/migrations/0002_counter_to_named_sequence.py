"""The counters of the decision numbers move to the engine's named sequences
(workflows.NamedSequence), each key under "penalties:"."""

from django.db import migrations

from workflows.sequence_migrations import counters_move


class Migration(migrations.Migration):

    dependencies = [
        ("penalties", "0001_initial"),
        ("workflows", "0009_named_sequence"),
    ]

    operations = [
        counters_move("penalties"),
        migrations.DeleteModel(name="Counter"),
    ]
