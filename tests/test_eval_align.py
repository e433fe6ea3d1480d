"""Alignment scoring: the standard strict/lax figures, per-sentence measures, verse merging."""

from __future__ import annotations

import json

import pytest

from tests.conftest import shared_path
from workbench.align.beads import Bead, parse_beads
from workbench.align.evaluate import drop_counterparts, merge_within_units, score_document, score_documents
from workbench.cli import dispatch
from workbench.errors import InputError


def _beads(text: str) -> list[Bead]:
    return parse_beads(text.split())


def test_bertalign_mac_dev_figures_are_reproduced(capsys):
    mac = shared_path("align-data", "mac-dev")
    assert dispatch(["eval-align", "--gold", str(mac / "gold"), "--pred", str(mac / "bertalign-output"),
                     "--format", "json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert round(scores["strict_f1"], 3) == 0.911
    assert round(scores["lax_f1"], 3) == 0.998


def test_text_report_lists_every_figure(capsys):
    mac = shared_path("align-data", "mac-dev")
    assert dispatch(["eval-align", "--gold", str(mac / "gold"), "--pred", str(mac / "bertalign-output")]) == 0
    out = capsys.readouterr().out
    assert "strict  P 0.909  R 0.914  F1 0.911" in out and "F1 0.998" in out
    assert "sentence exact match" in out and "no counterpart" in out


def test_strict_and_lax_hits_follow_the_scoring_rules():
    gold = _beads("[0]:[0] [1,2]:[1] [3]:[] [4]:[2,3]")
    test = _beads("[0]:[0] [1]:[1] [2]:[] [3]:[] [4]:[2] []:[3]")
    s = score_document(test, gold)
    # precision: [0]:[0] and [3]:[] are exact; [1]:[1] and [4]:[2] overlap the gold targets; nulls do not
    assert (s.p_strict_hit, s.p_strict_miss, s.p_lax_hit, s.p_lax_miss) == (2, 4, 4, 2)
    # recall drops every bead with an empty side, then judges gold against the system
    assert (s.r_strict_hit, s.r_strict_miss, s.r_lax_hit, s.r_lax_miss) == (1, 2, 3, 0)


def test_per_sentence_exact_match_and_no_counterpart_scores():
    gold = _beads("[0]:[0] [1]:[] [2]:[] [3]:[1]")
    test = _beads("[0]:[0] [1]:[] [2]:[1] [3]:[]")
    scores = score_documents([(test, gold)])
    assert scores["sentence_exact"] == pytest.approx(2 / 4)
    assert (scores["none_precision"], scores["none_recall"]) == (pytest.approx(1 / 2), pytest.approx(1 / 2))


def test_a_perfect_alignment_scores_one_and_an_empty_one_zero():
    gold = _beads("[0]:[0] [1]:[1,2]")
    assert score_documents([(gold, gold)])["strict_f1"] == 1.0
    assert score_documents([([], gold)])["strict_f1"] == 0.0


def test_beads_inside_one_verse_are_merged_before_scoring():
    beads = _beads("[0]:[0] [1]:[1] []:[2] [2]:[3]")
    merged = merge_within_units(beads, ["v1", "v2", "v3"], ["v1", "v2", "v2", "v3"])
    assert [(b.src, b.tgt) for b in merged] == [((0,), (0,)), ((1,), (1, 2)), ((2,), (3,))]


def test_bad_folders_and_lines_are_one_line_errors(tmp_path, capsys):
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    gold.mkdir()
    pred.mkdir()
    (gold / "001.align").write_text("[0]:[0]\n", encoding="utf-8")
    assert dispatch(["eval-align", "--gold", str(gold), "--pred", str(pred)]) == 2
    assert "lacks 001.align" in capsys.readouterr().err
    (pred / "001.align").write_text("0 -> 0\n", encoding="utf-8")
    assert dispatch(["eval-align", "--gold", str(gold), "--pred", str(pred)]) == 2
    assert "is not a bead like [0,1]:[2]" in capsys.readouterr().err
    with pytest.raises(InputError):
        parse_beads(["[0]:[x]"])


def test_dropping_counterparts_renumbers_the_gold_and_is_repeatable():
    src = [f"s{i}" for i in range(40)]
    gold = [Bead((i,), (i,)) for i in range(40)]
    left, gold_left, mt_left = drop_counterparts(src, gold, share=0.3, seed=7, mt=[f"m{i}" for i in range(40)])
    assert (left, gold_left) == drop_counterparts(src, gold, share=0.3, seed=7)[:2]
    orphaned = [b.tgt for b in gold_left if not b.src]
    assert 0 < len(orphaned) < 40 and len(left) == 40 - len(orphaned)
    assert all(left[b.src[0]] == f"s{b.tgt[0]}" and mt_left[b.src[0]] == f"m{b.tgt[0]}" for b in gold_left if b.src)
