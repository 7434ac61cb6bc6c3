"""The counters of the dossier codes and the register numbers move to the engine's
named sequences (workflows.NamedSequence), each key under "permits:"."""

from django.db import migrations

from workflows.sequence_migrations import counters_move


class Migration(migrations.Migration):

    dependencies = [
        ("permits", "0003_dossier_kind_choices_from_onestop_registry"),
        ("workflows", "0009_named_sequence"),
    ]

    operations = [
        counters_move("permits"),
        migrations.DeleteModel(name="Counter"),
    ]
