"""``dlspec generate``: sampling sentences from a next_token run, token by token."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import SPECS, Trained, invoke, train

from dlspec.train import generate


def test_pick_at_temperature_zero_takes_the_likeliest_real_token() -> None:
    rng = np.random.default_rng(0)
    probabilities = np.array([0.5, 0.3, 0.05, 0.15])  # ids 0 and 1 are padding and <unk>
    assert generate.pick(probabilities, 0.0, rng) == 3


def test_pick_never_samples_reserved_ids_and_low_temperature_sharpens() -> None:
    rng = np.random.default_rng(0)
    probabilities = np.array([0.4, 0.4, 0.12, 0.08])
    cold = [generate.pick(probabilities, 0.2, rng) for _ in range(300)]
    hot = [generate.pick(probabilities, 5.0, rng) for _ in range(300)]
    assert set(cold) | set(hot) <= {2, 3}
    assert cold.count(2) > hot.count(2)  # 0.12 vs 0.08: the cold sampler favours the likelier


@pytest.mark.parametrize("temperature", [0.0, 0.5, 3.0])
def test_pick_with_top_k_draws_only_the_k_likeliest(temperature: float) -> None:
    rng = np.random.default_rng(0)
    probabilities = np.array([0.3, 0.2, 0.05, 0.25, 0.1, 0.02, 0.08])
    drawn = {generate.pick(probabilities, temperature, rng, top_k=2) for _ in range(200)}
    assert drawn <= {3, 4} and (temperature == 0 or drawn == {3, 4})
    assert {generate.pick(probabilities, temperature, rng, top_k=1) for _ in range(50)} == {3}
    everything = {generate.pick(probabilities, 3.0, rng, top_k=50) for _ in range(400)}
    assert everything == {2, 3, 4, 5, 6}  # a k past the vocabulary leaves every real token


def test_join_attaches_punctuation() -> None:
    assert generate.join(["oh", "dear", "!", "she", "said", ","]) == "oh dear! she said,"


def test_join_attaches_a_hyphen_between_words_only() -> None:
    words = ["the", "thirty", "-", "first", ",", "-", "-", "then"]
    assert generate.join(words) == "the thirty-first, - - then"


@pytest.fixture(scope="module")
def alice_run(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    output = tmp_path_factory.mktemp("runs")
    return train(SPECS / "alice_transformer.yaml", output, "training.epochs=2")


@pytest.mark.keras
def test_context_padding_does_not_change_a_causal_prediction(alice_run: Trained) -> None:
    from dlspec.train.saved import open_run

    model = open_run(alice_run.path).model
    steps = int(model.input_shape[1])
    context = np.array([5, 9, 14, 3])
    padded = generate.next_distribution(model, context, steps)
    full = np.random.default_rng(0).integers(2, 50, steps).astype("int32")
    full[: len(context)] = context  # the same context followed by other tokens, not padding
    direct = np.asarray(model.predict(full[None], verbose=0))[0, len(context) - 1]
    np.testing.assert_allclose(padded, direct, atol=1e-5)


@pytest.mark.keras
def test_generate_continues_the_prompt_reproducibly(alice_run: Trained) -> None:
    args = ["generate", str(alice_run.path), "--prompt", "Alice was", "--length", "8"]
    first = invoke(*args, "--seed", "3")
    again = invoke(*args, "--seed", "3")
    assert first.exit_code == 0, first.stderr
    assert first.stdout == again.stdout
    text = first.stdout.strip()
    assert text.startswith("alice was")
    assert len(text.split()) >= 3  # prompt words plus sampled tokens (punctuation attaches)
    two = invoke(*args, "--count", "2", "--temperature", "0")
    lines = two.stdout.strip().splitlines()
    assert len(lines) == 2 and lines[0] == lines[1]  # temperature 0 does not depend on the seed


@pytest.mark.keras
def test_generate_refuses_a_classifier_run(iris_run: Trained, tmp_path: Path) -> None:
    result = invoke("generate", str(iris_run.path))
    assert result.exit_code == 1
    assert "error[DLS409]" in result.stderr
    missing = invoke("generate", str(tmp_path / "nothing"))
    assert missing.exit_code == 1
    assert "error[DLS407]" in missing.stderr


@pytest.mark.keras
def test_generate_names_prompt_words_it_does_not_know_and_takes_top_k(
    alice_run: Trained, shell
) -> None:
    done = shell(
        "generate", alice_run.path, "--prompt", "Alice zzyzx was qwxv", "--length", "4",
        "--top-k", "3",
    ).ok()  # fmt: skip
    assert done.stdout.startswith("alice <unk> was <unk>")
    assert (
        "warning: the prompt's words 'zzyzx', 'qwxv' are not in the run's vocabulary: they read "
        "as '<unk>'"
    ) in done.stderr


@pytest.mark.keras
def test_generation_starts_a_sentence_and_stops_at_its_end(shell, tmp_path: Path) -> None:
    # One sentence, over and over: a model that learned it writes it whole from its start and
    # stops there, long before --length runs out, with no marks shown.
    (tmp_path / "story.txt").write_text("The cat sat on the mat. " * 120)
    (tmp_path / "spec.yaml").write_text(
        "data: {source: 'text:story.txt', sequence_length: 8}\ntask: next_token\n"
        "model:\n  layers: [embedding: 16, {lstm: {units: 32, return_sequences: true}}]\n"
        "optimizer: {type: adam, learning_rate: 0.02}\ntraining: {epochs: 30, batch_size: 8}\n"
        "validation: {type: holdout, shuffle: false}\n"
    )
    # On JAX, dlspec's default: TensorFlow's LSTM learns this sentence more slowly.
    trained = shell("train", "spec.yaml", "--backend", "jax", "--output", "runs", "--json")
    run = shell.cwd / trained.ok().json()["run_dir"]
    done = shell("generate", run, "--temperature", "0", "--length", "40", "-n", "1").ok()
    assert done.stdout.strip() == "the cat sat on the mat."
    prompted = shell("generate", run, "-p", "the cat", "--temperature", "0").ok()
    assert prompted.stdout.strip() == "the cat sat on the mat."
