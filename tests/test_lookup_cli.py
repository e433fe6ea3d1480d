"""``workbench lookup`` as text: each hit with its score, place, sentence, matched terms and meaning score."""

from __future__ import annotations

from workbench.cli import dispatch


def test_lookup_text_names_the_terms_and_the_meaning_score(capsys):
    assert dispatch(["lookup", "China will review and approve applications for the export of controlled items",
                     "--top", "1", "--no-mt"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    score, place, sentence, terms, meaning = line.split("\t")
    assert (place, sentence) == ("mofcom-2025-06-27-london-framework#6", "中方将依法审批符合条件的管制物项出口申请。")
    assert "applications for the export of controlled items=管制物项出口申请" in terms
    assert meaning == "meaning 0.58" and float(score) > 0  # use-m cosine of the two sentences
