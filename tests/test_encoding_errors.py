"""A file in another encoding gets the same one-line message from every command that reads one."""

from __future__ import annotations

import pytest

from workbench.cli import dispatch

LATIN = "Caf\u00e9 au lait in M\u00fcnchen, \u00e9t\u00e9 \u00e0 Paris.".encode("cp1252")


@pytest.fixture
def files(tmp_path):
    """The same Latin-1 text as an article, a pre-split file and a JSONL record."""
    article = tmp_path / "latin.txt"
    article.write_bytes(LATIN + b"\n")
    jsonl = tmp_path / "latin.jsonl"
    jsonl.write_bytes(b'{"id": "1", "text": "' + LATIN + b'", "source": "a", "translation": "b"}\n')
    return article, jsonl


@pytest.mark.parametrize("command", [
    lambda a, j, out: ["segment", str(a)],
    lambda a, j, out: ["qa", str(j)],
    lambda a, j, out: ["translate", str(j), "--output", str(out), "--model", str(out.parent / "no-model")],
    lambda a, j, out: ["eval", "--hyp", str(a), "--ref", str(a)],
    lambda a, j, out: ["eval", "--hyp", str(j), "--ref", str(a)],
    lambda a, j, out: ["align", str(a), str(a), "--presplit", "--no-mt"],
    lambda a, j, out: ["align", str(a), "--mode", "news", "--no-mt", "--format", "jsonl"],
], ids=["segment", "qa", "translate", "eval-text", "eval-jsonl", "align-presplit", "align-article"])
def test_the_encoding_is_named_in_one_line(files, tmp_path, capsys, command):
    article, jsonl = files
    assert dispatch(command(article, jsonl, tmp_path / "out.jsonl")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("workbench: error: latin.") and "is not valid UTF-8 (it looks like " in err
    assert err.rstrip().endswith("re-save it as UTF-8 and try again")
