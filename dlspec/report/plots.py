"""PNG plots of a run: learning curves, the confusion matrix, an autoencoder's images.

Drawn with matplotlib.

matplotlib is imported inside each function, with the non-interactive Agg backend, so
importing this module costs nothing and plotting never needs a display.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dlspec.train.results import FoldResult


def _pyplot():  # noqa: ANN202 - matplotlib's module
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def learning_curves(fits: Sequence[FoldResult], path: str | Path) -> None:
    """Training and validation loss by epoch, one line pair per fold, saved as a PNG.

    Validation lines are dashed, so the plot reads the same without colour.
    """
    curves = [("final" if f.name == "final" else f"fold {f.name}", f.history) for f in fits]
    _loss_curves(curves, "Learning curves (solid: training, dashed: validation)", path)


def compared_curves(curves: Sequence[tuple[str, dict[str, list[float]]]], path: str | Path) -> None:
    """Several runs' learning curves on one plot: a colour per run, as ``runs --compare`` names.

    ``curves``: each run's label and one fit's history (its first validation fold).
    """
    title = "Learning curves of the runs compared (solid: training, dashed: validation)"
    _loss_curves(curves, title, path)


def _loss_curves(
    curves: Sequence[tuple[str, dict[str, list[float]]]], title: str, path: str | Path
) -> None:
    """Labelled histories' loss by epoch as a PNG, a colour each.

    Training lines are solid and validation lines dashed, so the plot reads without colour.
    """
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=100)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for index, (label, history) in enumerate(curves):
        colour = colours[index % len(colours)]
        for key, style, what in (("loss", "-", "training"), ("val_loss", "--", "validation")):
            values = history.get(key, [])
            if values:
                epochs = range(1, len(values) + 1)
                axes.plot(epochs, values, color=colour, linestyle=style, label=f"{label} {what}")
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss")
    axes.set_title(title)
    axes.grid(True, alpha=0.3)
    if curves:
        axes.legend(fontsize="small", ncol=2)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def confusion_matrix(
    matrix: Sequence[Sequence[int]], class_names: Sequence[str] | None, path: str | Path
) -> None:
    """The test set's confusion matrix as a PNG, with the count written in every cell.

    Rows are true classes, columns predicted ones.
    """
    plt = _pyplot()
    k = len(matrix)
    names = list(class_names) if class_names else [str(i) for i in range(k)]
    size = max(4.0, 0.5 * k + 2)
    figure, axes = plt.subplots(figsize=(size + 1, size), dpi=100)
    image = axes.imshow(matrix, cmap="Blues")
    figure.colorbar(image, ax=axes)
    peak = max((max(row) for row in matrix), default=0)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            colour = "white" if peak and count > peak / 2 else "black"
            axes.text(j, i, str(count), ha="center", va="center", color=colour, fontsize=8)
    axes.set_xticks(range(k), names, rotation=45, ha="right")
    axes.set_yticks(range(k), names)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    axes.set_title("Confusion matrix (test set)")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def reconstructions(inputs: Any, outputs: Any, path: str | Path) -> None:
    """Test images (top row) above their reconstructions (bottom row), saved as a PNG.

    ``inputs`` and ``outputs`` are ``(n, height, width, channels)``, as the model sees them;
    each image is shown on the inputs' range, so the two rows compare directly.
    """
    import numpy as np

    plt = _pyplot()
    shown = np.asarray(inputs, dtype=np.float64)
    rebuilt = np.asarray(outputs, dtype=np.float64)
    count = len(shown)
    low, high = float(shown.min()), float(shown.max())
    figure, axes = plt.subplots(2, count, figsize=(1.2 * count + 0.6, 2.8), dpi=100, squeeze=False)
    for column in range(count):
        for row, images in enumerate((shown, rebuilt)):
            image = images[column]
            image = (
                image[..., 0]
                if image.shape[-1] == 1
                else np.clip((image - low) / (high - low or 1), 0, 1)
            )
            axes[row][column].imshow(image, cmap="gray", vmin=low, vmax=high)
            axes[row][column].set_xticks([])
            axes[row][column].set_yticks([])
    axes[0][0].set_ylabel("input")
    axes[1][0].set_ylabel("rebuilt")
    figure.suptitle("Test images and their reconstructions")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def study_plots(optuna: Any, study: Any, names: dict[str, str], folder: Path) -> list[str]:
    """An Optuna study's plots as PNGs in ``folder``; a note for each that cannot be drawn.

    ``names``: file name -> ``history`` (the objective by trial, and the best so far) or
    ``importances`` (each parameter's share of the objective's variance, fANOVA).
    """
    import warnings

    plt = _pyplot()
    drawers = {
        "history": optuna.visualization.matplotlib.plot_optimization_history,
        "importances": optuna.visualization.matplotlib.plot_param_importances,
    }
    notes = []
    for name, kind in names.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Optuna's matplotlib plots are "experimental"
            try:
                axes = drawers[kind](study)
            except (ValueError, RuntimeError) as error:
                notes.append(f"no {name}: {error}")
                continue
        figure = axes.figure
        figure.set_size_inches(7, 4.5)
        figure.tight_layout()
        figure.savefig(folder / name, dpi=100)
        plt.close(figure)
    return notes
