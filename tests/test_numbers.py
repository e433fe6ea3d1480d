"""Numbers, percentages and dates reduce to the same values in English and Chinese."""

from __future__ import annotations

import pytest

from workbench.numbers import extract_numbers_en, extract_numbers_zh, matching_values


def _values(mentions):
    return [v for m in mentions for v in m.values]


@pytest.mark.parametrize("english, chinese, shared", [
    ("meetings in London on June 9 and 10", "于6月9日至10日在伦敦举行", {"--06-09", "--06-10"}),
    ("a 24 percent tariff", "24%的关税", {"24%"}),
    ("suspend 24 per cent", "百分之二十四", {"24%"}),
    ("on May 14, 2025", "自2025年5月14日起", {"2025-05-14", "--05-14"}),
    ("Announcement No. 14257", "第14257号公告", {"14257"}),
    ("Announcement 14,257", "第14257号", {"14257"}),
    ("worth 1.2 billion dollars", "价值12亿美元", {"1200000000"}),
    ("tariffs of 245%", "245%的关税", {"245%"}),
    ("three companies", "三家公司", {"3"}),
    ("were two thousand and six hundred and thirty", "共有二千六百三十名", {"2630"}),
    ("forty and six thousand and five hundred", "四万六千五百名", {"46500"}),
    ("one hundred and twenty-five firms", "125家企业", {"125"}),
    ("two hundred thousand tonnes", "二十万吨", {"200000"}),
    ("a 10-percent tariff", "10%的关税", {"10%"}),
    ("talks on June 9 and 10", "6月9至10日会谈", {"--06-09", "--06-10"}),
])
def test_english_and_chinese_forms_share_their_canonical_values(english, chinese, shared):
    assert matching_values(extract_numbers_en(english), extract_numbers_zh(chinese)) == shared


def test_a_dated_day_matches_the_same_day_written_without_a_year():
    assert matching_values(extract_numbers_en("May 14, 2025"), extract_numbers_zh("5月14日")) == {"--05-14"}


def test_different_numbers_do_not_match():
    assert not matching_values(extract_numbers_en("34 percent"), extract_numbers_zh("24%"))
    assert not matching_values(extract_numbers_en("June 9"), extract_numbers_zh("6月19日"))


def test_mentions_carry_their_offsets_and_kind():
    text = "Talks on June 9 and 10 cut tariffs by 24 percent."
    mentions = extract_numbers_en(text)
    assert [(m.kind, text[m.start:m.end]) for m in mentions] == [("date", "June 9 and 10"), ("percent", "24 percent")]
    zh = "６月９日，关税下调２４％。"  # full-width digits as some sites publish them
    assert [(m.kind, m.values) for m in extract_numbers_zh(zh)] == [("date", ("--06-09",)), ("percent", ("24%",))]


def test_words_that_only_look_like_numbers_are_not_numbers():
    assert _values(extract_numbers_zh("两国元首就一些问题交换意见，万一如此")) == []
    assert _values(extract_numbers_en("We may 5 times check")) == ["5"]  # "may" is not the month here
    assert _values(extract_numbers_en("No one came; the one we met left.")) == []
    assert _values(extract_numbers_en("between two and three")) == ["2", "3"]  # two numbers, not five


def test_chinese_numerals_and_large_units():
    assert _values(extract_numbers_zh("二〇二五年五月十四日")) == ["2025-05-14"]
    assert _values(extract_numbers_zh("1.2万亿元")) == ["1200000000000"]
    assert _values(extract_numbers_zh("三百二十五人")) == ["325"]
    assert _values(extract_numbers_en("1,200 million")) == ["1200000000"]


def test_to_dict_is_json_ready():
    mention = extract_numbers_zh("24%")[0]
    assert mention.to_dict() == {"text": "24%", "start": 0, "end": 3, "kind": "percent", "values": ["24%"]}
