import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.multi_head_attention import MultiHeadAttentionSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_shorthand_and_mapping_forms():
    short = parse({"multi_head_attention": 4})
    assert isinstance(short, MultiHeadAttentionSpec)
    assert (short.num_heads, short.key_dim, short.causal, short.dropout) == (4, None, False, 0.0)
    full = parse({"multi_head_attention": {"num_heads": 2, "key_dim": 8, "causal": True}})
    assert (full.num_heads, full.key_dim, full.value_dim, full.causal) == (2, 8, None, True)


@pytest.mark.parametrize(
    "item",
    [
        {"multi_head_attention": 0},
        {"multi_head_attention": {"num_heads": 2, "dropout": 1.0}},
        {"multi_head_attention": {"num_heads": 2, "key_dim": 0}},
        {"multi_head_attention": {"heads": 2}},
        "multi_head_attention",
    ],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


def test_output_is_as_wide_as_the_input():
    assert parse({"multi_head_attention": 4}).output_shape((None, 32)) == (None, 32)


@pytest.mark.parametrize(
    ("item", "shape", "expected"),
    [
        # q, k: 2 * (32*4*8 + 4*8); v: 32*4*8 + 4*8; output: 4*8*32 + 32
        ({"multi_head_attention": 4}, (10, 32), 2 * (1024 + 32) + (1024 + 32) + (1024 + 32)),
        # q, k: 2 * 32*3*5; v: 32*3*7; output: 3*7*32; no biases
        (
            {
                "multi_head_attention": {
                    "num_heads": 3,
                    "key_dim": 5,
                    "value_dim": 7,
                    "use_bias": False,
                }
            },
            (None, 32),
            2 * 480 + 672 + 672,
        ),
    ],
)
def test_params_by_hand(item, shape, expected):
    assert parse(item).params(shape) == Params(expected)


def test_heads_that_do_not_divide_the_width_are_dls317():
    with pytest.raises(ShapeError) as info:
        parse({"multi_head_attention": 3}).output_shape((None, 10))
    assert info.value.code == "DLS317"
    assert "set key_dim or choose num_heads that divides 10" in info.value.hint
    # An explicit key_dim lifts the restriction.
    assert parse({"multi_head_attention": {"num_heads": 3, "key_dim": 4}}).output_shape(
        (None, 10)
    ) == (None, 10)


@pytest.mark.parametrize("shape", [(32,), (4, 4, 32)])
def test_needs_a_rank2_input(shape):
    with pytest.raises(ShapeError) as info:
        parse({"multi_head_attention": 4}).params(shape)
    assert info.value.code == "DLS301"


def _keras_model(spec, shape):
    import keras

    inputs = keras.Input(shape)
    return keras.Model(inputs, spec.build("attention")(inputs))


@pytest.mark.keras
@pytest.mark.parametrize(
    ("item", "shape"),
    [
        ({"multi_head_attention": 4}, (10, 32)),
        ({"multi_head_attention": {"num_heads": 3, "key_dim": 4, "value_dim": 6}}, (None, 10)),
        ({"multi_head_attention": {"num_heads": 2, "use_bias": False, "causal": True}}, (5, 8)),
    ],
)
def test_shape_and_params_match_keras(item, shape):
    spec = parse(item)
    model = _keras_model(spec, shape)
    assert model.output_shape[1:] == spec.output_shape(shape)
    assert model.count_params() == spec.params(shape).total


@pytest.mark.keras
@settings(max_examples=15, deadline=None)
@given(
    width=st.integers(1, 24),
    num_heads=st.integers(1, 6),
    key_dim=st.none() | st.integers(1, 8),
    value_dim=st.none() | st.integers(1, 8),
    use_bias=st.booleans(),
)
def test_static_inference_agrees_with_keras(width, num_heads, key_dim, value_dim, use_bias):
    spec = MultiHeadAttentionSpec(
        kind="multi_head_attention",
        num_heads=num_heads,
        key_dim=key_dim,
        value_dim=value_dim,
        use_bias=use_bias,
    )
    shape = (3, width)
    try:
        params = spec.params(shape)
    except ShapeError as error:
        assert error.code == "DLS317"
        return
    model = _keras_model(spec, shape)
    assert model.output_shape[1:] == spec.output_shape(shape)
    assert model.count_params() == params.total


@pytest.mark.keras
@pytest.mark.parametrize("causal", [True, False])
def test_causal_attention_ignores_later_steps(causal, causality):
    item = {"multi_head_attention": {"num_heads": 2, "causal": causal}}
    causality(_keras_model(parse(item), (6, 8)), causal, t=2)
