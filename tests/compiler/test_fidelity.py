"""Published architectures as specs: static counts and the built model equal hand-written Keras.

Each reference model below is written out with ``keras.layers`` as its authors (or the Keras
examples) write it, independently of dlspec's builders.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import dlspec

pytestmark = pytest.mark.keras

ROOT = Path(dlspec.__file__).resolve().parent.parent

LENET5 = """
name: lenet5
task: {type: multiclass, classes: 10}
model:
  input: [28, 28, 1]
  layers:
    - conv2d: {filters: 6, kernel_size: 5, padding: same, activation: tanh}
    - average_pooling2d: 2
    - conv2d: {filters: 16, kernel_size: 5, activation: tanh}
    - average_pooling2d: 2
    - flatten
    - dense: {units: 120, activation: tanh}
    - dense: {units: 84, activation: tanh}
"""

MNIST_CONVNET = """
name: mnist-convnet
description: The Keras example "Simple MNIST convnet".
task: {type: multiclass, classes: 10}
model:
  input: [28, 28, 1]
  layers:
    - conv2d: {filters: 32, kernel_size: 3, activation: relu}
    - max_pooling2d: 2
    - conv2d: {filters: 64, kernel_size: 3, activation: relu}
    - max_pooling2d: 2
    - flatten
    - dropout: 0.5
"""

TEXT_TRANSFORMER = """
name: text-transformer
description: The Keras example "Text classification with Transformer".
task: TASK
model:
  input: {shape: [200], dtype: int32}
  layers:
    - embedding: {input_dim: 20000, output_dim: 32}
    - positional_encoding: learned
    - transformer_block: {num_heads: 2, key_dim: 32, ff_dim: 32, dropout: 0.1}
    - global_average_pooling1d
    - dropout: 0.1
    - dense: {units: 20, activation: relu}
    - dropout: 0.1
"""


def dlspec_counts(tmp_path: Path, text: str) -> tuple[int, int, dict[str, int]]:
    """Static total, the built model's count_params, and each static row's count by name."""
    from dlspec import check, compiler

    path = tmp_path / "spec.yaml"
    path.write_text(text)
    spec, _, inference = check.analyse(path)
    model = compiler.model(spec, inference)
    rows = {row.name: row.params.total for row in inference.layers}
    return inference.params.total, model.count_params(), rows


def hand_lenet5():
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(6, 5, padding="same", activation="tanh"),
            layers.AveragePooling2D(2),
            layers.Conv2D(16, 5, activation="tanh"),
            layers.AveragePooling2D(2),
            layers.Flatten(),
            layers.Dense(120, activation="tanh"),
            layers.Dense(84, activation="tanh"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def hand_mnist_convnet():
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )


def hand_text_transformer(heads: int = 2, key_dim: int = 32, outputs: int = 2):
    """The Keras example's model, its two custom layers written out as there."""
    import keras
    from keras import layers, ops

    class TransformerBlock(layers.Layer):
        def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
            super().__init__()
            self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=key_dim)
            self.ffn = keras.Sequential(
                [layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)]
            )
            self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
            self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
            self.dropout1 = layers.Dropout(rate)
            self.dropout2 = layers.Dropout(rate)

        def call(self, inputs):
            attn_output = self.att(inputs, inputs)
            attn_output = self.dropout1(attn_output)
            out1 = self.layernorm1(inputs + attn_output)
            ffn_output = self.ffn(out1)
            ffn_output = self.dropout2(ffn_output)
            return self.layernorm2(out1 + ffn_output)

    class TokenAndPositionEmbedding(layers.Layer):
        def __init__(self, maxlen, vocab_size, embed_dim):
            super().__init__()
            self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
            self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

        def call(self, x):
            maxlen = ops.shape(x)[-1]
            positions = ops.arange(start=0, stop=maxlen, step=1)
            positions = self.pos_emb(positions)
            x = self.token_emb(x)
            return x + positions

    vocab_size, maxlen, embed_dim, ff_dim = 20000, 200, 32, 32
    inputs = layers.Input(shape=(maxlen,))
    embedding_layer = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)
    x = embedding_layer(inputs)
    transformer_block = TransformerBlock(embed_dim, heads, ff_dim)
    x = transformer_block(x)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dropout(0.1)(x)
    x = layers.Dense(20, activation="relu")(x)
    x = layers.Dropout(0.1)(x)
    activation = "softmax" if outputs > 1 else "sigmoid"
    outputs_ = layers.Dense(outputs, activation=activation)(x)
    model = keras.Model(inputs=inputs, outputs=outputs_)
    return model, embedding_layer.count_params(), transformer_block.count_params()


def test_lenet5(tmp_path):
    static, built, _ = dlspec_counts(tmp_path, LENET5)
    assert static == built == hand_lenet5().count_params() == 61_706


def test_shipped_lenet5_spec_is_lenet5():
    from dlspec import compiler

    assert compiler.from_file(ROOT / "specs" / "lenet5.yaml").count_params() == 61_706


def test_keras_simple_mnist_convnet(tmp_path):
    static, built, _ = dlspec_counts(tmp_path, MNIST_CONVNET)
    assert static == built == hand_mnist_convnet().count_params() == 34_826


@pytest.mark.parametrize(
    ("task", "outputs"),
    [("{type: multiclass, classes: 2}", 2), ("binary", 1)],
)
def test_keras_text_classification_transformer(tmp_path, task, outputs):
    static, built, rows = dlspec_counts(tmp_path, TEXT_TRANSFORMER.replace("TASK", task))
    hand, embedding, block = hand_text_transformer(outputs=outputs)
    assert static == built == hand.count_params()
    assert rows["embedding_1"] + rows["positional_encoding_1"] == embedding == 646_400
    assert rows["transformer_block_1"] == block == 10_656
    if outputs == 2:
        assert static == 657_758


def test_shipped_imdb_spec_is_the_example_architecture():
    """specs/imdb_transformer.yaml may leave key_dim at width / heads, a smaller attention."""
    from dlspec import check, compiler

    spec, _, inference = check.analyse(ROOT / "specs" / "imdb_transformer.yaml")
    block = next(row.spec for row in inference.layers if row.kind == "transformer_block")
    key_dim = block.key_dim or 32 // block.num_heads
    hand, _, hand_block = hand_text_transformer(heads=block.num_heads, key_dim=key_dim, outputs=1)
    model = compiler.model(spec, inference)
    assert model.count_params() == inference.params.total == hand.count_params()
    assert model.get_layer("transformer_block_1").count_params() == hand_block
