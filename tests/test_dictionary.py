"""The English→Chinese dictionary: glossary first, names, inverted CC-CEDICT, inflections, phrases."""

from __future__ import annotations

import pytest

from workbench.dictionary import BilingualDictionary, lemma, load_dictionary


@pytest.fixture(scope="module")
def dictionary():
    return load_dictionary()


def test_glossary_phrases_match_the_official_wording(dictionary):
    en = "China will review and approve applications for the export of controlled items"
    matches = dictionary.match(en, "中方将依法审批符合条件的管制物项出口申请。")
    found = {(m.en, m.zh, m.source) for m in matches}
    assert ("review and approve", "依法审批", "glossary") in found
    assert ("applications for the export of controlled items", "管制物项出口申请", "glossary") in found
    assert ("China", "中方", "names") in found


def test_glossary_outranks_the_general_dictionary(dictionary):
    assert dictionary.translations("tariffs")[0] == ("关税", "glossary")
    assert all(source == "cedict" for _, source in dictionary.translations("tariffs")[1:])


def test_inverted_cedict_handles_inflections(dictionary):
    assert "取消" in {zh for zh, _ in dictionary.translations("cancelling")}
    assert "批准" in {zh for zh, _ in dictionary.translations("approved")}
    assert "申请书" in {zh for zh, _ in dictionary.translations("applications")}
    assert dictionary.match("They were cancelling sanctions", "美方将取消制裁")[0].zh == "取消"


def test_names_and_places(dictionary):
    assert dictionary.translations("London")[0] == ("伦敦", "names")
    assert {m.zh for m in dictionary.match("the U.S. side", "美方表示")} == {"美方"}


def test_a_longer_phrase_wins_over_its_words():
    small = BilingualDictionary.build([("controlled items", "管制物项")], [("物品", ["item", "article"])])
    matches = small.match("export of controlled items", "管制物项出口")
    assert [(m.en, m.zh) for m in matches] == [("controlled items", "管制物项")]
    # when the phrase's Chinese is absent, its words are tried one by one
    assert [(m.en, m.zh) for m in small.match("controlled items", "这些物品")] == [("items", "物品")]


def test_cedict_glosses_are_cleaned_and_single_characters_skipped():
    small = BilingualDictionary.build([], [("审查", ["to review (a document)", "CL:個|个[ge4]"]),
                                           ("查", ["to check"]), ("剑桥", ["Cambridge, university city of the UK"])])
    assert small.translations("review") == (("审查", "cedict"),)
    assert small.translations("check") == ()
    assert small.translations("Cambridge") == (("剑桥", "cedict"),)


def test_lemmas():
    assert [lemma(w) for w in ["items", "policies", "taxes", "was", "measures", "stopped", "China's"]] == [
        "item", "policy", "tax", "be", "measure", "stop", "china"]


def test_the_built_dictionary_is_cached_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_MODELS_DIR", str(tmp_path))
    load_dictionary.cache_clear()
    try:
        built = load_dictionary()
        cached = list((tmp_path / "cache").glob("dictionary-*.pickle"))
        assert len(cached) == 1 and not list((tmp_path / "cache").glob("*.tmp"))
        load_dictionary.cache_clear()
        assert load_dictionary().translations("London") == built.translations("London")
    finally:
        load_dictionary.cache_clear()
