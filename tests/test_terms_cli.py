"""``workbench terms``: user terms reach the term base, and a corrected rendering propagates as revisions."""

from __future__ import annotations

import pytest

from tests.fixtures.store import sample_document
from workbench.cli import dispatch
from workbench.store import NewDocument, NewTranslation, Store


@pytest.fixture
def db(tmp_path):
    """A database holding the sample document, whose MT renders 'controlled items' wrongly in two segments."""
    path = tmp_path / "wb.db"
    doc = sample_document()
    translations = [NewTranslation(0, "中方将审批受控物品出口申请。", model="tiny"),
                    NewTranslation(1, "美方将取消一系列限制性措施。", model="tiny"),
                    NewTranslation(2, "受控物品清单在伦敦讨论。", model="tiny")]
    with Store(path) as store:
        store.add_document(NewDocument(doc.id, doc.title, doc.source_text, doc.source_format, doc.segments,
                                       translations, doc.links, doc.metadata))
    return path


def test_an_added_term_is_listed_with_who_added_it(db, capsys):
    assert dispatch(["terms", "--db", str(db), "add", "rare earth magnets", "稀土磁体", "--by", "alice"]) == 0
    assert capsys.readouterr().out.startswith("added rare earth magnets = 稀土磁体 (USER) by alice at ")
    assert dispatch(["terms", "--db", str(db), "list"]) == 0
    assert "rare earth magnets\t稀土磁体\tUSER\t" in capsys.readouterr().out.splitlines()
    assert dispatch(["terms", "--db", str(db), "list", "--official"]) == 0
    assert "稀土磁体" not in capsys.readouterr().out  # a user suggestion is never shown as official


def test_an_official_attestation_needs_its_source(db, capsys):
    assert dispatch(["terms", "--db", str(db), "add", "x", "甲", "--by", "alice",
                     "--attestation", "OFFICIAL-BILINGUAL"]) == 2
    assert capsys.readouterr().err.strip() == ("workbench: error: attestation OFFICIAL-BILINGUAL needs the source "
                                               "that proves it; cite the document")


def test_propagation_shows_then_saves_one_revision_per_segment(db, capsys):
    args = ["terms", "--db", str(db), "propagate", "doc-sample", "受控物品", "管制物项"]
    assert dispatch(args) == 0
    shown = capsys.readouterr().out
    assert shown.endswith("2 segment(s) would change (add --apply to save)\n")
    with Store(db) as store:
        assert store.count_revisions() == 0  # showing changes nothing

    assert dispatch([*args, "--apply"]) == 2
    assert "give --by NAME" in capsys.readouterr().err
    assert dispatch([*args, "--apply", "--by", "bob"]) == 0
    assert capsys.readouterr().out.endswith("2 segment(s) changed\n")
    with Store(db) as store:
        finals = {seg.position: store.review(seg.id) for seg in store.segments("doc-sample")}
    assert finals[0].text == "中方将审批管制物项出口申请。" and finals[0].reviewer == "bob"
    assert finals[2].text == "管制物项清单在伦敦讨论。" and finals[2].state == "edited"
    assert finals[1].revision == 0  # no term there: untouched
