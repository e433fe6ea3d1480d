"""Property: whatever the article and the review, the export holds exactly the approved segments.

Hypothesis writes articles (well-formed sentences, English sentences of the official
statements, or any text at all) and a review of them: each segment is left alone, edited,
approved, approved then edited again, rejected, or given its official wording and approved,
with any final text. The article goes through ingest → segment → align → store as the UI
sends it, the review through :func:`workbench.pipeline.save_review`, and the export through
``workbench export``; the JSONL written must hold the approved segments, with their English
and their final Chinese, and nothing else.
"""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import output_dir_now as output_root
from workbench import pipeline
from workbench.cli import dispatch
from workbench.corpus import OfficialCorpus
from workbench.errors import InputError
from workbench.ingest import control_character
from workbench.store import Store

WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789中国商务部关税稀土éü🚢$%-'\"(),;"
REVIEW_PLANS = ("none", "edit", "approve", "approve_then_edit", "reject", "official_then_approve")
CORPUS = OfficialCorpus.load()
# English sentences of official statements: the aligner finds official wording for many, so links get reviewed too.
OFFICIAL_ENGLISH = [sentence.text for doc in CORPUS.documents("en") for sentence in doc.sentences]

words = st.text(alphabet=WORD_CHARS, min_size=1, max_size=12)
sentences = st.builds(lambda ws, end: " ".join(ws) + end, st.lists(words, min_size=1, max_size=12),
                      st.sampled_from([".", "!", "?", "。", ""]))
paragraphs = st.lists(sentences, min_size=1, max_size=4).map(" ".join)
official_articles = st.lists(st.sampled_from(OFFICIAL_ENGLISH), min_size=1, max_size=6).map(" ".join)
articles = st.one_of(
    st.lists(paragraphs, min_size=1, max_size=4).map("\n\n".join),
    official_articles,
    st.text(max_size=300),  # anything at all, control characters and markup included
)
# Finals are anything a reviewer could type: control characters but tab and newline are refused at save.
final_texts = st.text(min_size=1, max_size=80).filter(lambda t: t.strip() and control_character(t) is None)
reviews = st.lists(st.tuples(st.sampled_from(REVIEW_PLANS), final_texts, final_texts), max_size=40)
mostly_official_reviews = st.lists(
    st.tuples(st.sampled_from(("official_then_approve", "official_then_approve", "none", "edit")), final_texts,
              final_texts), max_size=12)

_export_names = itertools.count()


def apply_review(store: Store, segment_id: int, plan: str, text: str, later_text: str) -> str | None:
    """Review one segment following ``plan``; its final text when it ends approved, else None."""
    def act(action: str, final: str | None = None) -> str:
        base = store.review(segment_id).revision
        return pipeline.save_review(store, segment_id, action=action, reviewer="property", base_revision=base,
                                    text=final).text

    if plan == "edit":
        act("edit", text)
    elif plan == "approve":
        act("approve", text)
    elif plan == "approve_then_edit":
        act("approve", text)
        act("edit", later_text)
    elif plan == "reject":
        act("reject", text)
    elif plan == "official_then_approve" and store.segment_links(segment_id):
        act("use_official")
        event("official wording approved")
        return act("approve")  # approves the official wording as it stands
    return text if plan == "approve" else None


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(article=articles, plans=reviews)
@pytest.mark.slow
def test_export_holds_exactly_the_approved_segments_and_their_final_text(article, plans, capsys):
    check_export(article, plans, capsys)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(article=official_articles, plans=mostly_official_reviews)
def test_approved_official_wording_is_exported_as_the_final_text(article, plans, capsys):
    check_export(article, plans, capsys)


def check_export(article: str, plans: list[tuple[str, str, str]], capsys) -> None:
    """Process ``article``, review its segments by ``plans``, export approved ones, compare."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "review.db") as store:
        try:
            doc_id = pipeline.process_article(article, store=store, corpus=CORPUS)
        except InputError:
            assert store.list_documents() == []  # refused (e.g. nothing but spaces): nothing half-stored
            return
        approved = {}
        for segment, (plan, text, later_text) in zip(store.segments(doc_id), plans):
            final = apply_review(store, segment.id, plan, text, later_text)
            if final is not None:
                approved[str(segment.id)] = (segment.text, final)

        name = f"property-{next(_export_names)}"
        code = dispatch(["export", "--format", "jsonl", "--output", name, "--state", "approved",
                         "--db", str(store.path)])
        out, err = capsys.readouterr()
        if not approved:
            assert code == 2 and "no segments" in err  # an empty export is refused, not written
            assert not any(output_root().glob(f"{name}*"))
            return
        assert code == 0, err
        # JSON Lines ends records at "\n" only; U+2028 and friends may appear inside a record.
        lines = (output_root() / f"{name}.jsonl").read_text(encoding="utf-8").split("\n")[:-1]
        exported = {row["id"]: (row["translation"]["en"], row["translation"]["zh"])
                    for row in map(json.loads, lines)}
        assert len(lines) == len(exported)  # no segment twice
        assert exported == approved
