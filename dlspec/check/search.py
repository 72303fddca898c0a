"""DLS334 bad-search: a ``search:`` space that some trial of the sweep could not train.

Every dimension's path is set, as ``--set`` would, to both ends of its range or to each of its
choices, and that spec is parsed and checked like any other: a path that names no field, a
value of the wrong type, a range whose end breaks a bound (``units: 0``) or a shape (a kernel
larger than its input) is found here, located at the dimension, before any trial trains.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dlspec.diagnostics import Diagnostic, Severity, SpecError, make
from dlspec.spec import Spec, loading, tasks
from dlspec.spec.document import SourceMap

# Fields a trial may not vary: the sweep itself, the spec's bases, its format and its name.
FIXED = ("search", "extends", "dlspec", "name")
CODE = "DLS334"


def objective(spec: Spec) -> tuple[str, str]:
    """The metric the sweep optimises and its direction, defaults filled in."""
    assert spec.search is not None
    metric = spec.search.objective.metric or tasks.scores(spec.task.type)[0]
    better = "maximize" if metric in tasks.HIGHER_IS_BETTER else "minimize"
    return metric, spec.search.objective.direction or better


def check(
    spec: Spec,
    source_map: SourceMap,
    own: list[Diagnostic],
    infer: Callable[[Spec, SourceMap], list[Diagnostic]],
) -> list[Diagnostic]:
    """DLS334 for the objective and each dimension a trial could not train with.

    ``infer`` is ``check.run``'s diagnostics for a spec; a trial's errors that the spec
    itself has already (``own``) are not repeated.
    """
    search = spec.search
    if search is None:
        return []
    found: list[Diagnostic] = []
    metric = search.objective.metric
    scores = tasks.scores(spec.task.type)
    if metric is not None and metric not in scores:
        found.append(
            make(
                CODE,
                f"the objective '{metric}' is not a validation score of the {spec.task.type} task",
                source_map.locate(("search", "objective", "metric")),
                f"the {spec.task.type} task scores: {', '.join(scores)}",
            )
        )
    base = source_map.doc
    known = {(d.code, d.message) for d in own}
    for path, dimension in search.space.items():
        where = source_map.locate(("search", "space", path))
        root = path.split(".")[0].split("[")[0]
        if root in FIXED:
            found.append(
                make(CODE, f"a sweep cannot vary '{root}'", where, "vary the model, the "
                     "optimizer, the training or the data's settings")
            )  # fmt: skip
            continue
        for value in dimension.values():
            problem = _problem(loading.override(base, path, value), infer, known)
            if problem is not None:
                found.append(
                    make(
                        CODE,
                        f"'{path}: {_shown(value)}' gives a spec that cannot train: "
                        f"{problem.message}",
                        where,
                        problem.hint,
                    )
                )
                break  # one value is enough to tell what is wrong with the dimension
    return found


def _problem(
    doc: Any, infer: Callable[[Spec, SourceMap], list[Diagnostic]], known: set[tuple[str, str]]
) -> Diagnostic | None:
    """The first error of a trial's document that the spec itself does not have."""
    doc = loading.override(doc, "search", None)
    try:
        trial, source_map = loading.parse(doc)
        diagnostics = infer(trial, source_map)
    except SpecError as error:
        diagnostics = error.diagnostics
    errors = [
        d for d in diagnostics if d.severity is Severity.ERROR and (d.code, d.message) not in known
    ]
    return errors[0] if errors else None


def _shown(value: Any) -> str:
    return (
        "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    )
