"""Foundations every spec class shares: the strict base model, choices, shapes, counts.

A one-of choice (task, optimizer, schedule) may be written as a bare name; ``bare_name`` turns
it into the mapping pydantic's discriminated unions read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

# One example's shape, without the batch axis; None is a size known only at run time.
Shape = tuple[int | None, ...]


# Sizes and counts: positive, and within what a tensor's dimension (an int32) can hold, so a
# 400-digit 'units' or a batch_size of 2**63 is a located error, not an overflow later.
LARGEST_SIZE = 2**31 - 1
PositiveInt = Annotated[int, Field(gt=0, le=LARGEST_SIZE)]
# A random seed, as NumPy and the backends take it: 32 bits without a sign.
Seed = Annotated[int, Field(ge=0, le=2**32 - 1)]


class SpecModel(BaseModel):
    """Base of every spec model: unknown keys are errors and parsed specs never change.

    Strict: YAML already gives numbers and booleans their types, so ``units: true`` or
    ``epochs: "10"`` is a mistake to report, not a value to coerce.
    """

    # A spec number is finite: .inf or .nan is no learning rate, rate or size.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


@dataclass(frozen=True)
class Params:
    """Parameter counts of a layer or model, as Keras reports them."""

    trainable: int = 0
    non_trainable: int = 0

    @property
    def total(self) -> int:
        """Trainable plus non-trainable parameters."""
        return self.trainable + self.non_trainable

    def __add__(self, other: Params) -> Params:
        return Params(self.trainable + other.trainable, self.non_trainable + other.non_trainable)

    def __mul__(self, factor: int) -> Params:
        return Params(self.trainable * factor, self.non_trainable * factor)


class ShapeError(Exception):
    """A layer cannot take its input shape; the checker turns it into a located diagnostic."""

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        code: str = "DLS301",
        at: tuple[str | int, ...] = (),
    ):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code
        # Path from the raising layer's arguments to a nested layer item that is at fault.
        self.at = at

    def within(self, *prefix: str | int) -> ShapeError:
        """The same error, located deeper: ``prefix`` leads from the outer layer's arguments."""
        return ShapeError(self.message, self.hint, self.code, (*prefix, *self.at))


def format_shape(shape: Shape) -> str:
    """A shape as users read it: ``(28, 28, 1)``, ``(None, 64)``, ``(10,)``."""
    inner = ", ".join("None" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def shapes_differ(shape: Shape, given: Shape | None) -> bool:
    """Whether a shape written in the spec disagrees with the data's (a None size agrees)."""
    return given is not None and (
        len(shape) != len(given)
        or any(
            a is not None and b is not None and a != b for a, b in zip(shape, given, strict=True)
        )
    )


def bare_name(value: Any) -> Any:
    """``adam`` -> ``{"type": "adam"}``; a mapping or anything else passes through unchanged."""
    if isinstance(value, str):
        return {"type": value}
    return value
