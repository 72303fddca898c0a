"""``text:PATH`` sources: a labelled table (``.csv``/``.tsv``) or a plain corpus for next_token.

A table gives raw strings (``data.text_column``, default 'text') and class ids (``data.target``,
default 'label'); the Preprocessor vectorises them, fitted on training rows only. A corpus is
split into lower-case words and punctuation tokens, each sentence between ``<s>`` and ``</s>``;
its vocabulary comes from the training part only (the first ``1 - validation.test_size`` of
the tokens), so test text never shapes it.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dlspec.data import tables
from dlspec.data.dataset import Dataset
from dlspec.data.problems import SOURCE, Problems
from dlspec.data.splitting import test_split

if TYPE_CHECKING:
    from dlspec.spec import Spec
    from dlspec.spec.document import SourceMap

PADDING, UNKNOWN = "", "<unk>"  # ids 0 and 1
# A corpus's sentences are marked: START before each, STOP after it (the end of the text ends
# one too), so a model learns where sentences begin and end and generation can stop.
START, STOP = "<s>", "</s>"
# The ids a vocabulary of pairs starts with, and one word at the least.
RESERVED = (PADDING, UNKNOWN, START, STOP, "a word")
_ENDS = frozenset(".!?")
_TOKEN = re.compile(r"\w+|[^\w\s]")


def text_and_label(spec: Spec, header: list[str], problems: Problems) -> tuple[str, str]:
    """The text and label columns of a text table, checked against its header.

    Raises:
        SpecError: DLS403 for a missing column, with a did-you-mean hint.
    """
    assert spec.data is not None
    data, file = spec.data, Path(spec.data.location).name
    text_at = ("data", "text_column") if data.text_column is not None else SOURCE
    label_at = ("data", "target") if data.target is not None else SOURCE
    text = tables.column_name(header, data.text_column or "text", problems, text_at, file)
    assert not isinstance(data.target, list)  # one label column: lint refuses a list (DLS328)
    label = tables.column_name(
        header, data.target if data.target is not None else "label", problems, label_at, file
    )
    problems.check()
    assert text is not None and label is not None
    return text, label


def load_table(spec: Spec, path: Path, problems: Problems) -> Dataset:
    """Load a labelled text table: raw strings and class ids (or values, for regression)."""
    assert spec.data is not None
    table = tables.read(path, problems)
    text, label = text_and_label(spec, table.header, problems)
    x = np.array(table.columns[text], dtype=object)
    at = ("data", "target") if spec.data.target is not None else SOURCE
    if spec.task.row.targets == "values":
        y = tables.numbers(table, label, problems, at).astype(np.float32)
        names = None
    else:
        y, names = tables.labels(table, label, problems, at)
    problems.check()
    vocabulary = spec.data.vocabulary_size
    return Dataset.create(x, y, class_names=names, feature_names=[text], vocabulary=vocabulary)


def tokenize(text: str) -> list[str]:
    """Lower-case words and punctuation marks, in order."""
    return _TOKEN.findall(text.lower())


def sentences(tokens: list[str]) -> list[str]:
    """The tokens with each sentence between START and STOP (it ends at '.', '!' or '?')."""
    marked: list[str] = []
    for token in tokens:
        if not marked or marked[-1] == STOP:
            marked.append(START)
        marked.append(token)
        if token in _ENDS:
            marked.append(STOP)
    if marked and marked[-1] != STOP:
        marked.append(STOP)
    return marked


def build_vocabulary(tokens: list[str], max_tokens: int) -> list[str]:
    """Padding, '<unk>', then the most frequent tokens (ties alphabetical): ``max_tokens`` ids."""
    counts = Counter(tokens)
    ranked = sorted(counts, key=lambda token: (-counts[token], token))
    return [PADDING, UNKNOWN, *ranked[: max(max_tokens - 2, 0)]]


def encode(tokens: list[str], vocabulary: list[str]) -> np.ndarray:
    """Token ids (unknown tokens get 1, '<unk>')."""
    index = {token: i for i, token in enumerate(vocabulary)}
    return np.array([index.get(token, 1) for token in tokens], dtype=np.int32)


def read_corpus(path: Path, problems: Problems) -> list[str]:
    """The tokens of a plain-text corpus, its sentences marked (``sentences``)."""
    try:
        return sentences(tokenize(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError) as error:
        problems.fail("DLS401", f"cannot read text file '{path}': {error}")


def load_corpus(spec: Spec, path: Path, problems: Problems) -> Dataset:
    """Load a corpus for next_token: non-overlapping sequences, ``y`` is ``x`` shifted by one.

    Raises:
        SpecError: DLS401 when the file is unreadable or too short for two sequences.
    """
    assert spec.data is not None
    tokens = read_corpus(path, problems)
    max_tokens = spec.data.vocabulary_size
    length = spec.data.tokens_per_example + 1
    count = len(tokens) // length
    if count < 2:
        problems.fail(
            "DLS401",
            f"'{path.name}' has {len(tokens)} tokens, too few for two sequences of {length}",
            ("data", "sequence_length") if spec.data.sequence_length else SOURCE,
            "lower 'data.sequence_length' or use a longer text",
        )
    # Only the training part names tokens: whatever the test part adds stays '<unk>'.
    training = tokens[: int(len(tokens) * (1 - spec.validation.test_size))]
    vocabulary = build_vocabulary(training, max_tokens)
    ids = encode(tokens[: count * length], vocabulary).reshape(count, length)
    return Dataset.create(
        ids[:, :-1],
        ids[:, 1:],
        series=True,
        vocabulary=max_tokens,
        tokens=vocabulary,
    )


def split(text: str, tokens: str) -> list[str]:
    """A text's tokens: lower-case words and punctuation (``word``), or its characters."""
    return list(text) if tokens == "character" else tokenize(text)


def pair_columns(spec: Spec, header: list[str], problems: Problems) -> tuple[str, str]:
    """The source and target columns of a table of pairs, checked against its header."""
    assert spec.data is not None
    data, file = spec.data, Path(spec.data.location).name
    found = []
    for field, default in (("source_column", "source"), ("target_column", "target")):
        given = getattr(data, field)
        at = ("data", field) if given is not None else SOURCE
        found.append(tables.column_name(header, given or default, problems, at, file))
    problems.check()
    source, target = found
    assert source is not None and target is not None
    return source, target


def pair_ids(
    texts: list[str], vocabulary: list[str], tokens: str, length: int, *, marked: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """Texts as ``(n, length)`` id arrays padded with 0.

    Unmarked (a source): the ids alone, and None. Marked (a target): the decoder's input
    (``<s>`` then the ids) and what it must predict (the ids then ``</s>``).
    """
    index = {token: i for i, token in enumerate(vocabulary)}
    first = np.zeros((len(texts), length), np.int32)
    second = np.zeros((len(texts), length), np.int32) if marked else None
    for row, text in enumerate(texts):
        ids = [index.get(token, 1) for token in split(text, tokens)]
        if marked:
            assert second is not None
            given, wanted = [index[START], *ids], [*ids, index[STOP]]
            first[row, : len(given)], second[row, : len(wanted)] = given, wanted
        else:
            first[row, : len(ids)] = ids
    return first, second


def load_pairs(spec: Spec, path: Path, problems: Problems) -> Dataset:
    """Load a table of (source, target) texts for seq2seq.

    ``x`` holds two inputs: ``source``, the source's ids, and ``target``, the target's ids
    after ``<s>`` (the decoder reads the target shifted right: teacher forcing); ``y`` is the
    target's ids then ``</s>``. All are padded with 0 to ``sequence_length``. One vocabulary
    serves both sides: padding, '<unk>', '<s>', '</s>', then the most frequent tokens of the
    pairs outside the test split, so test text never shapes it.

    Raises:
        SpecError: DLS403 for a missing column, DLS401 for a text longer than
            ``sequence_length`` allows, or too few pairs.
    """
    assert spec.data is not None
    data = spec.data
    table = tables.read(path, problems)
    source_name, target_name = pair_columns(spec, table.header, problems)
    sources, targets = list(table.columns[source_name]), list(table.columns[target_name])
    length = data.tokens_per_example
    if data.vocabulary_size < len(RESERVED):
        problems.fail(
            "DLS401",
            f"max_tokens {data.vocabulary_size} leaves no room for words: padding, "
            f"'{UNKNOWN}', '{START}' and '{STOP}' take {len(RESERVED) - 1} ids",
            ("data", "max_tokens"),
            f"set data.max_tokens to {len(RESERVED)} or more",
        )
    longest = max(
        [len(split(text, data.tokens)) for text in sources]
        + [len(split(text, data.tokens)) + 1 for text in targets],
        default=0,
    )
    if longest > length:
        problems.fail(
            "DLS401",
            f"'{path.name}' has texts of {longest} tokens (a target with its '{STOP}'), longer "
            f"than sequence_length {length}",
            ("data", "sequence_length") if data.sequence_length else SOURCE,
            f"set data.sequence_length to {longest} or more",
        )
    # The test rows as the run splits them; too few pairs to split are reported with the
    # splits (DLS416).
    try:
        ordered = spec.validation.in_time_order
        _, test = test_split(spec.validation, len(sources), seed=spec.seed, ordered=ordered)
    except ValueError:
        test = np.array([], dtype=int)
    held = set(test.tolist())
    seen = [
        token
        for row, (source, target) in enumerate(zip(sources, targets, strict=True))
        if row not in held
        for token in (*split(source, data.tokens), *split(target, data.tokens))
    ]
    vocabulary = build_vocabulary(seen, data.vocabulary_size - 2)
    vocabulary = [*vocabulary[:2], START, STOP, *vocabulary[2:]]  # RESERVED, then the words
    source_ids, _ = pair_ids(sources, vocabulary, data.tokens, length, marked=False)
    given, wanted = pair_ids(targets, vocabulary, data.tokens, length, marked=True)
    assert wanted is not None
    return Dataset.create(
        {"source": source_ids, "target": given},
        wanted,
        vocabulary=data.vocabulary_size,
        tokens=vocabulary,
    )


def read_pair_sources(spec: Spec, path: Path) -> list[str]:
    """The source texts of a predict table for seq2seq: its source column (a target is ignored).

    Raises:
        SpecError: DLS401 unreadable, DLS403 without the source column, pointing at the file.
    """
    assert spec.data is not None
    found = Problems(path, lines=True)
    table = tables.read(path, found)
    column = tables.column_name(
        table.header, spec.data.source_column or "source", found, (), path.name
    )
    found.check()
    assert column is not None
    return [str(value) for value in table.columns[column]]


def read_table_inputs(
    spec: Spec, spec_file: str | Path, path: Path, source_map: SourceMap | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """A predict table with the training table's text column, and its label column if present.

    Labels are encoded over the training table's classes.
    """
    assert spec.data is not None
    found = Problems(path, lines=True)
    train = tables.read(spec.data.path(spec_file), Problems(spec_file, source_map))
    column, label = text_and_label(spec, train.header, Problems(spec_file, source_map))
    table = tables.read(path, found)
    tables.column_name(table.header, column, found, (), path.name)
    found.check()
    x = np.array(table.columns[column], dtype=object)
    if label not in table.header:
        return x, None
    if spec.task.row.targets == "values":
        y = tables.numbers(table, label, found, ())
        found.check()
        return x, y.astype(np.float32)
    _, names = tables.labels(train, label, Problems(spec_file, source_map), ())
    return x, tables.encode(table, label, names, found)


def read_corpus_inputs(spec: Spec, dataset: Dataset, path: Path) -> tuple[np.ndarray, np.ndarray]:
    """A predict corpus: ids over the training vocabulary, cut like the training sequences."""
    assert dataset.tokens is not None
    ids = encode(read_corpus(path, Problems(path, lines=True)), dataset.tokens)
    assert not isinstance(dataset.x, dict)  # a corpus is one input
    length = dataset.x.shape[1] + 1
    ids = ids[: len(ids) // length * length].reshape(-1, length)
    return ids[:, :-1], ids[:, 1:]
