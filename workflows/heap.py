"""The garbage collector in the long-running processes (web workers, Celery workers).

A process that has loaded Django, the apps and the URLconf holds some 200,000
container objects that live as long as it does: modules, classes, functions, the
catalogue caches. CPython's collector walks all of them at every full collection, and a
request leaves a few hundred objects in reference cycles (DRF serializers and their
fields, model instances and their prefetched lists), so full collections come every
few dozen requests. Measured on the 2-core machine, a full collection over that heap
took 110-290 ms, and the request it fell in waited for it: about 2% of REST API
requests took 150-300 ms more than the rest.

`settle()` loads what the requests will need, collects once and freezes the survivors
(`gc.freeze()`): the collector then leaves them alone, and a full collection walks
only what the process created since. The frozen objects are never freed, which is what
start-up objects are for; anything created later is collected as before.
"""

from __future__ import annotations

import gc
import logging

logger = logging.getLogger(__name__)


def settle() -> int:
    """Import every view (through the URLconf), collect once, freeze what survives;
    the number of objects frozen."""
    try:
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 (imports the views and their serializers)
    except Exception:  # a broken URLconf shows at the first request, with its own error
        logger.exception("URLconf could not be loaded before freezing the heap")
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
