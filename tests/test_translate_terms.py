"""Official term enforcement: forced inside Transformers decoding, chosen among CTranslate2 hypotheses."""

from __future__ import annotations

import importlib.util
from pathlib import Path

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
    # Choosing among hypotheses only (no target prefix): a term none of them holds is flagged.
    translator = load_translator(str(tiny_model), "ct2", models_dir=models_dir_now(), term_prefix=False)
    result = translator.translate([SOURCE], required_terms=[["不可靠实体清单工作机制"]])[0]
    assert "term-missing" in result.flags


# --- one suite for both backends: with enforcement every required term is in the output ---------------

from workbench.translate.constraints import TERM_HOW, RequiredTerm  # noqa: E402
from workbench.translate.tokenizer import MarianTokenizerAdapter, SentencePieceTokenizer  # noqa: E402

SENTENCES = [
    "China will review export applications for controlled items in accordance with the law.",
    "The Ministry of Commerce said the measures on controlled items take effect on Friday.",
    "Both sides agreed to keep communicating on economic and trade issues.",
    "Rare earth exports that meet the requirements will be approved.",
    "Washington will lift a series of restrictive measures against China.",
    "The unreliable entity list includes several foreign firms.",
]
CONTROLLED = RequiredTerm("管制物项", ["controlled items"], ["受控物品"])
MOFCOM = RequiredTerm("商务部", ["Ministry of Commerce"])
UEL = RequiredTerm("不可靠实体清单", ["unreliable entity list"])
# One sentence long enough to be split: the two terms fall into different pieces.
LONG = ("The Ministry of Commerce said that " + "; ".join(
    f"the {n}th working group on tariffs and rare earths shall meet in Geneva" for n in range(1, 25))
    + "; and the unreliable entity list stays in force.")


@pytest.fixture(scope="module")
def real_size_model(tmp_path_factory):
    """A random model of exactly the opus-mt-en-zh size (as benchmarks/mt_speed.py builds it), once per module."""
    from tests.fixtures.model import _load_builder

    spec = importlib.util.spec_from_file_location("mt_speed", Path(__file__).parents[1] / "benchmarks" / "mt_speed.py")
    mt_speed = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mt_speed)
    return _load_builder().build_model(tmp_path_factory.mktemp("real-size") / "opus-mt-en-zh-random",
                                       **mt_speed.REAL_CONFIG)


@pytest.fixture(scope="module", params=[
    ("tiny", "ctranslate2"), ("tiny", "transformers"),
    # The real size: attention, vocabulary and lengths as the shipped model has them. Pieces of at
    # most 64 tokens keep its decoding short; the long sentence still splits.
    pytest.param(("real-size", "ctranslate2"), marks=pytest.mark.slow),
    pytest.param(("real-size", "transformers"), marks=pytest.mark.slow)], ids=lambda p: "-".join(p))
def any_backend(request, tmp_path_factory):
    size, backend = request.param
    model = request.getfixturevalue("tiny_model" if size == "tiny" else "real_size_model")
    options = {} if size == "tiny" else {"max_source_tokens": 64}
    return load_translator(str(model), backend, models_dir=tmp_path_factory.mktemp("suite-models"), **options)


def term_flags(translation):
    return [f for f in translation.flags if f.startswith("term:")]


def test_every_required_term_is_in_every_output(any_backend):
    terms = [[(CONTROLLED, MOFCOM, UEL)[n % 3]] for n in range(len(SENTENCES))]
    results = any_backend.translate(SENTENCES, required_terms=terms)
    for result, (term,) in zip(results, terms):
        assert term in result.text and "term-missing" not in result.flags
        (flag,) = term_flags(result)
        assert flag.startswith(f"term:{term}:") and flag.rsplit(":", 1)[1] in TERM_HOW


def test_two_terms_in_one_sentence_are_both_in(any_backend):
    source = "The Ministry of Commerce added three firms to the unreliable entity list."
    result = any_backend.translate([source], required_terms=[[MOFCOM, UEL]])[0]
    assert "商务部" in result.text and "不可靠实体清单" in result.text and "term-missing" not in result.flags
    assert sorted(f.split(":")[1] for f in term_flags(result)) == ["不可靠实体清单", "商务部"]


def test_a_sentence_split_for_length_gets_each_term_in_its_piece(any_backend):
    result = any_backend.translate([LONG], required_terms=[[MOFCOM, UEL]])[0]
    assert "split" in result.flags
    assert "商务部" in result.text and "不可靠实体清单" in result.text and "term-missing" not in result.flags


def test_plain_strings_without_english_are_enforced_too(any_backend):
    result = any_backend.translate([SENTENCES[2]], required_terms=[["不可靠实体清单工作机制"]])[0]
    assert "不可靠实体清单工作机制" in result.text and "term-missing" not in result.flags


def test_ctranslate2_puts_a_missing_term_in_with_a_target_prefix(tiny_model):
    translator = load_translator(str(tiny_model), "ct2", models_dir=models_dir_now())
    plain = translator.translate([SENTENCES[0]])[0]
    assert "管制物项" not in plain.text  # so the term below comes from enforcement
    forced = translator.translate([SENTENCES[0]], required_terms=[[CONTROLLED]])[0]
    assert "管制物项" in forced.text
    assert term_flags(forced) == ["term:管制物项:prefix"]  # placed where attention pointed


def test_without_enforcement_the_flag_says_the_term_is_missing(tiny_model):
    translator = load_translator(str(tiny_model), "ct2", models_dir=models_dir_now(), term_prefix=False)
    result = translator.translate([SENTENCES[0]], required_terms=[[CONTROLLED]])[0]
    assert "term-missing" in result.flags and not term_flags(result)


def test_wrong_renderings_become_suppressed_sequences(tiny_model):
    backend = load_translator(str(tiny_model), "ct2", models_dir=models_dir_now()).backend
    from workbench.translate.constraints import TermRequest

    (sequence,) = backend.suppressed_sequences([[TermRequest("管制物项", None, ("受控物品",))]])
    assert backend.decode(sequence) == "受控物品"


def test_sentencepiece_tokenizer_matches_marian_tokenizer_on_the_corpus(tiny_model):
    from tests.fixtures.model import _load_builder

    corpus_lines = _load_builder().corpus_lines
    plain, marian = SentencePieceTokenizer(tiny_model), MarianTokenizerAdapter(tiny_model)
    english, chinese = list(corpus_lines("en"))[:400], list(corpus_lines("zh"))[:400]
    assert len(english) >= 50 and len(chinese) >= 200
    for text in english:
        assert plain.source_tokens(text, ">>cmn_Hans<<") == marian.source_tokens(text, ">>cmn_Hans<<")
    for text in chinese:
        pieces = plain.target_pieces(text)
        assert pieces == marian.target_pieces(text)
        assert plain.decode([*pieces, "</s>"]) == marian.decode([*pieces, "</s>"])
