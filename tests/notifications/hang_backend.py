"""An e-mail backend for the fault tests: the file backend, except that the process
that has written `MOTCUA_TEST_HANG_AFTER` messages hangs before the next one (once per
test, marked by the file `MOTCUA_TEST_HANG_MARKER`), so the test can kill it mid-send."""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class EmailBackend(FileBackend):
    written = 0  # per process

    def write_message(self, message):
        marker = Path(os.environ["MOTCUA_TEST_HANG_MARKER"])
        due = EmailBackend.written >= int(os.environ["MOTCUA_TEST_HANG_AFTER"])
        if due and not marker.exists():
            # written whole, then renamed: the test, polling for the marker, never
            # reads it empty
            partial = marker.with_suffix(".partial")
            partial.write_text(str(os.getpid()))
            partial.rename(marker)
            time.sleep(3600)  # "sending": the test kills this process now
        super().write_message(message)
        EmailBackend.written += 1
