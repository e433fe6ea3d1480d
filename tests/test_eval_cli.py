"""``workbench eval``: sacrebleu BLEU with the Chinese tokenizer and character chrF."""

from __future__ import annotations

import json

import pytest
import sacrebleu

from workbench.cli import dispatch

REFS = ["中方愿同美方相向而行。", "美方将取消对华采取的一系列限制性措施。", "商务部新闻发言人答记者问。"]
HYPS = ["中方愿与美方相向而行。", "美方将取消一系列对华限制措施。", "商务部发言人答记者问。"]


def write(path, lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def test_scores_chinese_with_the_zh_tokenizer_and_character_chrf(tmp_path, capsys):
    hyp, ref = write(tmp_path / "hyp.txt", HYPS), write(tmp_path / "ref.txt", REFS)
    assert dispatch(["eval", "--hyp", hyp, "--ref", ref, "--format", "json"]) == 0
    bleu, chrf = json.loads(capsys.readouterr().out)
    assert bleu["score"] == round(sacrebleu.corpus_bleu(HYPS, [REFS], tokenize="zh").score, 2)
    assert bleu["score"] != round(sacrebleu.corpus_bleu(HYPS, [REFS], tokenize="13a").score, 2)
    assert "tok:zh" in bleu["signature"] and "13a" not in bleu["signature"]
    assert chrf["score"] == round(sacrebleu.corpus_chrf(HYPS, [REFS], word_order=0).score, 2)
    assert chrf["metric"] == "chrF2" and "nw:0" in chrf["signature"]


def test_identical_output_scores_100_and_reads_translate_jsonl(tmp_path, capsys):
    hyp = tmp_path / "out.jsonl"
    hyp.write_text("".join(json.dumps({"id": i, "translation": r}, ensure_ascii=False) + "\n"
                           for i, r in enumerate(REFS)), encoding="utf-8")
    assert dispatch(["eval", "--hyp", str(hyp), "--ref", write(tmp_path / "ref.txt", REFS)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:2] for line in lines] == [["BLEU", "100.00"], ["chrF2", "100.00"]]


@pytest.mark.parametrize("hyp_lines, ref_lines, message", [
    (HYPS[:2], REFS, "2 hypotheses but 3 references"),
    ([], [], "no segments to score"),
])
def test_mismatched_or_empty_files_are_a_one_line_error(tmp_path, capsys, hyp_lines, ref_lines, message):
    hyp, ref = write(tmp_path / "hyp.txt", hyp_lines), write(tmp_path / "ref.txt", ref_lines)
    assert dispatch(["eval", "--hyp", hyp, "--ref", ref]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
