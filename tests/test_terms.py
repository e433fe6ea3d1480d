"""The term base: attestation mapping, English inflection-insensitive matching, Chinese substrings, user terms."""

from __future__ import annotations

import pytest

from workbench.errors import CorpusError, InputError
from workbench.settings import PROJECT_ROOT
from workbench.terms import (
    Term,
    TermBase,
    add_user_term,
    check_terms,
    load_glossary,
    load_user_terms,
    parse_attestation,
)
from workbench.terms.glossary import chinese_forms, english_forms
from workbench.text.en import word_keys

GLOSSARY_ROWS = {t.en: t for t in load_glossary(PROJECT_ROOT / "corpora" / "glossary.tsv")}


@pytest.fixture(scope="module")
def termbase() -> TermBase:
    return TermBase.load(user_terms=False)


# --- attestation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "expected"), [
    ("OFFICIAL-BILINGUAL: Export Control Law Art.2 — http://x", "OFFICIAL-BILINGUAL"),
    ("OFFICIAL-BILINGUAL (MOFCOM ZH / Xinhua EN) — http://x", "OFFICIAL-BILINGUAL"),
    ("XINHUA ZH/EN same story — ZH http://x", "XINHUA"),
    ("CROSS-DOC: Geneva ZH uses ...", "CROSS-DOC"),
    ("MEDIA-EN: ZH http://x", "MEDIA-EN"),
    ("UNOFFICIAL-EN: Ann.18 preamble", "UNOFFICIAL-EN"),
    # A label the cell itself undercuts is capped: the English was never seen verbatim.
    ("OFFICIAL-BILINGUAL: Geneva joint statement; EN in paraphrases — EN final paragraph not retrieved verbatim",
     "MEDIA-EN"),
    # Labels that are not attestation names.
    ("BILINGUAL (unofficial EN): same title pair — http://x", "UNOFFICIAL-EN"),
    ("SCIO ZH/EN: section IV ...", "OFFICIAL-BILINGUAL"),
    ("XINHUA/SCIO ZH/EN: white paper title", "XINHUA"),
    ("TERM-LEVEL: ZH ...; no same-document pair found", "UNVERIFIED"),
    ("UNOFFICIAL-EN, renderings differ ... Official MOFCOM English name UNVERIFIED", "UNVERIFIED"),
    ("Geneva ZH http://x; EN paraphrase https://y (verbatim EN para not retrieved)", "MEDIA-EN"),
    ("Ann.18 title (ZH http://x ; EN unofficial http://y)", "UNOFFICIAL-EN"),
    ("Geneva ZH/EN http://x (EN uses 'rate of duty')", "UNVERIFIED"),
    ("", "UNVERIFIED"),
    ("OFFICIALLY-ISH: made up", "UNVERIFIED"),
])
def test_attestation_mapping_is_conservative(cell, expected):
    assert parse_attestation(cell) == expected


def test_every_enforced_glossary_row_carries_a_clean_official_label():
    official = [t for t in GLOSSARY_ROWS.values() if t.is_official]
    assert len(official) >= 20
    for term in official:
        assert term.source.startswith(("OFFICIAL-BILINGUAL", "XINHUA", "CROSS-DOC", "SCIO")), term.en
        assert "UNVERIFIED" not in term.source and "verbatim" not in term.source, term.en


@pytest.mark.parametrize(("en", "attestation"), [
    ("controlled items", "OFFICIAL-BILINGUAL"),
    ("Unreliable Entity List", "OFFICIAL-BILINGUAL"),
    ("export operator", "UNVERIFIED"),
    ("Vice Premier of the State Council", "MEDIA-EN"),
    ("spokesperson", "UNOFFICIAL-EN"),
    ("Entity List (U.S. BIS)", "UNVERIFIED"),
    ("Bureau of Industry Security, Import and Export Control (MOFCOM)", "UNVERIFIED"),
    ("tariffs", "UNVERIFIED"),
    ("precursors (of fentanyl-related substances)", "OFFICIAL-BILINGUAL"),
])
def test_shipped_glossary_rows_map_as_read(en, attestation):
    assert GLOSSARY_ROWS[en].attestation == attestation


def test_an_unverified_term_is_found_but_never_enforced(termbase):
    source = "The export operator must apply for a licence."
    assert [m.term.en for m in termbase.find(source)] == ["export operator"]
    assert termbase.required_zh(source) == []
    (check,) = termbase.check(source, "经营者必须申请许可证。")
    assert not check.respected and not check.enforced and not check.violated
    assert check.to_dict()["official"] is False


def test_load_glossary_rejects_a_file_without_header(tmp_path):
    bad = tmp_path / "glossary.tsv"
    bad.write_text("controlled items\t管制物项\tOFFICIAL-BILINGUAL\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="header"):
        load_glossary(bad)
    with pytest.raises(CorpusError, match="not found"):
        load_glossary(tmp_path / "missing.tsv")


# --- forms ------------------------------------------------------------------------------------------


def test_glossary_cells_expand_to_plain_forms():
    assert english_forms("nonproliferation (also: non-proliferation)")[:2] == ("nonproliferation", "non-proliferation")
    assert set(english_forms("meet (each other) halfway / move in the same direction")) == {
        "meet halfway", "meet each other halfway", "move in the same direction"}
    assert english_forms("Entity List (U.S. BIS)")[0] == "Entity List"
    assert chinese_forms("国务院关税税则委员会 (abbr. 税委会)") == ("国务院关税税则委员会", "税委会")
    assert set(chinese_forms("负责任(的)大国")) == {"负责任大国", "负责任的大国"}
    assert chinese_forms("(就…框架)达成原则一致") == ("达成原则一致",)
    assert Term("x", "符合国际通行做法 / 国际通行做法", "XINHUA").zh_required == "国际通行做法"
    assert Term("x", "国家禁毒委员会办公室 (国家禁毒办)", "XINHUA").zh_forms == ("国家禁毒委员会办公室", "国家禁毒办")


# --- English matching -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "It lists a controlled item.", "Controlled Items are listed.", "CONTROLLED ITEMS", "controlled-items rules",
])
def test_terms_match_whatever_the_inflection_and_case(termbase, text):
    assert "管制物项" in termbase.required_zh(text)


@pytest.mark.parametrize("text", ["items that are controlled", "controlled goods", "the item list"])
def test_terms_do_not_match_other_word_sequences(termbase, text):
    assert "管制物项" not in termbase.required_zh(text)


def test_inflection_keys_cover_verbs_plurals_and_british_spelling():
    assert "safeguard" in word_keys("safeguarding")
    assert word_keys("organisations") & word_keys("organization")
    assert word_keys("licences") & word_keys("license")
    assert "interest" in word_keys("interests")


def test_longest_match_wins_but_never_hides_an_official_term(termbase):
    source = ("China will review and approve applications for the export of controlled items "
              "in accordance with the law.")
    found = {m.term.en: m for m in termbase.find(source)}
    assert found["review and approve ... in accordance with the law"].text.endswith("with the law")
    assert "applications for the export of controlled items" in found
    # The official term inside an unofficial longer one stays enforced.
    assert termbase.required_zh(source) == ["管制物项"]
    # An official longer term does hide a shorter one it contains.
    assert [m.term.en for m in termbase.find("scheduled precursor chemicals")] == [
        "scheduled precursor chemicals (also: precursor chemicals)"]
    # And the better-attested "Unreliable Entity List" hides the unverified "Entity List".
    assert termbase.required_zh("the Unreliable Entity List") == ["不可靠实体清单"]


def test_match_offsets_point_into_the_source(termbase):
    source = "Beijing said the Controlled Items would be reviewed."
    (match,) = [m for m in termbase.find(source) if m.term.en == "controlled items"]
    assert source[match.start:match.end] == "Controlled Items" == match.text


# --- Chinese side -----------------------------------------------------------------------------------


def test_chinese_side_is_a_substring_match_that_tolerates_spaces_and_traditional(termbase):
    source = "The controlled items were listed."
    assert check_terms(source, "这些管制物项已列入清单。", termbase)[0].respected
    assert check_terms(source, "这些管制 物项已列入清单。", termbase)[0].respected
    assert check_terms(source, "這些管制物項已列入清單。", termbase)[0].respected
    wrong = check_terms(source, "这些受控物品已列入清单。", termbase)[0]
    assert not wrong.respected and wrong.violated and wrong.required == "管制物项"
    right = check_terms(source, "这些管制物项已列入清单。", termbase)[0]
    assert (right.zh_start, right.zh_end) == (2, 6)


# --- user terms -------------------------------------------------------------------------------------


def test_user_terms_persist_with_author_and_time_and_stay_suggestions(store):
    stored = add_user_term("tariff-rate quota", "关税配额", added_by="li.wei", store=store)
    assert stored.added_by == "li.wei" and stored.added_at
    assert load_user_terms(store) == [stored]
    termbase = TermBase.load(db=store)
    source = "Tariff-rate quotas apply to wheat."
    (match,) = termbase.find(source)
    assert match.term == stored
    assert termbase.required_zh(source) == []


def test_a_user_term_with_a_cited_official_source_is_enforced_within_its_dates(store):
    add_user_term("tariff exclusion", "关税排除", added_by="li.wei", attestation="OFFICIAL-BILINGUAL",
                  source="Tariff Commission announcement, both languages", valid_from="2025-01-01",
                  valid_to="2025-12-31", store=store)
    termbase = TermBase.load(db=store)
    assert termbase.required_zh("a tariff exclusion", on="2025-06-01") == ["关税排除"]
    assert termbase.required_zh("a tariff exclusion", on="2026-01-01") == []


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"en": "", "zh": "关税"}, "both"),
    ({"en": "duty", "zh": "关税", "added_by": " "}, "who adds it"),
    ({"en": "duty", "zh": "关税", "attestation": "OFFICIAL"}, "unknown attestation"),
    ({"en": "duty", "zh": "关税", "attestation": "XINHUA"}, "needs the source"),
    ({"en": "duty", "zh": "关税", "valid_from": "June 2025"}, "YYYY-MM-DD"),
    ({"en": "duty", "zh": "关税", "valid_from": "2025-06-02", "valid_to": "2025-06-01"}, "after"),
])
def test_bad_user_terms_are_refused_with_what_to_do(kwargs, message, store):
    kwargs = {"added_by": "li.wei", **kwargs}
    with pytest.raises(InputError, match=message):
        add_user_term(kwargs.pop("en"), kwargs.pop("zh"), store=store, **kwargs)
    assert load_user_terms(store) == []

