"""The session store: Django's database sessions, read with SQL compiled once.

Every signed-in request reads its session. Django's store builds that query with the
ORM each time (a filter on the key and on the expiry date), which cost more than the
database needed to answer it. This store reads the row by its key with SQL compiled
once per process and run prepared (`workflows.selectors.compiled_rows`), and treats an
expired row as Django does: as no session. Everything else (saving, cycling keys,
clearing expired rows) is Django's own, on the same table, so sessions written by either
store are read by both.
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.utils import timezone

from .selectors import compiled_rows


class SessionStore(DjangoSessionStore):
    def _get_session_from_db(self):
        model = self.model
        rows = compiled_rows(
            "workflows.sessions.load",
            lambda key: model.objects.filter(session_key=key),
            str(self.session_key),
        )
        if rows and rows[0].expire_date > timezone.now():
            return rows[0]
        self._session_key = None
        return None
