"""Lint rules: one module per rule, and ``RULES``, the table that runs them.

A rule reads the checked spec (``Context``: the spec, the data's static facts, the inferred
layer rows) and yields diagnostics of its one code. The findings of shape inference itself
(DLS301-DLS307, DLS310, DLS313, DLS316-DLS320, DLS324, DLS325) come from the layer kinds and
the walk in ``check.shapes``; every code, whoever finds it, is in ``diagnostics.CODES``.
"""

from __future__ import annotations

from dlspec.check.rules import (
    bad_validation,
    column_mismatch,
    data_task_mismatch,
    head_override,
    loss_task_mismatch,
    metric_task_mismatch,
    no_op_layer,
    non_causal_body,
    outside_folder,
    patience_too_long,
    schedule_conflict,
    shuffled_time_order,
    too_many_params,
)
from dlspec.check.rules.rule import Context, Rule
from dlspec.diagnostics import Diagnostic

RULES: tuple[Rule, ...] = (
    loss_task_mismatch.RULE,
    head_override.RULE,
    shuffled_time_order.RULE,
    patience_too_long.RULE,
    no_op_layer.RULE,
    too_many_params.RULE,
    metric_task_mismatch.RULE,
    data_task_mismatch.RULE,
    bad_validation.RULE,
    schedule_conflict.RULE,
    non_causal_body.RULE,
    column_mismatch.RULE,
    outside_folder.RULE,
)

__all__ = ["RULES", "Context", "Rule", "apply"]


def apply(context: Context) -> list[Diagnostic]:
    """Every rule's findings, in table order."""
    return [diagnostic for rule in RULES for diagnostic in rule(context)]
