from django.core.management.base import BaseCommand

from workflows import registry
from workflows.demo import seed_engine


class Command(BaseCommand):
    help = (
        "Load the demo data (idempotent): divisions, one user per role, and each procedure's "
        "demo: its history and current cases dated from today, with their reminders."
    )

    def handle(self, *args, **options):
        logins = seed_engine()
        for seeder in registry.demo_seeders:
            seeder(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo logins:"))
        for username, role, password in logins:
            self.stdout.write(f"  {username:<12} {password:<18} {role}")
