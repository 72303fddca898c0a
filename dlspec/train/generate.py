"""Sentence generation by sampling from a trained next_token model, one token at a time.

The model reads a fixed window of ``steps`` token ids and predicts, at every position, the
distribution of the next token. The context sits at the start of the window and the prediction is
read at its last real position: a causal transformer or a forward recurrent layer never looks at
the padding after it, so the answer is the same as for an exact-length input.
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
    if saved.spec.task.row.targets != "tokens":
        raise SpecError(
            [
                make(
                    "DLS409",
                    f"run '{run}' is a {saved.spec.task.type} model; generating text needs a "
                    "next_token run",
                    Span.point(str(saved.spec_file)),
                    "train a spec with 'task: next_token', e.g. specs/alice_lstm.yaml",
                )
            ]
        )
    missing = unknown_words(saved.preprocessor, prompt)
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


def unknown_words(preprocessor: Preprocessor, prompt: str) -> list[str]:
    """The prompt's words that the run's vocabulary lacks (each reads as '<unk>'), in order."""
    known = set(preprocessor.vocabulary or [])
    found = [word for word in text.tokenize(prompt) if word not in known]
    return list(dict.fromkeys(found))


def join(tokens: list[str]) -> str:
    """Tokens as text: words separated by spaces, punctuation attached to its word."""
    text = " ".join(tokens)
    return _NO_SPACE_AFTER.sub(r"\1", _NO_SPACE_BEFORE.sub(r"\1", text))
