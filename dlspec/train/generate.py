"""Text generation, one token at a time, from next_token and seq2seq models.

A next_token model samples sentences; a seq2seq model decodes a source's target (``translate``:
greedy, or sampled), its decoder reading what it produced so far.

A next_token model reads a fixed window of ``steps`` token ids and predicts, at every position,
the distribution of the next token. The context sits at the start of the window and the
prediction is read at its last real position: a causal transformer or a forward recurrent layer
never looks at the padding after it, so the answer is the same as for an exact-length input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dlspec.data import text
from dlspec.diagnostics import Span, SpecError, make

if TYPE_CHECKING:
    import keras

    from dlspec.data.preprocessing import Preprocessor

# Ids the sampler never produces: padding and the out-of-vocabulary token.
RESERVED_IDS = (0, 1)
_NO_SPACE_BEFORE = re.compile(r" ([,.;:!?)\]])")
_NO_SPACE_AFTER = re.compile(r"([(\[]) ")
_HYPHEN = re.compile(r"(?<=\w) - (?=\w)")  # 'twenty - first': a hyphenated word


def next_distribution(model: keras.Model, context: np.ndarray, steps: int) -> np.ndarray:
    """The model's probabilities for the token after ``context`` (its last ``steps`` ids)."""
    window = np.asarray(context, dtype="int32")[-steps:]
    batch = np.zeros((1, steps), dtype="int32")
    batch[0, : len(window)] = window
    probabilities = np.asarray(model.predict(batch, verbose=0))[0, len(window) - 1]
    return probabilities.astype("float64")


def pick(
    probabilities: np.ndarray,
    temperature: float,
    rng: np.random.Generator,
    top_k: int | None = None,
    never: tuple[int, ...] = (),
) -> int:
    """Sample an id after rescaling the distribution by ``temperature``.

    Temperature below 1 sharpens the distribution (0 always takes the most likely token);
    above 1 flattens it. With ``top_k``, only the ``top_k`` likeliest tokens may be drawn.
    Reserved ids, and those in ``never`` (a sentence's start), are never picked.
    """
    p = probabilities.copy()
    p[[*RESERVED_IDS, *never]] = 0.0
    if top_k is not None and top_k < np.count_nonzero(p):
        p[np.argsort(p, kind="stable")[: len(p) - top_k]] = 0.0  # all but the k likeliest
    if temperature <= 0:
        return int(np.argmax(p))
    logits = np.log(np.maximum(p, 1e-12)) / temperature
    logits[p == 0] = -np.inf  # the reserved ids, and those top_k left out
    weights = np.exp(logits - logits.max())
    return int(rng.choice(len(weights), p=weights / weights.sum()))


def sample(
    model: keras.Model,
    preprocessor: Preprocessor,
    prompt: str,
    *,
    length: int,
    temperature: float,
    seed: int,
    top_k: int | None = None,
) -> list[str]:
    """The prompt's tokens followed by up to ``length`` sampled tokens.

    A run whose corpus marks sentences (``<s>``, ``</s>``) starts from a sentence's start (the
    prompt, if any, after it) and stops at the end of the sentence; the marks are not shown.
    An older run without them starts from the prompt, or from a random word.
    """
    steps = int(model.input_shape[1])
    rng = np.random.default_rng(seed)
    vocabulary = preprocessor.vocabulary or []
    start = vocabulary.index(text.START) if text.START in vocabulary else None
    stop = vocabulary.index(text.STOP) if text.STOP in vocabulary else None
    ids = [int(i) for i in preprocessor.encode(prompt) if int(i) != 0] if prompt.strip() else []
    if start is not None:
        ids = [start, *ids]
    elif not ids:
        ids = [int(rng.integers(len(RESERVED_IDS), len(vocabulary)))]
    never = (start,) if start is not None else ()
    for _ in range(length):
        distribution = next_distribution(model, np.array(ids), steps)
        chosen = pick(distribution, temperature, rng, top_k, never)
        if chosen == stop:
            break
        ids.append(chosen)
    return [token for token in preprocessor.decode(ids) if token not in (text.START, text.STOP)]


def translate(
    model: keras.Model,
    vocabulary: list[str],
    sources: list[list[str]],
    *,
    length: int,
    temperature: float = 0.0,
    seed: int = 0,
    top_k: int | None = None,
) -> list[list[str]]:
    """Each source's target, decoded by a seq2seq model one token at a time, all at once.

    The decoder starts from ``<s>``; at each step the model reads the source and the target so
    far, and the next token is the likeliest (temperature 0: greedy) or drawn as ``pick``
    draws it. A target ends at ``</s>``, or after ``length`` tokens or the decoder's length.
    Source tokens beyond the source's length are cut.
    """
    given = {tensor.name: int(tensor.shape[1]) for tensor in model.inputs}
    index = {token: i for i, token in enumerate(vocabulary)}
    source = np.zeros((len(sources), given["source"]), dtype="int32")
    for row, tokens in enumerate(sources):
        ids = [index.get(token, 1) for token in tokens][: given["source"]]
        source[row, : len(ids)] = ids
    steps, start, stop = given["target"], index[text.START], index[text.STOP]
    target = np.zeros((len(sources), steps), dtype="int32")
    target[:, 0] = start
    decoded: list[list[str]] = [[] for _ in sources]
    ended = np.zeros(len(sources), dtype=bool)
    rng = np.random.default_rng(seed)
    for position in range(min(length, steps)):
        if ended.all():
            break
        predicted = np.asarray(model.predict({"source": source, "target": target}, verbose=0))
        for row in map(int, np.flatnonzero(~ended)):
            distribution = predicted[row, position].astype("float64")
            chosen = pick(distribution, temperature, rng, top_k, (start,))
            if chosen == stop:
                ended[row] = True
                continue
            decoded[row].append(vocabulary[chosen])
            if position + 1 < steps:
                target[row, position + 1] = chosen
    return decoded


def from_run(
    run: str | Path,
    prompt: str = "",
    *,
    length: int = 30,
    temperature: float = 1.0,
    seed: int | None = None,
    count: int = 1,
    top_k: int | None = None,
    warn: Callable[[str], object] | None = None,
) -> list[str]:
    """``count`` texts sampled from a saved next_token run, each the prompt and what follows.

    The seed defaults to the run's own, so the same call gives the same texts. Prompt words
    outside the run's vocabulary are named through ``warn`` (they read as '<unk>').

    Raises:
        SpecError: DLS407 when ``run`` is not a run directory, DLS409 when its task is not
            next_token.
    """
    from dlspec.train.saved import open_run

    saved = open_run(run)
    targets = saved.spec.task.row.targets
    if targets not in ("tokens", "pairs"):
        raise SpecError(
            [
                make(
                    "DLS409",
                    f"run '{run}' is a {saved.spec.task.type} model; generating text needs a "
                    "next_token or seq2seq run",
                    Span.point(str(saved.spec_file)),
                    "train a spec with 'task: next_token', e.g. specs/alice_lstm.yaml",
                )
            ]
        )
    if targets == "pairs" and not prompt.strip():
        raise SpecError(
            [
                make(
                    "DLS409",
                    f"run '{run}' is a seq2seq model: it generates the target of a source text",
                    Span.point("--prompt"),
                    "give the source to translate: --prompt TEXT",
                )
            ]
        )
    tokens = saved.spec.data.tokens if saved.spec.data is not None else "word"
    missing = unknown_words(saved.preprocessor, prompt, tokens)
    if missing and warn is not None:
        named = ", ".join(f"'{word}'" for word in missing)
        warn(
            f"warning: the prompt's words {named} are not in the run's vocabulary: they read "
            "as '<unk>'"
            if len(missing) > 1
            else f"warning: the prompt's word {named} is not in the run's vocabulary: it reads "
            "as '<unk>'"
        )
    base = saved.spec.seed if seed is None else seed
    if targets == "pairs":
        vocabulary = saved.preprocessor.vocabulary or []
        source = text.split(prompt, tokens)
        return [
            text_of(decoded, tokens)
            for index in range(count)
            for decoded in translate(
                saved.model,
                vocabulary,
                [source],
                length=length,
                temperature=temperature,
                seed=base + index,
                top_k=top_k,
            )
        ]
    return [
        join(
            sample(
                saved.model,
                saved.preprocessor,
                prompt,
                length=length,
                temperature=temperature,
                seed=base + index,
                top_k=top_k,
            )
        )
        for index in range(count)
    ]


def unknown_words(preprocessor: Preprocessor, prompt: str, tokens: str = "word") -> list[str]:
    """The prompt's words (or characters) the run's vocabulary lacks, each read as '<unk>'."""
    known = set(preprocessor.vocabulary or [])
    found = [word for word in text.split(prompt, tokens) if word not in known]
    return list(dict.fromkeys(found))


def text_of(tokens: list[str], split: str) -> str:
    """Decoded tokens as text: characters joined as they are, words by ``join``."""
    return "".join(tokens) if split == "character" else join(tokens)


def join(tokens: list[str]) -> str:
    """Tokens as text: words separated by spaces, punctuation and hyphens attached."""
    text = _HYPHEN.sub("-", " ".join(tokens))
    return _NO_SPACE_AFTER.sub(r"\1", _NO_SPACE_BEFORE.sub(r"\1", text))
