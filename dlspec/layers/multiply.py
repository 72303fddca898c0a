"""The ``multiply`` layer kind: the element-wise product of two or more inputs (a gate)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dlspec.layers.merge import ElementwiseSpec


class MultiplySpec(ElementwiseSpec):
    """Multiplies its inputs element-wise: one branch gating another (a sigmoid gate).

    Inputs of one shape (a size of 1 stretches); output that shape. No weights.

    ```yaml
    - dense: {units: 16, activation: sigmoid, name: gate}
    - dense: {units: 16, name: values}
      from: input
    - multiply:
      from: [gate, values]
    ```
    """

    KERAS_CLASS = "Multiply"
    kind: Literal["multiply"] = Field(description="Layer kind.")
