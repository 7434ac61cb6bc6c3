"""The counters of the council and task codes move to the engine's named sequences
(workflows.NamedSequence) under "tasks_lifecycle:"; the certificate numbers of the
result registrations (gcn-dkkq:<year>), kept in this app's table until now, go under
their own app's label, "task_registration:"."""

from django.db import migrations

from workflows.sequence_migrations import counters_move


class Migration(migrations.Migration):

    dependencies = [
        ("tasks_lifecycle", "0005_task_progress"),
        ("workflows", "0009_named_sequence"),
    ]

    operations = [
        counters_move(
            "tasks_lifecycle",
            {"": "tasks_lifecycle:", "gcn-dkkq:": "task_registration:"},
        ),
        migrations.DeleteModel(name="Counter"),
    ]
