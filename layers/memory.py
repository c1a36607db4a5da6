"""The cyclic garbage collector, paused while a batch builds many objects without cycles.

Reading a store file, an import's rows or a validation builds hundreds of thousands of
dicts, lists and strings that live on. Python's cyclic collector walks every live object
again each time the heap has grown by a quarter: at 100k events those walks cost more
than a second and find nothing, as these objects form no cycles (reference counting
frees them). :func:`collector_paused` turns the collector off for such a batch, and back
on when the last batch running in the process ends; cycles made meanwhile are collected
by the next full collection. It is a setting of the whole process: the command line and
the worker processes, whose process is theirs alone, pause it; the dashboard's server,
where sessions share the process, does not.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the ``with`` block (nested and concurrent blocks
    alike: it runs again when the last one ends, if it ran before the first began)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                # What the batch made would be walked by the next young collection, all
                # at once: moved to the oldest generation instead (both steps only join
                # lists), it waits for the next full collection like anything long-lived.
                gc.freeze()
                gc.unfreeze()
                gc.enable()
