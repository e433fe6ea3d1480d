"""``workbench finetune``: fine-tune the MT model on approved pairs, promote it only if not worse."""

from __future__ import annotations

import argparse
import dataclasses

from workbench.commands import formatter
from workbench.finetune import FinetuneConfig
from workbench.settings import Settings

# The CLI's defaults are the config's own.
DEFAULTS = {f.name: f.default for f in dataclasses.fields(FinetuneConfig)}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "finetune", help="fine-tune MarianMT on an exported dataset, with a regression gate",
        formatter_class=formatter(),
        description="Fine-tune on the train split of an HF export (workbench export --format hf), score base "
                    "and new model on the held-out split (BLEU tokenize=zh, chrF), write report.json, and "
                    "promote the new model (models/PROMOTED, plus a CTranslate2 conversion) only when it is "
                    "not worse.")
    p.add_argument("--dataset", required=True,
                   help="HF export folder (a name inside the export folder, or a path)")
    p.add_argument("--base", default=None, help="model to start from (default: the configured model, --model)")
    Settings.register_argparse_arguments(p, ("model", "models_dir", "output_dir"))
    p.add_argument("--output", required=True, help="folder for the new model, e.g. models/tuned-2026-01")
    p.add_argument("--epochs", type=int, default=DEFAULTS["epochs"], help="passes over the training pairs")
    p.add_argument("--max-steps", type=int, default=DEFAULTS["max_steps"], help="stop after this many optimiser steps")
    p.add_argument("--batch-size", type=int, default=DEFAULTS["batch_size"], help="pairs per step")
    p.add_argument("--learning-rate", type=float, default=DEFAULTS["learning_rate"], help="AdamW learning rate")
    p.add_argument("--beam", type=int, default=DEFAULTS["beam"], help="beam size when scoring on the held-out split")
    p.add_argument("--seed", type=int, default=DEFAULTS["seed"], help="seed for shuffling and initialisation")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --output folder")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from workbench import pipeline

    def progress(step: int, total: int, loss: float) -> None:
        if step == 1 or step == total or step % 10 == 0:
            print(f"step {step}/{total} loss {loss:.3f}", flush=True)

    report = pipeline.finetune_model(
        settings, dataset=args.dataset, output=args.output, base=args.base, progress=progress, epochs=args.epochs,
        max_steps=args.max_steps, batch_size=args.batch_size, learning_rate=args.learning_rate, seed=args.seed,
        beam=args.beam, overwrite=args.overwrite)
    for name, scores in (("base", report.base_scores), ("new", report.candidate_scores)):
        print(f"{name}: BLEU {scores.bleu:.2f}  chrF {scores.chrf:.2f}  on {scores.segments} "
              f"{report.heldout_split} segment(s)")
    print(f"report: {Path(report.candidate) / 'report.json'}")
    if not report.promoted:
        print(f"not promoted: {report.decision.reason}; the current model stays in use")
        return 1
    print(f"promoted {pipeline.promoted_model(settings)} ({report.decision.reason})")
    print(f"CTranslate2 model: {pipeline.converted_model_for(settings, Path(report.candidate))}")
    return 0
