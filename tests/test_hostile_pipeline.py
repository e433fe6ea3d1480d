"""Hostile and malformed articles through the whole pipeline into the review store.

Pasted text goes to :func:`workbench.pipeline.process_article` (aligned against the shipped
official corpus) as the UI sends it; uploads are read with :func:`workbench.ingest.read_article`
first, as the UI does. Each input is either stored as a correct, reviewable document or
refused with a one-line error that says what to do, and a refusal (or a failure half-way)
leaves no document or segment behind. The running app is also sent uploads of a wrong type
and over the size limit directly, past the browser.
"""

from __future__ import annotations

import codecs

import httpx
import pytest

from tests.conftest import models_dir_now
from workbench import pipeline
from workbench.corpus import OfficialCorpus
from workbench.errors import InputError
from workbench.ingest import DEFAULT_MAX_BYTES, read_article
from workbench.store import Store

CORPUS = OfficialCorpus.load()  # the shipped official corpus, so articles are aligned as in the app


def table_counts(store: Store) -> dict[str, int]:
    """Rows in every table that makes up a document."""
    conn = store.connection()
    return {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("documents", "segments", "translations", "alignment_links", "revisions")}


def stored_segments(store: Store, doc_id: str) -> list[str]:
    return [s.text for s in store.segments(doc_id)]


def upload(tmp_path, data: bytes, name: str = "article.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    return read_article(path, max_bytes=DEFAULT_MAX_BYTES)


def assert_refused_and_nothing_stored(store: Store, make_article, message: str) -> None:
    before = table_counts(store)
    with pytest.raises(InputError, match=message) as err:
        pipeline.process_article(make_article(), store=store, corpus=CORPUS)
    shown = str(err.value)
    assert "\n" not in shown and "; " in shown  # one line: the problem; then what to do
    assert table_counts(store) == before


@pytest.mark.parametrize("pasted", ["", "   \n\t\n  ", "\u200b\u200e\u2066\u2069"])
def test_empty_whitespace_or_invisible_paste_is_refused(store, pasted):
    assert_refused_and_nothing_stored(store, lambda: pasted, "empty")


@pytest.mark.parametrize("data, message", [
    (bytes(range(256)) * 8, "binary"),
    (b"Tariffs \x93rose\x94 to 10% \xe9t\xe9.", "not valid UTF-8"),
    (b"x" * (DEFAULT_MAX_BYTES + 1), "over the limit"),
])
def test_bad_uploads_are_refused_and_nothing_stored(store, tmp_path, data, message):
    assert_refused_and_nothing_stored(store, lambda: upload(tmp_path, data), message)


def test_utf16_upload_with_bom_is_stored_as_text(store, tmp_path):
    text = "China will review export applications. 中方将依法审批。"
    doc_id = pipeline.process_article(upload(tmp_path, codecs.BOM_UTF16_LE + text.encode("utf-16-le")),
                                      store=store, corpus=CORPUS)
    assert store.document(doc_id).source_text == text
    assert "".join(stored_segments(store, doc_id)).replace(" ", "") == text.replace(" ", "")


@pytest.mark.slow
def test_five_megabyte_upload_is_stored_whole(store, tmp_path):
    paragraphs, size, i = [], 0, 0
    while True:
        paragraph = f"Exports of item {i} rose {i % 97} percent in May. Officials met on June {i % 28 + 1}.\n\n"
        if size + len(paragraph) > DEFAULT_MAX_BYTES:
            break
        paragraphs.append(paragraph)
        size += len(paragraph)
        i += 1
    # Without the corpus: aligning 100,000 sentences takes minutes, and alignment is tested on the others.
    # 100,000 sentences: over the default per-document limit, so the limit is raised for this run.
    doc_id = pipeline.process_article(upload(tmp_path, "".join(paragraphs).encode()), store=store, corpus=None,
                                      max_segments=2 * len(paragraphs))
    segments = stored_segments(store, doc_id)
    assert len(segments) == 2 * len(paragraphs)
    assert segments[-1] == f"Officials met on June {(i - 1) % 28 + 1}."


def test_single_50000_character_line_is_one_reviewable_segment(store):
    """With the per-segment limit raised to its length (the limit is configurable), it stays whole."""
    line = " ".join(f"word{i}" for i in range(9000))[:50_000].strip()
    doc_id = pipeline.process_article(line, store=store, corpus=CORPUS, max_segment_chars=len(line))
    view = pipeline.open_document(store, doc_id)
    assert [row.segment.text for row in view.rows] == [line]
    assert len(view.document.title) <= pipeline.TITLE_CHARS


def test_by_default_a_50000_character_line_is_split_into_pieces_under_the_limit(store):
    from workbench.ingest import MAX_SEGMENT_CHARS

    line = " ".join(f"word{i}" for i in range(9000))[:50_000].strip()
    doc_id = pipeline.process_article(line, store=store, corpus=CORPUS)
    view = pipeline.open_document(store, doc_id)
    pieces = [row.segment.text for row in view.rows]
    assert (MAX_SEGMENT_CHARS, len(pieces)) == (2_000, 26)
    assert max(len(p) for p in pieces) <= MAX_SEGMENT_CHARS and " ".join(pieces) == line
    source = view.document.source_text  # each piece's offsets point at its own text
    assert all(source[row.segment.start:row.segment.end] == row.segment.text for row in view.rows)


def test_a_clause_list_is_cut_after_a_comma_not_inside_a_word():
    from workbench.ingest import split_long_sentence

    text = ", ".join(f"item {i}" for i in range(50))
    spans = split_long_sentence(text, 60)
    pieces = [text[a:b] for a, b in spans]
    assert pieces[0] == "item 0, item 1, item 2, item 3, item 4, item 5, item 6,"
    assert all(len(p) <= 60 and (p.endswith(",") or p == pieces[-1]) for p in pieces)
    assert ", ".join(p.rstrip(",") for p in pieces) == text


def test_pasted_text_over_the_upload_limit_is_refused_before_any_work(store):
    from workbench.errors import InputError

    pasted = "Officials met on Friday. " * (pipeline.MAX_UPLOAD_BYTES // 25 + 1)
    with pytest.raises(InputError, match=r"the pasted text is 5,242,900 bytes, over the limit of 5,242,880 bytes "
                                         r"\(5\.0 MiB\), the same limit as for uploads; paste the article in parts"):
        pipeline.process_article(pasted, store=store, corpus=CORPUS)
    assert store.list_documents() == []


def test_more_segments_than_the_limit_are_refused_with_a_message(store):
    from workbench.errors import InputError

    article = " ".join(f"Exports of item {i} rose." for i in range(30))
    with pytest.raises(InputError, match="more than 20 segments, the limit for one document; split it"):
        pipeline.process_article(article, store=store, corpus=CORPUS, max_segments=20)
    assert store.list_documents() == []


def test_a_cancelled_job_stores_nothing(store):
    from workbench.errors import JobCancelledError

    stages = []
    article = " ".join(f"Exports of item {i} rose." for i in range(30))
    with pytest.raises(JobCancelledError, match="cancelled; nothing was stored"):
        pipeline.process_article(article, store=store, corpus=CORPUS, progress=lambda *a: stages.append(a[0]),
                                 should_stop=lambda: bool(stages))
    assert stages == ["segment"] and store.list_documents() == []


@pytest.mark.slow  # the tiny random model decodes gibberish to its length limit
def test_controls_are_dropped_emoji_and_mixed_scripts_kept_and_translated(store, tiny_translator):
    pasted = ("U\u200b.S.\u2066 tariffs\u2069 rose 🚢📈 on Friday\u202e. "
              "The Ministry of Commerce (商务部, МИНКОМ, وزارة التجارة) said 稀土 exports resumed.")
    doc_id = pipeline.process_article(pasted, store=store, translator=tiny_translator, corpus=CORPUS)
    view = pipeline.open_document(store, doc_id)
    assert [row.segment.text for row in view.rows] == [
        "U.S. tariffs rose 🚢📈 on Friday.",
        "The Ministry of Commerce (商务部, МИНКОМ, وزارة التجارة) said 稀土 exports resumed.",
    ]
    assert all(row.mt is not None for row in view.rows)
    stored = store.document(doc_id).source_text
    assert not any(ch in stored for ch in "\u200b\u2066\u2069\u202e")


def test_html_with_scripts_and_event_handlers_stores_only_the_text(store):
    pasted = ('<html><head><title>Trade talks</title></head><body>'
              '<p onmouseover="alert(1)">China and the United States met in London.</p>'
              '<script>fetch("/steal?c=" + document.cookie)</script>'
              '<img src=x onerror="alert(2)"><p>Both sides <a href="javascript:alert(3)">agreed</a>.</p>'
              '<style>p{display:none}</style></body></html>')
    doc_id = pipeline.process_article(pasted, store=store, corpus=CORPUS)
    assert stored_segments(store, doc_id) == ["China and the United States met in London.", "Both sides agreed."]
    record = store.document(doc_id)
    assert record.source_format == "html" and record.title == "Trade talks"
    for hostile in ("alert", "script", "onerror", "cookie", "javascript", "<"):
        assert hostile not in record.source_text


def test_markdown_with_embedded_html_stores_only_the_text(store):
    pasted = ("# Trade talks\n\nThe **talks** ended on *Tuesday*.\n\n"
              "<script>alert(1)</script>\n<img src=x onerror=alert(2)>\n\n- Both sides <b>agreed</b>.\n")
    doc_id = pipeline.process_article(pasted, store=store, corpus=CORPUS)
    segments = stored_segments(store, doc_id)
    assert segments == ["Trade talks", "The talks ended on Tuesday.", "Both sides agreed."]
    assert store.document(doc_id).source_format == "markdown"


def test_a_translator_failing_half_way_leaves_nothing_in_the_store(store):
    class FailingTranslator:
        def translate(self, texts, progress=None, required_terms=None, errors="raise"):
            progress(1, len(texts))
            raise RuntimeError("backend crashed")

    before = table_counts(store)
    with pytest.raises(RuntimeError, match="backend crashed"):
        pipeline.process_article("First sentence here. Second sentence here.", store=store,
                                 translator=FailingTranslator(), corpus=CORPUS)
    assert table_counts(store) == before


@pytest.fixture(scope="module")
def tiny_translator(tiny_model, tmp_path_factory):
    """A translator over the tiny random model (gibberish, but the real code path)."""
    from workbench.translate import load_translator

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WORKBENCH_MODELS_DIR", str(tmp_path_factory.mktemp("models")))
        return load_translator(str(tiny_model), "transformers", models_dir=models_dir_now())


@pytest.mark.slow
def test_server_refuses_uploads_of_other_types_or_over_the_limit(start_app, tmp_path):
    """What the browser's file picker allows is not trusted: the server checks type and size itself."""
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    app = start_app("--no-mt")
    client = Client(app.url, verbose=False, download_files=False)
    disguised = tmp_path / "statement.exe"
    disguised.write_bytes(b"MZ\x90\x00" + bytes(range(256)) * 16)
    with pytest.raises(AppError, match="file type"):
        client.predict("", handle_file(str(disguised)), {}, api_name="/process")

    # Straight to the upload route, past gradio_client's own size check.
    too_big = b"Exports rose 5 percent in May.\n" * (DEFAULT_MAX_BYTES // 31 + 1)
    response = httpx.post(f"{app.url}gradio_api/upload", files={"files": ("statement.txt", too_big)}, timeout=60)
    assert response.status_code == 413
    with Store(app.db, read_only=True) as store:
        assert store.list_documents() == []
