"""The task table: for each task, the output head, its losses and its metrics, as plain data.

The spec's layers are the body; dlspec appends the head that the task's row names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from dlspec.base import LARGEST_SIZE, SpecModel, bare_name
from dlspec.layers.layer import Activation

Loss = Literal[
    "mse",
    "mae",
    "huber",
    "rmse",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
]
Metric = Literal[
    "rmse",
    "mae",
    "mse",
    "accuracy",
    "auc",
    "precision",
    "recall",
    "perplexity",
    "token_accuracy",
    "exact_match",
]


@dataclass(frozen=True)
class TaskRow:
    """One row of the task table."""

    activation: str  # the head's default activation
    activations: tuple[str, ...]  # head activations a spec may choose instead
    losses: tuple[str, ...]  # the default first, then the alternatives
    metrics: tuple[str, ...]  # metrics compiled by default
    allowed_metrics: tuple[str, ...]
    units: str  # where the head's width comes from, for messages and the README
    size_field: str | None  # the task field that gives the head width when data cannot
    classification: bool  # targets are class labels: stratified splits, class weights
    # what a source must provide: "inputs" needs no targets (the input is its own target)
    targets: Literal["values", "labels", "tokens", "pairs", "inputs"]
    outputs: Literal["probability", "probabilities", "values", "sequences"]  # a head's output
    error: str  # the verdict's error: "accuracy" (as 1 - accuracy), "rmse" or "perplexity"
    error_name: str  # that error in the course's words
    baseline: str  # the trivial predictor the verdict compares with
    scores: tuple[str, ...]  # every score a run reports, in report order; the first is key
    fold_columns: tuple[str, ...]  # the scores the per-fold table shows
    # The named inputs the task's data gives (seq2seq: the source and the decoder's input).
    inputs: tuple[str, ...] = ()
    # Targets are padded with id 0 to a common length; the loss and metrics skip padding.
    padded: bool = False


TASKS: dict[str, TaskRow] = {
    "regression": TaskRow(
        activation="linear",
        activations=("linear", "relu", "softplus", "sigmoid", "tanh", "exponential"),
        losses=("mse", "mae", "huber", "rmse"),
        metrics=("rmse", "mae"),
        allowed_metrics=("rmse", "mae", "mse"),
        units="the number of target columns",
        size_field="outputs",
        classification=False,
        targets="values",
        outputs="values",
        error="rmse",
        error_name="RMSE",
        baseline="the mean",
        scores=("rmse", "mae", "r2", "loss"),
        fold_columns=("rmse", "mae", "r2", "loss"),
    ),
    "binary": TaskRow(
        activation="sigmoid",
        activations=("sigmoid",),
        losses=("binary_crossentropy",),
        metrics=("accuracy", "auc"),
        allowed_metrics=("accuracy", "auc", "precision", "recall"),
        units="1",
        size_field=None,
        classification=True,
        targets="labels",
        outputs="probability",
        error="accuracy",
        error_name="error rate",
        baseline="the majority class",
        scores=("accuracy", "auc", "precision", "recall", "f1", "loss"),
        fold_columns=("accuracy", "auc", "f1", "loss"),
    ),
    "multiclass": TaskRow(
        activation="softmax",
        activations=("softmax",),
        losses=("sparse_categorical_crossentropy", "categorical_crossentropy"),
        metrics=("accuracy",),
        allowed_metrics=("accuracy",),
        units="the number of classes",
        size_field="classes",
        classification=True,
        targets="labels",
        outputs="probabilities",
        error="accuracy",
        error_name="error rate",
        baseline="the majority class",
        scores=("accuracy", "precision", "recall", "f1", "loss"),
        fold_columns=("accuracy", "f1", "loss"),
    ),
    "next_token": TaskRow(
        activation="softmax",
        activations=("softmax",),
        losses=("sparse_categorical_crossentropy",),
        metrics=("accuracy", "perplexity"),
        allowed_metrics=("accuracy", "perplexity"),
        units="the vocabulary size",
        size_field="vocabulary",
        classification=False,
        targets="tokens",
        outputs="sequences",
        error="perplexity",
        error_name="perplexity",
        baseline="the unigram model",
        scores=("accuracy", "perplexity", "loss"),
        fold_columns=("accuracy", "perplexity", "loss"),
    ),
    "reconstruction": TaskRow(
        activation="linear",
        activations=("linear", "sigmoid", "relu", "tanh"),
        losses=("mse", "mae", "binary_crossentropy"),
        metrics=("mse",),
        allowed_metrics=("mse", "mae", "rmse"),
        units="the input's last axis",
        size_field=None,
        classification=False,
        targets="inputs",
        outputs="values",
        error="rmse",
        error_name="RMSE",
        baseline="the mean input",
        scores=("mse", "rmse", "mae", "r2", "loss"),
        fold_columns=("mse", "r2", "loss"),
    ),
    "seq2seq": TaskRow(
        activation="softmax",
        activations=("softmax",),
        losses=("sparse_categorical_crossentropy",),
        metrics=("token_accuracy", "exact_match", "perplexity"),
        allowed_metrics=("token_accuracy", "exact_match", "perplexity"),
        units="the vocabulary size",
        size_field="vocabulary",
        classification=False,
        targets="pairs",
        outputs="sequences",
        error="perplexity",
        error_name="perplexity",
        baseline="the unigram model",
        scores=("token_accuracy", "exact_match", "perplexity", "loss"),
        fold_columns=("token_accuracy", "exact_match", "perplexity", "loss"),
        inputs=("source", "target"),
        padded=True,
    ),
}
CLASSIFICATION = tuple(name for name, row in TASKS.items() if row.classification)
DEFAULT_THRESHOLD = 0.5  # the probability above which a binary prediction is class 1
PADDING_ID = 0  # the id that pads a padded row's targets: no loss or score counts it


# Scores where a higher value is better (the rest are errors or losses: lower is better).
HIGHER_IS_BETTER = frozenset(
    {"accuracy", "auc", "precision", "recall", "f1", "r2", "token_accuracy", "exact_match"}
)


def scores(task: str) -> tuple[str, ...]:
    """The scores a run of ``task`` reports, in report order (none for an unknown task)."""
    row = TASKS.get(task)
    return row.scores if row is not None else ()


def head_width(
    task: str, *, classes: int | None, outputs: int | None, vocabulary: int | None
) -> int | None:
    """The head's width as the data tells it (``size_field``'s quantity), or None if unknown."""
    field = TASKS[task].size_field
    if field is None:
        return 1
    return {"classes": classes, "outputs": outputs, "vocabulary": vocabulary}[field]


class _Task(SpecModel):
    activation: Activation | None = Field(
        default=None, description="Head activation override; the task table limits the choice."
    )
    metrics: list[Metric] | None = Field(
        default=None, description="Metrics to track instead of the task's defaults."
    )

    @property
    def row(self) -> TaskRow:
        """This task's row of the table."""
        return TASKS[self.type]  # type: ignore[attr-defined]

    @property
    def head_activation(self) -> str:
        """The head's activation: the override, or the table's."""
        return self.activation or self.row.activation

    @property
    def decision_threshold(self) -> float:
        """The probability above which a binary prediction is class 1."""
        return DEFAULT_THRESHOLD

    @property
    def head_metrics(self) -> list[str]:
        """The metrics to compile: the spec's, or the table's defaults."""
        return list(self.metrics) if self.metrics is not None else list(self.row.metrics)

    @property
    def every_step(self) -> bool:
        """Whether the head gives a target at every position of a sequence (``per_step``)."""
        return bool(getattr(self, "per_step", False))


class _StepTask(_Task):
    """A task whose head may label every position of a sequence instead of each example."""

    per_step: bool = Field(
        default=False,
        description="A target at every position: the head on each step of a (steps, width) "
        "body; targets (examples, steps) or (examples, steps, outputs).",
    )


class RegressionTask(_StepTask):
    """Predict real values: a linear dense head, mean squared error by default.

    ```yaml
    task: {type: regression, loss: huber}
    ```
    """

    type: Literal["regression"] = Field(description="Task type.")
    loss: Loss = Field(default="mse", description="Loss: mse (default), mae, huber or rmse.")
    outputs: int | None = Field(
        default=None, gt=0, le=LARGEST_SIZE, description="Head width if the data does not tell it."
    )


class BinaryTask(_StepTask):
    """Two classes: a dense(1, sigmoid) head and binary cross-entropy.

    ```yaml
    task: binary
    ```
    """

    type: Literal["binary"] = Field(description="Task type.")
    loss: Loss = Field(default="binary_crossentropy", description="Loss: binary_crossentropy.")
    threshold: float = Field(
        default=DEFAULT_THRESHOLD,
        gt=0,
        lt=1,
        description="Probability above which a prediction is class 1.",
    )

    @property
    def decision_threshold(self) -> float:
        """The spec's ``threshold``."""
        return self.threshold


class MulticlassTask(_StepTask):
    """K classes: a dense(K, softmax) head and (sparse) categorical cross-entropy.

    ```yaml
    task: {type: multiclass, classes: 10}
    ```
    """

    type: Literal["multiclass"] = Field(description="Task type.")
    loss: Loss = Field(
        default="sparse_categorical_crossentropy",
        description="Loss: sparse_categorical_crossentropy (integer labels, default) or "
        "categorical_crossentropy (one-hot labels).",
    )
    classes: int | None = Field(
        default=None, ge=2, le=LARGEST_SIZE, description="Classes when the data does not tell it."
    )


class NextTokenTask(_Task):
    """Language modelling: a dense(vocabulary, softmax) head at every position.

    ```yaml
    task: {type: next_token, vocabulary: 5000}
    ```
    """

    type: Literal["next_token"] = Field(description="Task type.")
    loss: Loss = Field(
        default="sparse_categorical_crossentropy",
        description="Loss: sparse_categorical_crossentropy.",
    )
    vocabulary: int | None = Field(
        default=None, ge=2, le=LARGEST_SIZE, description="Vocabulary if the data does not tell it."
    )


class ReconstructionTask(_Task):
    """An autoencoder: the target is the (preprocessed) input, rebuilt by the head.

    The head is a dense layer as wide as the input's last axis, on a body that ends at the
    input's shape otherwise (for images: the height and width); mse by default, or mae, or
    binary_crossentropy with ``activation: sigmoid`` for inputs scaled to [0, 1].

    ```yaml
    task: {type: reconstruction, loss: binary_crossentropy, activation: sigmoid}
    ```
    """

    type: Literal["reconstruction"] = Field(description="Task type.")
    loss: Loss = Field(
        default="mse", description="Loss: mse (default), mae or binary_crossentropy."
    )


class Seq2SeqTask(_Task):
    """Sequence to sequence (translation): an encoder reads the source, a decoder the target.

    The data gives two inputs, ``source`` (its token ids) and ``target`` (the target's ids
    shifted right after ``<s>``: teacher forcing), and a dense(vocabulary, softmax) head at
    every decoder position predicts the target's next token; padding counts in no score.

    ```yaml
    task: seq2seq
    ```
    """

    type: Literal["seq2seq"] = Field(description="Task type.")
    loss: Loss = Field(
        default="sparse_categorical_crossentropy",
        description="Loss: sparse_categorical_crossentropy (padding left out).",
    )
    vocabulary: int | None = Field(
        default=None, ge=2, le=LARGEST_SIZE, description="Vocabulary if the data does not tell it."
    )


TaskSpec = Annotated[
    Annotated[
        RegressionTask
        | BinaryTask
        | MulticlassTask
        | NextTokenTask
        | Seq2SeqTask
        | ReconstructionTask,
        Field(discriminator="type"),
    ],
    BeforeValidator(bare_name),
]
