"""The size rule the transposed convolutions share: a sliding window run backwards."""

from __future__ import annotations


def transposed(size: int | None, kernel: int, stride: int, padding: str) -> int | None:
    """One axis after a transposed convolution, as Keras computes it (``deconv_output_length``).

    ``valid``: size * stride + max(kernel - stride, 0); ``same``: size * stride. The inverse of
    the convolution's rule, so a decoder can grow back what an encoder shrank.
    """
    if size is None:
        return None
    if padding == "same":
        return size * stride
    return size * stride + max(kernel - stride, 0)
