"""DLS326 schedule-conflict: reduce_lr_on_plateau with a learning-rate schedule."""

from __future__ import annotations

from collections.abc import Iterator

from dlspec.check.rules.rule import Context, Rule
from dlspec.diagnostics import Diagnostic, make


def check(context: Context) -> Iterator[Diagnostic]:
    """Keras cannot lower a scheduled learning rate: training would stop at the plateau."""
    spec = context.spec
    schedule = spec.optimizer.schedule
    if spec.training.reduce_lr_on_plateau is not None and schedule is not None:
        yield make(
            "DLS326",
            "reduce_lr_on_plateau cannot change a learning rate that a schedule sets "
            "(Keras stops training with an error when the plateau comes)",
            context.source_map.locate(("training", "reduce_lr_on_plateau")),
            f"keep one of them: remove 'reduce_lr_on_plateau' or the optimizer's "
            f"'{schedule.type}' schedule",
        )


RULE = Rule("DLS326", check)
