"""A full disk or a read-only database: one clear line in the CLI and the UI, nothing half-saved.

In-process, SQLite is pushed into the real failures on the calling thread's connection:
``PRAGMA max_page_count`` makes the file unable to grow (SQLITE_FULL, as on a full disk)
and ``PRAGMA query_only`` refuses writes (SQLITE_READONLY, as on a read-only file). The CLI
runs in a subprocess with a file-size limit (``RLIMIT_FSIZE``: every write past it fails
the way a full disk does) or over a read-only file (skipped as root, whom permissions do
not stop). Failing batch translation is covered in ``tests/test_batch_translate.py``.
"""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.store import sample_document
from workbench.store import Store

ROOT = Path(__file__).resolve().parent.parent


# --- the review screen -------------------------------------------------------------------------------

@pytest.fixture
def ui(sample_store):
    """The review screen's resources over the sample store, with the sample document open in a session."""
    from workbench.pipeline import Resources
    from workbench.settings import Settings
    from workbench.ui import screen

    resources = Resources(Settings.resolve(), sample_store, None)
    return resources, screen.open_document(resources, screen.ReviewSession(), "doc-sample")


def save_edit(ui, text: str):
    from workbench.ui import screen
    from workbench.users import Actor

    resources, session = ui
    return screen.act(resources, session, Actor("ana"), "edit", text).screen


def test_ui_save_on_a_full_disk_shows_the_error_keeps_the_text_and_saves_nothing(ui, sample_store):
    conn = sample_store.connection()
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    long_edit = "很长的修改稿。" * 3000  # needs new pages the full file cannot have
    shown = save_edit(ui, long_edit)
    assert "disk is full" in shown.message and "nothing was saved" in shown.message
    assert shown.message_kind == "error"
    assert shown.final == long_edit  # the reviewer's text stays in the editor to save again later
    assert sample_store.count_revisions() == 0


def test_ui_save_on_a_read_only_database_shows_the_error_and_saves_nothing(ui, sample_store):
    sample_store.connection().execute("PRAGMA query_only = ON")
    shown = save_edit(ui, "中方将依法审批。")
    assert "read-only" in shown.message and "make it writable" in shown.message
    assert shown.final == "中方将依法审批。"
    assert sample_store.count_revisions() == 0
    sample_store.connection().execute("PRAGMA query_only = OFF")
    assert "Saved revision 1" in save_edit(ui, "中方将依法审批。").message  # fixed: saving works again


def test_ui_processing_an_article_on_a_full_disk_stores_nothing(ui, sample_store):
    from workbench.ui import screen
    from workbench.users import Actor

    resources, _ = ui
    conn = sample_store.connection()
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    article = " ".join(f"Exports of item {i} rose {i} percent in May." for i in range(400))
    shown = screen.process_article(resources, screen.ReviewSession(), Actor("ana"), article).screen
    assert "disk is full" in shown.message and shown.message_kind == "error"
    assert [d.id for d in sample_store.list_documents()] == ["doc-sample"]
    assert sample_store.connection().execute("SELECT COUNT(*) FROM segments").fetchone()[0] == 3


# --- the CLI ------------------------------------------------------------------------------------------

def run_cli(args: list[str], *, preexec=None) -> subprocess.CompletedProcess:
    """``workbench ARGS`` in a subprocess; ``preexec`` runs in the child first (to set limits)."""
    return subprocess.run([sys.executable, "-c", "from workbench.cli import main; main()", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, preexec_fn=preexec,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"})


def assert_one_line_error(done: subprocess.CompletedProcess, *phrases: str) -> None:
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("workbench: error: "), done.stderr  # no traceback
    for phrase in phrases:
        assert phrase in lines[0]


@pytest.mark.slow
def test_cli_on_a_full_disk_is_one_line_and_leaves_no_half_made_database(tmp_path):
    db = tmp_path / "new.db"

    def small_files_only() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))  # the schema needs more than two pages

    done = run_cli(["serve", "--db", str(db), "--no-mt", "--port", "9"], preexec=small_files_only)
    assert_one_line_error(done, str(db), "disk", "free some space")
    with Store(db) as store:  # once there is room, the database is created whole
        assert store.list_documents() == []


@pytest.fixture
def read_only_db(tmp_path):
    """A database file (not yet set up) that may be read but not written."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    db = folder / "review.db"
    db.touch()
    db.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    folder.chmod(0o555)  # nor may a journal be created beside it
    yield db
    folder.chmod(0o755)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files; the UI test covers SQLITE_READONLY")
def test_cli_on_a_read_only_database_is_one_line(read_only_db):
    done = run_cli(["serve", "--db", str(read_only_db), "--no-mt", "--port", "9"])
    assert_one_line_error(done, str(read_only_db), "read-only", "make it writable")
    assert read_only_db.stat().st_size == 0


def test_cli_export_of_a_damaged_database_is_one_line(tmp_path):
    db = tmp_path / "review.db"
    with Store(db) as store:
        store.add_document(sample_document())
    db.write_bytes(b"this is not a database" * 200)
    done = run_cli(["export", "--format", "jsonl", "--output", "out", "--db", str(db)])
    assert_one_line_error(done, "not a database", "restore a backup")
