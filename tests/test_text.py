"""The text layer: one Chinese character class, one full-width table, one English normaliser,
one HTML reader and one atomic writer, and the modules that use them agreeing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from workbench.corpus_search import text_terms
from workbench.qa.punctuation import check_punctuation
from workbench.text.en import lemma, lemmas, term_key, word_keys
from workbench.text.files import atomic_path, atomic_write_bytes, atomic_write_text
from workbench.text.html import html_to_text, is_whole_page
from workbench.text.zh import (
    CJK,
    CJK_RUN,
    HALF_TO_FULL,
    cjk_count,
    full_width_punctuation,
    half_width_marks,
    is_cjk,
    normalise_zh,
    to_simplified,
    traditional_ratio,
)
from workbench.translate.postprocess import normalize_zh_punctuation

ROOT = Path(__file__).resolve().parent.parent
NEWS_PAGE = ROOT / "tests" / "data" / "html" / "news-page.html"

# --- Chinese characters ------------------------------------------------------------------------


@pytest.mark.parametrize(("ch", "name"), [
    ("中", "CJK Unified Ideographs"),
    ("㐀", "Extension A, U+3400"),
    ("豈", "Compatibility Ideographs, U+F900"),
    ("𠀀", "Extension B, U+20000"),
    ("𪚥", "Extension B, U+2A6A5"),
    ("𫝀", "Extension D, U+2B740"),
    ("𰀀", "Extension G, U+30000"),
    ("〇", "ideographic zero of dates"),
])
def test_chinese_characters_of_every_plane_are_cjk(ch, name):
    assert is_cjk(ch), name


@pytest.mark.parametrize("ch", ["a", "1", "，", "。", "《", "ア", "한", " ", "😀"])
def test_latin_kana_hangul_punctuation_and_emoji_are_not_cjk(ch):
    assert not is_cjk(ch)


def test_extension_b_characters_count_and_run_with_common_ones():
    text = "𠀀𪚥字, abc 中文"
    assert cjk_count(text) == 5
    assert [m.group() for m in CJK_RUN.finditer(text)] == ["𠀀𪚥字", "中文"]
    assert CJK.search("abc") is None


def test_extension_b_text_is_chinese_to_every_user():
    # the punctuation rule, the search index and the QA check all see 𠀀 as Chinese
    assert full_width_punctuation("𠀀,𪚥") == "𠀀，𪚥"
    assert [(t.term, t.start, t.end) for t in text_terms("𠀀𪚥字", "zh")] == [("𠀀𪚥", 0, 2), ("𪚥字", 1, 3)]
    assert [(f.start, f.end) for f in check_punctuation("x", "𪚥,中")] == [(1, 2)]


# --- full-width punctuation ---------------------------------------------------------------------

# (raw, full-width form): each pair holds only changes of single marks, so every user agrees.
AGREEMENT_CASES = [
    ("美国,中国;日本:韩国?朝鲜!", "美国，中国；日本：韩国？朝鲜！"),
    ("税率为34.5%,自4月10日起:1,000美元?", "税率为34.5%，自4月10日起：1,000美元？"),
    ("(世贸组织)规则.", "（世贸组织）规则。"),
    ("美国(USA)表示", "美国（USA）表示"),
    ("《出口管制法》,以及", "《出口管制法》，以及"),
    ("中方表示,“坚决反对”", "中方表示，“坚决反对”"),
    ("增长1.5%,约1,000吨.", "增长1.5%，约1,000吨。"),
    ("比分3:2", "比分3:2"),
    ("美国U.S.表示，Inc.公司", "美国U.S.表示，Inc.公司"),
    ("中国...", "中国..."),
    ("Hello, world (again).", "Hello, world (again)."),
]


def test_one_table_holds_every_mark_the_users_change():
    assert HALF_TO_FULL == {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）", ".": "。"}


@pytest.mark.parametrize(("raw", "full"), AGREEMENT_CASES)
def test_normaliser_matcher_and_qa_agree_on_what_is_full_width(raw, full):
    # the machine-output tidier and the corpus matcher give the same text ...
    assert normalize_zh_punctuation(raw) == full
    assert normalise_zh(raw) == full
    # ... and the QA check flags exactly the marks they changed, suggesting what they wrote
    changed = [i for i, (a, b) in enumerate(zip(raw, full)) if a != b]
    flags = check_punctuation("It said so.", raw)
    assert [(f.start, f.end) for f in flags] == [(i, i + 1) for i in changed]
    assert all(f"use '{full[f.start]}'" in f.message for f in flags)
    assert half_width_marks(raw) == changed
    # once written full-width, nothing is left to flag or change
    assert check_punctuation("It said so.", full) == []
    assert normalize_zh_punctuation(full) == normalise_zh(full) == full


def test_full_width_rule_exact_offsets():
    assert half_width_marks("中),x") == [1, 2]  # the converted ） makes the comma touch Chinese
    assert full_width_punctuation("中),x") == "中），x"
    assert full_width_punctuation("x (a中b) y") == "x （a中b） y"  # parentheses around Chinese
    assert full_width_punctuation("((中) x)") == "（（中） x）"
    assert full_width_punctuation("Hello (world)") == "Hello (world)"


def test_normalise_zh_simplifies_and_keeps_length():
    text = "商務部新聞發言人表示,將繼續."
    norm = normalise_zh(text)
    assert norm == "商务部新闻发言人表示，将继续。"
    assert len(norm) == len(text)
    assert to_simplified("𠀀商務") == "𠀀商务"  # characters OpenCC does not know pass through
    assert traditional_ratio("商務部") == pytest.approx(1 / 3)
    assert traditional_ratio("abc") == 0.0


# --- English ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("word", "expected"), [
    # what the dictionary's hand-written lemma handled
    ("items", "item"), ("policies", "policy"), ("taxes", "tax"), ("was", "be"), ("measures", "measure"),
    ("stopped", "stop"), ("China's", "china"), ("approved", "approve"), ("cancelling", "cancel"),
    ("controlled", "control"), ("countries", "country"), ("women", "woman"), ("said", "say"),
    ("built", "build"), ("people", "people"), ("building", "build"), ("had", "have"),
    # what the corpus search's hand-written plural stripping handled
    ("tariffs", "tariff"), ("duties", "duty"), ("status", "status"), ("analysis", "analysis"),
    ("business", "business"), ("U.S", "u.s"), ("245", "245"),
    # words the hand-written rules got wrong
    ("this", "this"), ("nothing", "nothing"), ("heard", "hear"), ("feet", "foot"), ("data", "data"), ("news", "news"), ("analyses", "analyse"), ("crises", "crisis"),
    ("hoping", "hope"), ("focused", "focus"), ("lives", "live"),
    # irregular past forms that are nouns too keep the noun, so senses do not merge
    ("ground", "ground"), ("bit", "bit"), ("left", "left"), ("saw", "saw"),
    # unknown words: lemminflect's rules for unknown words, short ones left alone
    ("tariffed", "tariff"), ("derisking", "derisk"), ("wtos", "wto"), ("mofcom", "mofcom"), ("s", "s"),
])
def test_lemma(word, expected):
    assert lemma(word) == expected


def test_lemmas_keep_every_reading_preferred_first():
    assert lemmas("taxes") == ("tax", "taxis")
    assert lemmas("leaves") == ("leave", "leaf")
    assert lemmas("saw") == ("saw", "see")
    assert lemmas("ground") == ("ground", "grind")


def test_term_key_of_a_phrase():
    assert term_key("Controlled Items") == "control item"
    assert term_key("export-control measures") == "export control measure"
    assert term_key(["Rare", "earths"]) == "rare earth"


def test_word_keys_match_across_inflection_and_spelling():
    assert word_keys("U.S.") >= {"u.s.", "us"}
    assert word_keys("organisations") & word_keys("organization")
    assert "license" in word_keys("licences")


def test_the_search_index_keys_english_words_by_lemma():
    assert [t.term for t in text_terms("Tariffs imposed on goods", "en")] == ["tariff", "impose", "on", "good"]


# --- HTML ---------------------------------------------------------------------------------------

ARTICLE = (
    "China, U.S. confirm details of trade framework",
    "China and the United States have confirmed the details of a trade framework agreed in London earlier "
    "this month, the Ministry of Commerce said on Friday.",
    "The Chinese side will review and approve applications for the export of controlled items in accordance "
    "with the law, a ministry spokesperson said.",
    "The U.S. side will lift a series of restrictive measures it had taken against China, according to the "
    "statement.",
    "Both sides agreed to keep in close contact and to strengthen communication on economic and trade issues "
    "of mutual concern.",
)


def test_a_whole_page_keeps_its_article_and_drops_header_nav_related_and_footer():
    raw = NEWS_PAGE.read_text(encoding="utf-8")
    assert is_whole_page(raw)
    page = html_to_text(raw)
    assert page.blocks == ARTICLE
    assert page.title == "China, U.S. confirm details of trade framework"
    assert page.date == "2025-06-27"
    for dropped in ("World News", "Subscribe", "Opinion", "Related", "Geneva joint statement",
                    "Copyright", "Privacy policy", "By Staff Reporter", "dataLayer"):
        assert dropped not in page.text


def test_ingest_reads_a_whole_page_through_the_same_reader():
    from workbench.ingest import ingest_bytes

    article = ingest_bytes(NEWS_PAGE.read_bytes(), name="news-page.html", source_format="html")
    assert article.paragraphs == ARTICLE
    assert article.title == "China, U.S. confirm details of trade framework"


def test_a_fragment_keeps_every_paragraph():
    raw = ("<h2>Statement</h2><p>First <b>paragraph</b> &amp; more.</p>"
           "<ul><li>Item one</li><li>Item two</li></ul><script>x()</script><p>Last one.</p>")
    assert not is_whole_page(raw)
    page = html_to_text(raw)
    assert [b.strip() for b in page.blocks if b.strip()] == ["Statement", "First paragraph & more.", "Item one",
                                                             "Item two", "Last one."]
    assert page.title is None and page.date is None


# --- atomic writes ------------------------------------------------------------------------------


def test_atomic_write_replaces_the_file_whole(tmp_path):
    target = tmp_path / "sub" / "doc.txt"
    atomic_write_text(target, "第一版\n")
    atomic_write_text(target, "第二版\n")
    assert target.read_bytes() == "第二版\n".encode()
    atomic_write_bytes(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert sorted(p.name for p in target.parent.iterdir()) == ["doc.txt"]


def test_a_writer_that_raises_leaves_no_partial_file(tmp_path):
    target = tmp_path / "doc.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError, match="disk on fire"), atomic_path(target) as partial:
        partial.write_text("half of the new", encoding="utf-8")
        raise RuntimeError("disk on fire")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.txt"]

    fresh = tmp_path / "never.txt"
    with pytest.raises(RuntimeError), atomic_path(fresh) as partial:
        partial.write_text("half", encoding="utf-8")
        raise RuntimeError("interrupted")
    assert not fresh.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["doc.txt"]


def test_a_folder_is_swapped_in_whole(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "old.bin").write_text("old")
    with atomic_path(folder) as partial:
        partial.mkdir()
        (partial / "new.bin").write_text("new")
    assert [p.name for p in folder.iterdir()] == ["new.bin"]
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


# --- the layer stays at the bottom -------------------------------------------------------------


def test_the_text_layer_imports_nothing_of_the_workbench_but_errors():
    for path in sorted((ROOT / "workbench" / "text").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        inner = {name for name in imported if name.startswith("workbench") and not name.startswith("workbench.text")}
        assert inner <= {"workbench.errors"}, path.name
