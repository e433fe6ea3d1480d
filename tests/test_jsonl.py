"""The shared JSONL reader: whole records, clear errors naming the line."""

from __future__ import annotations

import json

import pytest

from workbench.errors import InputError
from workbench.jsonl import iter_records, read_records


def test_line_separator_inside_a_record_does_not_split_it(tmp_path):
    path = tmp_path / "in.jsonl"
    records = [{"id": 1, "text": "first\u2028still first"}, {"id": 2, "text": "second\u0085line"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n\n", encoding="utf-8")
    assert [record for _, record in read_records(path)] == records


@pytest.mark.parametrize("lines, message", [
    (['{"id": 1, "text": "a"}', "{broken"], "in.jsonl, line 2: not JSON"),
    (['["a list"]'], "line 1: not a JSON object"),
    (['{"id": 1}'], "line 1: lacks 'text'; each line must be a JSON object with 'text'"),
])
def test_bad_lines_are_named(lines, message):
    with pytest.raises(InputError, match=message):
        list(iter_records(lines, name="in.jsonl", required=("text",)))


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        list(read_records(tmp_path / "missing.jsonl"))
