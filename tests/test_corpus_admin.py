"""Adding, versioning, importing and checking official documents (`workbench corpus add/import/check`)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT
from workbench.cli import dispatch
from workbench.corpus import OfficialCorpus, parse_document
from workbench.corpus_admin import Metadata, add_document, read_document
from workbench.errors import InputError

PAGE = ROOT / "tests" / "data" / "corpus" / "mofcom-qa-page.html"
QA_245 = "mofcom-2025-04-16-qa-245pct"
LONDON = "mofcom-2025-06-27-london-framework"
MOFCOM = "商务部 Ministry of Commerce"


def _take_out(corpus_dir: Path, doc_id: str, lang: str = "zh") -> Path:
    """Remove a shipped document from the test corpus; returns where its file was moved to."""
    moved = corpus_dir.parent / f"{doc_id}.{lang}.txt"
    shutil.move(corpus_dir / "official" / f"{doc_id}.{lang}.txt", moved)
    return moved


def _error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("workbench: error: "), err
    return err


# --- add: each input kind ------------------------------------------------------------------------


def test_add_corpus_format_file_keeps_its_header(corpus_dir, capsys):
    moved = _take_out(corpus_dir, LONDON)
    assert dispatch(["corpus", "add", str(moved)]) == 0
    assert capsys.readouterr().out.startswith(f"added\t{LONDON}.zh\t")
    stored = OfficialCorpus.load(corpus_dir).get(LONDON)
    original = parse_document(moved.read_text(encoding="utf-8"))
    assert stored.header() == original.header() and stored.text == original.text


def test_add_plain_text_with_flags(corpus_dir, tmp_path):
    body = parse_document(_take_out(corpus_dir, LONDON).read_text(encoding="utf-8")).text
    plain = tmp_path / "london.txt"
    plain.write_text(body + "\n", encoding="utf-8")
    args = ["corpus", "add", str(plain), "--id", "london-framework-qa", "--date", "2025/6/27", "--issuer", MOFCOM,
            "--title", "商务部新闻发言人就中美伦敦框架有关情况答记者问", "--source", "https://www.mofcom.gov.cn/"]
    assert dispatch(args) == 0
    doc = OfficialCorpus.load(corpus_dir).get("london-framework-qa", "zh")  # language found from the text
    assert (doc.date, doc.issuer, doc.source) == ("2025-06-27", MOFCOM, "https://www.mofcom.gov.cn/")
    assert "中方将依法审批符合条件的管制物项出口申请。" in [s.text for s in doc.sentences]
    assert doc.confidence.startswith("unreviewed")


def test_add_saved_ministry_page_extracts_main_text_title_and_date(corpus_dir):
    _take_out(corpus_dir, QA_245)
    assert dispatch(["corpus", "add", str(PAGE), "--id", QA_245, "--issuer", MOFCOM,
                     "--source", "https://www.mofcom.gov.cn/xwfb/"]) == 0
    doc = OfficialCorpus.load(corpus_dir).get(QA_245)
    assert doc.title == "商务部新闻发言人就美对华关税税率情况答记者问"
    assert doc.date == "2025-04-16"
    assert doc.text.startswith("有记者问：美东时间4月15日")
    assert doc.sentences[-1].text == "但倘若美方执意继续实质性侵害中方权益，中方将坚决反制，奉陪到底。"
    for clutter in ("首页", "新闻发布", "版权所有", "相关新闻", "王文涛", "分享到", "打印本页"):
        assert clutter not in doc.text


def test_added_document_is_written_whole_and_nothing_else_is_left(corpus_dir):
    moved = _take_out(corpus_dir, LONDON)
    before = set((corpus_dir / "official").iterdir())
    assert dispatch(["corpus", "add", str(moved)]) == 0
    created = set((corpus_dir / "official").iterdir()) - before
    assert [p.name for p in created] == [f"{LONDON}.zh.txt"]  # no temporary file left behind
    assert parse_document(next(iter(created)).read_text(encoding="utf-8")).text == \
        parse_document(moved.read_text(encoding="utf-8")).text


# --- validation ----------------------------------------------------------------------------------

_PLAIN_ZH = "中方将依法审批符合条件的管制物项出口申请。\n美方将相应取消对华采取的一系列限制性措施。\n"
_FULL = ["--id", "test-doc", "--date", "2025-06-27", "--issuer", MOFCOM, "--title", "标题", "--source", "https://x.cn/"]


def _without(flag: str) -> list[str]:
    i = _FULL.index(flag)
    return _FULL[:i] + _FULL[i + 2:]


def _with(flag: str, value: str) -> list[str]:
    i = _FULL.index(flag)
    return [*_FULL[:i + 1], value, *_FULL[i + 2:]] if flag in _FULL else [*_FULL, flag, value]


@pytest.mark.parametrize(("text", "flags", "message"), [
    (_PLAIN_ZH, _without("--issuer"), "test-doc: no issuer given; pass --issuer or add 'issuer:' to the header"),
    (_PLAIN_ZH, _without("--source"), "test-doc: no source given; pass --source"),
    (_PLAIN_ZH, _without("--title"), "test-doc: no title given; pass --title"),
    (_PLAIN_ZH, _without("--date"), "test-doc: no date given; pass --date"),
    (_PLAIN_ZH, _with("--date", "2025-13-40"), "test-doc: date '2025-13-40' is not a valid date; pass --date YYYY-MM-DD"),
    (_PLAIN_ZH, _with("--date", "last week"), "date 'last week' is not a valid date"),
    ("   \n\n", [*_FULL, "--lang", "zh"], "test-doc: the document has no text"),
    ("The United States will cancel a series of restrictive measures.\n", [*_FULL, "--lang", "zh"],
     "test-doc: declared zh but only 0% of its letters are Chinese; check the file or pass --lang en"),
    (_PLAIN_ZH, [*_FULL, "--lang", "en"], "test-doc: declared en but 100% of its letters are Chinese"),
    (_PLAIN_ZH, _with("--id", "Test Doc"), "id 'Test Doc' is not usable as a file name"),
    (_PLAIN_ZH, [*_without("--id"), "--pair", "no-such-doc"], "--pair no-such-doc: no en document with that id"),
    (_PLAIN_ZH, [*_FULL, "--pair", LONDON], f"--id test-doc and --pair {LONDON} disagree; "),
])
def test_each_validation_error_is_one_line_that_says_what_to_do(corpus_dir, tmp_path, capsys, text, flags, message):
    path = tmp_path / "statement.txt"
    path.write_text(text, encoding="utf-8")
    before = sorted(p.name for p in (corpus_dir / "official").iterdir())
    assert dispatch(["corpus", "add", str(path), *flags]) == 2
    assert message in _error_line(capsys)
    assert sorted(p.name for p in (corpus_dir / "official").iterdir()) == before


def test_traditional_characters_are_added_with_a_warning(corpus_dir, tmp_path, capsys):
    path = tmp_path / "trad.txt"
    path.write_text("近日，許多國家對中國稀土出口管制措施表達關注。中方將依法審批符合條件的申請。\n", encoding="utf-8")
    assert dispatch(["corpus", "add", str(path), *_FULL]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("added\ttest-doc.zh")
    assert "warning: test-doc.zh is in Traditional characters" in captured.err
    assert OfficialCorpus.load(corpus_dir).get("test-doc").is_traditional


def test_english_side_added_with_pair_takes_the_chinese_id(corpus_dir, tmp_path):
    path = tmp_path / "london.en.txt"
    path.write_text("China will review and approve applications for the export of controlled items.\n",
                    encoding="utf-8")
    flags = ["--pair", LONDON, "--date", "2025-06-27", "--issuer", MOFCOM, "--title", "Q&A", "--source", "https://x/"]
    assert dispatch(["corpus", "add", str(path), *flags]) == 0
    corpus = OfficialCorpus.load(corpus_dir)
    assert corpus.has_pair(LONDON) and corpus.get(LONDON, "en").lang == "en"


# --- near-duplicates -----------------------------------------------------------------------------


def test_near_duplicate_is_refused_naming_the_other_document_then_kept_with_force(corpus_dir, tmp_path, capsys):
    copy = tmp_path / "copy.txt"
    text = OfficialCorpus.load(corpus_dir).get(QA_245).text
    copy.write_text(text.replace("中方不予理会", "中方不会理会"), encoding="utf-8")  # a reprint with one change
    flags = ["--id", "reprint-245pct", "--date", "2025-04-17", "--issuer", "财联社", "--title", "转载",
             "--source", "https://example.cn/"]
    assert dispatch(["corpus", "add", str(copy), *flags]) == 2
    err = _error_line(capsys)
    assert re.search(rf"reprint-245pct.zh is a near-duplicate of {QA_245} \(similarity (0\.9\d|1\.00)\); pass --force",
                     err)
    assert ("reprint-245pct", "zh") not in OfficialCorpus.load(corpus_dir)

    assert dispatch(["corpus", "add", str(copy), *flags, "--force"]) == 0
    assert f"near-duplicate of {QA_245}" in capsys.readouterr().err
    kept = OfficialCorpus.load(corpus_dir).get("reprint-245pct")
    assert kept.extra["near_duplicate_of"] == QA_245
    assert dispatch(["corpus", "check"]) == 0  # kept on purpose: not an error any more


def test_different_documents_are_not_near_duplicates(corpus_dir):
    corpus = OfficialCorpus.load(corpus_dir)
    doc = corpus.get(LONDON)
    _take_out(corpus_dir, LONDON)
    corpus = OfficialCorpus.load(corpus_dir)
    assert add_document(corpus, doc).status == "added"


# --- versions ------------------------------------------------------------------------------------


def test_new_text_under_the_same_id_keeps_the_old_version_resolvable(corpus_dir, tmp_path, capsys):
    corpus = OfficialCorpus.load(corpus_dir)
    old = corpus.get(QA_245)
    linked_version, linked_sentence = old.version, old.sentences[6]  # what an alignment link records
    corrected = tmp_path / "corrected.txt"
    corrected.write_text(old.text.replace(",", "，"), encoding="utf-8")  # the full-width original
    assert dispatch(["corpus", "add", str(corrected), "--id", QA_245]) == 0  # header fields carry over
    out = capsys.readouterr().out
    assert out.startswith(f"updated\t{QA_245}.zh\t") and f"(was {linked_version}, kept)" in out

    corpus = OfficialCorpus.load(corpus_dir)
    assert corpus.get(QA_245).issuer == old.issuer and corpus.get(QA_245).source == old.source
    assert corpus.has_newer_version(QA_245, "zh", linked_version)
    assert corpus.latest_version(QA_245) != linked_version
    assert not corpus.has_newer_version(QA_245, "zh", corpus.latest_version(QA_245))
    then = corpus.get_version(QA_245, "zh", linked_version)
    assert then.text == old.text and then.sentences[6].text == linked_sentence.text
    assert corpus.earlier_versions(QA_245, "zh") == [linked_version]

    assert dispatch(["corpus", "show", QA_245, "--version", linked_version]) == 0
    shown = capsys.readouterr().out
    assert f"version: {linked_version} (superseded; current version {corpus.latest_version(QA_245)})" in shown
    assert dispatch(["corpus", "check"]) == 0


def test_re_adding_the_same_text_changes_nothing(corpus_dir, capsys):
    path = corpus_dir / "official" / f"{LONDON}.zh.txt"
    copy = corpus_dir.parent / "same.txt"
    shutil.copy(path, copy)
    assert dispatch(["corpus", "add", str(copy)]) == 0
    assert capsys.readouterr().out.startswith(f"unchanged\t{LONDON}.zh")
    assert not (corpus_dir / "versions").exists()


def test_unknown_version_error_says_where_it_should_be(corpus_dir):
    corpus = OfficialCorpus.load(corpus_dir)
    with pytest.raises(Exception, match=r"version 0123456789ab of .* is not kept in the corpus; restore"):
        corpus.get_version(LONDON, "zh", "0123456789ab")


def test_metadata_flags_override_the_file_header(corpus_dir):
    moved = _take_out(corpus_dir, LONDON)
    doc = read_document(moved, Metadata(title="新标题", date="2025年6月28日"))
    assert (doc.title, doc.date, doc.id) == ("新标题", "2025-06-28", LONDON)


def test_add_to_an_in_memory_corpus_is_refused():
    corpus = OfficialCorpus([])
    doc = parse_document((ROOT / "corpora" / "official" / f"{LONDON}.zh.txt").read_text(encoding="utf-8"))
    with pytest.raises(Exception, match="built in memory"):
        add_document(corpus, doc)


# --- import and check ----------------------------------------------------------------------------


def test_import_summarises_added_updated_skipped_and_rejected(corpus_dir, tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.move(_take_out(corpus_dir, LONDON), inbox / "london.txt")  # new to the corpus
    shutil.copy(corpus_dir / "official" / "export-control-law-2020.zh.txt", inbox)  # already there, same text
    updated = (corpus_dir / "official" / f"{QA_245}.zh.txt").read_text(encoding="utf-8").replace(",", "，")
    (inbox / "qa-245-fullwidth.txt").write_text(updated, encoding="utf-8")  # a new version
    (inbox / "no-header.txt").write_text(_PLAIN_ZH, encoding="utf-8")  # metadata missing
    shutil.copy(PAGE, inbox / "page.html")  # issuer missing
    (inbox / "notes.docx").write_bytes(b"PK\x03\x04")  # not a document type: ignored

    assert dispatch(["corpus", "import", str(inbox)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "1 added, 1 updated, 1 skipped (unchanged), 2 rejected"
    rejected = dict(line.split("\t")[1:] for line in out.splitlines() if line.startswith("rejected\t"))
    assert "no date given" in rejected["no-header.txt"]
    assert "no issuer given" in rejected["page.html"]
    corpus = OfficialCorpus.load(corpus_dir)
    assert (LONDON, "zh") in corpus and len(corpus.earlier_versions(QA_245, "zh")) == 1


def test_import_of_a_missing_folder_is_one_line(corpus_dir, tmp_path, capsys):
    assert dispatch(["corpus", "import", str(tmp_path / "nowhere")]) == 2
    assert "no such folder" in _error_line(capsys)


def test_check_passes_on_the_shipped_corpus_with_traditional_warnings(corpus_dir, capsys):
    assert dispatch(["corpus", "check"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("0 errors, ")
    assert "warning: mofcom-2025-06-07-rare-earth-qa.zh is in Traditional characters" in out


def test_check_fails_on_a_broken_header_and_a_misnamed_file(corpus_dir, capsys):
    official = corpus_dir / "official"
    path = official / f"{LONDON}.zh.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2025-06-27", "date: 27/06/2025"),
                    encoding="utf-8")
    shutil.move(official / f"{QA_245}.zh.txt", official / "qa.zh.txt")
    assert dispatch(["corpus", "check"]) == 1
    out = capsys.readouterr().out
    assert "date '27/06/2025' is not YYYY-MM-DD" in out
    assert f"error: qa.zh.txt: holds {QA_245}.zh; rename it to {QA_245}.zh.txt" in out
    assert out.splitlines()[-1].startswith("2 errors")


def test_check_finds_a_near_duplicate_copied_in_by_hand(corpus_dir, capsys):
    official = corpus_dir / "official"
    copy = (official / f"{QA_245}.zh.txt").read_text(encoding="utf-8").replace(f"id: {QA_245}", "id: aaa-copy")
    (official / "aaa-copy.zh.txt").write_text(copy.replace("中方不予理会", "中方不会理会"), encoding="utf-8")
    assert dispatch(["corpus", "check"]) == 1
    out = capsys.readouterr().out
    assert re.search(rf"error: {QA_245}.zh is a near-duplicate of aaa-copy \(similarity (0\.9\d|1\.00)\)", out)
    assert out.splitlines()[-1].startswith("1 errors")


def test_check_fails_when_a_kept_version_was_edited(corpus_dir, tmp_path):
    corpus = OfficialCorpus.load(corpus_dir)
    old = corpus.get(QA_245)
    add_document(corpus, parse_document(old.to_file_text().replace(",", "，")))
    kept = corpus_dir / "versions" / f"{QA_245}.zh.{old.version}.txt"
    kept.write_text(kept.read_text(encoding="utf-8").replace("奉陪到底", "奉陪"), encoding="utf-8")
    assert dispatch(["corpus", "check"]) == 1


def test_add_raises_input_error_for_library_callers(corpus_dir):
    corpus = OfficialCorpus.load(corpus_dir)
    doc = parse_document(corpus.get(LONDON).to_file_text().replace(f"id: {LONDON}", "id: london-copy"))
    with pytest.raises(InputError, match=f"near-duplicate of {LONDON} \\(similarity 1.00\\)"):
        add_document(corpus, doc)


# --- a running UI's corpus takes in what `corpus add` wrote -----------------------------------------


def test_a_loaded_corpus_takes_in_documents_added_on_disk_since(corpus_dir):
    from workbench.align import lookup
    from workbench.corpus_search import SearchIndex
    from workbench.pipeline import Resources
    from workbench.settings import Settings

    moved = _take_out(corpus_dir, LONDON)
    corpus = OfficialCorpus.load(corpus_dir)  # as the UI holds it from start-up
    index = SearchIndex.build(corpus)
    resources = Resources(settings=Settings.resolve(), store=None, corpus=corpus, translator=None, search_index=index)
    assert (LONDON, "zh") not in corpus
    assert dispatch(["corpus", "add", str(moved)]) == 0

    assert resources.current_search_index() is index
    assert (LONDON, "zh") in corpus
    hits = lookup("China will review and approve applications for the export of controlled items",
                  corpus, top_k=1)
    assert hits[0].doc_id == LONDON
    assert corpus.refresh() == []  # nothing new: nothing re-read


def test_a_corpus_file_that_stops_parsing_keeps_its_last_good_text(corpus_dir, caplog):
    corpus = OfficialCorpus.load(corpus_dir)
    before = corpus.get(LONDON).text
    path = corpus_dir / "official" / f"{LONDON}.zh.txt"
    path.write_text("half-written header without the separator", encoding="utf-8")
    assert corpus.refresh() == []
    assert corpus.get(LONDON).text == before
    assert "skipped" in caplog.text
