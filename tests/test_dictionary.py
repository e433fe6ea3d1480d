"""The English→Chinese dictionary: glossary first, names, inverted CC-CEDICT, inflections, phrases."""

from __future__ import annotations

import pytest

from workbench.dictionary import BilingualDictionary, lemma, load_dictionary, stem_key


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


@pytest.mark.slow
def test_the_built_dictionary_is_cached_on_disk(tmp_path):
    from workbench.dictionary import forget_loaded_dictionaries

    forget_loaded_dictionaries()
    try:
        built = load_dictionary(cache_dir=tmp_path / "cache")
        cached = list((tmp_path / "cache").glob("dictionary-*.pickle"))
        assert len(cached) == 1 and not list((tmp_path / "cache").glob("*.tmp"))
        forget_loaded_dictionaries()
        assert load_dictionary(cache_dir=tmp_path / "cache").translations("London") == built.translations("London")
    finally:
        forget_loaded_dictionaries()


@pytest.mark.slow
def test_an_edited_glossary_is_picked_up_by_every_caller(tmp_path):
    from workbench.settings import SHIPPED_GLOSSARY

    glossary = tmp_path / "glossary.tsv"
    glossary.write_text(SHIPPED_GLOSSARY.read_text(encoding="utf-8"), encoding="utf-8")
    before = load_dictionary(glossary, cache_dir=tmp_path / "cache")
    assert load_dictionary(glossary, cache_dir=tmp_path / "cache") is before  # built once per file state
    with glossary.open("a", encoding="utf-8") as fh:
        fh.write("zebra crossing\t斑马线\tUNVERIFIED test\n")
    import os

    os.utime(glossary, ns=(1, 1))  # a different modification time, as an editor's save gives
    after = load_dictionary(glossary, cache_dir=tmp_path / "cache")
    assert after is not before and "斑马线" in {zh for zh, _ in after.translations("zebra crossing")}


def test_another_form_of_a_word_finds_its_equivalent_by_stem(dictionary):
    zh = "伦敦会谈后,中美双方团队保持着密切沟通。"
    assert [(m.en, m.zh) for m in dictionary.match("close communication", zh)] == [("close", "密切")]
    found = dictionary.match("close communication", zh, stems=True)
    assert [(m.en, m.zh, m.source) for m in found] == [("close", "密切", "cedict"), ("communication", "沟通", "cedict+stem")]
    # keys come stemmed, so English and Chinese compare in one form; a word with no key of its own finds one
    keys = dictionary.english_keys("trade negotiators kept communicating", stems=True)
    assert [(key, surface) for key, surface, _start in keys] == [
        ("trade", "trade"), ("negoti", "negotiators"), ("keep", "kept"), ("communic", "communicating")]
    assert stem_key("close communication") == "close communic"


def test_pairs_of_parties_name_both_at_once(dictionary):
    for english in ("China and the United States", "Chinese and American", "the U.S. and China"):
        assert [m.zh for m in dictionary.match(english, "中美双方团队")] == ["中美"], english
