"""The ``add`` layer kind: the element-wise sum of two or more inputs (a skip connection)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dlspec.layers.merge import ElementwiseSpec


class AddSpec(ElementwiseSpec):
    """Sums its inputs element-wise: the join of a skip connection, ``y = x + f(x)``.

    Inputs of one shape (a size of 1 stretches); output that shape. No weights.

    ```yaml
    - dense: {units: 16, name: a}
    - dense: {units: 16, name: b}
      from: input
    - add:
      from: [a, b]
    ```
    """

    KERAS_CLASS = "Add"
    kind: Literal["add"] = Field(description="Layer kind.")
