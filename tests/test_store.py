"""The review store: schema migrations, append-only history, optimistic locking, failures."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from tests.fixtures.store import sample_document
from workbench.errors import ConflictError, InputError, StoreError
from workbench.store import SCHEMA_VERSION, NewDocument, NewSegment, NewTranslation, Store


def first_segment(store: Store, doc_id: str = "doc-sample") -> int:
    return store.segments(doc_id)[0].id


def test_migrates_an_empty_file_and_reopens_without_migrating_again(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.connection().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.connection().execute("PRAGMA foreign_keys").fetchone()[0] == 1
        store.add_document(sample_document())
    with Store(path) as again:
        assert again.migrate() == SCHEMA_VERSION  # found current: nothing to do
        assert [d.id for d in again.list_documents()] == ["doc-sample"]


def test_refuses_a_database_from_a_newer_workbench(tmp_path):
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="upgrade the workbench"):
        Store(path)


def test_document_round_trip(sample_store):
    doc = sample_store.document("doc-sample")
    assert doc.title == "Sample" and doc.metadata == {"origin": "test"}
    segments = sample_store.segments("doc-sample")
    assert [s.position for s in segments] == [0, 1, 2]
    assert doc.source_text[segments[1].start:segments[1].end] == segments[1].text
    mt = sample_store.translations("doc-sample")
    assert mt[segments[0].id].text == "机器译文0" and mt[segments[0].id].model == "tiny"
    links = sample_store.links("doc-sample")
    assert links[segments[0].id][0].sentence_ids == (3,)
    assert segments[1].id not in links
    summary = sample_store.list_documents()[0]
    assert (summary.segments, summary.approved, summary.reviewed) == (3, 0, 0)


def test_a_document_is_stored_whole_or_not_at_all(store):
    broken = NewDocument("doc-broken", "Broken", "a b", "text", [NewSegment(0, "a"), NewSegment(1, "b")],
                         translations=[NewTranslation(7, "不存在")])  # names a segment that does not exist
    with pytest.raises(InputError, match="segment 7"):
        store.add_document(broken)
    assert not store.has_document("doc-broken")
    assert store.connection().execute("SELECT COUNT(*) FROM segments").fetchone()[0] == 0


def test_saving_the_same_document_twice_is_refused(sample_store):
    with pytest.raises(InputError, match="already stored"):
        sample_store.add_document(sample_document())


def test_every_save_appends_a_revision(sample_store):
    seg = first_segment(sample_store)
    assert sample_store.review(seg).revision == 0 and sample_store.review(seg).state == "new"
    r1 = sample_store.save_review(seg, text="第一稿", state="edited", reviewer="ana", base_revision=0)
    r2 = sample_store.save_review(seg, text="定稿", state="approved", reviewer="bo", base_revision=r1.revision,
                                  action="approve", citation={"doc_id": "x"})
    assert (r1.revision, r2.revision) == (1, 2)
    history = sample_store.revisions(seg)
    assert [(h.text, h.state, h.reviewer, h.action) for h in history] == [
        ("第一稿", "edited", "ana", "edit"), ("定稿", "approved", "bo", "approve")]
    current = sample_store.review(seg)
    assert (current.text, current.state, current.reviewer, current.citation) == ("定稿", "approved", "bo", {"doc_id": "x"})
    assert current.first_at == history[0].created_at and current.updated_at == history[1].created_at
    assert sample_store.list_documents()[0].approved == 1


def test_revisions_cannot_be_changed_or_deleted(sample_store):
    seg = first_segment(sample_store)
    sample_store.save_review(seg, text="原文", state="edited", reviewer="ana", base_revision=0)
    conn = sample_store.connection()
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE revisions SET text = 'changed'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM revisions")
    assert [r.text for r in sample_store.revisions(seg)] == ["原文"]


def test_stale_save_is_refused_with_the_other_reviewers_text(sample_store):
    seg = first_segment(sample_store)
    sample_store.save_review(seg, text="甲的译文", state="edited", reviewer="ana", base_revision=0)
    with pytest.raises(ConflictError) as err:
        sample_store.save_review(seg, text="乙的译文", state="edited", reviewer="bo", base_revision=0)
    assert "ana" in str(err.value) and "甲的译文" in str(err.value) and "save again" in str(err.value)
    assert [r.text for r in sample_store.revisions(seg)] == ["甲的译文"]


def test_save_requires_a_reviewer_and_a_known_state(sample_store):
    seg = first_segment(sample_store)
    with pytest.raises(InputError, match="reviewer"):
        sample_store.save_review(seg, text="x", state="edited", reviewer="  ", base_revision=0)
    with pytest.raises(InputError, match="state"):
        sample_store.save_review(seg, text="x", state="done", reviewer="ana", base_revision=0)
    assert sample_store.revisions(seg) == []


def test_four_threads_of_500_saves_lose_no_revision(sample_store):
    """Each thread saves to its own segment and, with retries, to one shared segment."""
    seg_ids = [s.id for s in sample_store.segments("doc-sample")]
    shared = seg_ids[0]
    acknowledged = {seg: 0 for seg in seg_ids}
    conflicts = []
    lock = threading.Lock()

    def reviewer(name: str, own: int | None) -> None:
        for i in range(500):
            target = shared if own is None or i % 2 else own
            while True:
                base = sample_store.review(target).revision
                try:
                    sample_store.save_review(target, text=f"{name}-{i}", state="edited", reviewer=name,
                                             base_revision=base)
                except ConflictError:
                    with lock:
                        conflicts.append(name)
                    continue
                with lock:
                    acknowledged[target] += 1
                break

    owners = [seg_ids[1], seg_ids[2], None, None]
    threads = [threading.Thread(target=reviewer, args=(f"r{i}", own)) for i, own in enumerate(owners)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(acknowledged.values()) == 2000
    for seg, count in acknowledged.items():
        numbers = [r.number for r in sample_store.revisions(seg)]
        assert numbers == list(range(1, count + 1))  # every acknowledged save, no gap, no duplicate
    assert sample_store.count_revisions() == 2000


def test_read_only_database_refuses_writes_clearly(sample_store):
    seg = first_segment(sample_store)
    with Store(sample_store.path, read_only=True) as reader:
        assert reader.segments("doc-sample")[0].id == seg
        with pytest.raises(StoreError, match="read-only"):
            reader.save_review(seg, text="x", state="edited", reviewer="ana", base_revision=0)
    assert sample_store.revisions(seg) == []


def test_full_disk_is_reported_and_nothing_is_acknowledged(sample_store):
    conn = sample_store.connection()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # this connection can no longer grow the file
    big = [NewSegment(i, "x" * 4000) for i in range(50)]
    with pytest.raises(StoreError, match="disk is full"):
        sample_store.add_document(NewDocument("doc-big", "Big", "x", "text", big))
    assert not sample_store.has_document("doc-big")


def test_unknown_document_message_says_what_to_do(store):
    with pytest.raises(InputError, match="document list"):
        store.document("nope")
