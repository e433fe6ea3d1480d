"""Translation memory: exact and fuzzy matches, ranking against official wording, term propagation."""

from __future__ import annotations

import pytest

from tests.fixtures.store import sample_document
from workbench.errors import InputError
from workbench.export import ExportRecord
from workbench.tm import (
    MemoryEntry,
    TranslationMemory,
    correction_from_edit,
    pick_suggestion,
    propagate_term,
    word_diff,
)

APPROVED_EN = "China will approve export applications for controlled items."
APPROVED_ZH = "中方将依法审批符合条件的管制物项出口申请。"


def record(en: str, zh: str, state: str = "approved", updated_at: str = "2026-01-01", rid: str = "1") -> ExportRecord:
    return ExportRecord(id=rid, document_id="doc", en=en, zh=zh, state=state, updated_at=updated_at)


@pytest.fixture
def memory() -> TranslationMemory:
    return TranslationMemory.from_records([
        record(APPROVED_EN, APPROVED_ZH),
        record("The tariff rate will be 10 percent.", "关税税率为10%。", rid="2"),
        record("Talks were held in London.", "会谈在伦敦举行。", state="edited", rid="3"),
    ])


def test_only_approved_segments_enter_the_memory(memory):
    assert len(memory) == 2
    assert memory.lookup("Talks were held in London.") == []


def test_exact_match_ignores_spacing_and_carries_its_source(memory):
    [match] = memory.lookup("  China will approve export   applications for controlled items. ")
    assert match.exact and match.similarity == 100.0
    assert match.entry.zh == APPROVED_ZH and match.entry.segment_id == "1"


def test_latest_approval_wins_for_the_same_sentence():
    tm = TranslationMemory.from_records([
        record(APPROVED_EN, "新译文", updated_at="2026-02-01"),
        record(APPROVED_EN, "旧译文", updated_at="2026-01-01"),
    ])
    assert tm.lookup(APPROVED_EN)[0].entry.zh == "新译文"


def test_fuzzy_match_reports_percentage_and_changed_words(memory):
    new = "The tariff rate will be 30 percent."
    [match] = memory.lookup(new)
    assert not match.exact
    assert match.similarity == pytest.approx(100 * (1 - 1 / len(new)), abs=0.05)  # one character substituted
    assert [(s.text, new[s.start:s.end]) for s in match.changed] == [("30", "30")]
    assert [s.text for s in match.memory_changed] == ["10"]


def test_fuzzy_threshold_is_75_percent_of_characters():
    tm = TranslationMemory([MemoryEntry("abcd", "甲乙丙丁")])
    assert [m.similarity for m in tm.lookup("abce")] == [75.0]  # 3 of 4 characters kept
    assert tm.lookup("abef") == []  # 50%
    assert tm.lookup("abef", threshold=50) != []


def test_dissimilar_sentence_gets_no_match(memory):
    assert memory.lookup("The United States will cancel restrictive measures.") == []


def test_word_diff_groups_a_changed_phrase():
    new = "China will approve export applications for rare earth items."
    changed, memory_changed = word_diff(new, APPROVED_EN)
    assert [s.text for s in changed] == ["rare earth"]
    assert [s.text for s in memory_changed] == ["controlled"]
    assert all(new[s.start:s.end] == s.text for s in changed)


def test_official_wording_outranks_an_exact_memory_match(memory):
    hits = memory.lookup(APPROVED_EN)
    suggestion = pick_suggestion(official="中方将依法审批符合条件的管制物项出口申请", memory=hits, mt="机器译文")
    assert suggestion.origin == "official" and suggestion.text == "中方将依法审批符合条件的管制物项出口申请"


def test_exact_memory_outranks_mt_and_fuzzy_is_only_offered(memory):
    exact = pick_suggestion(official=None, memory=memory.lookup(APPROVED_EN), mt="机器译文")
    assert (exact.origin, exact.text, exact.similarity) == ("memory", APPROVED_ZH, 100.0)
    fuzzy_hits = memory.lookup("The tariff rate will be 30 percent.")
    fuzzy = pick_suggestion(official="", memory=fuzzy_hits, mt="税率将为30%。")
    assert (fuzzy.origin, fuzzy.text) == ("mt", "税率将为30%。")
    assert [o.entry.zh for o in fuzzy.offers] == ["关税税率为10%。"]
    assert pick_suggestion(official=None, memory=[], mt=None).origin == "none"


def test_memory_from_store_holds_what_reviewers_approved(store):
    store.add_document(sample_document("doc-a"))
    first, second, _ = store.segments("doc-a")
    store.save_review(first.id, text=APPROVED_ZH, state="approved", reviewer="li", base_revision=0)
    store.save_review(second.id, text="美方将取消限制措施。", state="edited", reviewer="li", base_revision=0)
    tm = TranslationMemory.from_store(store)
    assert len(tm) == 1
    [match] = tm.lookup(first.text)
    assert match.exact and match.entry.zh == APPROVED_ZH and match.entry.segment_id == str(first.id)


def test_term_correction_is_offered_to_other_segments_with_the_same_term():
    segments = [
        ("1", "中国将批准受控物品的出口。"),
        ("2", "受控物品清单将更新，受控物品范围不变。"),
        ("3", "美方将取消限制措施。"),
    ]
    offers = propagate_term("受控物品", "管制物项", segments, exclude="1")
    assert [o.segment_id for o in offers] == ["2"]
    [offer] = offers
    assert offer.proposed == "管制物项清单将更新，管制物项范围不变。"
    assert [(s.start, s.end) for s in offer.occurrences] == [(0, 4), (10, 14)]


def test_term_propagation_refuses_an_empty_term():
    with pytest.raises(InputError, match="empty"):
        propagate_term(" ", "管制物项", [("1", "受控物品")])


def test_correction_is_read_from_a_reviewer_edit():
    assert correction_from_edit("中国将批准受控物品的合格申请", "中国将批准管制物项的合格申请") == ("受控物品", "管制物项")
    assert correction_from_edit("受控物品和商务部门", "管制物项和商务部") is None  # two separate changes
    assert correction_from_edit("相同", "相同") is None
