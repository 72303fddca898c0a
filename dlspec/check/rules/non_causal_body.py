"""DLS327 non-causal-body: a next_token body or seq2seq decoder where a position sees later ones.

A next_token model is trained to predict token t+1 at every position t, and the target at t is
the input at t+1; so is a seq2seq decoder, which reads the target shifted right. A layer that
lets position t read later inputs lets the model copy its answer: the training loss falls
towards zero, and generation, which has no later tokens, fails. Only layers that look backwards
keep the promise: a unidirectional recurrent layer, attention with ``causal: true``, a causal
convolution, and the per-position layers. A seq2seq encoder may read the source both ways.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlspec.check.rules.rule import Context, Rule
from dlspec.check.shapes import LayerInfo
from dlspec.diagnostics import Diagnostic, make
from dlspec.layers import (
    BidirectionalSpec,
    Conv1DSpec,
    LayerSpec,
    MultiHeadAttentionSpec,
    TransformerBlockSpec,
)
from dlspec.layers.pooling import Pooling1DSpec
from dlspec.layers.recurrent import RecurrentSpec


def leak(spec: LayerSpec) -> tuple[str, str] | None:
    """How ``spec`` lets a position see later ones, and the cure; None when it does not."""
    if isinstance(spec, MultiHeadAttentionSpec | TransformerBlockSpec) and not spec.causal:
        return "every position attends to the positions after it", "set causal: true"
    if isinstance(spec, BidirectionalSpec):
        return (
            "its backward copy reads the sequence from the end",
            "use the recurrent layer on its own, in one direction",
        )
    if isinstance(spec, RecurrentSpec) and spec.go_backwards:
        return "go_backwards reads the sequence from the end", "remove go_backwards"
    if isinstance(spec, Conv1DSpec) and spec.kernel_size > 1 and spec.padding != "causal":
        return (
            f"its windows of {spec.kernel_size} steps reach past each position",
            "set padding: causal",
        )
    if isinstance(spec, Pooling1DSpec) and spec.pool_size > 1:
        return (
            f"its windows of {spec.pool_size} steps reach past each position",
            "remove it, or give it pool_size: 1",
        )
    return None


def decoder_rows(rows: list[LayerInfo], start: str) -> list[LayerInfo]:
    """The rows that read the input ``start`` (a seq2seq decoder's), directly or through others.

    A row that takes it, or a row that does, is on its path; the layers inside such a block are
    too. The encoder's rows are not: they may read the source in both directions.
    """
    reached, found = {start}, []

    def add(row: LayerInfo) -> None:
        found.append(row)
        for child in row.children:
            add(child)

    for row in rows:
        if reached & set(row.inputs):
            reached.add(row.name)
            add(row)
    return found


def check(context: Context) -> Iterator[Diagnostic]:
    """Each layer of a next_token body, or of a seq2seq decoder, that reads later positions.

    Both are trained to predict the token after each position, which the next position holds.
    """
    row_of_task = context.spec.task.row
    if row_of_task.targets == "tokens":  # the targets are the inputs, one step on
        rows, model = context.flat_rows(), "a next_token model"
    elif row_of_task.targets == "pairs":  # the decoder reads the target shifted right
        rows, model = decoder_rows(context.rows, "target"), "a seq2seq decoder"
    else:
        return
    for row in rows:
        found = leak(row.spec) if row.spec is not None else None
        if found is not None:
            how, cure = found
            yield make(
                "DLS327",
                f"{row.kind} '{row.name}' lets each position see the tokens it must predict: {how}",
                context.source_map.locate(row.path),
                f"{cure}; {model} may only look backwards",
            )


RULE = Rule("DLS327", check)
