"""DLS315 too-many-params: far more parameters than training examples."""

from __future__ import annotations

from collections.abc import Iterator

from dlspec.check.rules.rule import Context, Rule
from dlspec.diagnostics import Diagnostic, make

# A model with this many times more parameters than training examples is flagged.
PARAMS_PER_EXAMPLE_LIMIT = 100


def check(context: Context) -> Iterator[Diagnostic]:
    """The model (head included) against the training rows the data is known to give."""
    spec, data = context.spec, context.data
    if not context.rows or not data.examples or spec.data is None:
        return
    total = sum(row.params.total for row in context.rows)
    training = data.examples * (1 - spec.validation.test_size)
    if total > PARAMS_PER_EXAMPLE_LIMIT * training:
        yield make(
            "DLS315",
            f"{total:,} parameters for about {int(training):,} training examples "
            f"({round(total // training):,} per example)",
            context.source_map.locate(("model",)),
            "a model this large will memorise the data: shrink it or regularise it",
            warning=True,
        )


RULE = Rule("DLS315", check)
