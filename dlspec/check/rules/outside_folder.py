"""DLS329 outside-folder: a data path that leaves the spec's folder.

A spec is shared as one file, or one folder. A path that is absolute, climbs out with ``..``
or follows a symbolic link elsewhere makes a spec from someone else read whatever file it
names (``text:/etc/passwd`` trained, and its words went into the run's vocabulary). A warning,
so ``lint --strict`` in CI refuses it; ``--disable outside-folder`` where a layout means it.
The same code for an ``extends`` path is found where the bases are read
(``spec.loading``), so that it is reported even when the base itself does not parse.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from dlspec.check.rules.rule import Context, Rule
from dlspec.diagnostics import Diagnostic, make
from dlspec.sources import SOURCES
from dlspec.spec.loading import OUTSIDE_HINT, leaves_folder


def check(context: Context) -> Iterator[Diagnostic]:
    """The data source's path, as written or once followed, out of the spec's folder."""
    data = context.spec.data
    if data is None or not SOURCES[data.scheme].takes_path:
        return
    spec_file = Path(context.source_map.doc.file)
    folder = spec_file.resolve().parent
    if leaves_folder(data.location, data.path(spec_file), folder):
        yield make(
            "DLS329",
            f"data path '{data.location}' reads a file outside the spec's folder ({folder})",
            context.source_map.locate(("data", "source")),
            OUTSIDE_HINT,
            warning=True,
        )


RULE = Rule("DLS329", check)
