"""Spec sections besides layers, task and optimizer: data, model, training and validation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BeforeValidator, Field, field_validator
from pydantic_core import PydanticCustomError

from dlspec.base import LARGEST_SIZE, PositiveInt, SpecModel, bare_name
from dlspec.diagnostics import did_you_mean
from dlspec.layers import LayerItem
from dlspec.sources import SOURCES

Fraction = Annotated[float, Field(gt=0, lt=1)]
# An input's name: a Keras layer name, an npz array name and a spec key alike.
InputName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=64)]

DEFAULT_SAMPLES = 500  # synthetic sets
DEFAULT_MAX_TOKENS = 10_000  # text and keras:imdb|reuters vocabulary
DEFAULT_SEQUENCE_LENGTH = 200  # tokens per text example
DEFAULT_IMAGE_SIZE = (64, 64)  # images are resized to this [height, width]


class WindowSpec(SpecModel):
    """Turns a time series into supervised windows: ``length`` steps in, ``horizon`` ahead out.

    ```yaml
    window: {length: 24, horizon: 1}
    ```
    """

    length: PositiveInt = Field(description="Steps of history in each input window.")
    horizon: PositiveInt = Field(default=1, description="How many steps ahead the target is.")


class DataSpec(SpecModel):
    """Where examples come from and how they are prepared.

    ```yaml
    data: {source: sklearn:iris, scale: standard}
    ```
    """

    source: str = Field(
        description="SCHEME:NAME or SCHEME:PATH: "
        + ", ".join(source.usage for source in SOURCES.values())
        + " (paths relative to the spec file)."
    )
    scale: Literal["none", "standard", "minmax"] = Field(
        default="none", description="Feature scaling, fitted on training data only."
    )
    target: (
        str
        | Annotated[int, Field(ge=-LARGEST_SIZE, le=LARGEST_SIZE)]
        | Annotated[
            list[str | Annotated[int, Field(ge=-LARGEST_SIZE, le=LARGEST_SIZE)]],
            Field(min_length=1),
        ]
        | None
    ) = Field(
        default=None,
        description="csv/text: the target column (name or index); default last. csv, "
        "regression: a list of columns is one output each ([y1, y2]).",
    )
    features: list[str] | dict[InputName, list[str]] | None = Field(
        default=None,
        description="csv: feature columns; default every column but the target. A mapping "
        "of input names to columns groups them into named inputs ({meta: [a, b], ...}).",
    )
    text_column: str | None = Field(
        default=None, description="text (a CSV table): the column holding the text."
    )
    source_column: str | None = Field(
        default=None, description="text, task seq2seq: the column of source texts ('source')."
    )
    target_column: str | None = Field(
        default=None, description="text, task seq2seq: the column of target texts ('target')."
    )
    tokens: Literal["word", "character"] = Field(
        default="word",
        description="text, task seq2seq: split texts into lower-case words and punctuation "
        "(word), or into characters as written (character).",
    )
    samples: PositiveInt | None = Field(
        default=None,
        description=f"synthetic: how many examples to generate (default {DEFAULT_SAMPLES}).",
    )
    noise: float | None = Field(
        default=None, ge=0, description="synthetic: standard deviation of added noise."
    )
    classes: int | None = Field(
        default=None, ge=2, le=LARGEST_SIZE, description="synthetic:blobs and spiral: classes."
    )
    window: WindowSpec | None = Field(
        default=None, description="Turn a series into (window, horizon) supervised examples."
    )
    max_tokens: Annotated[int, Field(ge=3, le=LARGEST_SIZE)] | None = Field(
        default=None,
        description=f"text, keras:imdb|reuters: vocabulary size (default {DEFAULT_MAX_TOKENS}), "
        "at least 3: padding, the unknown token and one word.",
    )
    sequence_length: PositiveInt | None = Field(
        default=None,
        description="text, keras:imdb|reuters: tokens per example "
        f"(default {DEFAULT_SEQUENCE_LENGTH}).",
    )
    image_size: Annotated[list[PositiveInt], Field(min_length=2, max_length=2)] | None = Field(
        default=None,
        description=f"images: [height, width] to resize to (default {list(DEFAULT_IMAGE_SIZE)}).",
    )
    color_mode: Literal["rgb", "grayscale"] = Field(
        default="rgb", description="images: 3 channels (rgb) or 1 (grayscale)."
    )

    @field_validator("source")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        scheme, sep, rest = value.partition(":")
        if not sep or scheme not in SOURCES:
            raise PydanticCustomError(
                "bad_source",
                "unknown data source '{value}': expected SCHEME:NAME with a scheme among {schemes}",
                {
                    "value": value,
                    "schemes": ", ".join(SOURCES),
                    "hint": did_you_mean(scheme, SOURCES) if sep else "write it as SCHEME:NAME",
                },
            )
        names = SOURCES[scheme].datasets
        if not rest:
            raise PydanticCustomError(
                "bad_source", "data source '{value}' names no dataset or path", {"value": value}
            )
        if names and rest not in names:
            hint = did_you_mean(rest, names)
            raise PydanticCustomError(
                "bad_source",
                "unknown {scheme} dataset '{rest}': expected one of {names}",
                {"scheme": scheme, "rest": rest, "names": ", ".join(names), "hint": hint},
            )
        return value

    @property
    def scheme(self) -> str:
        """The part of ``source`` before the colon."""
        return self.source.partition(":")[0]

    @property
    def location(self) -> str:
        """The part of ``source`` after the colon: a dataset name or a path."""
        return self.source.partition(":")[2]

    def path(self, spec_file: str | Path) -> Path:
        """The file or folder a path source names, relative to the spec file's folder."""
        path = Path(self.location).expanduser()
        return path if path.is_absolute() else Path(spec_file).parent / path

    @property
    def vocabulary_size(self) -> int:
        """``max_tokens``, or its default."""
        return self.max_tokens or DEFAULT_MAX_TOKENS

    @property
    def tokens_per_example(self) -> int:
        """``sequence_length``, or its default."""
        return self.sequence_length or DEFAULT_SEQUENCE_LENGTH

    @property
    def image_shape(self) -> tuple[int, int]:
        """``image_size`` as (height, width), or its default."""
        height, width = self.image_size or DEFAULT_IMAGE_SIZE
        return height, width

    @property
    def sample_count(self) -> int:
        """``samples``, or its default."""
        return self.samples or DEFAULT_SAMPLES


def _input_shorthand(value: Any) -> Any:
    return {"shape": value} if isinstance(value, list) else value


class InputSpec(SpecModel):
    """The shape of one example (no batch axis) and its dtype.

    ```yaml
    input: {shape: [200], dtype: int32}
    input: [28, 28, 1]             # float32
    ```
    """

    shape: list[PositiveInt | None] = Field(
        min_length=1, description="Sizes of one example; null for a size known at run time."
    )
    dtype: Literal["float32", "int32"] = Field(
        default="float32", description="int32 for token ids (before an embedding)."
    )


class ModelSpec(SpecModel):
    """The network body; dlspec appends the head from the task table.

    ```yaml
    model:
      input: [4]
      layers:
        - dense: {units: 16, activation: relu}
    ```

    With several inputs, ``inputs`` names them and the layers say which they take:

    ```yaml
    model:
      inputs: {pixels: [8, 8, 1], meta: [3]}
      layers:
        - flatten: {from: pixels}
        - concatenate: {from: [flatten_1, meta]}
    ```
    """

    input: Annotated[InputSpec, BeforeValidator(_input_shorthand)] | None = Field(
        default=None, description="Example shape; may be left out when the data tells it."
    )
    inputs: dict[InputName, Annotated[InputSpec, BeforeValidator(_input_shorthand)]] | None = Field(
        default=None,
        min_length=1,
        description="Several named inputs, each with its shape (a graph's layers take them "
        "with 'from'); instead of 'input'. The data gives one array per name.",
    )
    layers: list[LayerItem] = Field(
        default_factory=list, description="The body, first layer first; empty for one neuron."
    )
    output: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z_][A-Za-z0-9_.\-]*$",
        description="The layer whose output the task's head takes; by default the last one.",
    )


def _patience_shorthand(value: Any) -> Any:
    return {"patience": value} if isinstance(value, int) and not isinstance(value, bool) else value


class EarlyStoppingSpec(SpecModel):
    """Stop when validation loss has not improved for ``patience`` epochs.

    ```yaml
    early_stopping: {patience: 10}
    early_stopping: 10             # shorthand
    ```
    """

    patience: int = Field(
        default=10, ge=0, le=LARGEST_SIZE, description="Epochs without improvement to wait."
    )
    min_delta: float = Field(default=0.0, ge=0, description="Smallest change that counts.")
    restore_best_weights: bool = Field(
        default=True, description="Keep the weights of the best epoch, not the last."
    )


class ReduceLROnPlateauSpec(SpecModel):
    """Multiply the learning rate by ``factor`` when validation loss stalls."""

    factor: float = Field(default=0.5, gt=0, lt=1, description="Factor applied to the rate.")
    patience: int = Field(
        default=5, ge=0, le=LARGEST_SIZE, description="Epochs without improvement to wait."
    )
    min_lr: float = Field(default=0.0, ge=0, description="Lower bound on the rate.")


def _device_name(value: str) -> str:
    if not re.fullmatch(r"(/(device:)?)?(cpu|gpu):[0-9]{1,3}", value, flags=re.IGNORECASE):
        raise PydanticCustomError(
            "device_name", "a device is written /cpu:N or /gpu:N, got '{value}'", {"value": value}
        )
    return value


# A local device as TensorFlow names it: /cpu:0, /gpu:1, GPU:0.
DeviceName = Annotated[str, AfterValidator(_device_name)]


def device_key(name: str) -> str:
    """``/device:GPU:1`` -> ``gpu:1``."""
    kind, number = name.rsplit(":", 1)
    return f"{kind.rsplit('/', 1)[-1].lower()}:{number}"


class MirroredSpec(SpecModel):
    """Data-parallel training on this machine's devices: every device holds the model.

    ``tf.distribute.MirroredStrategy`` on TensorFlow, ``keras.distribution.DataParallel`` on
    JAX. Each step's batch is ``batch_size`` rows per device, split between them.

    ```yaml
    distribution: mirrored                                # every GPU, else the CPU
    distribution: {type: mirrored, devices: [/gpu:0, /gpu:1]}
    ```
    """

    type: Literal["mirrored"] = Field(description="Distribution.")
    devices: list[DeviceName] | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="The devices to train on (default: every GPU, else the CPU); CPUs named "
        "beyond the first are logical devices the CPU is split into.",
    )

    @field_validator("devices")
    @classmethod
    def _one_kind_each_once(cls, value: list[str] | None) -> list[str] | None:
        names = [device_key(name) for name in value or []]
        twice = next((name for name in names if names.count(name) > 1), None)
        if twice is not None:
            raise PydanticCustomError("devices", "device '{name}' is listed twice", {"name": twice})
        if len({name.split(":")[0] for name in names}) > 1:
            raise PydanticCustomError(
                "devices", "mirrored training runs on CPUs or on GPUs, not on both at once"
            )
        return value

    @property
    def cpus(self) -> int:
        """How many CPU devices the list names (the CPU is split into that many)."""
        return sum("cpu" in name.lower() for name in self.devices or [])


class MultiWorkerSpec(SpecModel):
    """Data-parallel training across machines, each running the same ``dlspec train``.

    ``tf.distribute.MultiWorkerMirroredStrategy`` (TensorFlow backend), configured by the
    ``TF_CONFIG`` environment variable of each worker; the chief (worker 0) writes the run.

    ```yaml
    distribution: multi_worker
    ```
    """

    cpus: ClassVar[int] = 0

    type: Literal["multi_worker"] = Field(description="Distribution.")


DistributionSpec = Annotated[
    Annotated[MirroredSpec | MultiWorkerSpec, Field(discriminator="type")],
    BeforeValidator(bare_name),
]


class TrainingSpec(SpecModel):
    """How to fit: epochs, mini-batches, callbacks.

    ```yaml
    training: {epochs: 100, batch_size: 16, early_stopping: 10}
    ```
    """

    epochs: PositiveInt = Field(default=10, description="Passes over the training data.")
    batch_size: PositiveInt = Field(default=32, description="Examples per gradient step.")
    shuffle: bool = Field(default=True, description="Shuffle training examples each epoch.")
    early_stopping: Annotated[EarlyStoppingSpec, BeforeValidator(_patience_shorthand)] | None = (
        Field(default=None, description="Stop early on stalled validation loss.")
    )
    reduce_lr_on_plateau: ReduceLROnPlateauSpec | None = Field(
        default=None, description="Lower the learning rate on stalled validation loss."
    )
    class_weight: (
        Literal["balanced"]
        | dict[Annotated[int, Field(ge=0, le=LARGEST_SIZE)] | str, Annotated[float, Field(gt=0)]]
        | None
    ) = Field(
        default=None,
        description="'balanced', or {class: weight} to reweight the loss; a class by its id or "
        "its name (setosa: 2.0).",
    )
    mixed_precision: bool | Literal["bfloat16", "float16"] = Field(
        default=False,
        description="Compute in 16-bit floats, keeping float32 weights and a float32 head: true "
        "or 'bfloat16' (float32's range, no loss scaling), or 'float16' (dynamic loss scaling; "
        "for GPUs without bfloat16).",
    )
    jit_compile: bool | Literal["auto"] = Field(
        default="auto",
        description="Compile training with XLA: 'auto' lets the backend choose (always on JAX, "
        "on GPUs on TensorFlow), true forces it, false runs without it.",
    )

    distribution: DistributionSpec | None = Field(
        default=None,
        description="Train data-parallel: 'mirrored' (this machine's GPUs, or the devices "
        "listed) or 'multi_worker' (machines named by TF_CONFIG). batch_size is per device.",
    )
    tensorboard: bool = Field(
        default=False,
        description="Write TensorBoard logs of every fit into the run folder's tensorboard/ "
        "(needs the tensorboard package).",
    )

    @property
    def precision(self) -> str:
        """The Keras dtype policy: ``float32``, ``mixed_bfloat16`` or ``mixed_float16``."""
        chosen = self.mixed_precision
        if chosen is False:
            return "float32"
        return f"mixed_{'bfloat16' if chosen is True else chosen}"


class _Scheme(SpecModel):
    # What the training stage reads of a scheme; its splitter is in ``train.schemes.SPLITTERS``.
    in_time_order: ClassVar[bool] = False  # the scheme itself keeps examples in time order
    refit: ClassVar[bool] = True  # after its folds, a final model trains on every non-test row

    test_size: Fraction = Field(
        default=0.2, description="Fraction held out as the test set, used once at the end."
    )
    shuffle: bool = Field(default=True, description="Shuffle before splitting.")
    stratify: bool | None = Field(
        default=None, description="Keep class proportions in splits (default: on for classes)."
    )


class HoldoutSpec(_Scheme):
    """Train / validation / test.

    ```yaml
    validation: {type: holdout, validation_size: 0.2, test_size: 0.2}
    ```
    """

    refit: ClassVar[bool] = False  # the one model is the final one

    type: Literal["holdout"] = Field(description="Validation scheme.")
    validation_size: Fraction = Field(
        default=0.2, description="Fraction of the non-test data used for validation."
    )


class KFoldSpec(_Scheme):
    """K-fold cross-validation (stratified for classification), then a final fit.

    ```yaml
    validation: {type: kfold, folds: 5}
    ```
    """

    type: Literal["kfold"] = Field(description="Validation scheme.")
    folds: int = Field(default=5, ge=2, le=LARGEST_SIZE, description="Number of folds, at least 2.")


class TimeSeriesSpec(_Scheme):
    """Expanding-window splits in time order, never shuffled.

    ```yaml
    validation: {type: time_series, splits: 4}
    ```
    """

    in_time_order: ClassVar[bool] = True

    type: Literal["time_series"] = Field(description="Validation scheme.")
    splits: int = Field(
        default=5, ge=2, le=LARGEST_SIZE, description="Number of expanding-window splits."
    )
    shuffle: bool = Field(default=False, description="Must stay false: time order is kept.")
    gap: int = Field(
        default=0,
        ge=0,
        le=LARGEST_SIZE,
        description="Examples skipped between training and validation rows.",
    )


ValidationSpec = Annotated[
    Annotated[HoldoutSpec | KFoldSpec | TimeSeriesSpec, Field(discriminator="type")],
    BeforeValidator(bare_name),
]
