"""Official term enforcement: forced inside Transformers decoding, chosen among CTranslate2 hypotheses."""

from __future__ import annotations

import pytest

from tests.conftest import models_dir_now
from workbench.translate import load_translator
from workbench.translate.postprocess import normalize_zh_punctuation

SOURCE = "China will review export applications for controlled items in accordance with the law."


@pytest.fixture(autouse=True)
def _models_dir(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("WORKBENCH_MODELS_DIR", str(tmp_path_factory.getbasetemp() / "term-models"))


@pytest.mark.slow
def test_transformers_decoding_puts_a_required_term_in(tiny_model):
    translator = load_translator(str(tiny_model), "hf", models_dir=models_dir_now())
    term = "管制物项"
    plain = translator.translate([SOURCE])[0]
    assert term not in plain.text  # so the term below comes from enforcement, not chance

    forced, other = translator.translate([SOURCE, SOURCE], required_terms=[[term], []])
    assert term in forced.text and "term-missing" not in forced.flags
    assert other.text == plain.text  # a segment without terms decodes as before


def test_transformers_enforces_several_multi_piece_terms(tiny_model):
    translator = load_translator(str(tiny_model), "hf", models_dir=models_dir_now())
    terms = ["商务部", "不可靠实体清单"]
    assert any(len(translator.backend.term_tokens(t)) > 1 for t in terms)  # exercises forced continuation
    result = translator.translate([SOURCE], required_terms=[terms])[0]
    assert all(t in result.text for t in terms) and "term-missing" not in result.flags


def test_ctranslate2_picks_the_hypothesis_with_the_term(tiny_model):
    translator = load_translator(str(tiny_model), "ct2", models_dir=models_dir_now())
    backend = translator.backend
    source = backend.source_tokens(SOURCE)
    nbest = backend.generate([source], max_new_tokens=backend.max_new_tokens(len(source)), min_new_tokens=1,
                             num_hypotheses=translator.options.term_hypotheses, required=None)[0]
    texts = [normalize_zh_punctuation(backend.decode(tokens)) for tokens, _ in nbest]
    best = texts[0]
    # A string only a lower-ranked hypothesis has: the top one must lose to it.
    term = next(t[i:i + 2] for t in texts[1:] for i in range(len(t) - 1) if t[i:i + 2] not in best)
    assert translator.translate([SOURCE])[0].text == best

    chosen = translator.translate([SOURCE], required_terms=[[term]])[0]
    assert term in chosen.text and chosen.text in texts[1:]
    assert "term-missing" not in chosen.flags


def test_ctranslate2_flags_a_term_no_hypothesis_has(tiny_model):
    translator = load_translator(str(tiny_model), "ct2", models_dir=models_dir_now())
    result = translator.translate([SOURCE], required_terms=[["不可靠实体清单工作机制"]])[0]
    assert "term-missing" in result.flags
