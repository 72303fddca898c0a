"""Start-up imports without Python's garbage collector, and their objects frozen after.

Importing Keras and JAX makes about half a million objects that live as long as the process
(modules, functions, classes, tables). Python's collector runs whenever enough new objects have
appeared, so during that import it ran some 900 times, each pass over more of them, for three
quarters of a second of a two-core machine's time; and when the process ends it examines every
one of them once more, for another 0.7 s, before anything is freed. Almost none of them is
garbage (a collection after the import finds 4,000 of 550,000). Inside ``long_lived`` the
collector is off; afterwards ``gc.freeze`` moves everything made so far out of its sight
(Python's own advice for objects made at start-up), so it looks only at what a command makes
after start-up, and the process ends 0.7 s sooner. ``python bench/run.py`` measures the whole
process.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived() -> Iterator[None]:
    """Run the body (imports) without the collector; then freeze every object alive."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.freeze()
