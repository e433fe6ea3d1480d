"""Clean data at the door: control characters in finals, damaged database files, read-only media.

Control characters are refused when a final is saved, so every export format (JSONL,
Parquet, TMX, XLIFF) carries the same text; tab and newline pass. A file with damaged pages
behind an intact header is refused when the store opens it, with the message other damage
gets. Export only reads, so it works from a database on a read-only filesystem (a real
read-only bind mount; skipped where this process may not mount).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.store import sample_document
from workbench import pipeline
from workbench.errors import InputError, StoreError
from workbench.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "\r"])
def test_a_control_character_in_a_final_is_refused_and_nothing_is_saved(sample_store, char):
    seg = sample_store.segments("doc-sample")[0].id
    with pytest.raises(InputError, match=rf"control character U\+{ord(char):04X} at position 4; delete it \(only "
                                         r"tab and newline are allowed\)"):
        pipeline.save_review(sample_store, seg, action="edit", reviewer="ana", base_revision=0, text=f"中方将{char}审批")
    assert sample_store.count_revisions() == 0


def test_tab_and_newline_pass_and_every_format_carries_the_same_text(sample_store, tmp_path):
    import json

    import pyarrow.parquet as pq
    from lxml import etree

    seg = sample_store.segments("doc-sample")[0].id
    text = "中方将依法\t审批\n出口申请。"
    pipeline.save_review(sample_store, seg, action="approve", reviewer="ana", base_revision=0, text=text)
    assert pipeline.save_review(sample_store, seg, action="edit", reviewer="ana", base_revision=1,
                                text="中方\r\n审批。").text == "中方\n审批。"  # Windows line ends made plain
    pipeline.save_review(sample_store, seg, action="approve", reviewer="ana", base_revision=2, text=text)
    found = {}
    for fmt in ("jsonl", "parquet", "tmx", "xliff"):
        path = pipeline.export_document(sample_store, "doc-sample", fmt, output_dir=tmp_path).path
        if fmt == "jsonl":
            found[fmt] = json.loads(path.read_text(encoding="utf-8").splitlines()[0])["translation"]["zh"]
        elif fmt == "parquet":
            found[fmt] = pq.read_table(path).column("translation").to_pylist()[0]["zh"]
        else:
            tree = etree.parse(str(path))
            tag = "seg" if fmt == "tmx" else "{urn:oasis:names:tc:xliff:document:2.0}target"
            texts = ["".join(e.itertext()) for e in tree.iter(tag)]
            found[fmt] = next(t for t in texts if "审批" in t)
    assert found == dict.fromkeys(found, text)


def test_a_database_with_damaged_pages_is_refused_when_opened(tmp_path):
    db = tmp_path / "damaged.db"
    with Store(db) as store:
        for i in range(20):
            store.add_document(sample_document(f"doc-{i}"))
    data = bytearray(db.read_bytes())
    page = 4096
    for offset in range(page * 3, min(len(data), page * 6)):  # pages 4-6 garbled, the header left intact
        data[offset] = 0xA5
    db.write_bytes(bytes(data))
    for read_only in (False, True):
        with pytest.raises(StoreError, match="the file is damaged or not a workbench database; restore a backup"):
            Store(db, read_only=read_only)


def test_the_server_refuses_to_start_on_a_damaged_file_in_one_line(tmp_path):
    db = tmp_path / "damaged.db"
    with Store(db) as store:
        for i in range(20):
            store.add_document(sample_document(f"doc-{i}"))
    data = bytearray(db.read_bytes())
    data[4096 * 3:4096 * 6] = b"\xa5" * (4096 * 3)
    db.write_bytes(bytes(data))
    done = subprocess.run([sys.executable, "app.py", "--no-mt", "--db", str(db), "--port", "9"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "damaged" in lines[0], done.stderr[-2000:]


@pytest.fixture
def read_only_copy(tmp_path):
    """A reviewed database in a folder that is a read-only bind mount of itself."""
    folder = tmp_path / "media"
    folder.mkdir()
    db = folder / "review.db"
    with Store(db) as store:
        store.add_document(sample_document())
        seg = store.segments("doc-sample")[0].id
        store.save_review(seg, text="中方将依法审批。", state="approved", reviewer="ana", base_revision=0)
    mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot bind-mount here (needs root and mount rights); the read-only open is covered in-process")
    subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
    try:
        assert not os.access(folder, os.W_OK)
        yield db
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_export_works_from_a_database_on_a_read_only_filesystem(read_only_copy, tmp_path):
    out = tmp_path / "exports"
    done = subprocess.run([sys.executable, "-c", "from workbench.cli import main; main()", "export", "--db",
                           str(read_only_copy), "--format", "jsonl", "--output", "approved.jsonl", "--output-dir",
                           str(out), "--state", "approved"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert "中方将依法审批。" in (out / "approved.jsonl").read_text(encoding="utf-8")
    users = subprocess.run([sys.executable, "-c", "from workbench.cli import main; main()", "users", "--db",
                            str(read_only_copy), "list"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert users.returncode == 0 and users.stdout == "", users.stderr
