"""``workbench align``: align a document with its translation, or an article with the official corpus."""

from __future__ import annotations

import argparse
import json
import sys

from workbench.commands import formatter


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "align", help="align sentences with their official wording", formatter_class=formatter(),
        description="With SRC and TGT: align a document and its translation in order (parallel mode). "
                    "With an ARTICLE only: link each sentence and quote to the official corpus (news mode).")
    p.add_argument("src", help="source document (or the English article in news mode)")
    p.add_argument("tgt", nargs="?", default=None, help="target document (parallel mode)")
    p.add_argument("--src-lang", choices=["en", "zh"], default="en", help="language of SRC")
    p.add_argument("--tgt-lang", choices=["en", "zh"], default="zh", help="language of TGT")
    p.add_argument("--presplit", action="store_true", help="SRC and TGT hold one sentence per line")
    p.add_argument("--mt", default=None, metavar="FILE",
                   help="line-parallel translations of the source sentences into the target language")
    p.add_argument("--no-mt", action="store_true", help="score without machine translation")
    p.add_argument("--gaps", action="store_true",
                   help="parallel mode: many sentences have no counterpart; prefer leaving them unlinked")
    p.add_argument("--mode", choices=["parallel", "news", "auto"], default="auto",
                   help="auto: parallel when TGT is given; for an ARTICLE, parallel against the document it "
                        "translates when its sentences link in order into one document, news otherwise")
    p.add_argument("--reference", default="auto", metavar="auto|DOC_ID",
                   help="news mode: the official document to link against, or auto to retrieve it")
    p.add_argument("--format", choices=["beads", "jsonl"], default=None,
                   help="beads ([src]:[tgt] per line, parallel only) or jsonl (default: beads in parallel mode)")
    p.add_argument("--corpus-dir", default=None, help="corpus folder (env WORKBENCH_CORPUS; default corpora/)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.errors import InputError

    mode = args.mode if args.mode != "auto" else ("parallel" if args.tgt else "news")
    if args.mt and args.no_mt:
        raise InputError("--mt and --no-mt contradict each other; give one of them")
    if mode == "parallel":
        if not args.tgt:
            raise InputError("parallel mode needs SRC and TGT; give both files or use --mode news")
        return _run_parallel(args)
    if args.tgt:
        raise InputError("news mode links an article against the corpus; drop TGT or use --mode parallel")
    if args.format == "beads":
        raise InputError("news links are not beads; use --format jsonl")
    return _run_news(args)


def _sentences(path: str, lang: str, presplit: bool) -> list[str]:
    from workbench.ingest import read_article
    from workbench.segment import segment_text

    if presplit:
        from workbench.align.mt import read_lines

        return read_lines(path)
    article = read_article(path)
    return [seg.text for seg in segment_text(article.text, lang)]


def _mt_for(args: argparse.Namespace, sentences: list[str], src_lang: str, tgt_lang: str) -> tuple[list[str] | None, str]:
    """Translations to use and the MT source for the signature."""
    from workbench.align.mt import engine_name, engine_translations, read_mt_file

    if args.no_mt:
        return None, "none"
    if args.mt:
        return read_mt_file(args.mt, len(sentences)), "file"
    mt, notice = engine_translations(sentences, src_lang=src_lang, tgt_lang=tgt_lang)
    if notice:
        print(f"workbench: note: {notice}", file=sys.stderr)
        return None, "none"
    return mt, engine_name()


def _run_parallel(args: argparse.Namespace) -> int:
    from workbench.align import align_parallel, format_bead, parallel_signature

    src = _sentences(args.src, args.src_lang, args.presplit)
    tgt = _sentences(args.tgt, args.tgt_lang, args.presplit)
    mt, mt_source = _mt_for(args, src, args.src_lang, args.tgt_lang) if src else (None, "none")
    beads = align_parallel(src, tgt, src_lang=args.src_lang, tgt_lang=args.tgt_lang, mt=mt, gaps=args.gaps)
    signature = parallel_signature(mt_source=mt_source, gaps=args.gaps)
    for bead in beads:
        if args.format == "jsonl":
            record = {**bead.to_dict(), "src_text": _join(src, bead.src, args.src_lang),
                      "tgt_text": _join(tgt, bead.tgt, args.tgt_lang), "signature": str(signature)}
            print(json.dumps(record, ensure_ascii=False))
        else:
            print(format_bead(bead))
    return 0


def _join(sentences: list[str], ids: tuple[int, ...], lang: str) -> str:
    return ("" if lang == "zh" else " ").join(sentences[i] for i in ids)


def _run_news(args: argparse.Namespace) -> int:
    from workbench.align import align_news, align_parallel
    from workbench.align.news import parallel_reference
    from workbench.corpus import OfficialCorpus

    sentences = _sentences(args.src, "en", args.presplit)
    corpus = OfficialCorpus.load(args.corpus_dir)
    mt, _mt_source = _mt_for(args, sentences, "en", "zh") if sentences else (None, "none")
    links = align_news(sentences, corpus, mt=mt, reference=args.reference)
    doc_id = parallel_reference(links, len(sentences)) if args.mode == "auto" else None
    if doc_id is None:
        for link in links:
            print(json.dumps(link.to_dict(), ensure_ascii=False))
        return 0
    official = [s.text for s in corpus.get(doc_id, "zh").sentences]
    print(f"workbench: note: the article reads as a translation of {doc_id}; aligned in parallel mode",
          file=sys.stderr)
    for bead in align_parallel(sentences, official, mt=mt):
        if not bead.src:
            continue  # an official sentence the article leaves out: no English segment to report
        record = {"src": list(bead.src), "src_text": _join(sentences, bead.src, "en"), "quote": None,
                  "doc_id": doc_id if bead.tgt else None, "tgt": list(bead.tgt),
                  "tgt_text": _join(official, bead.tgt, "zh"), "score": round(bead.score, 4),
                  "evidence": bead.evidence.to_dict()}
        print(json.dumps(record, ensure_ascii=False))
    return 0
