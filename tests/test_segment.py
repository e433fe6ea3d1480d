"""Sentence segmentation: the cases official news wording needs, and properties for any input."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import DEMO_ARTICLE, ROOT
from workbench.cli import dispatch
from workbench.corpus import parse_document
from workbench.errors import InputError
from workbench.ingest import read_article
from workbench.segment import DEFAULT_SEGMENTER, SEGMENTERS, Segment, rebuild_text, segment_text


def sentences(text: str, lang: str = "en", **kw) -> list[str]:
    return [s.text for s in segment_text(text, lang, **kw)]


# --- English ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("This statement came after U.S. Commerce Secretary Howard Lutnick indicated it. Then he left.",
     ["This statement came after U.S. Commerce Secretary Howard Lutnick indicated it.", "Then he left."]),
    ("Exports to the U.S. fell. The U.S. responded.", ["Exports to the U.S. fell.", "The U.S. responded."]),
    ("Exports to the U.S. The figures show a drop.", ["Exports to the U.S.", "The figures show a drop."]),
    ("Mr. Wang met Dr. Smith and Ms. Lee. They talked.", ["Mr. Wang met Dr. Smith and Ms. Lee.", "They talked."]),
    ("Announcement No. 18 took effect on Jan. 5 this year. It lists seven elements.",
     ["Announcement No. 18 took effect on Jan. 5 this year.", "It lists seven elements."]),
    ("Growth was 1.5% in May. Exports reached 14,257 units.", ["Growth was 1.5% in May.", "Exports reached 14,257 units."]),
    ("He said, “China will review and approve applications,” and noted progress. Talks resume.",
     ["He said, “China will review and approve applications,” and noted progress.", "Talks resume."]),
    ("She said: “We agree.” Then talks ended.", ["She said: “We agree.”", "Then talks ended."]),
    ("“Stop.” he said quietly.", ["“Stop.” he said quietly."]),
    ("Why now? Nobody knows! It is unclear.", ["Why now?", "Nobody knows!", "It is unclear."]),
    ("Rare earths — essential for chips — are scarce. Prices rose.",
     ["Rare earths — essential for chips — are scarce.", "Prices rose."]),
    ("Tariffs were cut e.g. on chips. Others stayed.", ["Tariffs were cut e.g. on chips.", "Others stayed."]),
    ("Apple Inc. said so. Huawei Co. Ltd. disagreed.", ["Apple Inc. said so.", "Huawei Co. Ltd. disagreed."]),
    ("J. Smith wrote it. He agreed.", ["J. Smith wrote it.", "He agreed."]),
    ("Wait... The vote came later.", ["Wait...", "The vote came later."]),
])
def test_english_cases(text, expected):
    assert sentences(text) == expected


def test_headline_and_list_items_are_their_own_segments():
    text = ("China and U.S. Finalize Trade Agreement to Ease Export Restrictions\n\n"
            "1. Tariffs are suspended.\n\n2. Controls are lifted. Both sides agree.\n\n- a bullet item")
    assert sentences(text) == [
        "China and U.S. Finalize Trade Agreement to Ease Export Restrictions",
        "1. Tariffs are suspended.", "2. Controls are lifted.", "Both sides agree.", "- a bullet item",
    ]


def test_demo_article_sentences():
    article = read_article(DEMO_ARTICLE)
    segs = segment_text(article.text, "en")
    texts = [s.text for s in segs]
    assert "China and U.S. Finalize Trade Agreement to Ease Export Restrictions" in texts
    assert any(t.startswith("This statement came after U.S. Commerce Secretary Howard Lutnick indicated")
               and t.endswith("rare earth minerals.") for t in texts)
    assert any(t.startswith("In an official statement, China’s Ministry of Commerce announced, “China will review")
               and t.endswith("imposed on China.") for t in texts)
    assert len(texts) == len(set(texts)) == 18  # repeats dropped: no sentence twice
    assert rebuild_text(article.text, segs) == article.text
    paragraphs = {s.paragraph for s in segs}
    assert paragraphs == set(range(len(article.paragraphs)))


# --- Chinese ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("中方将依法审批。美方将相应取消限制。", ["中方将依法审批。", "美方将相应取消限制。"]),
    ("请问商务部对此有何评论?答:在中美两国元首共识指引下,双方举行会谈。",
     ["请问商务部对此有何评论?", "答:在中美两国元首共识指引下,双方举行会谈。"]),
    ("他说:“我们同意。”会谈结束。", ["他说:“我们同意。”", "会谈结束。"]),
    ("「中方堅決反對。」美方回應。", ["「中方堅決反對。」", "美方回應。"]),
    ("措施包括(一)加征关税。)其他。", ["措施包括(一)加征关税。)", "其他。"]),
    ("情况是这样的……后来变了。", ["情况是这样的……", "后来变了。"]),
    ("税率为34.5%。自4月10日起实施!", ["税率为34.5%。", "自4月10日起实施!"]),
    ("对美出口下降.美方回应.", ["对美出口下降.", "美方回应."]),
])
def test_chinese_cases(text, expected):
    assert sentences(text, "zh") == expected


def test_chinese_semicolons_split_only_on_request():
    text = "一、加征关税;二、取消豁免；三、其他。"
    assert sentences(text, "zh") == [text]
    assert sentences(text, "zh", split_semicolons=True) == ["一、加征关税;", "二、取消豁免；", "三、其他。"]


def test_unknown_language_is_a_clear_error():
    with pytest.raises(InputError, match="use 'en' or 'zh'"):
        segment_text("text", "fr")


# --- Segmenter registry and pysbd as an oracle ----------------------------------------------

def shipped_english_paragraphs() -> list[tuple[str, str]]:
    """(where, paragraph) for the demo article and the English side of each bilingual official document."""
    paragraphs = [(DEMO_ARTICLE.name, p) for p in read_article(DEMO_ARTICLE).paragraphs]
    for en in sorted((ROOT / "corpora" / "official").glob("*.en.txt")):
        if en.with_name(en.name.replace(".en.txt", ".zh.txt")).exists():
            text = parse_document(en.read_text(encoding="utf-8"), path=en).text
            paragraphs += [(en.name, line) for line in text.splitlines() if line.strip()]
    return paragraphs


def test_segmenters_registry():
    assert list(SEGMENTERS) == ["rules", "pysbd"] and DEFAULT_SEGMENTER == "rules"
    with pytest.raises(InputError, match="unknown segmenter 'spacy'; use one of rules, pysbd"):
        segment_text("text", segmenter="spacy")


def test_rules_agree_with_pysbd_on_all_shipped_english():
    import pysbd

    oracle = pysbd.Segmenter(language="en", clean=False)
    paragraphs = shipped_english_paragraphs()
    # 10 paragraphs of the demo article (repeats dropped) and 37 of the 7 bilingual documents' English.
    assert len(paragraphs) == 47
    assert len({where for where, _ in paragraphs}) == 8
    disagreements = []
    for where, paragraph in paragraphs:
        rules = [s.text for s in segment_text(paragraph, "en")]
        if rules != [s.strip() for s in oracle.segment(paragraph) if s.strip()]:
            disagreements.append((where, paragraph))
        assert [s.text for s in segment_text(paragraph, "en", segmenter="pysbd")] == rules
    assert disagreements == []


def test_pysbd_segmenter_keeps_offsets_and_gaps():
    text = "Mr. Wang met Dr. Smith.  Then   he left.\n\nNo. 18 took effect. "
    segs = segment_text(text, "en", segmenter="pysbd")
    assert [(s.text, s.paragraph, s.start) for s in segs] == [
        ("Mr. Wang met Dr. Smith.", 0, 0), ("Then   he left.", 0, 25), ("No. 18 took effect.", 1, 42)]
    assert rebuild_text(text, segs) == text
    zh = segment_text("中方将依法审批。美方将相应取消限制；其他。", "zh", split_semicolons=True, segmenter="pysbd")
    assert [s.text for s in zh] == ["中方将依法审批。", "美方将相应取消限制；", "其他。"]


# --- Properties ------------------------------------------------------------------------------

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=300)
PUNCTUATED = st.lists(st.sampled_from(
    ["U.S.", "Mr.", "No.", "18", "1.5%", "“", "”", "。", "！", "?", ".", "……", " ", "\n", "中方", "China", "said",
     "「", "」", "…", "Jan.", "!", ";", "；", "a", "(", ")", "\u200b", "—"]), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(ANY_TEXT, PUNCTUATED), lang=st.sampled_from(["en", "zh"]))
def test_segments_lose_nothing_and_offsets_are_consistent(text, lang):
    segs = segment_text(text, lang)
    for seg in segs:
        assert seg.text, "no empty segments"
        assert seg.text == text[seg.start:seg.end]
        assert seg.text == seg.text.strip()
    assert [s.index for s in segs] == list(range(len(segs)))
    assert all(a.end <= b.start for a, b in zip(segs, segs[1:]))
    assert all(a.paragraph <= b.paragraph for a, b in zip(segs, segs[1:]))
    # Between segments only whitespace: the text is rebuilt exactly from segments and separators.
    assert rebuild_text(text, segs) == text
    covered = "".join(s.text for s in segs)
    assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", text)


def test_rebuild_refuses_a_dropped_sentence():
    text = "First one. Second one.  Third one."
    segs = segment_text(text)
    assert [s.text for s in segs] == ["First one.", "Second one.", "Third one."]
    assert rebuild_text(text, segs) == text
    with pytest.raises(ValueError, match=r"text\[10:24\] before segment 2 is not whitespace: ' Second one.  '"):
        rebuild_text(text, [segs[0], segs[2]])
    with pytest.raises(ValueError, match=r"text\[0:11\] before segment 1 is not whitespace"):
        rebuild_text(text, segs[1:])
    with pytest.raises(ValueError, match=r"text\[22:\] after the last segment is not whitespace"):
        rebuild_text(text, segs[:2])
    with pytest.raises(ValueError, match=r"segment 1 is not text\[11:22\]"):
        rebuild_text(text, [segs[0], Segment(1, "Second 0ne.", 0, 11, 22), segs[2]])
    with pytest.raises(ValueError, match=r"segment 0 is not text\[0:10\] after offset 10"):
        rebuild_text(text, [segs[0], segs[0]])


# --- CLI -------------------------------------------------------------------------------------

def test_cli_segment_jsonl_on_demo_article(capsys):
    assert dispatch(["segment", str(DEMO_ARTICLE), "--format", "jsonl"]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 18
    assert {"text", "paragraph", "start", "end"} <= set(rows[0])
    assert "dropped 7 repeated paragraph(s)" in err
    article = read_article(DEMO_ARTICLE)
    assert all(article.text[r["start"]:r["end"]] == r["text"] for r in rows)


def test_cli_segment_keep_duplicates(capsys):
    assert dispatch(["segment", str(DEMO_ARTICLE), "--format", "txt", "--keep-duplicates"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines.count("Berry Wang contributed research.") == 2


def test_cli_segment_with_pysbd(capsys):
    assert dispatch(["segment", str(DEMO_ARTICLE), "--format", "txt", "--segmenter", "pysbd"]) == 0
    pysbd_lines = capsys.readouterr().out.splitlines()
    assert dispatch(["segment", str(DEMO_ARTICLE), "--format", "txt"]) == 0
    assert pysbd_lines == capsys.readouterr().out.splitlines()
    assert len(pysbd_lines) == 18
