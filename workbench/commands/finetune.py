"""``workbench finetune``: fine-tune the MT model on approved pairs, promote it only if not worse."""

from __future__ import annotations

import argparse

from workbench.commands import formatter


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
    p.add_argument("--base", default=None, help="model to start from (default: the configured model, WORKBENCH_MODEL)")
    p.add_argument("--output", required=True, help="folder for the new model, e.g. models/tuned-2026-01")
    p.add_argument("--epochs", type=int, default=1, help="passes over the training pairs")
    p.add_argument("--max-steps", type=int, default=None, help="stop after this many optimiser steps")
    p.add_argument("--batch-size", type=int, default=8, help="pairs per step")
    p.add_argument("--learning-rate", type=float, default=5e-5, help="AdamW learning rate")
    p.add_argument("--beam", type=int, default=4, help="beam size when scoring on the held-out split")
    p.add_argument("--seed", type=int, default=0, help="seed for shuffling and initialisation")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --output folder")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from workbench.config import setting
    from workbench.export.paths import output_root
    from workbench.finetune import FinetuneConfig, convert_for_ctranslate2, finetune, promoted_model

    dataset = Path(args.dataset).expanduser()
    if not dataset.exists() and not dataset.is_absolute():
        dataset = output_root() / dataset  # a name as printed by `workbench export`
    config = FinetuneConfig(
        dataset=dataset, base=setting("model", args.base) or "", output=Path(args.output).expanduser(),
        epochs=args.epochs, max_steps=args.max_steps, batch_size=args.batch_size,
        learning_rate=args.learning_rate, seed=args.seed, beam=args.beam, overwrite=args.overwrite,
    )

    def progress(step: int, total: int, loss: float) -> None:
        if step == 1 or step == total or step % 10 == 0:
            print(f"step {step}/{total} loss {loss:.3f}", flush=True)

    report = finetune(config, progress)
    for name, scores in (("base", report.base_scores), ("new", report.candidate_scores)):
        print(f"{name}: BLEU {scores.bleu:.2f}  chrF {scores.chrf:.2f}  on {scores.segments} "
              f"{report.heldout_split} segment(s)")
    print(f"report: {Path(report.candidate) / 'report.json'}")
    if not report.promoted:
        print(f"not promoted: {report.decision.reason}; the current model stays in use")
        return 1
    print(f"promoted {promoted_model()} ({report.decision.reason})")
    print(f"CTranslate2 model: {convert_for_ctranslate2(Path(report.candidate))}")
    return 0
