"""Look-up against the dev set built from the shipped corpus, and news mode's figures, pinned per signature."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from workbench.align import NewsAligner, lookup
from workbench.corpus import OfficialCorpus

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from lookup_dev import build, paraphrase, paraphrased_items  # noqa: E402
from lookup_quality import lookup_scores, news_scores  # noqa: E402

# The figures below hold for this signature; a change to the weights, the encoder or the
# glossary changes it, and the figures are measured again.
SIGNATURE = ("mode:news|signals:meaning+dictionary+numbers+quotes+clauses|max-bead:3|mt:none|version:3"
             "|weights:91f9194c4fa6|embedder:use-m|glossary:10ebba2aa40f")


@pytest.fixture(scope="module")
def corpus():
    return OfficialCorpus.load()


def test_the_signature_names_weights_encoder_and_glossary(corpus):
    aligner = NewsAligner(corpus)
    assert str(aligner.signature()) == SIGNATURE
    assert aligner.weights.signature() == "91f9194c4fa6"


def test_the_kept_dev_set_holds_the_corpus_sentences_and_their_paraphrases(corpus):
    items = build(corpus)
    kinds = [item.kind for item in items]
    assert (kinds.count("exact"), kinds.count("demo"), kinds.count("paraphrased")) == (47, 4, 36)
    chinese = {s.normalised for d in corpus.documents("zh") for s in d.sentences}
    english = {s.text for d in corpus.documents("en") for s in d.sentences}
    assert all(item.accepted and item.accepted <= chinese for item in items)
    exact = [item for item in items if item.kind == "exact"]
    assert all(item.query in english for item in exact)
    assert [item for item in items if item.kind == "paraphrased"] == paraphrased_items(exact)
    assert paraphrase("1. The United States will continue to modify the application of the measures.") == (
        "Officials said the United States would go on to modify the application of the steps.")
    assert paraphrase("In accordance with the law, China shall approve eligible applications.") == (
        "Officials said China would grant eligible requests, under the law.")


def test_lookup_top1_and_top3_on_the_dev_set(corpus):
    scores = lookup_scores(build(corpus), corpus)
    assert {kind: (s["n"], round(s["top1"], 3), round(s["top3"], 3)) for kind, s in scores.items()} == {
        "exact": (47, 0.957, 0.957), "demo": (4, 0.75, 0.75), "paraphrased": (36, 0.972, 0.972),
        "all": (87, 0.954, 0.954)}


def test_news_mode_links_the_four_statements_and_nothing_else(corpus):
    news = news_scores(corpus)
    assert (news["statements"], news["of"], news["other_links"], news["sentences_linked"]) == (4, 4, 0, 2)


def test_a_hit_names_its_meaning_score_beside_its_terms(corpus):
    hit = lookup("China is willing to boost communication and dialogue on export control with related nations",
                 corpus, top_k=1)[0]
    assert hit.doc_id == "mofcom-2025-06-07-rare-earth-qa" and hit.index == 6
    signals = hit.evidence.signals
    assert {"dictionary", "meaning", "meaning_cosine", "meaning_margin"} <= set(signals)
    assert ("communication", "沟通") in {(t.en, t.zh) for t in hit.evidence.terms}
