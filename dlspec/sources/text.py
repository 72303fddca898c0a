"""``text:PATH``: a labelled table (``.csv``/``.tsv``) or a plain corpus for next_token.

A table's text is vectorised by the Preprocessor, fitted on training rows only; a corpus becomes
token ids over the training part's vocabulary (``dlspec.data.text``). For seq2seq a table holds
(source, target) pairs, which become token ids over the pairs' vocabulary.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dlspec.sources.source import DataInfo, Preprocessing, Source

if TYPE_CHECKING:
    import numpy as np

    from dlspec.data.dataset import Dataset
    from dlspec.data.problems import Problems
    from dlspec.spec import Spec
    from dlspec.spec.document import SourceMap
    from dlspec.spec.sections import DataSpec

TABLE_SUFFIXES = (".csv", ".tsv")


def is_table(path: Path | str) -> bool:
    """Whether a ``text:`` path is a labelled table rather than a corpus."""
    return Path(path).suffix.lower() in TABLE_SUFFIXES


class Text(Source):
    """A text table or corpus.

    A predict input is a table with the text column (and the label column), a corpus, or an
    ``.npz`` of token ids.
    """

    scheme = "text"

    def describe(self, data: DataSpec, path: Path | None) -> DataInfo:
        """Static facts; see ``Source.describe``."""
        shape, vocabulary = (data.tokens_per_example,), data.vocabulary_size
        if is_table(data.location):
            return DataInfo(shape, dtype="int32", vocabulary=vocabulary)
        return DataInfo(shape, dtype="int32", targets="next_token", vocabulary=vocabulary)

    def preprocessing(self, data: DataSpec) -> Preprocessing:
        """The preprocessing; see ``Source.preprocessing``."""
        return "text" if is_table(data.location) else "tokens"

    def column_fields(self, data: DataSpec) -> tuple[str, ...]:
        """A table's columns; see ``Source.column_fields``."""
        if not is_table(data.location):
            return ()
        return ("target", "text_column", "source_column", "target_column")

    def pairs(self, data: DataSpec) -> bool:
        """A table gives (source, target) pairs; see ``Source.pairs``."""
        return is_table(data.location)

    def load(self, spec: Spec, path: Path | None, problems: Problems) -> Dataset:
        """Read the examples; see ``Source.load``."""
        from dlspec.data import text

        assert path is not None
        if is_table(path) and spec.task.row.targets == "pairs":
            return text.load_pairs(spec, path, problems)
        if is_table(path):
            return text.load_table(spec, path, problems)
        return text.load_corpus(spec, path, problems)

    def table_inputs(
        self, spec: Spec, spec_file: str | Path, path: Path, source_map: SourceMap | None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """A predict table; see ``Source.table_inputs``."""
        from dlspec.data import text

        if is_table(path):
            return text.read_table_inputs(spec, spec_file, path, source_map)
        return text.read_corpus_inputs(spec, self.dataset(spec, spec_file, source_map), path)
