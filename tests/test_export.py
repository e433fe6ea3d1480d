"""Exports: every format readable by its own tools, split by document, never half-written."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import output_dir_now
from workbench.cli import dispatch
from workbench.errors import InputError, PathNotAllowedError
from workbench.export import FORMATS, ExportRecord
from workbench.export import export_records as _export_records
from workbench.export import import_pairs as _import_pairs
from workbench.export.dataset import push_to_hub
from workbench.export.records import SPLITS, edit_distance, hter, split_for


def exports() -> Path:
    """The export folder of the test's environment (set per test in conftest)."""
    return output_dir_now().resolve()


def export_records(*args, **kwargs):
    """``export_records`` into the test's export folder."""
    return _export_records(*args, output_dir=exports(), **kwargs)


def import_pairs(path):
    """``import_pairs`` from the test's export folder."""
    return _import_pairs(path, output_dir=exports())


def document_in(split: str) -> str:
    """The first article id that the hash puts in ``split``."""
    return next(f"article-{n}" for n in range(1000) if split_for(f"article-{n}") == split)


def make_records() -> list[ExportRecord]:
    """Reviewed segments of three articles (one per split), one of them not yet approved."""
    records = []
    for split in SPLITS:
        doc = document_in(split)
        for n in range(3):
            records.append(ExportRecord(
                id=f"{doc}-s{n}", document_id=doc,
                en=f"China will approve eligible applications for controlled items ({split} {n}) <b>&amp;",
                zh=f"中方将依法审批符合条件的管制物项出口申请（{n}）",
                zh_mt=f"中国将批准受控物品的合格申请（{n}）",
                zh_official="中方将依法审批符合条件的管制物项出口申请",
                official_doc_id="mofcom-2025-06-27" if n == 0 else "",
                alignment_score=0.91 if n == 0 else None,
                state="approved" if n < 2 else "edited", reviewer="li", model="tiny-marian",
                created_at="2026-01-01T00:00:00Z", updated_at="2026-01-02T00:00:00Z",
            ))
    return records


@pytest.fixture
def out_dir() -> Path:
    root = exports()
    root.mkdir(parents=True, exist_ok=True)
    return root


def approved_pairs(records: list[ExportRecord]) -> set[tuple[str, str]]:
    return {(r.en, r.zh) for r in records if r.state == "approved"}


def test_hf_export_loads_with_the_final_pairs_split_by_document(out_dir):
    from datasets import load_from_disk

    records = make_records()
    result = export_records(records, "hf", "reviewed", states=["approved"])
    assert result.path == out_dir / "reviewed" and result.records == 6
    loaded = load_from_disk(str(result.path))
    assert set(loaded) == set(SPLITS)
    rows = [row for split in loaded.values() for row in split]
    assert {(row["translation"]["en"], row["translation"]["zh"]) for row in rows} == approved_pairs(records)
    for name, split in loaded.items():
        assert {split_for(doc) for doc in split["document_id"]} == {name}
    row = next(r for r in rows if r["id"].endswith("-s0"))
    assert row["zh_mt"].startswith("中国将批准")
    assert row["official_doc_id"] == "mofcom-2025-06-27" and row["alignment_score"] == pytest.approx(0.91)
    assert row["edit_distance"] == edit_distance(row["zh_mt"], row["translation"]["zh"]) > 0
    assert row["state"] == "approved" and row["reviewer"] == "li" and row["updated_at"].startswith("2026-01-02")


def test_dataset_card_states_counts_licence_and_provenance():
    result = export_records(make_records(), "hf", "carded", states=["approved"])
    card = (result.path / "README.md").read_text(encoding="utf-8")
    assert "| train | 2 |" in card and "| total | 6 |" in card
    assert "## Licence" in card
    assert "mofcom-2025-06-27" in card and result.signature in card
    assert "`translation`" in card and "`hter`" in card


def test_split_is_by_document_deterministic_and_roughly_proportional():
    ids = [f"doc-{n}" for n in range(2000)]
    first = [split_for(d) for d in ids]
    assert first == [split_for(d) for d in ids]
    share = Counter(first)
    assert 0.75 < share["train"] / len(ids) < 0.85
    assert 0.07 < share["validation"] / len(ids) < 0.13
    assert 0.07 < share["test"] / len(ids) < 0.13


def test_edit_distance_and_hter_count_characters():
    assert edit_distance("中方将审批", "中方将依法审批") == 2
    assert hter("中方将审批", "中方将依法审批") == pytest.approx(2 / 7)
    assert hter("相同", "相同") == 0.0
    assert hter("", "") == 0.0


def test_parquet_and_jsonl_hold_every_selected_row(out_dir):
    import pyarrow.parquet as pq

    records = make_records()
    parquet = export_records(records, "parquet", "rows", states=["approved", "edited"])
    table = pq.read_table(parquet.path).to_pylist()
    assert parquet.path.suffix == ".parquet" and len(table) == len(records)
    assert {(r["translation"]["en"], r["translation"]["zh"], r["split"]) for r in table} == {
        (r.en, r.zh, split_for(r.document_id)) for r in records
    }
    jsonl = export_records(records, "jsonl", "rows", documents=[records[0].document_id])
    text = jsonl.path.read_text(encoding="utf-8")
    assert "管制物项" in text  # CJK written as characters, not \u escapes
    lines = [json.loads(line) for line in text.splitlines()]
    assert [line["id"] for line in lines] == [r.id for r in records if r.document_id == records[0].document_id]


@pytest.mark.parametrize("fmt", ["tmx", "xliff"])
def test_exchange_formats_round_trip_cjk_and_markup(fmt):
    records = make_records()
    result = export_records(records, fmt, f"memory-{fmt}")
    pairs = import_pairs(result.path.name)
    assert [(p.id, p.en, p.zh, p.document_id) for p in pairs] == [
        (r.id, r.en, r.zh, r.document_id) for r in records
    ]


def test_xliff_file_is_version_2_with_states():
    result = export_records(make_records(), "xliff", "states")
    xml = result.path.read_text(encoding="utf-8")
    assert 'version="2.0"' in xml and 'srcLang="en"' in xml and 'trgLang="zh-CN"' in xml
    assert 'state="final"' in xml and 'state="translated"' in xml


# Characters XML 1.0 can carry; surrounding whitespace is outside what a segment promises to keep.
xml_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Co")),
    min_size=1, max_size=40,
).map(str.strip).filter(bool)


@settings(max_examples=25, deadline=None)
@given(pairs=st.lists(st.tuples(xml_text, xml_text), min_size=1, max_size=5))
def test_round_trip_keeps_any_text(pairs):
    records = [ExportRecord(id=f"u{n}", document_id="d", en=en, zh=zh) for n, (en, zh) in enumerate(pairs)]
    for fmt in ("tmx", "xliff"):
        result = export_records(records, fmt, f"any-{fmt}", overwrite=True)
        assert [(p.en, p.zh) for p in import_pairs(result.path.name)] == pairs


@pytest.mark.parametrize("bad", ["../escape.jsonl", "sub/../../escape.jsonl", "/etc/passwd-copy.jsonl", "."])
def test_paths_outside_the_export_folder_are_refused(bad, out_dir):
    with pytest.raises(PathNotAllowedError, match="outside the export folder"):
        export_records(make_records(), "jsonl", bad)
    assert not (out_dir.parent / "escape.jsonl").exists()


def test_absolute_path_inside_the_export_folder_is_allowed(out_dir):
    result = export_records(make_records(), "jsonl", out_dir / "nested" / "inside.jsonl")
    assert result.path.is_file()


def test_failed_export_leaves_nothing_behind(monkeypatch, out_dir):
    def half_write(records, target, signature):
        target.write_text("<tmx>", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setitem(FORMATS, "tmx", replace(FORMATS["tmx"], writer=half_write))
    with pytest.raises(OSError, match="disk full"):
        export_records(make_records(), "tmx", "broken")
    assert list(out_dir.iterdir()) == []


def test_existing_export_is_kept_unless_overwrite(out_dir):
    first = export_records(make_records(), "hf", "again", states=["approved"])
    with pytest.raises(InputError, match="--overwrite"):
        export_records(make_records(), "hf", "again")
    second = export_records(make_records(), "hf", "again", overwrite=True)
    assert second.records == 9 and first.records == 6
    assert sorted(p.name for p in out_dir.iterdir()) == ["again"]


def test_nothing_to_export_is_an_error():
    with pytest.raises(InputError, match="no segments with state rejected"):
        export_records(make_records(), "jsonl", "empty", states=["rejected"])


def test_push_without_token_fails_with_one_line(monkeypatch, tmp_path):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    result = export_records(make_records(), "hf", "to-push")
    with pytest.raises(InputError) as err:
        push_to_hub(result.path, "someone/reviewed")
    assert "token" in str(err.value) and "\n" not in str(err.value)


def test_import_refuses_unknown_suffix(out_dir):
    (out_dir / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match=r"\.tmx, \.xlf or \.xliff"):
        import_pairs("notes.txt")


def test_cli_refuses_path_outside_in_one_line(capsys):
    code = dispatch(["export", "--format", "jsonl", "--output", "../outside.jsonl"])
    err = capsys.readouterr().err
    assert code == 2 and "outside the export folder" in err and len(err.strip().splitlines()) == 1
