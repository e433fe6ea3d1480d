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


@pytest.mark.parametrize("chinese, value", [
    ("一亿两千万", "120000000"), ("零点五", "0.5"), ("三点一四", "3.14"), ("一万亿", "1000000000000"),
    ("一亿零五", "100000005"), ("一万五", "15000"), ("三百五", "350"), ("两千零五", "2005"),
    ("一千零一十", "1010"), ("四万六千五百", "46500"),
])
def test_chinese_numerals_group_by_yi_and_wan(chinese, value):
    assert _values(extract_numbers_zh(f"共{chinese}元")) == [value]


def test_decimal_percentages_in_words():
    assert _values(extract_numbers_zh("增长百分之零点五")) == ["0.5%"]
    assert matching_values(extract_numbers_en("0.5 percent"), extract_numbers_zh("百分之零点五")) == {"0.5%"}
    assert matching_values(extract_numbers_en("120 million"), extract_numbers_zh("一亿两千万")) == {"120000000"}


def test_a_numeral_that_is_no_number_is_not_read():
    from workbench.numbers import _zh_numeral_value

    assert _zh_numeral_value("十百") is None and _zh_numeral_value("二三五十") is None


cn2an = pytest.importorskip("cn2an")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=5000, deadline=None)
@given(st.integers(min_value=11, max_value=10**16 - 1), st.booleans())
def test_integers_written_in_chinese_read_as_cn2an_reads_them(number, liang):
    """cn2an writes the numeral and its reading is the oracle (两 for 二 before a unit, sometimes; a
    lone 十 is a word more often than a number, so it starts at 11)."""
    written = cn2an.an2cn(number)
    if liang:
        written = written.replace("二千", "两千").replace("二百", "两百")
    assert int(cn2an.cn2an(written, "normal")) == number
    assert _values(extract_numbers_zh(f"共计{written}元。")) == [str(number)]


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=0, max_value=10**8), st.integers(min_value=1, max_value=9999))
def test_decimals_written_in_chinese_read_as_cn2an_reads_them(whole, fraction):
    from decimal import Decimal

    text = f"{whole}.{fraction}".rstrip("0").rstrip(".")
    written = cn2an.an2cn(text)
    assert Decimal(str(cn2an.cn2an(written, "normal"))) == Decimal(text)
    assert _values(extract_numbers_zh(f"约{written}吨")) == [text]
