"""What people read: rich tables and panels, the progress bar, the PNG plots, lint findings.

    results   a run's report: per-fold and test tables, confusion matrix, learning curve, verdict
    runs      the listing of saved runs, and two runs compared
    summary   the static layer table of ``dlspec summary`` (and Keras's view beside it)
    lint      lint findings as text, JSON lines or GitHub annotations
    progress  the training progress bar
    plots     learning curves and the confusion matrix as PNGs (matplotlib, imported lazily)

Nothing here prints on its own or fits anything: callers hand in what to show and a Console.
"""
