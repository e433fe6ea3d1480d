"""Each QA check with examples it must flag and examples it must leave alone."""

from __future__ import annotations

import pytest

from workbench.qa import CHECK_NAMES, QAFlag, check_document, run_checks
from workbench.qa.number import check_numbers
from workbench.qa.punctuation import check_punctuation
from workbench.qa.script import check_empty, check_traditional, check_untranslated
from workbench.qa.shape import ZH_CHARS_PER_EN_CHAR, check_length, check_repetition
from workbench.terms import Term, TermBase


@pytest.fixture(scope="module")
def termbase() -> TermBase:
    return TermBase.load(user_terms=False)


def checks_of(flags: list[QAFlag]) -> list[str]:
    return [f.check for f in flags]


# --- numbers ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "translation"), [
    ("Tariffs rose 24 percent.", "关税上涨24%。"),
    ("Trade reached 1.2 billion dollars.", "贸易额达12亿美元。"),
    ("Executive Order 14,257 applies.", "第14257号行政令适用。"),
    ("Talks were held on June 9 and 10.", "会谈于6月9日至10日举行。"),
    ("The statement was issued on May 14, 2025.", "声明于2025年5月14日发布。"),
    ("They suspended 24 percentage points.", "暂停24个百分点。"),
    ("The two sides met.", "双方举行会谈。"),  # spelt-out numbers are rendered freely
    ("Article 1 and Article 12 apply.", "第一条和第十二条适用。"),
])
def test_numbers_in_an_acceptable_chinese_form_pass(source, translation):
    assert check_numbers(source, translation) == []


@pytest.mark.parametrize(("source", "translation", "missing"), [
    ("Tariffs rose 24 percent.", "关税上涨42%。", "24 percent"),
    ("Trade reached 1.2 billion dollars.", "贸易额达1.2亿美元。", "1.2 billion"),
    ("Talks were held on June 9 and 10.", "会谈于6月9日举行。", "June 9 and 10"),
    ("Article 1 applies.", "一些条款适用。", "1"),
    ("The statement was issued on May 14, 2025.", "声明于5月14日发布。", "May 14, 2025"),
])
def test_a_missing_or_changed_number_is_flagged(source, translation, missing):
    flags = check_numbers(source, translation)
    assert flags and all(f.check == "number" for f in flags)
    assert any(f"'{missing}'" in f.message for f in flags)


def test_a_number_the_translation_adds_is_flagged_where_it_is():
    translation = "关税上涨24%，为期90天。"
    (flag,) = check_numbers("Tariffs rose 24 percent.", translation)
    assert translation[flag.start:flag.end] == "90"


# --- terms and consistency ---------------------------------------------------------------------------

def test_an_official_term_rendered_otherwise_is_flagged(termbase):
    source = "China will review applications for the export of controlled items."
    assert "term" in checks_of(run_checks(source, "中方将审查受控物品的出口申请。", termbase=termbase))
    assert "term" not in checks_of(run_checks(source, "中方将审查管制物项出口申请。", termbase=termbase))


def test_an_unverified_term_rendered_otherwise_is_not_a_term_flag(termbase):
    flags = run_checks("The export operator must apply.", "出口商必须申请。", termbase=termbase)
    assert "term" not in checks_of(flags)


def test_a_term_rendered_two_ways_in_one_document_is_inconsistent(termbase):
    segments = [
        ("1", "Rare earths matter.", "稀土很重要。"),
        ("2", "Exports of rare earths fell.", "稀有金属出口下降。"),
        ("3", "Rare earths are listed.", "稀土已列入。"),
    ]
    flags = check_document(segments, termbase=termbase)
    assert checks_of(flags["1"]) == [] and checks_of(flags["3"]) == []
    (flag,) = flags["2"]
    assert flag.check == "consistency" and "稀土" in flag.message and "segment 1, 3" in flag.message


def test_a_document_rendering_a_term_one_way_is_consistent(termbase):
    segments = [("1", "Rare earths matter.", "稀有金属很重要。"), ("2", "Rare earths fell.", "稀有金属下降。")]
    assert all(flags == [] for flags in check_document(segments, termbase=termbase).values())


# --- punctuation --------------------------------------------------------------------------------------

def test_half_width_punctuation_between_chinese_is_flagged_where_it_is():
    translation = "中方表示,将继续磋商:双方同意."
    flags = check_punctuation("China said it would continue.", translation)
    assert [translation[f.start:f.end] for f in flags] == [",", ":", "."]


@pytest.mark.parametrize("translation", ["增长1.5%，约1,000吨。", "美国U.S.表示，Inc.公司", "比分3:2。"])
def test_half_width_marks_inside_numbers_and_latin_text_pass(translation):
    assert check_punctuation("Trade grew.", translation) == []


@pytest.mark.parametrize(("translation", "culprit"), [
    ("他说：“我们将继续。", "“"),
    ("他说：我们将继续。”", "”"),
    ("（见附件", "（"),
    ("《出口管制法", "《"),
    ("他说\"继续。", '"'),
])
def test_unbalanced_quotes_and_brackets_are_flagged(translation, culprit):
    flags = check_punctuation("He said so.", translation)
    assert any(translation[f.start:f.end] == culprit for f in flags)


def test_doubled_punctuation_is_flagged():
    (flag,) = check_punctuation("It grew.", "增长了。。")
    assert flag.start == 3


def test_law_titles_belong_in_book_title_marks():
    source = "Under the Export Control Law of the People's Republic of China, licences are required."
    (flag,) = check_punctuation(source, "根据中华人民共和国出口管制法，需要许可证。")
    assert "《》" in flag.message and "Export Control Law" in flag.message
    assert check_punctuation(source, "根据《中华人民共和国出口管制法》，需要许可证。") == []
    assert check_punctuation("The law applies to exports.", "该法律适用于出口。") == []


def test_a_known_title_outside_book_title_marks_is_flagged_where_it_is(termbase):
    source = "Under the Export Control Law of the People's Republic of China, licences are required."
    translation = "根据中华人民共和国出口管制法，需要许可证。"
    (flag,) = [f for f in run_checks(source, translation, termbase=termbase) if f.check == "punctuation"]
    assert translation[flag.start:flag.end] == "中华人民共和国出口管制法"
    assert [f.check for f in run_checks(source, "根据《中华人民共和国出口管制法》，需要许可证。",
                                        termbase=termbase)] == []


def test_sentence_openers_are_not_part_of_a_title():
    (flag,) = check_punctuation("Under the Trade Act of 1974, duties apply.", "根据1974年贸易法，征收关税。")
    assert "(Trade Act)" in flag.message
    assert check_punctuation("Control Policies, the Control List and Control Measures", "管制政策、管制清单和管制措施") == []


def test_terms_outside_their_validity_dates_are_not_checked():
    termbase = TermBase([Term("tariff exclusion", "关税排除", "XINHUA", valid_from="2025-01-01", valid_to="2025-12-31")])
    source, translation = "A tariff exclusion applies.", "适用关税豁免。"
    assert "term" in checks_of(run_checks(source, translation, termbase=termbase, on="2025-06-01"))
    assert "term" not in checks_of(run_checks(source, translation, termbase=termbase, on="2026-06-01"))


# --- script, untranslated, empty -------------------------------------------------------------------------

def test_traditional_characters_are_flagged_with_the_simplified_spelling():
    translation = "中美雙方就管制物項達成一致。"
    flags = check_traditional(translation)
    assert [translation[f.start:f.end] for f in flags] == ["雙", "項達"]
    assert "双" in flags[0].message
    assert check_traditional("中美双方就管制物项达成一致，著名学者。") == []


def test_untranslated_english_words_are_flagged_but_names_and_acronyms_stay():
    translation = "美方限制芯片设计软件（EDA）出口，Trump表示export controls将继续，WTO和U.S.。"
    (flag,) = check_untranslated(translation)
    assert translation[flag.start:flag.end] == "export controls"
    assert check_untranslated("美方限制EDA软件出口，特朗普和WTO表示重量为5 kg。") == []


def test_empty_output_is_flagged_alone():
    assert checks_of(run_checks("Tariffs rose 24 percent.", "  ")) == ["empty"]
    assert check_empty("Tariffs rose.", "关税上涨。") == []
    assert check_empty("—", "") == []


# --- length and repetition ------------------------------------------------------------------------------

def test_length_far_from_what_the_source_predicts_is_flagged():
    source = "The Ministry of Commerce said on Friday that it would review applications in accordance with the law."
    assert checks_of(check_length(source, "商务部。")) == ["length"]
    assert checks_of(check_length(source, "商务部周五表示，将依法审查申请。" * 8)) == ["length"]
    assert check_length(source, "商务部周五表示，将依法审查相关申请。") == []
    assert check_length("Hello.", "你好。") == []  # too short a source to judge


def test_length_ratio_matches_the_shipped_bilingual_documents():
    from workbench.corpus import OfficialCorpus

    corpus = OfficialCorpus.load()
    complete = [d for d in corpus.documents("en")
                if corpus.has_pair(d.id) and not d.is_partial and not corpus.get(d.id, "zh").is_partial]
    assert complete
    for doc in complete:
        zh = corpus.get(doc.id, "zh").text
        ratio = len("".join(zh.split())) / len(doc.text)
        assert 0.7 < ratio / ZH_CHARS_PER_EN_CHAR < 1.4, doc.id


@pytest.mark.parametrize("translation", ["你好你好你好你好", "中方表示，中方表示，中方表示，中方表示", "好好好好好"])
def test_runaway_repetition_is_flagged(translation):
    (flag,) = check_repetition(translation)
    assert flag.check == "repetition" and (flag.start, flag.end) == (0, len(translation))


def test_a_long_phrase_recurring_is_flagged():
    translation = "中美经贸磋商机制会议，" + "中美经贸磋商机制会议，".join(["甲", "乙", "丙"])
    assert checks_of(check_repetition(translation)) == ["repetition"]


@pytest.mark.parametrize("translation", ["谢谢。——……", "他们讨论讨论。", "2000年和3000吨", "人人为我，我为人人。",
                                         "自2025年8月12日起，自2025年8月12日起，至2025年8月12日止"])
def test_ordinary_repetition_passes(translation):
    assert check_repetition(translation) == []


# --- the whole set ------------------------------------------------------------------------------------------

def test_a_good_official_translation_has_no_flags(termbase):
    source = ("China will review and approve applications for the export of controlled items "
              "in accordance with the law.")
    assert run_checks(source, "中方将依法审批符合条件的管制物项出口申请。", termbase=termbase) == []


def test_flags_serialise_with_check_message_and_place(termbase):
    flags = run_checks("Tariffs rose 24 percent.", "關稅上涨了,24%。", termbase=termbase)
    dicts = [f.to_dict() for f in flags]
    assert {d["check"] for d in dicts} == {"script", "punctuation"}
    assert all(set(d) == {"check", "message", "start", "end"} and d["check"] in CHECK_NAMES for d in dicts)
    with pytest.raises(ValueError):
        QAFlag("spelling", "not a check")
