"""dlspec.check.shapes: per-layer shapes and parameter counts, names, located shape errors."""

from __future__ import annotations

from pathlib import Path

from dlspec import check
from dlspec.base import Params

SPECS = Path(__file__).parent.parent.parent / "specs"


def rows(inference: check.Inference) -> list[tuple[str, tuple, int]]:
    return [(r.name, r.output_shape, r.params.total) for r in inference.layers]


def test_lenet5_shapes_and_counts() -> None:
    _, _, inference = check.analyse(SPECS / "lenet5.yaml")
    assert inference.input_shape == (28, 28, 1)
    assert rows(inference) == [
        ("conv2d_1", (28, 28, 6), 156),
        ("average_pooling2d_1", (14, 14, 6), 0),
        ("conv2d_2", (10, 10, 16), 2_416),
        ("average_pooling2d_2", (5, 5, 16), 0),
        ("flatten_1", (400,), 0),
        ("dense_1", (120,), 48_120),
        ("dense_2", (84,), 10_164),
        ("head", (10,), 850),
    ]
    assert inference.params.total == 61_706
    assert inference.complete


def test_one_layer_lstm(infer) -> None:
    inference = infer(
        "task: {type: regression, outputs: 1}\nmodel:\n  input: [24, 1]\n  layers: [{lstm: 32}]\n"
    )
    # 4 blocks of (features * units + units * units + units) = 4 * (32 + 1024 + 32)
    assert rows(inference) == [("lstm_1", (32,), 4_352), ("head", (1,), 33)]


def test_lstm_return_sequences_keeps_the_steps(infer) -> None:
    inference = infer(
        "task: {type: next_token, vocabulary: 50}\n"
        "model:\n  input: [10, 3]\n  layers: [{lstm: {units: 4, return_sequences: true}}]\n"
    )
    assert rows(inference) == [("lstm_1", (10, 4), 4 * (3 * 4 + 16 + 4)), ("head", (10, 50), 250)]


def test_transformer_block_count(infer) -> None:
    inference = infer(
        "task: binary\n"
        "model:\n"
        "  input: {shape: [16], dtype: int32}\n"
        "  layers:\n"
        "    - embedding: {input_dim: 100, output_dim: 32}\n"
        "    - transformer_block: {num_heads: 2, ff_dim: 32}\n"
        "    - global_average_pooling1d\n"
    )
    assert rows(inference) == [
        ("embedding_1", (16, 32), 3_200),
        ("transformer_block_1", (16, 32), 6_464),
        ("global_average_pooling1d_1", (32,), 0),
        ("head", (1,), 33),
    ]


def test_residual_with_projection(infer) -> None:
    inference = infer(
        "task: {type: multiclass, classes: 3}\n"
        "model:\n  input: [8]\n  layers:\n    - residual: [dense: 16]\n"
    )
    residual = inference.layers[0]
    # body 8 * 16 + 16, projection 8 * 16 + 16
    assert (residual.name, residual.output_shape, residual.params.total) == (
        "residual_1",
        (16,),
        288,
    )
    assert [(c.name, c.output_shape, c.params.total) for c in residual.children] == [
        ("residual_1_dense_1", (16,), 144)
    ]


def test_residual_with_strided_projection(infer) -> None:
    inference = infer(
        "task: {type: multiclass, classes: 3}\n"
        "model:\n  input: [8, 8, 4]\n  layers:\n"
        "    - residual:\n"
        "        - conv2d: {filters: 8, kernel_size: 3, strides: 2, padding: same}\n"
        "    - flatten\n"
    )
    # body 3 * 3 * 4 * 8 + 8, projection 4 * 8 + 8
    assert rows(inference)[0] == ("residual_1", (4, 4, 8), 296 + 40)


def test_residual_keeping_the_shape_has_no_projection(infer) -> None:
    inference = infer(
        "task: {type: multiclass, classes: 3}\n"
        "model:\n  input: [8]\n  layers:\n    - residual: [dense: 8, dropout: 0.1]\n"
    )
    assert rows(inference)[0] == ("residual_1", (8,), 72)


def test_batch_normalization_counts_non_trainable(infer) -> None:
    inference = infer(
        "task: {type: multiclass, classes: 3}\n"
        "model:\n  input: [8]\n  layers: [batch_normalization]\n"
    )
    assert inference.layers[0].params == Params(16, 16)


def test_embedding_input_dim_from_the_data(infer) -> None:
    inference = infer(
        "task: binary\ndata: {source: 'keras:imdb', max_tokens: 500, sequence_length: 40}\n"
        "model:\n  layers: [{embedding: 8}, global_average_pooling1d]\n"
    )
    assert rows(inference)[0] == ("embedding_1", (40, 8), 4_000)
    assert inference.layers[0].spec.input_dim == 500


def test_automatic_names_count_per_kind(infer) -> None:
    inference = infer(
        "task: {type: multiclass, classes: 3}\n"
        "model:\n  input: [4]\n"
        "  layers: [dense: 8, dropout: 0.1, {dense: 8, name: mid}, dense: 8]\n"
    )
    assert [r.name for r in inference.layers] == ["dense_1", "dropout_1", "mid", "dense_3", "head"]


def test_paths_point_at_the_items(infer) -> None:
    inference = infer(
        "task: {type: multiclass, classes: 3}\n"
        "model:\n  input: [4]\n  layers: [dense: 8, residual: [dense: 8]]\n"
    )
    assert [r.path for r in inference.layers] == [
        ("model", "layers", 0),
        ("model", "layers", 1),
        ("task",),
    ]
    assert inference.layers[1].children[0].path == ("model", "layers", 1, "residual", "layers", 0)


def test_walk_stops_at_the_first_shape_error(infer) -> None:
    inference = infer(
        "task: {type: multiclass, classes: 3}\n"
        "model:\n  input: [4]\n  layers: [dense: 8, conv2d: {filters: 2, kernel_size: 1}, "
        "conv1d: {filters: 2, kernel_size: 1}]\n"
    )
    assert [r.name for r in inference.layers] == ["dense_1"]
    (d,) = inference.diagnostics
    assert d.code == "DLS301"
    assert d.message == (
        "layers[1] (conv2d) needs a rank-3 input (height, width, channels), got (8,)"
    )
    assert not inference.complete


def test_error_in_a_residual_body_is_located_in_the_body(infer) -> None:
    inference = infer(
        "task: {type: multiclass, classes: 3}\n"
        "model:\n"
        "  input: [4]\n"
        "  layers:\n"
        "    - residual:\n"
        "        - dense: 4\n"
        "        - conv1d: {filters: 2, kernel_size: 1}\n"
    )
    (d,) = inference.diagnostics
    assert (d.code, d.span.line, d.span.col) == ("DLS301", 7, 11)
    assert d.message.startswith("layers[0] (residual): conv1d needs a rank-2 input")


def test_error_in_a_bidirectional_layer_is_located_at_the_wrapped_layer(infer) -> None:
    inference = infer(
        "task: binary\n"
        "model:\n"
        "  input: [4]\n"
        "  layers:\n"
        "    - bidirectional:\n"
        "        layer: {gru: 8}\n"
    )
    (d,) = inference.diagnostics
    assert (d.code, d.span.line, d.span.col) == ("DLS301", 6, 16)


def test_unknown_sizes_stay_unknown(infer) -> None:
    inference = infer(
        "task: binary\n"
        "model:\n  input: [null, 3]\n  layers: [{lstm: {units: 4, return_sequences: true}},"
        " global_max_pooling1d]\n"
    )
    assert rows(inference)[0] == ("lstm_1", (None, 4), 4 * (3 * 4 + 16 + 4))
    assert inference.complete


def test_every_example_spec_lints_clean_and_infers_completely() -> None:
    for path in sorted(SPECS.glob("*.yaml")):
        assert check.lint(path) == [], path.name
        _, _, inference = check.analyse(path)
        assert inference.complete, path.name
