"""DLS312 patience-too-long: early stopping whose patience outlasts the training."""

from __future__ import annotations

from collections.abc import Iterator

from dlspec.check.rules.rule import Context, Rule
from dlspec.diagnostics import Diagnostic, make


def check(context: Context) -> Iterator[Diagnostic]:
    """A patience of at least the epoch count never stops anything."""
    training = context.spec.training
    stopping = training.early_stopping
    if stopping is not None and stopping.patience >= training.epochs:
        yield make(
            "DLS312",
            f"early-stopping patience {stopping.patience} is not shorter than "
            f"{training.epochs} epochs, so it never stops training",
            context.source_map.locate(("training", "early_stopping")),
            "lower the patience or raise training.epochs",
            warning=True,
        )


RULE = Rule("DLS312", check)
