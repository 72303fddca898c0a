"""The root of the spec language: one experiment, its sections in the order users write them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dlspec.base import Seed, SpecModel
from dlspec.spec.optimizers import AdamSpec, OptimizerSpec
from dlspec.spec.search import SearchSpec
from dlspec.spec.sections import DataSpec, HoldoutSpec, ModelSpec, TrainingSpec, ValidationSpec
from dlspec.spec.tasks import TaskSpec


class Spec(SpecModel):
    """A whole experiment: data, network, task, optimizer, training and validation.

    ```yaml
    name: iris-mlp
    data: {source: sklearn:iris, scale: standard}
    task: multiclass
    model:
      layers:
        - dense: {units: 16, activation: relu}
    validation: {type: kfold, folds: 5}
    ```
    """

    dlspec: Literal[1] = Field(default=1, description="Spec format version.")
    name: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
        description="Experiment name, used for the run directory; default the file's stem.",
    )
    description: str = Field(default="", description="What this experiment is about.")
    seed: Seed = Field(default=42, description="Seeds Python, NumPy and Keras.")
    extends: str | list[str] | None = Field(
        default=None, description="Base spec file(s) merged under this one, relative to it."
    )
    data: DataSpec | None = Field(
        default=None, description="Data source; optional for specs only linted or built."
    )
    task: TaskSpec = Field(description="A row of the task table: picks the head and loss.")
    model: ModelSpec = Field(description="The network body and its input.")
    optimizer: OptimizerSpec = Field(
        default_factory=lambda: AdamSpec(type="adam"), description="Optimizer (default adam)."
    )
    training: TrainingSpec = Field(
        default_factory=TrainingSpec, description="Epochs, batch size and callbacks."
    )
    validation: ValidationSpec = Field(
        default_factory=lambda: HoldoutSpec(type="holdout"),
        description="Validation scheme (default holdout).",
    )
    search: SearchSpec | None = Field(
        default=None,
        description="A hyperparameter space over this spec's fields, for 'dlspec sweep'.",
    )
