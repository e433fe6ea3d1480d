"""Fine-tune MarianMT on reviewed pairs, and promote the result only if it is not worse.

    report = finetune(FinetuneConfig(dataset=..., base=..., output=Path("models/tuned"), models_dir=Path("models")))

Stages, each a function: :func:`load_pairs` reads an HF export (``workbench export
--format hf``); :func:`train` runs a plain PyTorch loop over its ``train`` split and saves
model and tokenizer; :func:`review_candidate` translates the held-out split (``test``, else
``validation``) with the base and the new model through the workbench's own translator,
scores both with sacrebleu (BLEU with ``tokenize="zh"``, chrF), applies
:func:`regression_gate`, writes ``report.json`` beside the new model and, when the gate
passes, converts it for CTranslate2 and points ``PROMOTED`` in the models folder at it.
:func:`workbench.settings.promoted_model` reads that pointer back.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from workbench import __version__
from workbench.errors import FileNotFoundWorkbenchError, InputError
from workbench.settings import PROMOTED_FILE, promoted_model
from workbench.text.files import atomic_write_text

HELD_OUT_SPLITS = ("test", "validation")
# Scores are compared with this slack so float noise cannot flip the gate.
SCORE_EPSILON = 1e-9


@dataclass(frozen=True)
class FinetuneConfig:
    """What to fine-tune, on what, and how long; defaults suit a CPU."""

    dataset: Path
    base: str
    output: Path
    # Where PROMOTED and the CTranslate2 conversion of a promoted model go.
    models_dir: Path
    epochs: int = 1
    max_steps: int | None = None
    batch_size: int = 8
    learning_rate: float = 5e-5
    max_source_tokens: int = 256
    seed: int = 0
    beam: int = 4
    overwrite: bool = False


@dataclass(frozen=True)
class Pair:
    """An English source and its reviewed Chinese."""

    en: str
    zh: str


@dataclass(frozen=True)
class Scores:
    """Corpus BLEU and chrF of one model on the held-out pairs, with sacrebleu's signatures."""

    bleu: float
    chrf: float
    segments: int
    bleu_signature: str
    chrf_signature: str


@dataclass(frozen=True)
class GateDecision:
    """Whether the candidate may replace the base, and why."""

    promote: bool
    reason: str


@dataclass(frozen=True)
class TrainingSummary:
    """What the training loop did."""

    steps: int
    epochs: int
    train_pairs: int
    skipped_too_long: int
    first_loss: float
    last_loss: float


@dataclass
class FinetuneReport:
    """Everything ``report.json`` holds."""

    base: str
    candidate: str
    heldout_split: str
    heldout_pairs: int
    base_scores: Scores
    candidate_scores: Scores
    decision: GateDecision
    promoted: bool = False
    training: TrainingSummary | None = None
    dataset: str = ""
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    workbench: str = __version__

    def to_dict(self) -> dict:
        """A JSON-ready dict of the report."""
        return asdict(self)


# --- data ---------------------------------------------------------------------------------------

_REEXPORT = "export it again with 'workbench export --format hf --state approved --output NAME'"


def _load_splits(dataset_path: Path):
    """The saved ``DatasetDict``; a damaged folder (bad JSON, truncated shard) is one line that says so."""
    from datasets import load_from_disk

    try:
        splits = load_from_disk(str(dataset_path))
    except Exception as err:  # datasets and pyarrow raise many kinds for a damaged folder
        reason = str(err).strip().splitlines()[0][:200] if str(err).strip() else type(err).__name__
        raise InputError(f"{dataset_path} cannot be read as a saved dataset ({type(err).__name__}: {reason}); "
                         f"{_REEXPORT}") from None
    if not hasattr(splits, "keys"):
        raise InputError(f"{dataset_path} holds one split, not a dataset with train and test splits; {_REEXPORT}")
    return splits


def _split_pairs(dataset_path: Path, name: str, split) -> list[Pair]:
    """The non-empty ``(en, zh)`` pairs of one split, checking each row's shape first."""
    if "translation" not in split.column_names:
        raise InputError(f"{dataset_path}: split {name!r} has no 'translation' column (it has "
                         f"{', '.join(split.column_names) or 'none'}); {_REEXPORT}")
    out = []
    try:
        rows = split["translation"]
        for index, row in enumerate(rows):
            if not isinstance(row, dict) or not {"en", "zh"} <= set(row):
                keys = ", ".join(sorted(row)) if isinstance(row, dict) else type(row).__name__
                raise InputError(f"{dataset_path}: row {index} of split {name!r} has translation {{{keys}}}, not "
                                 f"{{en, zh}}; {_REEXPORT}")
            en, zh = row["en"], row["zh"]
            if not isinstance(en, str) or not isinstance(zh, str):
                raise InputError(f"{dataset_path}: row {index} of split {name!r} has a non-text en or zh; "
                                 f"{_REEXPORT}")
            if en.strip() and zh.strip():
                out.append(Pair(en, zh))
    except InputError:
        raise
    except Exception as err:  # a shard that fails half-way through reading
        raise InputError(f"{dataset_path}: split {name!r} cannot be read ({type(err).__name__}); "
                         f"{_REEXPORT}") from None
    return out


def load_pairs(dataset_path: Path) -> tuple[list[Pair], str, list[Pair]]:
    """``(train pairs, held-out split name, held-out pairs)`` of an HF export folder.

    Raises :class:`InputError` when either side is empty: a model cannot be trained, or
    judged, on nothing.
    """
    if not (dataset_path / "dataset_dict.json").is_file():
        raise FileNotFoundWorkbenchError(f"{dataset_path} is not a saved dataset; create one with "
                                         "'workbench export --format hf --state approved --output NAME'")
    splits = _load_splits(dataset_path)

    def pairs(name: str) -> list[Pair]:
        if name not in splits:
            return []
        return _split_pairs(dataset_path, name, splits[name])

    train_pairs = pairs("train")
    if not train_pairs:
        raise InputError(f"{dataset_path} has no training pairs; approve segments of more documents and export again")
    for name in HELD_OUT_SPLITS:
        heldout = pairs(name)
        if heldout:
            return train_pairs, name, heldout
    raise InputError(f"{dataset_path} has no test or validation pairs to judge a new model on; "
                     "approve segments of more documents (the split is chosen per document) and export again")


# --- training -----------------------------------------------------------------------------------

def train(base: str, pairs: Sequence[Pair], output: Path, config: FinetuneConfig,
          progress: Callable[[int, int, float], None] | None = None) -> TrainingSummary:
    """Fine-tune ``base`` on ``pairs`` with AdamW and save model and tokenizer into ``output``.

    A plain loop rather than ``Seq2SeqTrainer``: a few hundred pairs on a CPU need nothing
    more, and the loop stays readable. Pairs whose source exceeds ``max_source_tokens``
    are skipped and counted, never silently truncated. ``progress(step, total, loss)``
    is called after each step.
    """
    import torch

    from workbench.translate import load_translator

    # The translator's backend knows the tokenizer and the target-language prefix the model expects.
    backend = load_translator(base, "transformers").backend
    tokenizer, model = backend.tokenizer, backend.model
    usable = [p for p in pairs if len(tokenizer(backend.prefix + p.en).input_ids) <= config.max_source_tokens]
    if not usable:
        raise InputError(f"every training pair is longer than {config.max_source_tokens} tokens; "
                         "raise --max-source-tokens or export shorter segments")
    per_epoch = math.ceil(len(usable) / config.batch_size)
    total = per_epoch * config.epochs
    if config.max_steps is not None:
        total = min(total, config.max_steps)
    if total < 1:
        raise InputError("no training steps to run; give --epochs or --max-steps of at least 1")

    torch.manual_seed(config.seed)
    order = random.Random(config.seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate)
    model.train()
    losses: list[float] = []
    epoch = 0
    while len(losses) < total:
        epoch += 1
        shuffled = list(usable)
        order.shuffle(shuffled)
        for start in range(0, len(shuffled), config.batch_size):
            if len(losses) >= total:
                break
            batch = shuffled[start:start + config.batch_size]
            encoded = tokenizer([backend.prefix + p.en for p in batch], text_target=[p.zh for p in batch],
                                padding=True, return_tensors="pt")
            labels = encoded["labels"]
            labels[labels == tokenizer.pad_token_id] = -100  # padding is not a target
            loss = model(input_ids=encoded["input_ids"], attention_mask=encoded["attention_mask"],
                         labels=labels).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            losses.append(float(loss.detach()))
            if progress:
                progress(len(losses), total, losses[-1])
    model.eval()
    output.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(output)
    tokenizer.save_pretrained(output)
    return TrainingSummary(steps=len(losses), epochs=epoch, train_pairs=len(usable),
                           skipped_too_long=len(pairs) - len(usable), first_loss=losses[0], last_loss=losses[-1])


# --- evaluation and the gate ------------------------------------------------------------------

def score(hypotheses: Sequence[str], references: Sequence[str]) -> Scores:
    """Corpus BLEU (``tokenize="zh"``) and chrF of ``hypotheses``, as ``workbench eval`` computes them."""
    from workbench.translate.evaluate import score_corpus

    bleu, chrf = score_corpus(hypotheses, references)  # in this order, as documented there
    return Scores(bleu=bleu.score, chrf=chrf.score, segments=len(references),
                  bleu_signature=bleu.signature, chrf_signature=chrf.signature)


def evaluate(model: str, pairs: Sequence[Pair], beam: int = 4) -> Scores:
    """Translate the English of ``pairs`` with ``model`` (Transformers backend) and score it."""
    from workbench.translate import load_translator

    translator = load_translator(model, "transformers", beam=beam)
    hypotheses = [t.text for t in translator.translate([p.en for p in pairs])]
    return score(hypotheses, [p.zh for p in pairs])


def regression_gate(base: Scores, candidate: Scores) -> GateDecision:
    """Promote only when the candidate is not worse than the base on BLEU nor on chrF."""
    worse = [
        f"{name} {new:.2f} < {old:.2f}"
        for name, old, new in (("BLEU", base.bleu, candidate.bleu), ("chrF", base.chrf, candidate.chrf))
        if new < old - SCORE_EPSILON
    ]
    if worse:
        return GateDecision(False, "worse than the base on the held-out split: " + ", ".join(worse))
    return GateDecision(True, f"not worse on the held-out split (BLEU {candidate.bleu:.2f} vs {base.bleu:.2f}, "
                              f"chrF {candidate.chrf:.2f} vs {base.chrf:.2f})")


def review_candidate(base: str, candidate: Path, heldout_split: str, heldout: Sequence[Pair], *,
                     models_dir: Path, beam: int = 4, training: TrainingSummary | None = None,
                     dataset: str = "") -> FinetuneReport:
    """Score base and candidate on ``heldout``, gate, write ``report.json``; promote if passed.

    Promotion converts the candidate for CTranslate2 first, so a promoted model is always
    usable by the default backend, then moves the ``PROMOTED`` pointer.
    """
    base_scores = evaluate(base, heldout, beam)
    candidate_scores = evaluate(str(candidate), heldout, beam)
    decision = regression_gate(base_scores, candidate_scores)
    report = FinetuneReport(base=base, candidate=str(candidate), heldout_split=heldout_split,
                            heldout_pairs=len(heldout), base_scores=base_scores,
                            candidate_scores=candidate_scores, decision=decision,
                            promoted=decision.promote, training=training, dataset=dataset)
    # Written before conversion: the model's identity (and its CTranslate2 cache key) is a
    # hash of its folder, report included, so the folder must not change afterwards.
    write_report(report, candidate / "report.json")
    if decision.promote:
        try:
            convert_for_ctranslate2(candidate, models_dir)
        except BaseException:
            report.promoted = False
            write_report(report, candidate / "report.json")
            raise
        promote(candidate, models_dir)
    return report


def write_report(report: FinetuneReport, path: Path) -> None:
    """Write ``report.json`` atomically (temp file, then rename)."""
    atomic_write_text(path, json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")


def convert_for_ctranslate2(model_dir: Path, models_dir: Path) -> Path:
    """The CTranslate2 (int8) folder for a Transformers model folder (kept under ``models_dir``), converting it if needed."""
    from workbench.translate.ct2 import converted_model
    from workbench.translate.resolve import resolve_model

    return converted_model(resolve_model(str(model_dir)), models_dir)


# --- promotion ------------------------------------------------------------------------------

def promote(model_dir: Path, models_dir: Path) -> Path:
    """Point ``PROMOTED`` in the models folder at ``model_dir``; returns the pointer file.

    The pointer holds the folder relative to the models folder when it lies inside it,
    so the models folder can be moved as a whole.
    """
    models_dir.mkdir(parents=True, exist_ok=True)
    target = model_dir.resolve()
    root = models_dir.resolve()
    recorded = target.relative_to(root) if target.is_relative_to(root) else target
    pointer = models_dir / PROMOTED_FILE
    atomic_write_text(pointer, f"{recorded.as_posix()}\n")
    return pointer


# --- the whole loop -------------------------------------------------------------------------

def finetune(config: FinetuneConfig, progress: Callable[[int, int, float], None] | None = None) -> FinetuneReport:
    """Train on the export's train split, judge on its held-out split, promote if not worse.

    The new model appears under ``config.output`` only once trained and saved completely.
    """
    from workbench.export.paths import publish

    output = config.output.resolve()
    current = promoted_model(config.models_dir)
    if current is not None and current.resolve() == output:
        # Replacing it in place would put an ungated model into use.
        raise InputError(f"{config.output} is the promoted model; give the new model another --output")
    train_pairs, heldout_split, heldout = load_pairs(config.dataset)
    with publish(output, overwrite=config.overwrite) as staging:
        summary = train(config.base, train_pairs, staging, config, progress)
    return review_candidate(config.base, output, heldout_split, heldout, models_dir=config.models_dir, beam=config.beam,
                            training=summary, dataset=str(config.dataset))
