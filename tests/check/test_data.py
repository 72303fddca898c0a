"""dlspec.sources.describe: what each data source tells statically, without loading anything."""

from __future__ import annotations

import pytest

from dlspec.check import DataInfo

BODY = "model:\n  layers: []\n"


def data_of(infer, source: str, task: str, extra: str = "", files=None) -> DataInfo:
    text = f"task: {task}\ndata: {{source: '{source}'{extra}}}\n" + BODY
    return infer(text, files).data


@pytest.mark.parametrize(
    ("source", "task", "shape", "classes", "examples"),
    [
        ("sklearn:iris", "multiclass", (4,), 3, 150),
        ("sklearn:digits", "multiclass", (64,), 10, 1797),
        ("sklearn:wine", "multiclass", (13,), 3, 178),
        ("sklearn:breast_cancer", "binary", (30,), 2, 569),
        ("keras:mnist", "multiclass", (28, 28, 1), 10, 70_000),
        ("keras:fashion_mnist", "multiclass", (28, 28, 1), 10, 70_000),
        ("keras:cifar10", "multiclass", (32, 32, 3), 10, 60_000),
        ("keras:reuters", "multiclass", (200,), 46, 11_228),
        ("synthetic:moons", "binary", (2,), 2, 500),
        ("synthetic:circles", "binary", (2,), 2, 500),
        ("synthetic:xor", "binary", (2,), 2, 500),
        ("synthetic:spiral", "multiclass", (2,), 3, 500),
        ("synthetic:blobs", "multiclass", (2,), 3, 500),
    ],
)
def test_classification_sources(infer, source, task, shape, classes, examples) -> None:
    data = data_of(infer, source, task)
    assert (data.shape, data.targets, data.classes, data.examples) == (
        shape,
        task,
        classes,
        examples,
    )


def test_regression_sources(infer) -> None:
    diabetes = data_of(infer, "sklearn:diabetes", "regression")
    assert (diabetes.shape, diabetes.targets, diabetes.outputs) == ((10,), "regression", 1)
    sine = data_of(infer, "synthetic:sine", "regression")
    assert (sine.shape, sine.series) == ((1,), True)


def test_token_sources(infer) -> None:
    imdb = data_of(infer, "keras:imdb", "binary")
    assert (imdb.shape, imdb.dtype, imdb.vocabulary) == ((200,), "int32", 10_000)
    sized = data_of(infer, "keras:imdb", "binary", ", max_tokens: 500, sequence_length: 40")
    assert (sized.shape, sized.vocabulary) == ((40,), 500)


def test_synthetic_parameters(infer) -> None:
    blobs = data_of(infer, "synthetic:blobs", "multiclass", ", classes: 5, samples: 90")
    assert (blobs.classes, blobs.examples) == (5, 90)


def test_window_turns_a_series_into_sequences(infer) -> None:
    data = data_of(
        infer, "synthetic:sine", "regression", ", samples: 100, window: {length: 24, horizon: 2}"
    )
    assert (data.shape, data.examples, data.series) == ((24, 1), 100 - 24 - 2 + 1, True)


def test_csv_header_gives_the_feature_count(infer) -> None:
    data = data_of(
        infer, "csv:table.csv", "regression", files={"table.csv": "a,b,c,target\n1,2,3,4\n"}
    )
    assert (data.shape, data.outputs, data.known_at_load) == ((3,), 1, True)


def test_csv_features_list(infer) -> None:
    data = data_of(
        infer,
        "csv:table.csv",
        "regression",
        ", features: [a, c]",
        files={"table.csv": "a,b,c,target\n1,2,3,4\n"},
    )
    assert data.shape == (2,)


def test_csv_series_window_reads_every_column(infer) -> None:
    data = data_of(
        infer,
        "csv:series.csv",
        "regression",
        ", window: {length: 12}",
        files={"series.csv": "temperature,humidity\n1,2\n"},
    )
    assert data.shape == (12, 2)


def test_csv_in_a_subfolder_is_relative_to_the_spec(infer) -> None:
    data = data_of(infer, "csv:data/t.csv", "regression", files={"data/t.csv": "x,y\n1,2\n"})
    assert data.shape == (1,)


def test_static_input_from_the_csv_header(infer) -> None:
    inference = infer(
        "task: regression\ndata: {source: 'csv:t.csv'}\nmodel:\n  layers: [dense: 4]\n",
        {"t.csv": "a,b,c,d,e,y\n"},
    )
    assert inference.input_shape == (5,)
    assert [r.params.total for r in inference.layers] == [5 * 4 + 4, 4 + 1]


def test_image_folder_counts_classes(infer) -> None:
    data = data_of(
        infer,
        "images:pics",
        "multiclass",
        ", image_size: [32, 48], color_mode: grayscale",
        files={"pics/cat/a.txt": "", "pics/dog/b.txt": "", "pics/fox/c.txt": ""},
    )
    assert (data.shape, data.classes) == ((32, 48, 1), 3)


def test_text_corpus_is_tokens(infer) -> None:
    data = data_of(
        infer,
        "text:corpus.txt",
        "next_token",
        ", max_tokens: 300, sequence_length: 16",
        files={"corpus.txt": "once upon a time\n"},
    )
    assert (data.shape, data.dtype, data.targets, data.vocabulary) == (
        (16,),
        "int32",
        "next_token",
        300,
    )


def test_missing_file_is_reported_once(infer) -> None:
    inference = infer("task: regression\ndata: {source: 'csv:nope.csv'}\n" + BODY)
    (d,) = inference.diagnostics
    assert (d.code, d.span.line, d.span.col) == ("DLS313", 2, 16)
    assert d.message == "data file 'nope.csv' does not exist"


def test_missing_image_folder_says_folder(infer) -> None:
    inference = infer("task: multiclass\ndata: {source: 'images:nope'}\n" + BODY)
    assert [d.message for d in inference.diagnostics] == ["data folder 'nope' does not exist"]


def test_no_data(infer) -> None:
    inference = infer("task: binary\nmodel:\n  input: [3]\n  layers: []\n")
    assert inference.data == DataInfo()
    assert inference.diagnostics == []
