"""``workbench export`` over a store filled by reviewing segments through the store API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import output_dir_now
from tests.fixtures.store import sample_document
from workbench.cli import dispatch
from workbench.export import import_pairs as _import_pairs
from workbench.export.source import records_from_store


def output_root() -> Path:
    """The export folder of the test's environment (set per test in conftest)."""
    return output_dir_now().resolve()


def import_pairs(path):
    """``import_pairs`` from the test's export folder."""
    return _import_pairs(path, output_dir=output_root())


@pytest.fixture
def reviewed_db(store):
    """Two documents; three segments reviewed (two approved, one edited), three never saved."""
    store.add_document(sample_document("doc-a"))
    store.add_document(sample_document("doc-b"))
    a, b = store.segments("doc-a"), store.segments("doc-b")
    first = store.save_review(a[0].id, text="中方将审批出口申请。", state="edited", reviewer="li", base_revision=0)
    store.save_review(a[0].id, text="中方将依法审批符合条件的管制物项出口申请。", state="approved",
                      reviewer="wang", base_revision=first.revision, action="use_official")
    store.save_review(a[1].id, text="美方将取消一系列限制性措施。", state="approved", reviewer="li", base_revision=0)
    store.save_review(b[2].id, text="会谈于6月9日至10日在伦敦举行。", state="edited", reviewer="li", base_revision=0)
    return store.path


def test_records_hold_final_text_mt_and_official_link(reviewed_db, store):
    records = {r.zh: r for r in records_from_store(store)}
    assert len(records) == 3  # unsaved segments are not exported
    official = records["中方将依法审批符合条件的管制物项出口申请。"]
    assert official.document_id == "doc-a" and official.state == "approved" and official.reviewer == "wang"
    assert official.zh_mt == "机器译文0" and official.model == "tiny"
    assert official.official_doc_id == "mofcom-2025-06-27-london-framework"
    assert official.alignment_score == pytest.approx(0.91)
    assert official.created_at < official.updated_at  # review began with the first save


@pytest.mark.parametrize("fmt", ["hf", "parquet", "jsonl", "tmx", "xliff"])
def test_cli_exports_approved_segments_in_every_format(reviewed_db, fmt, capsys):
    code = dispatch(["export", "--format", fmt, "--output", f"approved-{fmt}", "--state", "approved",
                     "--db", str(reviewed_db)])
    out = capsys.readouterr().out
    assert code == 0 and "wrote 2 segment(s)" in out and "signature: workbench:" in out
    path = next(output_root().glob(f"approved-{fmt}*"))
    expected = {("China will review and approve applications for the export of controlled items.",
                 "中方将依法审批符合条件的管制物项出口申请。"),
                ("The United States will cancel a series of restrictive measures.", "美方将取消一系列限制性措施。")}
    if fmt == "hf":
        from datasets import load_from_disk

        pairs = {(t["en"], t["zh"]) for split in load_from_disk(str(path)).values() for t in split["translation"]}
    elif fmt == "parquet":
        import pyarrow.parquet as pq

        pairs = {(t["en"], t["zh"]) for t in pq.read_table(path).column("translation").to_pylist()}
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        pairs = {(r["translation"]["en"], r["translation"]["zh"]) for r in rows}
    else:
        pairs = {(p.en, p.zh) for p in import_pairs(path.name)}
    assert pairs == expected


def test_cli_document_filter_and_unknown_document(reviewed_db, capsys):
    assert dispatch(["export", "--format", "jsonl", "--output", "b.jsonl", "--document", "doc-b",
                     "--db", str(reviewed_db)]) == 0
    rows = (output_root() / "b.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(r)["document_id"] for r in rows] == ["doc-b"]
    capsys.readouterr()
    assert dispatch(["export", "--format", "jsonl", "--output", "x.jsonl", "--document", "nope",
                     "--db", str(reviewed_db)]) == 2
    assert "no document nope" in capsys.readouterr().err


def test_cli_push_needs_hf_format_and_a_token(reviewed_db, capsys, monkeypatch, tmp_path):
    assert dispatch(["export", "--format", "jsonl", "--output", "p.jsonl", "--push-to-hub", "me/data",
                     "--db", str(reviewed_db)]) == 2
    assert "--format hf" in capsys.readouterr().err
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    assert dispatch(["export", "--format", "hf", "--output", "p", "--push-to-hub", "me/data",
                     "--db", str(reviewed_db)]) == 2
    err = capsys.readouterr().err
    assert "no Hugging Face token" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("fmt", ["parquet", "xliff"])
def test_download_gives_one_file_for_a_document(reviewed_db, store, fmt):
    from workbench.export import FORMATS
    from workbench.pipeline import export_document

    path = export_document(store, "doc-a", fmt, output_dir=output_root()).path
    day = store.document("doc-a").imported_at[:10]  # named after the document's date and title
    assert path.is_file() and path.parent == output_root() and path.name == f"{day}-sample{FORMATS[fmt].suffix}"
    assert export_document(store, "doc-a", fmt, output_dir=output_root()).path.name == path.stem + "-2" + path.suffix
    if fmt == "parquet":
        import pyarrow.parquet as pq

        assert {t["zh"] for t in pq.read_table(path).column("translation").to_pylist()} == {
            "中方将依法审批符合条件的管制物项出口申请。", "美方将取消一系列限制性措施。"}
    else:
        assert {p.zh for p in import_pairs(path.name)} == {"中方将依法审批符合条件的管制物项出口申请。",
                                                           "美方将取消一系列限制性措施。"}
