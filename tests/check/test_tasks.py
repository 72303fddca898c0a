"""dlspec.check.tasks: the head from the task table, and the rules against the table."""

from __future__ import annotations

import pytest

from dlspec.base import Params


def codes(inference) -> list[str]:
    return [d.code for d in inference.diagnostics]


def head(inference):
    (row,) = [r for r in inference.layers if r.name == "head"]
    return row


@pytest.mark.parametrize(
    ("task", "data", "units"),
    [
        ("binary", "", 1),
        ("multiclass", "data: {source: sklearn:iris}\n", 3),
        ("{type: multiclass, classes: 5}", "", 5),
        ("{type: regression, outputs: 2}", "", 2),
    ],
)
def test_head_size_from_data_or_task(infer, task, data, units) -> None:
    inference = infer(f"task: {task}\n{data}model:\n  input: [4]\n  layers: [dense: 8]\n")
    assert head(inference).output_shape == (units,)
    assert head(inference).params == Params(8 * units + units)


def test_next_token_head_at_every_position(infer) -> None:
    inference = infer(
        "task: next_token\n"
        "data: {source: 'text:c.txt', max_tokens: 50, sequence_length: 6}\n"
        "model:\n  layers: [embedding: 4, {lstm: {units: 8, return_sequences: true}}]\n",
        {"c.txt": "a b c\n"},
    )
    assert head(inference).output_shape == (6, 50)
    assert inference.diagnostics == []


def test_head_rank(infer) -> None:
    inference = infer("task: binary\nmodel:\n  input: [4, 4, 1]\n  layers: []\n")
    (d,) = inference.diagnostics
    assert (d.code, d.span.line, d.span.col) == ("DLS301", 1, 7)
    assert d.message == "the binary head needs a rank-1 input, but the body ends in (4, 4, 1)"


def test_head_rank_is_checked_while_the_classes_wait_for_the_data(infer) -> None:
    inference = infer(
        "task: multiclass\ndata: {source: 'npz:d.npz'}\nmodel:\n  input: [4, 3]\n"
        "  layers: [dense: 8]\n",
        {"d.npz": ""},  # read only when training
    )
    assert codes(inference) == ["DLS301"]
    assert "ends in (4, 8)" in inference.diagnostics[0].message


def test_next_token_needs_a_sequence(infer) -> None:
    inference = infer(
        "task: {type: next_token, vocabulary: 9}\nmodel:\n  input: [5, 2]\n  layers: [lstm: 3]\n"
    )
    assert codes(inference) == ["DLS310"]


def test_unknown_head_size(infer) -> None:
    inference = infer("task: multiclass\nmodel:\n  input: [4]\n  layers: []\n")
    (d,) = inference.diagnostics
    assert (d.code, d.hint) == ("DLS307", "set task.classes")
    assert not inference.complete


def test_head_size_known_only_when_loaded_is_not_an_error(infer) -> None:
    inference = infer(
        "task: multiclass\ndata: {source: 'csv:t.csv'}\nmodel:\n  layers: []\n",
        {"t.csv": "a,b,label\n"},
    )
    assert inference.diagnostics == []


def test_head_size_mismatch(infer) -> None:
    inference = infer(
        "task: {type: regression, outputs: 2}\ndata: {source: sklearn:diabetes}\n"
        "model:\n  layers: []\n"
    )
    (d,) = inference.diagnostics
    assert d.code == "DLS320"
    assert d.message == "task.outputs is 2, but the data has 1"
    assert (d.span.line, d.span.col) == (1, 35)


@pytest.mark.parametrize(
    ("task", "code"),
    [
        ("{type: binary, loss: mse}", "DLS308"),
        ("{type: regression, loss: binary_crossentropy}", "DLS308"),
        ("{type: multiclass, loss: categorical_crossentropy}", None),
        ("{type: regression, loss: huber}", None),
        ("{type: binary, activation: softmax}", "DLS309"),
        ("{type: regression, activation: softplus}", None),
        ("{type: binary, metrics: [rmse]}", "DLS321"),
        ("{type: binary, metrics: [auc, precision, recall]}", None),
        ("{type: regression, metrics: [accuracy]}", "DLS321"),
    ],
)
def test_task_table_rules(infer, task, code) -> None:
    outputs = ", outputs: 1" if "regression" in task else ""
    classes = ", classes: 3" if "multiclass" in task else ""
    inference = infer(
        f"task: {task[:-1]}{outputs}{classes}}}\nmodel:\n  input: [4]\n  layers: []\n"
    )
    assert codes(inference) == ([code] if code else [])


@pytest.mark.parametrize(
    ("source", "task", "warning"),
    [
        ("sklearn:iris", "binary", False),
        ("sklearn:diabetes", "multiclass", False),
        ("sklearn:diabetes", "binary", False),
        ("sklearn:iris", "regression", True),
        ("sklearn:iris", "next_token", False),
    ],
)
def test_data_task_mismatch(infer, source, task, warning) -> None:
    inference = infer(f"task: {task}\ndata: {{source: {source}}}\nmodel:\n  layers: []\n")
    (d,) = [d for d in inference.diagnostics if d.code == "DLS322"]
    assert (d.severity.value == "warning") is warning


def test_text_corpus_for_a_classifier(infer) -> None:
    inference = infer(
        "task: binary\ndata: {source: 'text:c.txt'}\nmodel:\n  layers: []\n", {"c.txt": "x\n"}
    )
    assert "DLS322" in codes(inference)


def test_binary_on_a_binary_source_is_fine(infer) -> None:
    inference = infer("task: binary\ndata: {source: sklearn:breast_cancer}\nmodel:\n  layers: []\n")
    assert inference.diagnostics == []
