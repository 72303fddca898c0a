"""``dlspec generate``: text from a next_token run, or a seq2seq run's target for a source."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dlspec.cli.app import RunBackendOption, app, err, fail, out, use_run_backend, verified
from dlspec.diagnostics import SpecError


@app.command(short_help="Sample text from a next_token run, or translate with a seq2seq run.")
def generate(
    run: Annotated[
        Path, typer.Argument(metavar="RUN", help="A next_token or seq2seq run directory.")
    ],
    prompt: Annotated[
        str,
        typer.Option(
            "--prompt",
            "-p",
            help="Text to continue (default: none, a sentence from its start); for seq2seq, "
            "the source to translate.",
        ),
    ] = "",
    length: Annotated[
        int, typer.Option(min=1, help="Tokens to sample at most (the sentence may end sooner).")
    ] = 30,
    temperature: Annotated[
        float,
        typer.Option(
            min=0.0,
            help="Below 1 sharpens the distribution (0: always the likeliest token); above 1 "
            "flattens it.",
        ),
    ] = 1.0,
    top_k: Annotated[
        int | None,
        typer.Option(
            "--top-k",
            min=1,
            help="Draw only from the K likeliest tokens at each step (default: all).",
        ),
    ] = None,
    count: Annotated[int, typer.Option("--count", "-n", min=1, help="How many texts.")] = 1,
    seed: Annotated[
        int | None, typer.Option(help="Sampling seed (default: the run's seed).")
    ] = None,
    backend: RunBackendOption = None,
) -> None:
    """Generate text from a next_token run, or a seq2seq run's target for a source.

    Each step feeds the text so far to the model and draws the next token from its predicted
    distribution, rescaled by the temperature (and cut to the K likeliest with --top-k). A
    seq2seq run decodes the target of --prompt from its start token to its stop token
    (--temperature 0: the likeliest token each step). Prompt words outside the run's vocabulary
    are named in a warning. Exit status: 0 generated, 1 the run cannot generate (not a run,
    damaged or edited, neither task, a seq2seq run without --prompt), 2 usage error.
    """
    import sys
    from contextlib import redirect_stdout

    verified(run)
    use_run_backend(run, backend)
    from dlspec.train import generate as generating

    with redirect_stdout(sys.stderr):
        try:
            texts = generating.from_run(
                run,
                prompt,
                length=length,
                temperature=temperature,
                seed=seed,
                count=count,
                top_k=top_k,
                warn=lambda line: err.print(line, markup=False, highlight=False),
            )
        except SpecError as error:
            raise fail(error.diagnostics) from None
    for text in texts:
        out.out(text, highlight=False)
