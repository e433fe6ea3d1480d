"""Batch translation speed: ``workbench translate`` against a good raw CTranslate2 script, in one run.

    python benchmarks/batch_speed.py [--sentences 500] [--beam 4] [--batch-size 8] [--repeats 3]
                                     [--term-sentences 48] [--shortlist-sentences 64]
                                     [--only raw,cli,startup,ray,terms,shortlist] [--workdir DIR]

The model is a randomly initialised Marian model of exactly the opus-mt-en-zh size (built as
``benchmarks/mt_speed.py`` builds it, no download). Its outputs never stop early, so every
output runs to the length cap: both sides use the same cap (the workbench's, per batch),
the same beam and the same repetition guard. Measured, each figure the best of ``--repeats``
runs in fresh processes (other work on a shared machine only ever slows a run down):

    raw      a raw CTranslate2 script: SentencePiece, all sentences sorted by length, token-limited
             batches, each batch capped by its longest source; wall time of the whole process
    cli      ``workbench translate IN.jsonl --output OUT.jsonl --no-terms`` with the same beam and
             batch limits (the real CLI path through pipeline.translate_files); wall time of the process
    startup  the CLI on one sentence, warm; cold (the model files and CTranslate2's libraries dropped
             from the page cache with POSIX_FADV_DONTNEED); and the first run on a fresh copy of the
             model folder (its identity is hashed once)
    ray      ``--ray --actors 1 --cpus-per-actor N`` and ``--actors N --cpus-per-actor 1`` (N = the cores)
             against ``cli`` on the same cores and input
    terms    the library path on ``--term-sentences`` sentences, with one required official term in
             each and without; the random model never produces the term, so every sentence is re-decoded
    shortlist the library path on ``--shortlist-sentences`` sentences with the vocabulary shortlist
             (``use_vmap``, the map built from the shipped corpus and dictionary) and without; the map's
             size and the target tokens a batch may use are printed with it. Speed only: the random
             model's outputs say nothing of quality (README: the eval to run with the real model)

Printed: throughput ratios against the baselines measured in this run, each with its target.
Sentences: the corpus's English plus the English of the shipped-beside white papers
(``../shared/align-data/scio-whitepapers``), 8–50 words, distinct.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import mt_speed  # noqa: E402  # the real-size model builder and the corpus sentences

TERM = mt_speed.TERM
TARGETS = {"cli/raw": 1.0, "ray/cli": 0.9, "terms/plain": 0.8, "shortlist/off": 1.0}
WHITE_PAPERS = ROOT.parent / "shared" / "align-data" / "scio-whitepapers" / "en"


def distinct_sentences(count: int) -> list[str]:
    """``count`` distinct English sentences of 8–50 words: the corpus's, then the white papers'."""
    found = dict.fromkeys(mt_speed.corpus_sentences())
    if WHITE_PAPERS.is_dir():
        for path in sorted(WHITE_PAPERS.iterdir()):
            for line in path.read_text(encoding="utf-8").splitlines():
                if 8 <= len(line.split()) <= 50:
                    found.setdefault(line.strip())
    if len(found) < count:
        raise SystemExit(f"only {len(found)} distinct sentences available; ask for --sentences {len(found)}")
    return list(found)[:count]


# ---- workers: each runs in a fresh process and prints one JSON line ----

def raw_worker(args) -> dict:
    """The raw script: sorted by length, token batches, the workbench's cap per batch."""
    started = time.perf_counter()
    import ctranslate2
    import sentencepiece as spm

    from workbench.translate.backend import DecodingOptions

    options = DecodingOptions()  # only for the cap's figures and the repetition guard: the same on both sides
    model = Path(args.model_dir)
    source = spm.SentencePieceProcessor(model_file=str(model / "source.spm"))
    target = spm.SentencePieceProcessor(model_file=str(model / "target.spm"))
    vocab = json.loads((model / "vocab.json").read_text(encoding="utf-8"))
    texts = [json.loads(line)["text"] for line in Path(args.input).read_text(encoding="utf-8").splitlines()]
    translator = ctranslate2.Translator(args.ct2_dir, device="cpu", compute_type="int8", inter_threads=1,
                                        intra_threads=os.cpu_count() or 1)
    tokens = [[">>cmn_Hans<<", *(p if p in vocab else "<unk>" for p in source.encode(" " + t, out_type=str)), "</s>"]
              for t in texts]
    order = sorted(range(len(tokens)), key=lambda i: len(tokens[i]))
    batches, batch = [], []
    for i in order:
        if batch and (len(batch) == args.batch_size or (len(batch) + 1) * len(tokens[i]) > args.batch_tokens):
            batches.append(batch)
            batch = []
        batch.append(i)
    batches.append(batch)
    outputs: dict[int, str] = {}
    produced = 0
    for batch in batches:
        longest = max(len(tokens[i]) for i in batch)
        cap = min(512, math.ceil(args.length_ratio * longest) + options.length_slack)
        results = translator.translate_batch([tokens[i] for i in batch], beam_size=args.beam, max_decoding_length=cap,
                                             no_repeat_ngram_size=options.no_repeat_ngram_size, max_input_length=0)
        for i, result in zip(batch, results):
            outputs[i] = target.decode_pieces(result.hypotheses[0])
            produced += len(result.hypotheses[0])
    with open(args.output, "w", encoding="utf-8") as out:
        for i in range(len(texts)):
            out.write(json.dumps({"id": i, "translation": outputs[i]}, ensure_ascii=False) + "\n")
    return {"seconds": time.perf_counter() - started, "tokens": produced, "batches": len(batches)}


def terms_worker(args) -> dict:
    """The library path with or without required terms.

    ``terms``/``plain``: one official term required in every sentence, its English absent (placed
    at the end). ``glossary``/``glossary-plain``: the sentences with official terms of the shipped
    glossary, enforced as the batch job does (placed where attention on the English points).
    """
    from workbench.pipeline import translate_with_terms
    from workbench.terms import TermBase
    from workbench.translate import load_translator

    texts = [json.loads(line)["text"] for line in Path(args.input).read_text(encoding="utf-8").splitlines()]
    translator = load_translator(args.model_dir, "ct2", models_dir=Path(args.models_dir), beam=args.beam,
                                 batch_size=args.batch_size, batch_tokens=args.batch_tokens)
    translator.translate(texts[:2])  # warm-up
    termbase = TermBase.load(user_terms=False)
    if args.worker.startswith("glossary"):
        texts = [t for t in texts if any(m.term.is_official for m in termbase.find(t))]
    texts = texts[:args.term_count]
    started = time.perf_counter()
    if args.worker == "terms":
        results = translator.translate(texts, required_terms=[[TERM]] * len(texts))
    elif args.worker == "glossary":
        results = translate_with_terms(translator, texts, termbase)
    else:
        results = translator.translate(texts)
    seconds = time.perf_counter() - started
    flags = [f for r in results for f in r.flags if f.startswith("term:")]
    return {"seconds": seconds, "count": len(texts), "missing": sum("term-missing" in r.flags for r in results),
            "terms": len(flags), "how": {how: sum(f.endswith(":" + how) for f in flags)
                                         for how in sorted({f.rsplit(":", 1)[1] for f in flags})}}


def shortlist_worker(args) -> dict:
    """The library path with the vocabulary shortlist (``shortlist``) or without (``shortlist-off``)."""
    from workbench.translate import load_translator
    from workbench.translate.shortlist import VMAP_FILE, VocabularyMap

    texts = [json.loads(line)["text"] for line in Path(args.input).read_text(encoding="utf-8").splitlines()]
    texts = texts[:args.term_count]
    started = time.perf_counter()
    translator = load_translator(args.model_dir, "ct2", models_dir=Path(args.models_dir), beam=args.beam,
                                 batch_size=args.batch_size, batch_tokens=args.batch_tokens,
                                 shortlist=args.worker == "shortlist")
    loaded = time.perf_counter() - started
    translator.translate(texts[:2])  # warm-up
    started = time.perf_counter()
    results = translator.translate(texts)
    figures = {"seconds": time.perf_counter() - started, "load": loaded, "count": len(texts),
               "texts": [r.text for r in results]}
    if args.worker == "shortlist":
        folder = translator.backend.model_folder
        vmap = VocabularyMap.from_text((folder / VMAP_FILE).read_text(encoding="utf-8"))
        sources = [translator.backend.source_tokens(t) for t in texts]
        per_batch = [len(vmap.candidates(sources[k:k + args.batch_size]))
                     for k in range(0, len(sources), args.batch_size)]
        figures |= {"keys": vmap.size[0], "targets": vmap.size[1], "fixed": len(vmap.fixed),
                    "vocabulary": len(translator.backend.codec.vocab), "per_batch": sum(per_batch) / len(per_batch),
                    "bytes": (folder / VMAP_FILE).stat().st_size}
    return figures


WORKERS = {"raw": raw_worker, **dict.fromkeys(("terms", "plain", "glossary", "glossary-plain"), terms_worker),
           **dict.fromkeys(("shortlist", "shortlist-off"), shortlist_worker)}


# ---- the driver ----

def cli(args, model_dir: Path, input_path: Path, output: Path, *extra: str) -> float:
    """Wall seconds of one ``workbench translate`` process."""
    command = [str(Path(sys.executable).with_name("workbench")), "translate", str(input_path), "--output", str(output),
               "--model", str(model_dir), "--models-dir", str(args.models_dir), "--beam", str(args.beam),
               "--batch-size", str(args.batch_size), "--batch-tokens", str(args.batch_tokens), "--no-terms",
               "--no-progress", *extra]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=args.workdir)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"workbench translate failed:\n{done.stderr[-3000:]}")
    return seconds


def worker(args, name: str, input_path: Path, model_dir: Path, ct2_dir: Path, output: Path,
           count: int | None = None) -> dict:
    command = [sys.executable, __file__, "--worker", name, "--input", str(input_path), "--model-dir", str(model_dir),
               "--ct2-dir", str(ct2_dir), "--models-dir", str(args.models_dir), "--output", str(output),
               "--beam", str(args.beam), "--batch-size", str(args.batch_size), "--batch-tokens", str(args.batch_tokens),
               "--length-ratio", str(args.length_ratio), "--term-count", str(count or args.term_sentences)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"worker {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def drop_from_page_cache(*folders: Path) -> None:
    """Evict the files under ``folders`` from the page cache (what a reboot does, without root)."""
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                fd = os.open(path, os.O_RDONLY)
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                finally:
                    os.close(fd)


def best(runs: list[float]) -> float:
    return min(runs)


def write_input(path: Path, sentences: list[str]) -> Path:
    path.write_text("".join(json.dumps({"id": f"s{i}", "text": s}, ensure_ascii=False) + "\n"
                            for i, s in enumerate(sentences)), encoding="utf-8")
    return path


def verdict(label: str, value: float, target: float) -> str:
    return f"{label:<52} {value:6.2f}×  target ≥ {target}  {'met' if value >= target else 'NOT MET'}"


def main() -> int:
    from workbench.translate.backend import DecodingOptions

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--sentences", type=int, default=500, help="distinct English sentences for the batch runs")
    parser.add_argument("--term-sentences", type=int, default=48, help="sentences for the terms run")
    parser.add_argument("--shortlist-sentences", type=int, default=64, help="sentences for the shortlist run")
    parser.add_argument("--beam", type=int, default=4, help="beam size, the same on every path")
    parser.add_argument("--batch-size", type=int, default=8, help="sentences per batch at most, every path")
    parser.add_argument("--batch-tokens", type=int, default=400, help="padded source tokens per batch at most")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure; the fastest is kept")
    parser.add_argument("--only", default="raw,cli,startup,ray,terms,shortlist", help="which measurements to run")
    parser.add_argument("--workdir", default=None, help="keep the built model here between runs")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    for hidden in ("--input", "--model-dir", "--ct2-dir", "--models-dir", "--output"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    parser.add_argument("--length-ratio", type=float, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--term-count", type=int, default=48, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args)))
        return 0

    only = set(args.only.split(","))
    with tempfile.TemporaryDirectory(prefix="batch-speed-") as tmp:
        args.workdir = Path(args.workdir or tmp)
        args.workdir.mkdir(parents=True, exist_ok=True)
        model_dir, ct2_dir, _ = mt_speed.prepare(args.workdir, 2)
        args.models_dir = args.workdir / "models"
        from workbench.translate.ct2 import CTranslate2Backend
        from workbench.translate.resolve import resolve_model

        # The cap's ratio the workbench uses for this model, so the raw script caps alike.
        probe = CTranslate2Backend(resolve_model(str(model_dir)), DecodingOptions(), models_dir=args.models_dir)
        args.length_ratio = probe.length_ratio
        del probe
        sentences = distinct_sentences(args.sentences)
        batch_input = write_input(args.workdir / "batch.jsonl", sentences)
        cores = os.cpu_count() or 1
        print(f"real-size random model; {len(sentences)} distinct sentences, beam {args.beam}, batches of at most "
              f"{args.batch_size} sentences / {args.batch_tokens} tokens, length cap {args.length_ratio} × longest "
              f"source + {DecodingOptions().length_slack}; {cores} CPUs, best of {args.repeats}, load average "
              f"{os.getloadavg()[0]:.1f}", flush=True)
        figures: dict[str, float] = {}
        out = args.workdir / "out"

        def fresh(name: str) -> Path:
            path = out / name
            shutil.rmtree(path, ignore_errors=True)
            path.unlink(missing_ok=True) if path.is_file() else None
            path.parent.mkdir(parents=True, exist_ok=True)
            return path

        runs: dict[str, list[float]] = {}
        for _ in range(args.repeats):
            # The paths take turns, so a busy spell on a shared machine hits them alike.
            if "raw" in only:
                runs.setdefault("raw", []).append(worker(args, "raw", batch_input, model_dir, ct2_dir,
                                                         fresh("raw.jsonl"))["seconds"])
            if "cli" in only or "ray" in only:
                runs.setdefault("cli", []).append(cli(args, model_dir, batch_input, fresh("cli.jsonl")))
            if "ray" in only:
                runs.setdefault("ray1", []).append(cli(args, model_dir, batch_input, fresh("ray1"), "--ray",
                                                       "--actors", "1", "--cpus-per-actor", str(cores)))
                runs.setdefault("ray2", []).append(cli(args, model_dir, batch_input, fresh("ray2"), "--ray",
                                                       "--actors", str(cores), "--cpus-per-actor", "1"))
        for name, seconds in runs.items():
            figures[name] = best(seconds)
            print(f"{name:<6} {figures[name]:8.1f} s   ({len(sentences) / figures[name]:.2f} sentences/s; runs "
                  f"{', '.join(f'{s:.1f}' for s in seconds)})", flush=True)

        if "startup" in only:
            one = write_input(args.workdir / "one.jsonl", sentences[:1])
            warm = [cli(args, model_dir, one, fresh("one.jsonl")) for _ in range(args.repeats)]
            libraries = [Path(__import__(m).__file__).parent for m in ("ctranslate2", "sentencepiece")]
            cold = []
            for _ in range(args.repeats):
                drop_from_page_cache(model_dir, ct2_dir, *libraries)
                cold.append(cli(args, model_dir, one, fresh("one.jsonl")))
            copies = []
            for k in range(args.repeats):
                copy = args.workdir / f"copy{k}" / model_dir.name
                shutil.rmtree(copy.parent, ignore_errors=True)
                shutil.copytree(model_dir, copy, ignore=shutil.ignore_patterns(".*"))
                drop_from_page_cache(copy)
                copies.append(cli(args, copy, one, fresh("one.jsonl")))
                shutil.rmtree(copy.parent, ignore_errors=True)
            figures["startup warm"], figures["startup cold"], figures["startup copy"] = map(best, (warm, cold, copies))
            print(f"start-up to the first sentence (one-sentence job, whole process): warm {figures['startup warm']:.2f} s, "
                  f"cold page cache {figures['startup cold']:.2f} s, fresh copy of the model folder "
                  f"{figures['startup copy']:.2f} s", flush=True)

        if "terms" in only:
            # Term sentences: the first of the batch input, and every one with an official glossary term.
            term_input = write_input(args.workdir / "terms.jsonl", sentences)
            term_runs: dict[str, list[dict]] = {name: [] for name in ("plain", "terms", "glossary-plain", "glossary")}
            for _ in range(args.repeats):
                for name in term_runs:
                    term_runs[name].append(worker(args, name, term_input, model_dir, ct2_dir, out / "unused"))
            for name, baseline, label in (
                    ("terms", "plain", f"one term ({TERM}) required in each, its English absent"),
                    ("glossary", "glossary-plain", "the glossary's official terms, where their English is")):
                plain = min(term_runs[baseline], key=lambda r: r["seconds"])
                forced = min(term_runs[name], key=lambda r: r["seconds"])
                figures[name], figures[name + " plain"] = forced["seconds"], plain["seconds"]
                print(f"{name:<8} {forced['count']} sentences, {label}: {forced['seconds']:.1f} s with, "
                      f"{plain['seconds']:.1f} s without; {forced['terms']} terms put in "
                      f"({', '.join(f'{k} {v}' for k, v in forced['how'].items())}), sentences missing a term: "
                      f"{forced['missing']} of {forced['count']}", flush=True)

        if "shortlist" in only:
            short_runs: dict[str, list[dict]] = {"shortlist-off": [], "shortlist": []}
            for kept in (args.models_dir / "ct2").glob("*-vmap-*"):  # so the first run builds the map
                shutil.rmtree(kept)
            for _ in range(args.repeats):
                for name in short_runs:
                    short_runs[name].append(worker(args, name, batch_input, model_dir, ct2_dir, out / "unused",
                                                   args.shortlist_sentences))
            on = min(short_runs["shortlist"], key=lambda r: r["seconds"])
            off = min(short_runs["shortlist-off"], key=lambda r: r["seconds"])
            figures["shortlist"], figures["shortlist off"] = on["seconds"], off["seconds"]
            same = sum(a == b for a, b in zip(on["texts"], off["texts"]))
            print(f"shortlist {on['count']} sentences: {on['seconds']:.1f} s with, {off['seconds']:.1f} s without; "
                  f"map: {on['keys']} source tokens, {on['targets']} target tokens ({on['fixed']} always allowed) "
                  f"of {on['vocabulary']}, {on['bytes'] / 1e6:.2f} MB; a batch may use {on['per_batch']:.0f} target "
                  f"tokens on average; loading while building the map {short_runs['shortlist'][0]['load']:.1f} s, kept "
                  f"{min(r['load'] for r in short_runs['shortlist'][1:] or short_runs['shortlist']):.1f} s, "
                  f"without {off['load']:.1f} s; outputs the same on and off: {same} of {on['count']}", flush=True)

        print("---")
        if {"raw", "cli"} <= figures.keys():
            print(verdict("throughput workbench translate / raw sorted CT2 script", figures["raw"] / figures["cli"],
                          TARGETS["cli/raw"]))
        for name, actors in (("ray1", f"1 actor × {cores} cores"), ("ray2", f"{cores} actors × 1 core")):
            if {name, "cli"} <= figures.keys():
                print(verdict(f"throughput Ray ({actors}) / single process", figures["cli"] / figures[name],
                              TARGETS["ray/cli"]))
        if {"ray1", "cli"} <= figures.keys():
            shards = math.ceil(len(sentences) / max(256, 32 * args.batch_size))
            print(f"Ray's overhead over the single process: {figures['ray1'] - figures['cli']:.1f} s for {shards} "
                  f"shard(s) (start-up and per-task together)")
        for name in ("terms", "glossary"):
            if name in figures:
                print(verdict(f"throughput CTranslate2 with terms / without ({name})",
                              figures[name + " plain"] / figures[name], TARGETS["terms/plain"]))
        if "shortlist" in figures:
            print(verdict("throughput shortlist on / off (speed only)", figures["shortlist off"] / figures["shortlist"],
                          TARGETS["shortlist/off"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
