"""The shipped official corpus: every document, its provenance, and the matching form."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT, shared_path
from workbench.cli import dispatch
from workbench.corpus import OfficialCorpus, parse_document
from workbench.errors import CorpusError
from workbench.terms import load_glossary
from workbench.text.zh import normalise_zh


@pytest.fixture(scope="module")
def corpus() -> OfficialCorpus:
    return OfficialCorpus.load(ROOT / "corpora")


def test_every_shared_document_is_shipped_with_its_header_unchanged(corpus):
    folder = shared_path("corpora", "official")
    originals = sorted(folder.glob("*.txt"))
    assert len(originals) == 46
    for path in originals:
        original = parse_document(path.read_text(encoding="utf-8"), path=path)
        shipped = corpus.get(original.id, original.lang)
        assert shipped.header() == original.header()
        assert shipped.text == original.text


def test_london_framework_sentence_and_normalised_form(corpus):
    doc = corpus.get("mofcom-2025-06-27-london-framework", "zh")
    assert doc.date == "2025-06-27" and doc.issuer.startswith("商务部")
    texts = [s.text for s in doc.sentences]
    assert "中方将依法审批符合条件的管制物项出口申请。" in texts
    question = next(s for s in doc.sentences if s.text.startswith("请问"))
    assert question.text.endswith("?")            # shown as published
    assert question.normalised.endswith("？")      # matched in full-width form
    assert doc.source_urls[0].startswith("https://www.yicai.com/")


def test_traditional_documents_are_flagged_and_normalised_to_simplified(corpus):
    doc = corpus.get("mofcom-2025-06-07-rare-earth-qa", "zh")
    assert doc.is_traditional
    assert not corpus.get("mofcom-2025-06-27-london-framework", "zh").is_traditional
    assert all(s.normalised == normalise_zh(s.text) for s in doc.sentences)
    assert normalise_zh("商務部新聞發言人") == "商务部新闻发言人"


def test_normalise_keeps_length_and_numbers():
    text = "税率为34.5%,自4月10日起:1,000美元?"
    norm = normalise_zh(text)
    assert len(norm) == len(text)
    assert norm == "税率为34.5%，自4月10日起：1,000美元？"


def test_partial_documents_are_marked(corpus):
    assert corpus.get("mofcom-gac-2025-18-rare-earths", "zh").is_partial
    assert not corpus.get("mofcom-2025-06-27-london-framework", "zh").is_partial


def test_unknown_id_suggests_close_ids(corpus):
    with pytest.raises(CorpusError, match="did you mean mofcom-2025-06-27-london-framework"):
        corpus.get("mofcom-2025-06-27-london-framwork")


@pytest.mark.parametrize("raw, message", [
    ("id: x\nlang: zh\n\ntext without separator", "no '---' line"),
    ("id: x\nlang: zh\ndate: 2025-01-01\n---\n正文。", "header lacks issuer, title, source, confidence"),
    ("id: x\nlang: zh\ndate: 1 May\nissuer: a\ntitle: t\nsource: s\nconfidence: c\n---\n正文。", "not YYYY-MM-DD"),
    ("id: x\nlang: zh\ndate: 2025-01-01\nissuer: a\ntitle: t\nsource: s\nconfidence: c\n---\n\n", "no text"),
])
def test_malformed_documents_give_clear_errors(raw, message):
    with pytest.raises(CorpusError, match=message):
        parse_document(raw)


def test_glossary_keeps_attestation():
    terms = load_glossary(ROOT / "corpora" / "glossary.tsv")
    assert len(terms) == 78  # 79 lines: the header and 78 terms
    controlled = next(t for t in terms if t.en == "controlled items")
    assert controlled.zh == "管制物项" and controlled.attestation == "OFFICIAL-BILINGUAL" and controlled.is_official
    assert all(not t.is_official for t in terms if t.attestation == "UNVERIFIED")


def test_cli_corpus_list_and_show(capsys):
    assert dispatch(["corpus", "list"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 46
    row = next(r for r in rows if r[0] == "mofcom-2025-06-27-london-framework")
    assert row[1:4] == ["zh", "2025-06-27", "9"]
    assert row[4].startswith("商务部新闻发言人就中美伦敦框架有关情况答记者问")
    assert dispatch(["corpus", "show", "mofcom-2025-06-27-london-framework"]) == 0
    out = capsys.readouterr().out
    assert "source: https://www.yicai.com/" in out and re.search(r"^\[\d+\] 中方将依法审批符合条件的管制物项出口申请。$", out, re.MULTILINE)
    assert dispatch(["corpus", "show", "no-such-doc"]) == 2
    assert "no zh document with id 'no-such-doc'" in capsys.readouterr().err
