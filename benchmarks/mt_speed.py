"""Translation speed on CPU: Transformers fp32 vs CTranslate2 int8 vs the workbench's own path.

    python benchmarks/mt_speed.py [--sentences 48] [--new-tokens 32] [--beam 4] [--batch 16]

Builds, without any download, a randomly initialised Marian model with exactly the
opus-mt-en-zh configuration (d_model 512, 6+6 layers, 8 heads, FFN 2048, vocabulary 65,001,
512 positions; its SentencePiece models trained on corpora/, the vocabulary padded to
65,001 ids). Every path translates the same realistic English news sentences (from the
corpus) with the same beam and the same forced output length (min = max new tokens, so
random weights cannot stop early):

    (a) Transformers fp32, one sentence at a time      (b) Transformers fp32, batched
    (c) raw CTranslate2 int8, batched                  (d) workbench translate, its defaults
    (e) Transformers fp32 batched with official terms  (f) workbench with official terms

Each runs in its own process so its peak RSS is its own. Printed: target tokens/s,
sentences/s, p50/p95 single-sentence latency for (a) and (d), peak RSS, and the ratios the
targets are set on: d/b ≥ 6, d/c ≥ 0.9, latency d/a ≤ 0.3, RSS(d) ≤ 400 MB; plus what term
enforcement costs each backend.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL_CONFIG = {"d_model": 512, "layers": 6, "heads": 8, "ffn_dim": 2048, "vocab_size": 65001}
TERM = "管制物项"  # a required official term for the enforcement runs
TARGETS = {"d/b": 6.0, "d/c": 0.9, "latency d/a": 0.3, "rss d MB": 400.0}


def news_sentences(count: int) -> list[str]:
    """``count`` English news and official sentences of 8–50 words from corpora/ (deterministic)."""
    found = corpus_sentences()
    if len(found) < count:
        raise SystemExit(f"only {len(found)} suitable sentences in corpora/; ask for --sentences {len(found)}")
    return found[:count]


def corpus_sentences() -> list[str]:
    """Every distinct English sentence of 8–50 words in corpora/, in file order."""
    from workbench.ingest import read_article
    from workbench.segment import segment_text

    files = [ROOT / "corpora" / "articles" / "2025-06-27-china-us-trade-framework.en.txt",
             *sorted((ROOT / "corpora" / "official").glob("*.en.txt"))]
    found: list[str] = []
    for path in files:
        text = read_article(path).text
        body = text.split("\n---\n", 1)[-1] if "\n---\n" in text else text
        for seg in segment_text(body, "en"):
            if 8 <= len(seg.text.split()) <= 50 and seg.text not in found:
                found.append(seg.text)
    return found


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started its program.

    VmHWM, not ``ru_maxrss``: Linux carries ``ru_maxrss`` across exec, so a worker would
    report the memory of the driver that forked it.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux; outside Linux, best effort


# ---- workers: each runs in a fresh process and prints one JSON line ----

def _hf_worker(args, sentences: list[str], batched: bool, terms: bool) -> dict:
    import torch
    from transformers import LogitsProcessorList, MarianMTModel, MarianTokenizer

    from workbench.translate.hf import TermForcingLogitsProcessor

    tokenizer = MarianTokenizer.from_pretrained(args.model_dir)
    model = MarianMTModel.from_pretrained(args.model_dir, dtype=torch.float32).eval()
    texts = [">>cmn_Hans<< " + s for s in sentences]
    term_ids = tokenizer(text_target=TERM, add_special_tokens=False).input_ids
    size = args.batch if batched else 1
    order = sorted(range(len(texts)), key=lambda i: len(texts[i])) if batched else list(range(len(texts)))
    latencies, produced, missing = [], 0, 0
    started = time.perf_counter()
    with torch.inference_mode():
        for start in range(0, len(order), size):
            chunk = [texts[i] for i in order[start:start + size]]
            enc = tokenizer(chunk, return_tensors="pt", padding=True)
            processors = LogitsProcessorList()
            if terms:
                processors.append(TermForcingLogitsProcessor([[term_ids]] * len(chunk), args.beam,
                                                             tokenizer.eos_token_id, args.new_tokens))
            t0 = time.perf_counter()
            out = model.generate(**enc, num_beams=args.beam, min_new_tokens=args.new_tokens,
                                 max_new_tokens=args.new_tokens, max_length=None, logits_processor=processors)
            latencies.append(time.perf_counter() - t0)
            produced += int((out[:, 1:] != tokenizer.pad_token_id).sum())
            missing += sum(TERM not in text.replace(" ", "") for text in tokenizer.batch_decode(out, skip_special_tokens=True))
    return {"seconds": time.perf_counter() - started, "latencies": latencies, "tokens": produced,
            "term_missing": missing}


def _ct2_worker(args, sentences: list[str]) -> dict:
    import ctranslate2
    from transformers import MarianTokenizer

    from workbench.translate.ct2 import cpu_count

    tokenizer = MarianTokenizer.from_pretrained(args.model_dir)
    translator = ctranslate2.Translator(args.ct2_dir, device="cpu", compute_type="int8", inter_threads=1,
                                        intra_threads=cpu_count())
    def translate(texts: list[str]) -> list:
        sources = [tokenizer.convert_ids_to_tokens(tokenizer.encode(">>cmn_Hans<< " + s)) for s in texts]
        results = translator.translate_batch(sources, max_batch_size=args.batch, beam_size=args.beam,
                                             min_decoding_length=args.new_tokens, max_decoding_length=args.new_tokens)
        [tokenizer.decode(tokenizer.convert_tokens_to_ids(r.hypotheses[0])) for r in results]
        return results

    translate(sentences[:2])  # warm-up, as for (d)
    started = time.perf_counter()
    results = translate(sentences)
    return {"seconds": time.perf_counter() - started, "latencies": [],
            "tokens": sum(len(r.hypotheses[0]) for r in results)}


def _workbench_worker(args, sentences: list[str], terms: bool) -> dict:
    from workbench.translate import load_translator

    # The same beam and batch size as the other paths: a non-default run compares equal settings.
    translator = load_translator(args.model_dir, models_dir=Path(os.environ["WORKBENCH_MODELS_DIR"]),
                                 beam=args.beam, batch_size=args.batch,
                                 min_new_tokens=args.new_tokens, max_new_tokens=args.new_tokens)
    required = [[TERM]] * len(sentences) if terms else None
    translator.translate(sentences[:2])  # warm-up, as (c)'s translator is warm after loading
    started = time.perf_counter()
    results = translator.translate(sentences, required_terms=required)
    seconds = time.perf_counter() - started
    latencies = []
    if not terms:
        for sentence in sentences:
            t0 = time.perf_counter()
            translator.translate([sentence])
            latencies.append(time.perf_counter() - t0)
    missing = sum("term-missing" in r.flags for r in results)
    return {"seconds": seconds, "latencies": latencies, "tokens": args.new_tokens * len(sentences),
            "backend": translator.backend.name, "term_missing": missing}


WORKERS = {
    "a": ("Transformers fp32, one at a time", lambda a, s: _hf_worker(a, s, batched=False, terms=False)),
    "b": ("Transformers fp32, batched", lambda a, s: _hf_worker(a, s, batched=True, terms=False)),
    "c": ("raw CTranslate2 int8, batched", _ct2_worker),
    "d": ("workbench translate, defaults", lambda a, s: _workbench_worker(a, s, terms=False)),
    "e": ("Transformers fp32 batched + term", lambda a, s: _hf_worker(a, s, batched=True, terms=True)),
    "f": ("workbench translate + term", lambda a, s: _workbench_worker(a, s, terms=True)),
}


def run_worker(args) -> None:
    sentences = json.loads(Path(args.sentences_file).read_text(encoding="utf-8"))
    result = WORKERS[args.worker][1](args, sentences)
    result["rss_mb"] = peak_rss_mb()
    result["count"] = len(sentences)
    print(json.dumps(result))


# ---- the driver ----

def prepare(workdir: Path, sentences: int) -> tuple[Path, Path, Path]:
    """Build the real-size random model, convert it the workbench's way, write the sentences."""
    spec = importlib.util.spec_from_file_location("make_tiny_model", ROOT / "models" / "make_tiny_model.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    model_dir = workdir / "opus-mt-en-zh-random"
    if not (model_dir / "model.safetensors").is_file():
        builder.build_model(model_dir, **REAL_CONFIG)
    os.environ["WORKBENCH_MODELS_DIR"] = str(workdir / "models")
    from workbench.translate.ct2 import converted_model
    from workbench.translate.resolve import resolve_model

    ct2_dir = converted_model(resolve_model(str(model_dir)), Path(os.environ["WORKBENCH_MODELS_DIR"]))
    sentences_file = workdir / "sentences.json"
    sentences_file.write_text(json.dumps(news_sentences(sentences), ensure_ascii=False), encoding="utf-8")
    return model_dir, ct2_dir, sentences_file


def measure(name: str, args, model_dir: Path, ct2_dir: Path, sentences_file: Path) -> dict:
    command = [sys.executable, __file__, "--worker", name, "--model-dir", str(model_dir), "--ct2-dir", str(ct2_dir),
               "--sentences-file", str(sentences_file), "--beam", str(args.beam), "--batch", str(args.batch),
               "--new-tokens", str(args.new_tokens)]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
    if done.returncode != 0:
        raise SystemExit(f"worker {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--sentences", type=int, default=48, help="number of English sentences")
    parser.add_argument("--new-tokens", type=int, default=32, help="forced output length (min = max)")
    parser.add_argument("--beam", type=int, default=4, help="beam size, the same on every path")
    parser.add_argument("--batch", type=int, default=16, help="batch size of the batched paths")
    parser.add_argument("--only", default="abcdef", help="which paths to run, e.g. 'bcd'")
    parser.add_argument("--repeats", type=int, default=1, help="run each path this many times, keep the fastest")
    parser.add_argument("--workdir", default=None, help="keep the built model here between runs")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--model-dir", help=argparse.SUPPRESS)
    parser.add_argument("--ct2-dir", help=argparse.SUPPRESS)
    parser.add_argument("--sentences-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(args)
        return 0

    with tempfile.TemporaryDirectory(prefix="mt-speed-") as tmp:
        workdir = Path(args.workdir or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        model_dir, ct2_dir, sentences_file = prepare(workdir, args.sentences)
        print(f"model: random opus-mt-en-zh config {REAL_CONFIG}, built and converted in "
              f"{time.perf_counter() - t0:.0f}s; {args.sentences} sentences, beam {args.beam}, batch {args.batch}, "
              f"{args.new_tokens} forced new tokens, {os.cpu_count()} CPUs, best of {args.repeats}, "
              f"load average {os.getloadavg()[0]:.1f}")
        # On a shared machine other work only ever slows a run down: the paths take turns (so a
        # busy spell hits them alike) and each keeps its fastest run.
        runs: dict[str, list[dict]] = {name: [] for name in args.only}
        for _ in range(args.repeats):
            for name in args.only:
                runs[name].append(measure(name, args, model_dir, ct2_dir, sentences_file))
        results = {}
        for name in args.only:
            results[name] = r = min(runs[name], key=lambda run: run["seconds"])
            r["rss_mb"] = max(run["rss_mb"] for run in runs[name])
            r["tok_s"] = r["tokens"] / r["seconds"]
            r["sent_s"] = args.sentences / r["seconds"]
            lat = (f"  latency p50 {percentile(r['latencies'], .5) * 1000:6.0f} ms  "
                   f"p95 {percentile(r['latencies'], .95) * 1000:6.0f} ms") if name in "ad" else ""
            print(f"({name}) {WORKERS[name][0]:<36} {r['tok_s']:8.1f} tok/s {r['sent_s']:7.2f} sent/s  "
                  f"peak RSS {r['rss_mb']:6.0f} MB{lat}", flush=True)
    report(results)
    return 0


def report(results: dict) -> None:
    """The ratios the targets are set on, each with its target and verdict."""
    def line(label: str, value: float, target: float, higher_is_better: bool) -> None:
        ok = value >= target if higher_is_better else value <= target
        sign = "≥" if higher_is_better else "≤"
        print(f"{label:<40} {value:8.2f}   target {sign} {target:<5} {'met' if ok else 'NOT MET'}")

    print("---")
    if {"d", "b"} <= results.keys():
        line("throughput d/b (workbench / HF batched)", results["d"]["tok_s"] / results["b"]["tok_s"], TARGETS["d/b"], True)
    if {"d", "c"} <= results.keys():
        line("throughput d/c (workbench / raw CT2)", results["d"]["tok_s"] / results["c"]["tok_s"], TARGETS["d/c"], True)
    if {"d", "a"} <= results.keys():
        ratio = statistics.median(results["d"]["latencies"]) / statistics.median(results["a"]["latencies"])
        line("latency p50 d/a (workbench / HF single)", ratio, TARGETS["latency d/a"], False)
    if "d" in results:
        line("peak RSS of d, MB", results["d"]["rss_mb"], TARGETS["rss d MB"], False)
    if {"b", "e"} <= results.keys():
        print(f"term enforcement, Transformers: {results['e']['tok_s'] / results['b']['tok_s']:.2f}× the throughput "
              f"without terms; term missing in {results['e']['term_missing']} of {results['e']['count']} outputs")
    if {"d", "f"} <= results.keys():
        print(f"term enforcement, workbench (CT2 re-ranking): {results['f']['tok_s'] / results['d']['tok_s']:.2f}× "
              f"the throughput without terms; term missing in {results['f']['term_missing']} of "
              f"{results['f']['count']} outputs")


if __name__ == "__main__":
    raise SystemExit(main())
