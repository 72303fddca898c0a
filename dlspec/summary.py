"""``dlspec summary``: the statically inferred model as a rich table or JSON."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from dlspec.base import format_shape
from dlspec.check import Inference, LayerInfo


def rows(inference: Inference) -> list[tuple[int, LayerInfo]]:
    """Every layer with its nesting depth, the head last."""

    def visit(items: list[LayerInfo], depth: int) -> list[tuple[int, LayerInfo]]:
        out: list[tuple[int, LayerInfo]] = []
        for item in items:
            out.append((depth, item))
            out.extend(visit(item.children, depth + 1))
        return out

    return visit(inference.layers, 0)


def to_json(inference: Inference) -> dict[str, Any]:
    """``{"layers": [{"name", "kind", "output_shape", "params"}, ...], "total_params", ...}``."""
    params = inference.params
    return {
        "input_shape": list(inference.input_shape) if inference.input_shape else None,
        "layers": [
            {
                "name": row.name,
                "kind": row.kind,
                "output_shape": list(row.output_shape),
                "params": row.params.total,
            }
            for row in inference.layers
        ],
        "total_params": params.total,
        "trainable_params": params.trainable,
        "non_trainable_params": params.non_trainable,
    }


def table(inference: Inference, title: str) -> Table:
    """Layer, kind, output shape and parameters, with totals in the footer."""
    params = inference.params
    out = Table(title=title, show_footer=True, title_justify="left")
    shape = format_shape(inference.input_shape) if inference.input_shape else "?"
    out.add_column("layer", footer="total")
    out.add_column("kind", footer=f"input {shape}")
    out.add_column("output shape")
    out.add_column("params", justify="right", footer=f"{params.total:,}")
    for depth, row in rows(inference):
        prefix = "  " * depth + ("└ " if depth else "")
        out.add_row(
            prefix + row.name, row.kind, format_shape(row.output_shape), f"{row.params.total:,}"
        )
    out.caption = (
        f"trainable {params.trainable:,} · non-trainable {params.non_trainable:,}"
    )
    return out
