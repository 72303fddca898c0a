"""The optimizer table: one spec class per optimizer, Keras's argument names and defaults.

```yaml
optimizer: {type: sgd, learning_rate: 0.05, momentum: 0.9, nesterov: true}
optimizer: adam                      # defaults
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from dlspec.base import LARGEST_SIZE, SpecModel, bare_name

if TYPE_CHECKING:
    import keras

PositiveFloat = Annotated[float, Field(gt=0)]


class ExponentialDecaySpec(SpecModel):
    """``lr * decay_rate ** (step / decay_steps)``: keras.optimizers.schedules.ExponentialDecay."""

    type: Literal["exponential_decay"] = Field(description="Schedule type.")
    decay_steps: int = Field(gt=0, le=LARGEST_SIZE, description="Steps (batches) per decay period.")
    decay_rate: float = Field(gt=0, le=1, description="Factor applied each period.")
    staircase: bool = Field(default=False, description="Decay in whole periods, not smoothly.")

    def build(self, learning_rate: float) -> Any:
        """The Keras schedule starting at ``learning_rate``."""
        import keras

        return keras.optimizers.schedules.ExponentialDecay(
            learning_rate, self.decay_steps, self.decay_rate, staircase=self.staircase
        )


class CosineDecaySpec(SpecModel):
    """Cosine annealing to ``alpha * lr`` over ``decay_steps``: CosineDecay."""

    type: Literal["cosine_decay"] = Field(description="Schedule type.")
    decay_steps: int = Field(gt=0, le=LARGEST_SIZE, description="Steps (batches) to decay over.")
    alpha: float = Field(default=0.0, ge=0, le=1, description="Final rate as a fraction of lr.")
    warmup_steps: int = Field(
        default=0, ge=0, le=LARGEST_SIZE, description="Linear warm-up steps before decay."
    )

    def build(self, learning_rate: float) -> Any:
        """The Keras schedule starting at ``learning_rate``."""
        import keras

        return keras.optimizers.schedules.CosineDecay(
            learning_rate if not self.warmup_steps else 0.0,
            self.decay_steps,
            alpha=self.alpha,
            warmup_target=learning_rate if self.warmup_steps else None,
            warmup_steps=self.warmup_steps,
        )


ScheduleSpec = Annotated[
    Annotated[ExponentialDecaySpec | CosineDecaySpec, Field(discriminator="type")],
    BeforeValidator(bare_name),
]


class _Optimizer(SpecModel):
    schedule: ScheduleSpec | None = Field(
        default=None, description="Learning-rate schedule starting at learning_rate."
    )
    clipnorm: PositiveFloat | None = Field(
        default=None, description="Clip each gradient to this L2 norm."
    )
    clipvalue: PositiveFloat | None = Field(
        default=None, description="Clip each gradient element to [-clipvalue, clipvalue]."
    )

    def _arguments(self) -> dict[str, Any]:
        args = self.model_dump(exclude={"type", "schedule", "clipnorm", "clipvalue"})
        if self.schedule is not None:
            args["learning_rate"] = self.schedule.build(args["learning_rate"])
        if self.clipnorm is not None:
            args["clipnorm"] = self.clipnorm
        if self.clipvalue is not None:
            args["clipvalue"] = self.clipvalue
        return args

    def build(self) -> keras.optimizers.Optimizer:
        """The Keras optimizer with this spec's arguments."""
        import keras

        cls = getattr(keras.optimizers, _KERAS_NAMES[self.type])  # type: ignore[attr-defined]
        return cls(**self._arguments())


class SGDSpec(_Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum."""

    type: Literal["sgd"] = Field(description="Optimizer type.")
    learning_rate: PositiveFloat = Field(default=0.01, description="Step size.")
    momentum: float = Field(default=0.0, ge=0, lt=1, description="Momentum factor in [0, 1).")
    nesterov: bool = Field(default=False, description="Use Nesterov momentum.")


class AdagradSpec(_Optimizer):
    """Adagrad: per-parameter rates scaled by accumulated squared gradients."""

    type: Literal["adagrad"] = Field(description="Optimizer type.")
    learning_rate: PositiveFloat = Field(default=0.001, description="Step size.")
    initial_accumulator_value: float = Field(
        default=0.1, ge=0, description="Starting value of the accumulators."
    )
    epsilon: PositiveFloat = Field(default=1e-7, description="Numerical stability constant.")


class RMSpropSpec(_Optimizer):
    """RMSProp: rates scaled by a moving average of squared gradients."""

    type: Literal["rmsprop"] = Field(description="Optimizer type.")
    learning_rate: PositiveFloat = Field(default=0.001, description="Step size.")
    rho: float = Field(default=0.9, gt=0, lt=1, description="Discount of the moving average.")
    momentum: float = Field(default=0.0, ge=0, lt=1, description="Momentum factor in [0, 1).")
    epsilon: PositiveFloat = Field(default=1e-7, description="Numerical stability constant.")
    centered: bool = Field(default=False, description="Normalise by the gradient's variance.")


class AdamSpec(_Optimizer):
    """Adam: momentum plus RMSProp-style scaling, with bias correction."""

    type: Literal["adam"] = Field(description="Optimizer type.")
    learning_rate: PositiveFloat = Field(default=0.001, description="Step size.")
    beta_1: float = Field(default=0.9, ge=0, lt=1, description="Decay of the first moment.")
    beta_2: float = Field(default=0.999, ge=0, lt=1, description="Decay of the second moment.")
    epsilon: PositiveFloat = Field(default=1e-7, description="Numerical stability constant.")
    amsgrad: bool = Field(default=False, description="Use the AMSGrad variant.")


class AdamWSpec(AdamSpec):
    """AdamW: Adam with decoupled weight decay."""

    type: Literal["adamw"] = Field(description="Optimizer type.")  # type: ignore[assignment]
    weight_decay: float = Field(default=0.004, ge=0, description="Decoupled weight decay.")


_KERAS_NAMES = {
    "sgd": "SGD",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adam": "Adam",
    "adamw": "AdamW",
}

OptimizerSpec = Annotated[
    Annotated[
        SGDSpec | AdagradSpec | RMSpropSpec | AdamSpec | AdamWSpec, Field(discriminator="type")
    ],
    BeforeValidator(bare_name),
]
