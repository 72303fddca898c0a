"""task: seq2seq from the shell: an RNN encoder-decoder learns to reverse sequences.

The corpus is written by the test: pairs of letter sequences and the same letters reversed.
Each command runs in its own fresh process, as typed at a prompt.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

pytestmark = pytest.mark.keras

SPEC = """\
name: reverse
seed: 2
task: seq2seq
data: {source: text:reverse.csv, sequence_length: 6, max_tokens: 16}
model:
  layers:
    - embedding: {output_dim: 16, from: source}
    - lstm: {units: 64, name: encoder}
    - embedding: {output_dim: 16, from: target}
    - lstm: {units: 64, return_sequences: true, from: [embedding_2, encoder]}
optimizer: {type: adam, learning_rate: 0.01}
training: {epochs: 40, batch_size: 32}
"""


def reversals(count: int, seed: int = 0) -> list[tuple[str, str]]:
    """Sequences of 2 to 5 letters of eight, and the same letters in reverse order."""
    draw = random.Random(seed)
    rows = []
    for _ in range(count):
        letters = [draw.choice("abcdefgh") for _ in range(draw.randint(2, 5))]
        rows.append((" ".join(letters), " ".join(reversed(letters))))
    return rows


@pytest.fixture
def run(made_once, shell) -> Path:
    """A reversal run trained once in the session by ``dlspec train``, in its own process."""

    def make(folder: Path) -> None:
        rows = "".join(f"{source},{target}\n" for source, target in reversals(500))
        (folder / "reverse.csv").write_text("source,target\n" + rows)
        (folder / "reverse.yaml").write_text(SPEC)
        done = type(shell)(folder)("train", "reverse.yaml", "--output", "runs", "--json").ok()
        (folder / "run.txt").write_text(done.json()["run_dir"])

    folder = made_once("seq2seq-reverse", make)
    return folder / (folder / "run.txt").read_text()


def test_a_reversal_model_reaches_the_token_accuracy_the_issue_asks(run: Path) -> None:
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["test"]["token_accuracy"] >= 0.9
    assert metrics["test"]["exact_match"] >= 0.7
    assert set(metrics["test"]) == {"token_accuracy", "exact_match", "perplexity", "loss"}


def test_a_seq2seq_run_evaluates_in_a_new_process(run: Path, shell) -> None:
    scored = shell("evaluate", run, "--json").ok().json()
    recorded = json.loads((run / "metrics.json").read_text())
    assert scored["examples"] == recorded["test_size"] == 100
    assert scored["metrics"] == pytest.approx(recorded["test"], rel=1e-6)


def test_greedy_generation_reproduces_held_out_targets_in_a_new_process(run: Path, shell) -> None:
    seen = {source for source, _ in reversals(500)}
    unseen = [pair for pair in reversals(60, seed=9) if pair[0] not in seen][:3]
    assert len(unseen) == 3
    prompts = [["generate", run, "--prompt", source, "--temperature", "0"] for source, _ in unseen]
    done = shell.together(*prompts)
    decoded = [each.ok().stdout.strip() for each in done]
    right = sum(got == target for got, (_, target) in zip(decoded, unseen, strict=True))
    assert right >= len(unseen) - 1, list(zip(decoded, unseen, strict=True))


def test_predict_translates_each_source_of_a_table(run: Path, shell, tmp_path: Path) -> None:
    rows = reversals(20, seed=4)
    (tmp_path / "sources.csv").write_text("source\n" + "".join(f"{s}\n" for s, _ in rows))
    printed = shell("predict", run, "sources.csv").ok().stdout.splitlines()
    assert printed[0] == "prediction" and len(printed) == 21
    right = sum(got == target for got, (_, target) in zip(printed[1:], rows, strict=True))
    assert right >= 16


def test_a_seq2seq_run_needs_a_source_to_generate(run: Path, shell) -> None:
    done = shell("generate", run)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "is a seq2seq model: it generates the target of a source text" in done.stderr


TRANSFORMER = """\
name: reverse-transformer
seed: 2
task: seq2seq
data: {source: text:reverse.csv, sequence_length: 6, max_tokens: 16}
model:
  layers:
    - embedding: {output_dim: 32, from: source}
    - positional_encoding: {type: learned}
    - transformer_block: {num_heads: 4, ff_dim: 64, dropout: 0.0, name: encoder}
    - embedding: {output_dim: 32, from: target}
    - positional_encoding: {type: learned}
    - transformer_decoder_block:
        {num_heads: 4, ff_dim: 64, dropout: 0.0, from: [positional_encoding_2, encoder]}
optimizer: {type: adam, learning_rate: 0.005}
training: {epochs: 40, batch_size: 32}
"""


def test_a_transformer_translator_learns_and_generates_in_new_processes(
    shell, tmp_path: Path
) -> None:
    rows = "".join(f"{source},{target}\n" for source, target in reversals(500))
    (tmp_path / "reverse.csv").write_text("source,target\n" + rows)
    (tmp_path / "transformer.yaml").write_text(TRANSFORMER)
    done = shell("train", "transformer.yaml", "--output", "runs", "--json").ok()
    assert done.json()["test"]["token_accuracy"] >= 0.9
    run = tmp_path / done.json()["run_dir"]
    seen = {source for source, _ in reversals(500)}
    source, target = next(pair for pair in reversals(60, seed=9) if pair[0] not in seen)
    generated = shell("generate", run, "--prompt", source, "--temperature", "0").ok()
    assert generated.stdout.strip() == target
