"""Django's PostgreSQL backend with a health check that needs no round trip while the
server has said nothing.

With `CONN_HEALTH_CHECKS` Django runs `SELECT 1` on a kept connection before the first
query of every request and task: one more round trip each time, which for the public
lookup (a rate-limit count and one query) was a quarter of its database time. A server
that closes a connection (a restart, `pg_terminate_backend`, an idle timeout) sends its
goodbye and closes the socket, which makes the socket readable; so does anything else
it sends unasked. Here the check first asks the socket, without waiting: nothing to
read, the connection is as the last statement left it and is used; something to read,
Django's `SELECT 1` decides, and a failed check replaces the connection as before. A
path that dies silently (no packet at all) is caught neither way until TCP gives up.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        raw = self.connection
        if raw is None or raw.closed or raw.broken:
            return False
        try:
            # poll, not select: a descriptor above 1023 is fine
            poller = select.poll()
            poller.register(raw.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
            events = poller.poll(0)
        except (OSError, ValueError):  # the socket is gone
            return False
        if not events:
            return True
        return super().is_usable()
