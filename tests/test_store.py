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


@pytest.mark.slow
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


# --- one persistence layer: the cache and user terms are the store's tables ------------------------------

# The tables as the translation cache and the user terms created them on first use, before
# they were part of the store's migrations (same columns, opened by their own connections).
OLD_CACHE_TABLE = """CREATE TABLE IF NOT EXISTS translation_cache (
    identity TEXT NOT NULL, source TEXT NOT NULL, terms TEXT NOT NULL, text TEXT NOT NULL, score REAL,
    flags TEXT NOT NULL, created REAL NOT NULL, PRIMARY KEY (identity, source, terms))"""
OLD_TERMS_TABLE = """CREATE TABLE IF NOT EXISTS user_terms (
    id INTEGER PRIMARY KEY, en TEXT NOT NULL, zh TEXT NOT NULL, attestation TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '', valid_from TEXT, valid_to TEXT, added_by TEXT NOT NULL, added_at TEXT NOT NULL)"""


def old_database(path, *, schema_version: int) -> None:
    """A database as the earlier code left it: store schema ``schema_version`` plus the ad-hoc tables, with rows."""
    from workbench.store import MIGRATIONS

    with sqlite3.connect(path) as conn:
        for migration in MIGRATIONS[:schema_version]:
            for statement in migration:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {schema_version}")
        conn.execute(OLD_CACHE_TABLE)
        conn.execute(OLD_TERMS_TABLE)
        conn.executemany("INSERT INTO translation_cache VALUES (?, ?, ?, ?, ?, ?, ?)", [
            ("model:tiny|rev:1", "Hello.", "[]", "你好。", -0.25, '["split"]', 1.0),
            ("model:tiny|rev:1", "Tariffs.", '["关税"]', "关税。", None, "[]", 2.0)])
        conn.execute("INSERT INTO user_terms (en, zh, attestation, source, valid_from, valid_to, added_by, added_at)"
                     " VALUES ('tariff-rate quota', '关税配额', 'USER', '', NULL, NULL, 'li.wei', '2025-06-01T00:00:00Z')")
    conn.close()


@pytest.mark.parametrize("schema_version", [0, 1])
def test_old_cache_and_term_tables_migrate_with_their_rows(tmp_path, schema_version):
    from workbench.terms import load_user_terms
    from workbench.translate import TranslationCache

    path = tmp_path / "old.db"
    old_database(path, schema_version=schema_version)
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION == 5
        hits = TranslationCache(store).get_many("model:tiny|rev:1", [("Tariffs.", ["关税"]), ("Hello.", []),
                                                                     ("Unseen.", [])])
        assert {i: (h.text, h.score, h.flags) for i, h in hits.items()} == {
            0: ("关税。", None, ()), 1: ("你好。", -0.25, ("split",))}
        (term,) = load_user_terms(store)
        assert (term.en, term.zh, term.attestation, term.added_by) == ("tariff-rate quota", "关税配额", "USER", "li.wei")
        store.add_document(sample_document())  # the run_signature column is there too
        assert store.document("doc-sample").run_signature is None


def test_cache_and_user_terms_go_through_the_store_connection(store):
    from workbench.terms import add_user_term, load_user_terms
    from workbench.translate import TranslationCache
    from workbench.translate.cache import CachedTranslation

    cache = TranslationCache(store)
    cache.put_many("id-a", [("One.", ["一"], CachedTranslation("一。", -0.5, ("cached",)))])
    cache.put_many("id-a", [("One.", ["一", "一"], CachedTranslation("一！", -0.4, ()))])  # same key: replaced
    assert cache.get_many("id-a", [("One.", ["一"])]) == {0: CachedTranslation("一！", -0.4, ())}
    assert cache.get_many("id-b", [("One.", ["一"])]) == {}
    add_user_term("duty", "关税", added_by="li", store=store)
    rows = store.connection().execute("SELECT COUNT(*) FROM translation_cache UNION ALL "
                                      "SELECT COUNT(*) FROM user_terms").fetchall()
    assert [r[0] for r in rows] == [1, 1]
    assert [t.zh for t in load_user_terms(store.path)] == ["关税"]  # a path opens through Store too
    with pytest.raises(TypeError, match="Store"):
        TranslationCache(store.path)


def test_read_only_store_serves_cache_and_terms_but_refuses_to_write(sample_store):
    from workbench.terms import add_user_term, load_user_terms
    from workbench.translate import TranslationCache
    from workbench.translate.cache import CachedTranslation

    TranslationCache(sample_store).put_many("id", [("One.", [], CachedTranslation("一。", None, ()))])
    add_user_term("duty", "关税", added_by="li", store=sample_store)
    with Store(sample_store.path, read_only=True) as reader:
        cache = TranslationCache(reader)
        assert cache.get_many("id", [("One.", [])]) == {0: CachedTranslation("一。", None, ())}
        assert [t.en for t in load_user_terms(reader)] == ["duty"]
        with pytest.raises(StoreError, match="read-only"):
            cache.put_many("id", [("Two.", [], CachedTranslation("二。", None, ()))])
        with pytest.raises(StoreError, match="read-only"):
            add_user_term("quota", "配额", added_by="li", store=reader)


def test_read_only_store_of_an_older_schema_has_no_cache_or_terms_yet(tmp_path):
    from workbench.store import MIGRATIONS
    from workbench.terms import load_user_terms
    from workbench.translate import TranslationCache

    path = tmp_path / "v1.db"
    with sqlite3.connect(path) as conn:
        for statement in MIGRATIONS[0]:
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
    conn.close()
    with Store(path, read_only=True) as reader:
        assert reader.schema_version() == 1
        assert TranslationCache(reader).get_many("id", [("One.", [])]) == {}
        assert load_user_terms(reader) == []


def test_load_user_terms_of_a_missing_file_is_empty_and_creates_nothing(tmp_path):
    from workbench.terms import load_user_terms

    assert load_user_terms(tmp_path / "none.db") == []
    assert not (tmp_path / "none.db").exists()


def test_a_store_needs_its_path(tmp_path):
    with pytest.raises(StoreError, match="no database file given"):
        Store(None)  # type: ignore[arg-type]


def test_run_signatures_are_kept_per_document_and_per_link(store):
    from dataclasses import replace

    doc = sample_document()
    doc = replace(doc, run_signature="seg:rules-en|version:0.1.0",
                  links=[replace(link, run_signature="seg:rules-en|align:news") for link in doc.links])
    store.add_document(doc)
    assert store.document("doc-sample").run_signature == "seg:rules-en|version:0.1.0"
    first = store.segments("doc-sample")[0].id
    assert [link.run_signature for link in store.segment_links(first)] == ["seg:rules-en|align:news"]
    assert store.links("doc-sample")[first][0].run_signature == "seg:rules-en|align:news"


def test_a_schema_4_file_gains_rejection_categories_and_comments_keeping_its_history(tmp_path):
    from workbench.store import MIGRATIONS, REJECT_CATEGORIES

    path = tmp_path / "v4.db"
    with Store(path) as store:
        store.add_document(sample_document())
        segment = store.segments("doc-sample")[0].id
        store.save_review(segment, text="旧译文", state="rejected", reviewer="li", base_revision=0, reason="wrong term")
    with sqlite3.connect(path) as conn:  # back to what schema 4 left: no category column, no comments table
        conn.execute("DROP TRIGGER comments_are_append_only_update")
        conn.execute("DROP TRIGGER comments_are_append_only_delete")
        conn.execute("DROP TABLE comments")
        conn.execute("ALTER TABLE revisions DROP COLUMN category")
        conn.execute("PRAGMA user_version = 4")
    conn.close()
    assert len(MIGRATIONS) == 5
    with Store(path) as store:
        assert store.schema_version() == 5
        (old,) = store.revisions(segment)
        assert (old.text, old.reason, old.category) == ("旧译文", "wrong term", None)
        store.save_review(segment, text="新译文", state="rejected", reviewer="li", base_revision=1, reason="a verb",
                          category="fluency")
        assert [r.category for r in store.revisions(segment)] == [None, "fluency"]
        comment = store.add_comment(segment, author="wang", text="see the MOFCOM Q&A")
        assert [(c.author, c.text) for c in store.comments(segment)] == [("wang", "see the MOFCOM Q&A")]
        with pytest.raises(StoreError, match="append-only"), store.transaction() as conn:
            conn.execute("DELETE FROM comments WHERE id = ?", (comment.id,))
        with pytest.raises(StoreError, match="CHECK constraint"), store.transaction() as conn:
            conn.execute("INSERT INTO revisions (segment_id, number, text, state, reviewer, action, created_at,"
                         " category) VALUES (?, 3, 'x', 'rejected', 'li', 'reject', 'now', 'spelling')", (segment,))
    assert REJECT_CATEGORIES == ("accuracy", "terminology", "fluency", "style", "locale")
