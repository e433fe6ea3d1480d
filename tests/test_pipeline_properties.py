"""Property: whatever the article and the review, the export holds exactly the approved segments.

Hypothesis writes articles (well-formed sentences, or any text at all) and a review of
them: each segment is left alone, edited, approved, approved then edited again, or
rejected, with any final text. The article goes through ingest → segment → store as the
UI sends it, the review through :func:`workbench.pipeline.save_review`, and the export
through ``workbench export``; the JSONL written must hold the approved segments, with
their English and their final Chinese, and nothing else.
"""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench import pipeline
from workbench.cli import dispatch
from workbench.errors import InputError
from workbench.export.paths import output_root
from workbench.store import Store

WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789中国商务部关税稀土éü🚢$%-'\"(),;"
REVIEW_PLANS = ("none", "edit", "approve", "approve_then_edit", "reject")

words = st.text(alphabet=WORD_CHARS, min_size=1, max_size=12)
sentences = st.builds(lambda ws, end: " ".join(ws) + end, st.lists(words, min_size=1, max_size=12),
                      st.sampled_from([".", "!", "?", "。", ""]))
paragraphs = st.lists(sentences, min_size=1, max_size=4).map(" ".join)
articles = st.one_of(
    st.lists(paragraphs, min_size=1, max_size=4).map("\n\n".join),
    st.text(max_size=300),  # anything at all, control characters and markup included
)
final_texts = st.text(min_size=1, max_size=80).filter(lambda t: t.strip())
reviews = st.lists(st.tuples(st.sampled_from(REVIEW_PLANS), final_texts, final_texts), max_size=40)

_export_names = itertools.count()


def apply_review(store: Store, segment_id: int, plan: str, text: str, later_text: str) -> bool:
    """Review one segment following ``plan``; True when it ends approved."""
    def act(action: str, final: str) -> None:
        base = store.review(segment_id).revision
        pipeline.save_review(store, segment_id, action=action, reviewer="property", base_revision=base, text=final)

    if plan == "edit":
        act("edit", text)
    elif plan == "approve":
        act("approve", text)
    elif plan == "approve_then_edit":
        act("approve", text)
        act("edit", later_text)
    elif plan == "reject":
        act("reject", text)
    return plan == "approve"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(article=articles, plans=reviews)
def test_export_holds_exactly_the_approved_segments_and_their_final_text(article, plans, capsys):
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "review.db") as store:
        try:
            doc_id = pipeline.process_article(article, store=store, corpus=None)
        except InputError:
            assert store.list_documents() == []  # refused (e.g. nothing but spaces): nothing half-stored
            return
        approved = {}
        for segment, (plan, text, later_text) in zip(store.segments(doc_id), plans):
            if apply_review(store, segment.id, plan, text, later_text):
                approved[str(segment.id)] = (segment.text, text)

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
