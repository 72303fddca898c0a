import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.transformer_block import TransformerBlockSpec

parse = TypeAdapter(LayerItem).validate_python

BLOCK = {"transformer_block": {"num_heads": 2, "ff_dim": 32}}


def test_parses_the_mapping_form_with_defaults():
    spec = parse(BLOCK)
    assert isinstance(spec, TransformerBlockSpec)
    assert (spec.num_heads, spec.ff_dim, spec.key_dim) == (2, 32, None)
    assert (spec.dropout, spec.causal, spec.epsilon) == (0.1, False, 1e-6)


@pytest.mark.parametrize(
    "item",
    [
        {"transformer_block": 4},  # ff_dim is required, so the shorthand alone is not enough
        {"transformer_block": {"num_heads": 0, "ff_dim": 32}},
        {"transformer_block": {"num_heads": 2, "ff_dim": 0}},
        {"transformer_block": {"num_heads": 2, "ff_dim": 32, "dropout": 1.0}},
        {"transformer_block": {"num_heads": 2, "ff_dim": 32, "epsilon": 0}},
        {"transformer_block": {"num_heads": 2, "ff_dim": 32, "rate": 0.1}},
    ],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


def test_params_by_hand():
    width, ff = 32, 32
    attention = 2 * (width * 2 * 16 + 2 * 16) + (width * 2 * 16 + 2 * 16) + (2 * 16 * width + width)
    norms = 2 * (2 * width)
    feed_forward = (width * ff + ff) + (ff * width + width)
    assert parse(BLOCK).params((200, width)) == Params(attention + norms + feed_forward)
    assert parse(BLOCK).params((200, width)).total == 6464
    assert parse(BLOCK).output_shape((200, width)) == (200, width)


def test_heads_that_do_not_divide_the_width_are_dls317():
    with pytest.raises(ShapeError) as info:
        parse({"transformer_block": {"num_heads": 3, "ff_dim": 8}}).output_shape((None, 10))
    assert info.value.code == "DLS317"
    assert "divides 10" in info.value.hint


@pytest.mark.keras
def test_params_match_a_hand_written_keras_block():
    import keras

    spec = parse(BLOCK)
    inputs = keras.Input((200, 32))
    model = keras.Model(inputs, spec.build("block")(inputs))

    x = keras.Input((200, 32))
    attended = keras.layers.MultiHeadAttention(num_heads=2, key_dim=16)(x, x)
    h = keras.layers.LayerNormalization(epsilon=1e-6)(x + keras.layers.Dropout(0.1)(attended))
    ff = keras.layers.Dense(32)(keras.layers.Dense(32, activation="relu")(h))
    out = keras.layers.LayerNormalization(epsilon=1e-6)(h + keras.layers.Dropout(0.1)(ff))
    reference = keras.Model(x, out)

    assert model.output_shape == reference.output_shape == (None, 200, 32)
    assert model.count_params() == reference.count_params() == spec.params((200, 32)).total


@pytest.mark.keras
@pytest.mark.parametrize("causal", [True, False])
def test_causal_block_ignores_later_steps(causal, causality):
    import keras

    spec = parse({"transformer_block": {"num_heads": 2, "ff_dim": 16, "causal": causal}})
    inputs = keras.Input((6, 8))
    causality(keras.Model(inputs, spec.build("block")(inputs)), causal, t=3, seed=1)
