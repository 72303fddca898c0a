"""The ``search:`` section: a hyperparameter space over spec paths, for ``dlspec sweep``.

```yaml
search:
  trials: 20
  objective: {metric: accuracy, direction: maximize}
  pruner: median
  space:
    optimizer.learning_rate: {float: [1.0e-4, 0.1], log: true}
    model.layers[0].dense.units: {int: [8, 128]}
    optimizer.type: {choice: [adam, sgd, rmsprop]}
```

Each key is a path as ``--set`` takes it; each trial is the spec with every path set to the
value the sampler drew, linted and trained as a normal run. ``check.search`` proves, without
training, that every path exists and that both ends of a range and every choice give a valid
spec. Nothing here imports Optuna: ``dlspec.train.sweep`` turns the space into its calls.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from dlspec.base import LARGEST_SIZE, PositiveInt, SpecModel, bare_name

# A path as --set takes it: dotted names and [index]es (loading._PATH).
SpacePath = Annotated[str, Field(pattern=r"^[^.\[\]=\s]+(?:\.[^.\[\]=\s]+|\[\d+\])*$")]
Whole = Annotated[int, Field(ge=-LARGEST_SIZE, le=LARGEST_SIZE)]
Number = float | Whole
Scalar = str | bool | Whole | float | None


class FloatRange(SpecModel):
    """A real number drawn from ``[low, high]``, evenly or on a log scale, or on a grid.

    ```yaml
    optimizer.learning_rate: {float: [1.0e-4, 0.1], log: true}
    ```
    """

    # 'float' and 'int', as users write them, are Python's type names: the fields are 'bounds'.
    model_config = ConfigDict(serialize_by_alias=True)

    bounds: list[Number] = Field(
        alias="float", min_length=2, max_length=2, description="[low, high], both included."
    )
    log: bool = Field(default=False, description="Draw evenly on a log scale (low > 0).")
    step: Annotated[Number, Field(gt=0)] | None = Field(
        default=None, description="Draw only low, low + step, ... (not with log)."
    )

    @model_validator(mode="after")
    def _valid(self) -> FloatRange:
        _check_range(self.bounds[0], self.bounds[1], self.log, self.step)
        return self

    def values(self) -> list[Any]:
        """The values lint tries: both ends."""
        return [float(self.bounds[0]), float(self.bounds[1])]


class IntRange(SpecModel):
    """A whole number drawn from ``[low, high]``, evenly or on a log scale.

    ```yaml
    model.layers[0].dense.units: {int: [8, 128], log: true}
    ```
    """

    model_config = ConfigDict(serialize_by_alias=True)

    bounds: list[Whole] = Field(
        alias="int", min_length=2, max_length=2, description="[low, high], both included."
    )
    log: bool = Field(default=False, description="Draw evenly on a log scale (low > 0).")
    step: PositiveInt = Field(default=1, description="Draw only low, low + step, ...")

    @model_validator(mode="after")
    def _valid(self) -> IntRange:
        _check_range(
            self.bounds[0], self.bounds[1], self.log, None if self.step == 1 else self.step
        )
        return self

    def values(self) -> list[Any]:
        """The values lint tries: both ends."""
        return [self.bounds[0], self.bounds[1]]


class Choice(SpecModel):
    """One of the values listed.

    ```yaml
    optimizer.type: {choice: [adam, sgd, rmsprop]}
    ```
    """

    choice: list[Scalar] = Field(
        min_length=1, max_length=1000, description="The values, numbers, names or null."
    )

    @model_validator(mode="after")
    def _distinct(self) -> Choice:
        seen: list[Any] = []
        for value in self.choice:
            if any(value == other and type(value) is type(other) for other in seen):
                raise PydanticCustomError(
                    "search", "the choice lists '{value}' twice", {"value": value}
                )
            seen.append(value)
        return self

    def values(self) -> list[Any]:
        """The values lint tries: every one."""
        return list(self.choice)


def _check_range(low: float, high: float, log: bool, step: float | None) -> None:
    if not low < high:
        raise PydanticCustomError(
            "search", "the range [{low}, {high}] is empty: low must be below high",
            {"low": low, "high": high},
        )  # fmt: skip
    if log and low <= 0:
        raise PydanticCustomError(
            "search", "a log-scale range needs low > 0, got {low}", {"low": low}
        )
    if log and step is not None:
        raise PydanticCustomError("search", "a range takes 'log' or 'step', not both")


DIMENSIONS: dict[str, type[FloatRange | IntRange | Choice]] = {
    "float": FloatRange,
    "int": IntRange,
    "choice": Choice,
}


def _dimension(value: Any) -> Any:
    """Pick the dimension by its one kind key, so an error speaks of that kind alone."""
    if isinstance(value, dict):
        kinds = [key for key in value if key in DIMENSIONS]
        if len(kinds) == 1:
            return DIMENSIONS[kinds[0]].model_validate(value)
    raise PydanticCustomError(
        "search",
        "a search dimension is one of 'float: [low, high]', 'int: [low, high]' or "
        "'choice: [values]'",
    )


Dimension = Annotated[FloatRange | IntRange | Choice, BeforeValidator(_dimension)]


class PrunerSpec(SpecModel):
    """Stop unpromising trials early on their per-epoch validation metric.

    ``median`` (Optuna's MedianPruner): a trial whose metric after an epoch is worse than the
    median of earlier trials at that epoch stops there. ``none`` trains every trial through.

    ```yaml
    pruner: median
    pruner: {type: median, startup_trials: 5, warmup_epochs: 3}
    ```
    """

    type: Literal["none", "median"] = Field(description="Pruner.")
    startup_trials: Annotated[int, Field(ge=0, le=LARGEST_SIZE)] = Field(
        default=3, description="Trials that always finish before any is pruned."
    )
    warmup_epochs: Annotated[int, Field(ge=0, le=LARGEST_SIZE)] = Field(
        default=2, description="Epochs a trial always trains before it may be pruned."
    )


class ObjectiveSpec(SpecModel):
    """The validation metric the sweep optimises (mean over the folds) and its direction.

    ```yaml
    objective: {metric: accuracy, direction: maximize}
    ```
    """

    metric: str | None = Field(
        default=None, description="A validation score of the task (default its first)."
    )
    direction: Literal["maximize", "minimize"] | None = Field(
        default=None, description="Default: maximize for accuracy-like scores, else minimize."
    )


class SearchSpec(SpecModel):
    """A hyperparameter sweep over this spec (``dlspec sweep``); ``dlspec train`` ignores it."""

    space: dict[SpacePath, Dimension] = Field(
        min_length=1,
        max_length=100,
        description="Spec paths (as --set takes them) and the values to draw for each.",
    )
    trials: PositiveInt = Field(default=20, description="Trials in the study, in all.")
    objective: ObjectiveSpec = Field(
        default_factory=ObjectiveSpec, description="The validation metric to optimise."
    )
    sampler: Literal["tpe", "random"] = Field(
        default="tpe", description="How trials are drawn (seeded by the spec's seed)."
    )
    pruner: Annotated[PrunerSpec, BeforeValidator(bare_name)] = Field(
        default_factory=lambda: PrunerSpec(type="none"),
        description="Stop unpromising trials early: none or median.",
    )
