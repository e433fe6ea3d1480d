"""The adequacy signal: cosine(English, MT) stored with each translation and read by the risk score.

On the tiny test model the value means nothing (its output is noise); these tests check only
that it is measured, stored and counted.
"""

from __future__ import annotations

import pytest

from workbench import pipeline
from workbench.settings import Settings


@pytest.mark.slow
def test_each_stored_translation_carries_its_adequacy_and_the_risk_counts_it(store, tiny_model):
    translator, reason = pipeline.load_translator_or_none(
        Settings.resolve({"model": str(tiny_model), "backend": "transformers"}), store=store)
    assert reason is None
    doc_id = pipeline.process_article("China will review export applications.\nThe talks went well.", store=store,
                                      translator=translator, corpus=None)
    rows = pipeline.open_document(store, doc_id).rows
    for row in rows:
        adequacy = row.mt.options["adequacy"]
        assert isinstance(adequacy, float) and -1.0 <= adequacy <= 1.0
        risk = pipeline.segment_risk(row)
        reasons = {r.signal: r for r in risk.reasons}
        if adequacy < 0.6:  # below ADEQUACY_GOOD the signal shows among the reasons
            assert "adequacy" in reasons and f"{adequacy:.2f}" in reasons["adequacy"].detail
