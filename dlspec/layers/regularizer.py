"""Weight penalties (``kernel_regularizer``) that dense, convolution and recurrent kinds share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from dlspec.base import SpecModel

if TYPE_CHECKING:
    import keras


class RegularizerSpec(SpecModel):
    """An L1 and/or L2 penalty on a layer's kernel, added to the loss.

    ```yaml
    kernel_regularizer: {l2: 0.001}
    ```
    """

    l1: float = Field(default=0.0, ge=0, description="L1 factor: l1 * sum(|w|).")
    l2: float = Field(default=0.0, ge=0, description="L2 factor: l2 * sum(w^2).")

    def build(self) -> keras.regularizers.Regularizer:
        """The matching ``keras.regularizers.L1L2``."""
        import keras

        return keras.regularizers.L1L2(l1=self.l1, l2=self.l2)
