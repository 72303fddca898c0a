"""Preprocessing fitted on training examples only: feature scaling and text vectorisation.

Three kinds, chosen from the spec:

- ``scale``: ``data.scale`` none | standard (mean and standard deviation) | minmax, per feature
  (the last axis), over every other axis of the training array: rows of a table, every step
  of every training window, every pixel of the training images (per channel);
- ``text``: a labelled text table's strings to int32 ids with Keras's TextVectorization
  (``max_tokens``, ``output_sequence_length=sequence_length``), adapted on training texts only;
- ``tokens``: ids that need nothing (a corpus, keras:imdb|reuters, int32 npz); for a corpus it
  keeps the vocabulary so that generated ids can be decoded;
- ``inputs``: named inputs (``model.inputs``), each with its own part: ``tokens`` for an int32
  input, ``scale`` otherwise, fitted on that input's training arrays.

Saved as plain JSON (``preprocessing.json``) plus ``vocabulary.txt`` (one token per line, in id
order) for text; never pickled.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from dlspec.data import text
from dlspec.data.features import Features
from dlspec.sources import SOURCES
from dlspec.spec.sections import DEFAULT_MAX_TOKENS, DEFAULT_SEQUENCE_LENGTH

if TYPE_CHECKING:
    from dlspec.data.dataset import Dataset
    from dlspec.spec import Spec

FORMAT = 1
CONFIG, VOCABULARY = "preprocessing.json", "vocabulary.txt"


class Preprocessor:
    """Fitted on the training part of each split, then applied to every part unchanged."""

    def __init__(
        self,
        kind: str = "scale",
        scale: str = "none",
        max_tokens: int = DEFAULT_MAX_TOKENS,
        sequence_length: int = DEFAULT_SEQUENCE_LENGTH,
        vocabulary: list[str] | None = None,
        parts: dict[str, Preprocessor] | None = None,
    ):
        if kind not in ("scale", "text", "tokens", "inputs"):
            raise ValueError(f"unknown preprocessing kind {kind!r}")
        self.kind = kind
        self.scale = scale if kind == "scale" else "none"
        self.max_tokens = max_tokens
        self.sequence_length = sequence_length
        # per-feature statistics: transform is (x - offset) / divisor
        self.offset: np.ndarray | None = None
        self.divisor: np.ndarray | None = None
        # text: TextVectorization's vocabulary ('' and '[UNK]' first); tokens: a corpus's
        self.vocabulary = vocabulary
        self.parts = parts if kind == "inputs" else None  # each named input's, by name
        self._layer: Any = None

    @classmethod
    def for_spec(cls, spec: Spec, dataset: Dataset | None = None) -> Preprocessor:
        """The unfitted preprocessing a spec asks for.

        Args:
            spec: the experiment; ``data`` picks the kind.
            dataset: the loaded data; for a text corpus it carries the vocabulary to keep, and
                its arrays name the inputs of a CSV's column groups.
        """
        data = spec.data
        if data is None:
            return cls()
        if spec.task.row.targets == "pairs":  # seq2seq: token ids, with the pairs' vocabulary
            tokens = dataset.tokens if dataset is not None else None
            return cls("tokens", vocabulary=list(tokens) if tokens is not None else None)
        # Named inputs: model.inputs gives their dtypes, else the loaded arrays (column groups).
        named = {name: given.dtype for name, given in (spec.model.inputs or {}).items()}
        if not named and dataset is not None and isinstance(dataset.x, dict):
            named = {
                name: "int32" if np.issubdtype(array.dtype, np.integer) else "float32"
                for name, array in dataset.x.items()
            }
        if named:
            parts = {
                name: cls("tokens") if dtype == "int32" else cls("scale", data.scale)
                for name, dtype in named.items()
            }
            return cls("inputs", parts=parts)
        kind = SOURCES[data.scheme].preprocessing(data)
        if kind == "text":
            return cls(
                "text", max_tokens=data.vocabulary_size, sequence_length=data.tokens_per_example
            )
        int_input = spec.model.input is not None and spec.model.input.dtype == "int32"
        if kind == "tokens" or int_input:
            tokens = dataset.tokens if dataset is not None else None
            return cls("tokens", vocabulary=list(tokens) if tokens is not None else None)
        return cls("scale", data.scale)

    @property
    def fitted(self) -> bool:
        """Whether ``transform`` may be called."""
        if self.parts is not None:
            return all(part.fitted for part in self.parts.values())
        if self.kind == "text":
            return self._layer is not None
        return self.scale == "none" or self.offset is not None

    def fit(self, x: Features) -> Preprocessor:
        """Learn statistics (or a vocabulary) from training examples ``x``; returns self."""
        if self.parts is not None:
            assert isinstance(x, dict)
            for name, part in self.parts.items():
                part.fit(x[name])
            return self
        if self.kind == "tokens":
            return self  # ids need nothing fitted (a dict of them for seq2seq)
        assert not isinstance(x, dict)
        if self.kind == "text":
            self._layer = self._vectorizer(None)
            self._layer.adapt(_strings(x))
            self.vocabulary = [str(t) for t in self._layer.get_vocabulary()]
        elif self.kind == "scale" and self.scale != "none":
            values = np.asarray(x, np.float64)
            axes = tuple(range(values.ndim - 1)) if values.ndim > 1 else (0,)
            if self.scale == "standard":
                offset, divisor = values.mean(axis=axes), values.std(axis=axes)
            else:
                offset = values.min(axis=axes)
                divisor = values.max(axis=axes) - offset
            # A constant feature would divide by zero: leave its spread as is.
            self.offset, self.divisor = offset, np.where(divisor > 0, divisor, 1.0)
        return self

    @overload
    def transform(self, x: np.ndarray) -> np.ndarray: ...
    @overload
    def transform(self, x: Features) -> Features: ...

    def transform(self, x: Features) -> Features:
        """Apply the fitted preprocessing: float32 features or int32 token ids (by name)."""
        if not self.fitted:
            raise RuntimeError("Preprocessor.transform called before fit")
        if self.parts is not None:
            if not isinstance(x, dict):
                raise ValueError("a model with named inputs takes a dict of arrays by name")
            return {name: part.transform(x[name]) for name, part in self.parts.items()}
        if isinstance(x, dict) and self.kind == "tokens":  # seq2seq's source and target ids
            return {name: np.asarray(array, np.int32) for name, array in x.items()}
        assert not isinstance(x, dict)
        if self.kind == "text":
            import keras

            return keras.ops.convert_to_numpy(self._layer(_strings(x))).astype(np.int32)
        if self.kind == "tokens":
            return np.asarray(x, np.int32)
        if self.scale == "none":
            return np.asarray(x, np.float32)
        assert self.offset is not None and self.divisor is not None  # checked by ``fitted``
        scaled = (np.asarray(x, np.float64) - self.offset) / self.divisor
        return scaled.astype(np.float32)

    def save(self, directory: Path) -> None:
        """Write ``preprocessing.json`` (and ``vocabulary.txt``) into ``directory``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        config = {"format": FORMAT, **self._config()}
        (directory / CONFIG).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        if self.vocabulary is not None:
            lines = "".join(token + "\n" for token in self.vocabulary)
            (directory / VOCABULARY).write_text(lines, encoding="utf-8")

    def _config(self) -> dict[str, Any]:
        """What ``save`` writes of this preprocessing (of each part, for named inputs)."""
        return {
            "kind": self.kind,
            "scale": self.scale,
            "max_tokens": self.max_tokens,
            "sequence_length": self.sequence_length,
            # JSON floats round-trip float64 exactly, so a reloaded transform is identical.
            "offset": None if self.offset is None else self.offset.tolist(),
            "divisor": None if self.divisor is None else self.divisor.tolist(),
            "vocabulary": VOCABULARY if self.vocabulary is not None else None,
            **(
                {"inputs": {name: part._config() for name, part in self.parts.items()}}
                if self.parts is not None
                else {}
            ),
        }

    @classmethod
    def load(cls, directory: Path) -> Preprocessor:
        """Read what ``save`` wrote: the same transform as before saving."""
        directory = Path(directory)
        config = json.loads((directory / CONFIG).read_text(encoding="utf-8"))
        if config.get("format") != FORMAT:
            raise ValueError(f"{directory / CONFIG}: unknown format {config.get('format')!r}")
        return cls._from_config(config, directory)

    @classmethod
    def _from_config(cls, config: dict[str, Any], directory: Path) -> Preprocessor:
        vocabulary = None
        if config["vocabulary"] is not None:
            lines = (directory / config["vocabulary"]).read_text(encoding="utf-8")
            vocabulary = lines.split("\n")[:-1]
        parts = None
        if config["kind"] == "inputs":
            parts = {
                name: cls._from_config(part, directory) for name, part in config["inputs"].items()
            }
        self = cls(
            config["kind"],
            config["scale"],
            config["max_tokens"],
            config["sequence_length"],
            vocabulary,
            parts,
        )
        if config["offset"] is not None:
            self.offset = np.array(config["offset"], np.float64)
            self.divisor = np.array(config["divisor"], np.float64)
        if self.kind == "text":
            self._layer = self._vectorizer(vocabulary)
        return self

    def encode(self, sentence: str) -> np.ndarray:
        """A text's int32 ids with this vocabulary (a corpus's tokeniser, or the vectoriser)."""
        if self.kind == "text":
            return self.transform(np.array([sentence], dtype=object))[0]
        if self.vocabulary is None:
            raise RuntimeError("this preprocessor keeps no vocabulary")
        return text.encode(text.tokenize(sentence), self.vocabulary)

    def decode(self, ids: np.ndarray | list[int]) -> list[str]:
        """The tokens of ``ids`` (ids beyond the vocabulary decode as '<unk>')."""
        if self.vocabulary is None:
            raise RuntimeError("this preprocessor keeps no vocabulary")
        size = len(self.vocabulary)
        return [self.vocabulary[i] if 0 <= i < size else text.UNKNOWN for i in map(int, ids)]

    def _vectorizer(self, vocabulary: list[str] | None) -> Any:
        import keras

        return keras.layers.TextVectorization(
            max_tokens=self.max_tokens,
            output_sequence_length=self.sequence_length,
            vocabulary=vocabulary,
        )


def _strings(x: np.ndarray) -> np.ndarray:
    return np.array([str(item) for item in np.asarray(x, dtype=object).ravel()], dtype=object)
