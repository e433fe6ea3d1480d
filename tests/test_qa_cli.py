"""``workbench qa`` over batch-translation output: text and JSONL reports, bad input."""

from __future__ import annotations

import json

import pytest

from workbench.cli import dispatch
from workbench.qa import CHECK_NAMES

LINES = [
    {"id": "s1", "source": "Tariffs rose 24 percent on May 14, 2025.", "translation": "关税于2025年5月14日上涨24%。",
     "score": -0.2, "doc": "a"},
    {"id": "s2", "source": "China will review applications for the export of controlled items.",
     "translation": "中国将审查受控物品的出口申请,export。", "score": -1.9, "doc": "a"},
    {"id": "s3", "source": "Hello", "translation": "你好你好你好你好", "doc": "b"},
    {"id": "s4", "error": "the model raised"},
]


@pytest.fixture
def batch_file(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in LINES), encoding="utf-8")
    return path


def test_text_report_has_a_summary_and_the_flagged_segments_riskiest_first(batch_file, capsys):
    assert dispatch(["qa", str(batch_file)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "3 segments, 2 flagged; flags: term 1, untranslated 1, punctuation 1, repetition 1"
    assert "1 failed translation(s) skipped" in out
    assert out.index("[s2]") < out.index("[s3]") and "[s1]" not in out
    assert "should contain 管制物项" in out and "@14-15" in out


def test_jsonl_report_has_one_line_per_segment_with_its_flags(batch_file, capsys):
    assert dispatch(["qa", str(batch_file), "--format", "jsonl", "--group-by", "doc"]) == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in records] == ["s1", "s2", "s3"]
    assert records[0]["flags"] == []
    assert {f["check"] for f in records[1]["flags"]} == {"term", "untranslated", "punctuation"}
    assert all(f["check"] in CHECK_NAMES and f["message"] for r in records for f in r["flags"])
    assert records[1]["risk"]["score"] > records[0]["risk"]["score"]


def test_divergence_from_an_official_field_raises_the_risk(tmp_path, capsys):
    line = {"id": "s1", "source": "China will review applications.", "translation": "中方将审查申请。"}
    path = tmp_path / "out.jsonl"
    path.write_text("\n".join(json.dumps({**line, "id": i, "official": official}, ensure_ascii=False)
                              for i, official in (("same", "中方将审查申请。"), ("other", "商务部依法审批出口许可。"))),
                    encoding="utf-8")
    assert dispatch(["qa", str(path), "--format", "jsonl"]) == 0
    risks = {r["id"]: r["risk"] for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert risks["same"]["score"] == 0 and risks["other"]["score"] > 0.3
    assert risks["other"]["reasons"][0]["signal"] == "official"


def test_clean_output_exits_zero(tmp_path, capsys):
    path = tmp_path / "ok.jsonl"
    path.write_text(json.dumps(LINES[0], ensure_ascii=False) + "\n", encoding="utf-8")
    assert dispatch(["qa", str(path)]) == 0
    assert capsys.readouterr().out.startswith("1 segments, 0 flagged; flags: none")


@pytest.mark.parametrize(("content", "message"), [
    ("not json\n", "out.jsonl, line 1: not JSON"),
    ('["a list"]\n', "line 1: not a JSON object"),
    ('{"id": "s1", "source": "x"}\n', "lacks translation"),
    ('{"id": "s1", "source": "x", "translation": 3}\n', "must be strings"),
    ("\n\n", "has no segments"),
])
def test_bad_input_is_one_line_with_what_to_do(tmp_path, capsys, content, message):
    path = tmp_path / "out.jsonl"
    path.write_text(content, encoding="utf-8")
    assert dispatch(["qa", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_missing_file_and_missing_group_field_are_errors(tmp_path, batch_file, capsys):
    assert dispatch(["qa", str(tmp_path / "none.jsonl")]) == 2
    assert "not found" in capsys.readouterr().err
    assert dispatch(["qa", str(batch_file), "--group-by", "article"]) == 2
    assert "no field 'article'" in capsys.readouterr().err
