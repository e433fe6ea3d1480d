"""Alignment quality on the MAC-Dev gold set (Chinese→English with its shipped MT)."""

from __future__ import annotations

import pytest

from tests.conftest import shared_path
from workbench.align import align_parallel, parallel_signature
from workbench.align.beads import parse_beads, swap_sides
from workbench.align.evaluate import drop_counterparts, score_documents

pytestmark = pytest.mark.slow


def _mac_documents():
    folder = shared_path("align-data", "mac-dev")
    for gold_file in sorted((folder / "gold").glob("*.align")):
        name = gold_file.stem
        read = lambda path: path.read_text(encoding="utf-8").splitlines()  # noqa: E731
        yield (name, read(folder / "zh" / f"{name}.zh"), read(folder / "en" / f"{name}.en"),
               read(folder / "zh" / f"{name}.zh-mt-en"), parse_beads(read(gold_file)))


# (strict F1, lax F1) measured on MAC-Dev with its shipped MT, per alignment signature. For
# comparison, published strict F1 on this set: Hunalign .610, Bleualign .641, Vecalign .863,
# Bertalign .911 (reproduced in test_eval_align.py). With the cross-lingual meaning signal the
# aligner is above Bertalign; on lexical signals alone it is below.
MAC_DEV_F1 = {
    "mode:parallel|signals:meaning+mt+mt-meaning+dictionary+numbers+length+quotes|max-bead:5|mt:file|version:5"
    "|weights:264410b59820|embedder:use-m": (0.9133, 0.9989),
    "mode:parallel|signals:mt+mt-meaning+dictionary+numbers+length+quotes|max-bead:5|mt:file|version:5"
    "|weights:264410b59820|embedder:none": (0.8827, 0.9952),
}
# No-counterpart precision, recall and F1 per English sentence, with about 30% of the Chinese removed.
NO_COUNTERPART = {
    "mode:parallel-gaps|signals:meaning+mt+mt-meaning+dictionary+numbers+length+quotes|max-bead:5|mt:file|version:5"
    "|weights:b3a6eae8f810|embedder:use-m": (0.8950, 0.8725, 0.8836),
}


@pytest.mark.parametrize("embedder", ["use-m", None], ids=["with-encoder", "without-encoder"])
def test_mac_dev_strict_f1_pinned(embedder):
    signature = str(parallel_signature(mt_source="file", embedder=embedder))
    pairs = [(align_parallel(zh, en, src_lang="zh", tgt_lang="en", mt=mt, embedder=embedder), gold)
             for _name, zh, en, mt, gold in _mac_documents()]
    scores = score_documents(pairs)
    measured = f"strict F1 {scores['strict_f1']:.4f}, lax F1 {scores['lax_f1']:.4f}"
    assert signature in MAC_DEV_F1, f"no figures pinned for {signature}; measured {measured}"
    strict, lax = MAC_DEV_F1[signature]
    assert scores["strict_f1"] == pytest.approx(strict, abs=0.0005), measured
    assert scores["lax_f1"] == pytest.approx(lax, abs=0.0005), measured


def test_sentences_whose_chinese_was_removed_are_left_without_counterpart():
    """About 30% of beads lose their Chinese side; their English sentences must stay unlinked."""
    signature = str(parallel_signature(mt_source="file", gaps=True))
    pairs = []
    for name, zh, en, mt, gold in _mac_documents():
        zh_left, gold_left, mt_left = drop_counterparts(zh, gold, share=0.3, seed=int(name), mt=mt)
        beads = align_parallel(zh_left, en, src_lang="zh", tgt_lang="en", mt=mt_left, gaps=True)
        pairs.append((swap_sides(beads), swap_sides(gold_left)))  # judged per English sentence
    scores = score_documents(pairs)
    measured = f"P {scores['none_precision']:.4f} R {scores['none_recall']:.4f} F1 {scores['none_f1']:.4f}"
    assert signature in NO_COUNTERPART, f"no figures pinned for {signature}; measured {measured}"
    expected = NO_COUNTERPART[signature]
    got = (scores["none_precision"], scores["none_recall"], scores["none_f1"])
    assert got == pytest.approx(expected, abs=0.0005), measured


def _bible():
    folder = shared_path("align-data", "bible")
    read = lambda path: path.read_text(encoding="utf-8").splitlines()  # noqa: E731
    return (read(folder / "en" / "001.en"), read(folder / "zh" / "001.zh"), read(folder / "en" / "001.en-mt-zh"),
            parse_beads(read(folder / "gold" / "001.align")), read(folder / "en.verse"), read(folder / "zh.verse"))


# Bible strict F1 (verses merged, as SCORING.md says) and the sentences encoded, per signature and
# share of sentences encoded around the closest lexical choices (the weights' hash names the
# share). The curve against seconds is in benchmarks/align_quality.py.
BIBLE = {
    ("mode:parallel|signals:meaning+mt+mt-meaning+dictionary+numbers+length+quotes|max-bead:5|mt:file|version:5"
     "|weights:264410b59820|embedder:use-m", 0.2): (0.9841, 2185),
    ("mode:parallel|signals:meaning+mt+mt-meaning+dictionary+numbers+length+quotes|max-bead:5|mt:file|version:5"
     "|weights:9bd6ed8b47a3|embedder:use-m", 0.0): (0.9698, 0),
}


@pytest.mark.parametrize("budget", [0.2, 0.0], ids=["default-budget", "lexical-only"])
def test_the_bible_pair_encodes_only_its_budget_and_keeps_its_pinned_f1(budget):
    from workbench.align import ParallelAligner
    from workbench.align.evaluate import merge_within_units
    from workbench.embeddings import UseMultilingual

    en, zh, mt, gold, en_verses, zh_verses = _bible()
    encoder = UseMultilingual()  # vectors of its own: the count below is what this run encodes
    aligner = ParallelAligner(mt_source="file", embedder=encoder, encode_budget=budget)
    beads = aligner.align(en, zh, src_lang="en", tgt_lang="zh", mt=mt, evidence=False)
    f1 = score_documents([(merge_within_units(beads, en_verses, zh_verses), gold)])["strict_f1"]
    measured = f"strict F1 {f1:.4f}, {encoder.encoded} sentences encoded"
    key = (str(aligner.signature()), budget)
    assert key in BIBLE, f"no figures pinned for {key}; measured {measured}"
    strict, encoded = BIBLE[key]
    assert f1 == pytest.approx(strict, abs=0.0005), measured
    assert encoder.encoded == encoded, measured
    assert encoded <= round(budget * (len(en) + len(zh)))
