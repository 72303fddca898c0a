"""Diagnostics: located user mistakes, the table of codes, did-you-mean, and their formats."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a finding is: errors fail lint, warnings only under ``--strict``."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Span:
    """A region of a source file; lines and columns start at 1, the end is exclusive."""

    file: str
    line: int
    col: int
    end_line: int
    end_col: int

    @classmethod
    def point(cls, file: str, line: int = 1, col: int = 1) -> Span:
        """A zero-width span at one position (a whole-file problem points at 1:1)."""
        return cls(file, line, col, line, col)


@dataclass(frozen=True)
class Diagnostic:
    """One finding about a spec: what, where, and what to do about it."""

    code: str
    severity: Severity
    message: str
    span: Span
    hint: str | None = None

    def format(self) -> str:
        """The one-line form, plus an indented ``hint:`` line when there is a hint."""
        s = self.span
        text = f"{s.file}:{s.line}:{s.col}: {self.severity.value}[{self.code}]: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def to_json(self) -> str:
        """One JSON object on one line, for ``lint --format json``."""
        s = self.span
        return json.dumps(
            {
                "file": s.file,
                "line": s.line,
                "col": s.col,
                "end_line": s.end_line,
                "end_col": s.end_col,
                "severity": self.severity.value,
                "code": self.code,
                "message": self.message,
                "hint": self.hint,
            }
        )

    def to_github(self) -> str:
        """A GitHub Actions workflow command, which shows as an annotation on the file."""
        s = self.span
        level = "error" if self.severity is Severity.ERROR else "warning"
        message = self.message + (f" (hint: {self.hint})" if self.hint else "")
        message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return (
            f"::{level} file={s.file},line={s.line},col={s.col},"
            f"endLine={s.end_line},endColumn={s.end_col},title={self.code}::{message}"
        )


class SpecError(Exception):
    """The one exception that carries user mistakes across the API."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


# code -> (name, summary). A code never changes meaning; a retired code is never reused.
# The README "Diagnostics" section lists the same codes (tests/test_diagnostics.py).
CODES: dict[str, tuple[str, str]] = {
    # DLS1xx: YAML and source files
    "DLS101": ("yaml-syntax", "the file is not valid YAML"),
    "DLS102": ("duplicate-key", "a mapping has the same key twice"),
    "DLS103": ("unsafe-tag", "a YAML tag that would construct an object"),
    "DLS104": ("unreadable-file", "a spec file cannot be read"),
    "DLS105": ("not-a-mapping", "the document is not a mapping of spec sections"),
    "DLS106": ("extends-cycle", "specs extend each other in a cycle"),
    "DLS107": ("extends-missing", "the file named by 'extends' does not exist"),
    "DLS108": ("bad-override", "a --set override is not PATH=VALUE or names no spec field"),
    "DLS109": ("bad-directive", "a 'dlspec: disable' comment names no code"),
    "DLS110": ("too-deep", "the YAML nests deeper than any spec needs (64 levels)"),
    # DLS2xx: schema
    "DLS201": ("unknown-key", "a key the spec language does not have here"),
    "DLS202": ("missing-key", "a required key is missing"),
    "DLS203": ("unknown-kind", "an unknown layer kind"),
    "DLS204": ("wrong-type", "a value of the wrong type"),
    "DLS205": ("out-of-range", "a number outside its allowed range"),
    "DLS206": ("invalid-choice", "a value that is not one of the allowed names"),
    "DLS207": ("bad-layer-item", "a layer item that is not one 'kind: arguments' mapping"),
    "DLS208": ("unsupported-version", "a 'dlspec' format version this release cannot read"),
    "DLS209": ("invalid-value", "a value the schema rejects for another reason"),
    "DLS210": ("bad-source", "a data source that is not SCHEME:NAME with a known scheme"),
    # DLS3xx: static checks
    "DLS301": ("rank-mismatch", "a layer gets an input of the wrong rank"),
    "DLS302": ("size-too-small", "a convolution or pooling shrinks a side below 1"),
    "DLS303": ("residual-mismatch", "a residual body changes the shape and cannot be projected"),
    "DLS304": ("embedding-input", "an embedding layer gets non-integer input"),
    "DLS305": ("unknown-input", "the input shape is neither given nor known from the data"),
    "DLS306": ("input-mismatch", "model.input disagrees with the data source"),
    "DLS307": ("unknown-head-size", "the head size is neither given nor known from the data"),
    "DLS308": ("loss-task-mismatch", "a loss from another row of the task table"),
    "DLS309": ("head-override", "a head override that the task table rules out"),
    "DLS310": (
        "next-token-shape",
        "a head at every position (next_token, seq2seq, per_step) on a body without the sequence",
    ),
    "DLS311": ("shuffled-time-order", "shuffling data that must stay in time order"),
    "DLS312": ("patience-too-long", "early-stopping patience is not shorter than the epochs"),
    "DLS313": ("missing-data-file", "a data file or folder that does not exist"),
    "DLS314": ("no-op-layer", "a layer that does nothing"),
    "DLS315": ("too-many-params", "far more parameters than training examples"),
    "DLS316": ("reshape-size", "a reshape whose target does not hold the input's elements"),
    "DLS317": ("attention-width", "attention heads that do not divide the input width"),
    "DLS318": ("sequence-too-long", "a sequence longer than a positional encoding's max_length"),
    "DLS319": ("embedding-vocabulary", "an embedding whose input_dim is neither given nor known"),
    "DLS320": ("head-size-mismatch", "a head size that disagrees with the data"),
    "DLS321": ("metric-task-mismatch", "a metric that does not fit the task"),
    "DLS322": ("data-task-mismatch", "a data source whose targets do not fit the task"),
    "DLS323": ("bad-validation", "a validation scheme that cannot work with this data"),
    "DLS324": ("duplicate-layer-name", "two layers with the same name"),
    "DLS325": ("unsupported-arguments", "layer arguments that Keras cannot combine"),
    "DLS326": ("schedule-conflict", "reduce_lr_on_plateau with a learning-rate schedule"),
    "DLS327": (
        "non-causal-body",
        "a next_token body or seq2seq decoder in which a position sees later tokens",
    ),
    "DLS328": ("column-mismatch", "a target or feature column the data source does not have"),
    "DLS329": ("outside-folder", "a data or extends path that leaves the spec's folder"),
    "DLS330": ("graph-reference", "a 'from' or model.output naming no earlier layer or input"),
    "DLS331": ("bad-merge", "inputs that do not fit together, or too few or many for the kind"),
    "DLS332": ("unused-output", "a layer or named input whose output nothing takes"),
    "DLS333": ("input-forms", "model.input and model.inputs both given"),
    "DLS334": ("bad-search", "a search space that a trial of the sweep could not train with"),
    # DLS4xx: data and training
    "DLS401": ("data-load", "the data source could not be loaded"),
    "DLS402": ("dataset-download", "a keras: dataset is not cached and cannot be downloaded"),
    "DLS403": ("missing-column", "a column named in the spec is not in the file"),
    "DLS404": ("non-numeric", "a feature column holds values that are not numbers"),
    "DLS405": ("missing-values", "the data holds missing (NaN) values"),
    "DLS406": ("data-shape", "the loaded data does not fit the model"),
    "DLS407": ("run-not-found", "a run directory that does not exist or is incomplete"),
    "DLS408": ("backend-unavailable", "the requested Keras backend is not installed"),
    "DLS409": ("run-task-mismatch", "a run whose task the command cannot use"),
    "DLS410": ("run-damaged", "a run whose files are corrupt or were edited after training"),
    "DLS411": ("unsafe-model", "a model file holding code or classes outside Keras and dlspec"),
    "DLS412": ("unwritable-output", "the run directory cannot be created or written"),
    "DLS413": ("diverged", "the training loss became NaN or infinite"),
    "DLS414": ("not-resumable", "a run that is not interrupted, so cannot be resumed"),
    "DLS415": ("too-large-for-memory", "training that cannot fit in this machine's memory"),
    "DLS416": ("too-few-examples", "too few examples for the validation scheme's splits"),
    "DLS417": ("single-class", "a classification target whose examples all have one class"),
    "DLS418": ("unknown-class", "a class in training.class_weight that the data does not have"),
    "DLS419": ("device-unavailable", "a GPU asked for (--device gpu) that the backend cannot see"),
    "DLS420": (
        "distribution-unavailable",
        "a training.distribution this backend or environment cannot run",
    ),
    "DLS421": ("missing-extra", "a command needs an optional dependency that is not installed"),
    "DLS422": ("sweep-exists", "a sweep that exists already, or none where --resume asks for one"),
    "DLS423": ("no-trial-completed", "a sweep none of whose trials completed"),
}


# Text output prints at most this many findings, then "... and N more".
MAX_SHOWN = 50


def make(
    code: str, message: str, span: Span, hint: str | None = None, *, warning: bool = False
) -> Diagnostic:
    """Build a Diagnostic for a code from the table (an unknown code is a bug, so it raises)."""
    if code not in CODES:
        raise KeyError(f"diagnostic code {code} is not in the table")
    severity = Severity.WARNING if warning else Severity.ERROR
    return Diagnostic(code, severity, message, span, hint)


def suggest(word: str, choices: Iterable[str]) -> list[str]:
    """Up to three close spellings of ``word`` among ``choices``, best first."""
    return difflib.get_close_matches(str(word), list(choices), n=3, cutoff=0.75)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest choices, or None when nothing is close."""
    close = suggest(word, choices)
    if not close:
        return None
    return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    """True when any diagnostic is an error."""
    return any(d.severity is Severity.ERROR for d in diagnostics)


def sort(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics in file order, errors before warnings at the same place, no duplicates."""
    unique = dict.fromkeys(diagnostics)
    return sorted(
        unique,
        key=lambda d: (d.span.file, d.span.line, d.span.col, d.severity is not Severity.ERROR),
    )
