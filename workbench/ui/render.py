"""HTML fragments of the review screen, built from a :class:`~workbench.ui.screen.ReviewScreen`.

Every piece of article, MT, corpus or reviewer text goes through :func:`html.escape` here,
and links are only ever ``http(s)`` URLs, so nothing from a document can run as script or
break the layout. These are pure functions: the tests check their escaping directly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape

from workbench.pipeline import SegmentView
from workbench.ui.screen import STATE_WORDS, flag_line

FLAGS_SHOWN = 4
SNIPPET_CHARS = 12  # context shown either side of a found text
REASON_CHARS = 200  # a revision's reason in the history preview, cut there
PROBLEMS_SHOWN = 3  # problems named in the approval confirmation before the rest fold away


def text(value: object) -> str:
    """Any value as escaped HTML text (quotes included, for attributes)."""
    return escape("" if value is None else str(value), quote=True)


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) URL without characters that could leave an attribute, else None."""
    if not url or not url.startswith(("https://", "http://")) or any(c in url for c in "\"'<>` \n"):
        return None
    return url


# How an official term got into the MT, in the reviewer's words.
TERM_ORIGINS = {"decoded": "the model wrote it", "n-best": "chosen among the model's candidates",
                "prefix": "put in where the English term is, then the model finished",
                "end": "put in at the end, before the final mark, as no place was found for it",
                "prefix-end": "put in at the end, then the model finished",
                "constrained": "forced during decoding"}


def enforced_words(enforced: Sequence[tuple[str, str]]) -> str:
    """``管制物项 (forced during decoding); …``: the official terms the MT was made to hold, and how each got in."""
    return "; ".join(f"{zh} ({TERM_ORIGINS.get(how, how)})" for zh, how in enforced)


def enforced_terms_line(row: SegmentView) -> str:
    """Which official terms the MT holds because they were required, and how each got there."""
    if not row.enforced_terms:
        return ""
    return f'<div class="wb-terms">Official terms in the MT: {text(enforced_words(row.enforced_terms))}</div>'


def flags_line(row: SegmentView) -> str:
    """The QA flags of the MT: the first few in full, the rest folded away so the buttons stay in reach."""
    if not row.flags:
        return enforced_terms_line(row)
    items = [f"<li>{text(flag_line(f))}</li>" for f in row.flags]
    shown = "".join(items[:FLAGS_SHOWN])
    folded = (f'<details><summary>{len(items) - FLAGS_SHOWN} more QA flag(s)</summary><ul class="wb-flags">'
              f'{"".join(items[FLAGS_SHOWN:])}</ul></details>' if len(items) > FLAGS_SHOWN else "")
    return f'{enforced_terms_line(row)}<ul class="wb-flags">{shown}</ul>{folded}'


def message(kind: str, words: str) -> str:
    """A status line: ``kind`` is ok, warn or error."""
    if not words:
        return ""
    return f'<div class="wb-msg wb-msg-{text(kind)}" role="status">{text(words)}</div>'


# --- the review screen (from a workbench.ui.screen.ReviewScreen) --------------------------------------

def screen_progress(screen) -> str:
    """The document's title and progress: approved / total, as a bar and in words."""
    share = 100 * screen.approved / screen.total if screen.total else 0
    return (f'<div class="wb-progress"><span class="wb-progress-title">{text(screen.title)}</span>'
            f'<div class="wb-bar"><div class="wb-bar-fill" style="width:{share:.1f}%"></div></div>'
            f'<span class="wb-progress-words"><b>{screen.approved} / {screen.total} approved</b> · '
            f"{screen.reviewed} reviewed</span></div>")


def segment_list(screen) -> str:
    """The compact segment list: number, state, risk, English and final; the current row marked."""
    if not screen.rows:
        return f'<div class="wb-list-empty">{text(screen.list_words)}</div>'
    rows = []
    for row in screen.rows:
        current = ' class="wb-current" id="wb-current-row" aria-current="true"' if row.current else ""
        risk = f'<span class="wb-risk-{text(row.risk_word)}">{text(row.risk_word)}</span>' if row.risk_word else ""
        rows.append(f'<tr data-segment="{row.segment_id}"{current}><td class="wb-n">{row.number}</td>'
                    f'<td><span class="wb-state wb-state-{text(row.state)}">{text(row.state_word)}</span></td>'
                    f'<td class="wb-r">{risk}</td><td class="wb-en">{text(row.english)}</td>'
                    f'<td class="wb-zh" lang="zh">{text(row.final)}</td></tr>')
    return (f'<div class="wb-list-words">{text(screen.list_words)}</div><div class="wb-list-scroll">'
            f'<table class="wb-list"><tbody>{"".join(rows)}</tbody></table></div>')


def english_panel(screen) -> str:
    """The English sentence, selectable, with glossary terms highlighted and each official clause underlined."""
    if not screen.has_segment:
        return ""
    english = screen.english
    clause = [0] * len(english)  # the official suggestion covering each character, 0 for none
    for suggestion in screen.suggestions:
        if suggestion.kind == "official" and suggestion.span:
            for i in range(max(0, suggestion.span[0]), min(len(english), suggestion.span[1])):
                clause[i] = clause[i] or suggestion.number
    term = [False] * len(english)
    for start, end in screen.term_spans:
        for i in range(max(0, start), min(len(english), end)):
            term[i] = True
    out, i = [], 0
    while i < len(english):
        j = i
        while j < len(english) and (clause[j], term[j]) == (clause[i], term[i]):
            j += 1
        run = text(english[i:j])
        if term[i]:
            run = f'<mark class="wb-term">{run}</mark>'
        if clause[i]:
            run = f'<span class="wb-clause" title="official wording: suggestion {clause[i]}">{run}</span>'
        out.append(run)
        i = j
    return (f'<div class="wb-label">English · {text(screen.header)} · '
            f'<span class="wb-state wb-state-{text(screen.state)}">{text(STATE_WORDS.get(screen.state, ""))}'
            f'</span></div><div class="wb-english">{"".join(out)}</div>')


def mt_panel(screen) -> str:
    """The machine translation (selectable) with its confidence in words; the raw value in the tooltip."""
    if not screen.has_segment:
        return ""
    enforced = (f'<div class="wb-terms">Official terms in the MT: {text(enforced_words(screen.mt_terms))}</div>'
                if screen.mt_terms else "")
    return (f'<div class="wb-label" title="{text(screen.mt_tooltip)}">{text(screen.mt_words)}</div>'
            f'<div class="wb-mt" lang="zh">{text(screen.mt)}</div>{enforced}')


def suggestions_panel(screen) -> str:
    """Numbered suggestions; Ctrl+N or the insert button puts one in at the cursor (over a selection)."""
    if not screen.suggestions:
        return '<div class="wb-label">No suggestions for this segment.</div>' if screen.has_segment else ""
    items = []
    for s in screen.suggestions:
        items.append(
            f'<li class="wb-sug wb-sug-{text(s.kind)}" data-insert="{s.number}" data-text="{text(s.text)}">'
            f'<button class="wb-insert" data-n="{s.number}" title="insert at the cursor (Ctrl+{s.number})">'
            f"{s.number}</button> "
            f'<span class="wb-sug-label">{text(s.label)}</span> <span class="wb-sug-text" lang="zh">{text(s.text)}</span>'
            + (f'<div class="wb-sug-detail">{text(s.detail)}{_provenance(s)}</div>' if s.detail else "") + "</li>")
    return f'<div class="wb-label">Suggestions (Ctrl+1…9 inserts)</div><ol class="wb-sugs">{"".join(items)}</ol>'


def _provenance(suggestion) -> str:
    """An official suggestion's source link (http(s) only), evidence and a newer-version warning."""
    if suggestion.kind != "official":
        return ""
    url = safe_url(suggestion.source_url)
    source = (f' · <a href="{text(url)}" target="_blank" rel="noopener noreferrer">source</a>' if url
              else " · no source link")
    newer = ('<div class="wb-newer">A newer version of this document exists; check the wording.</div>'
             if suggestion.newer else "")
    return f'{source}<div class="wb-evidence">{text(suggestion.evidence)}</div>{newer}'


def qa_panel(screen) -> str:
    """Risk in words and the QA flags of the final; the confirmation an approval is waiting for."""
    if not screen.has_segment:
        return ""
    confirm = ""
    if screen.confirm:
        items = "".join(f"<li>{text(p)}</li>" for p in screen.confirm[:PROBLEMS_SHOWN])
        rest = "".join(f"<li>{text(p)}</li>" for p in screen.confirm[PROBLEMS_SHOWN:])
        folded = (f"<details><summary>{len(screen.confirm) - PROBLEMS_SHOWN} more</summary><ul>{rest}</ul></details>"
                  if rest else "")
        confirm = (f'<div class="wb-confirm" role="alert"><b>Approve anyway?</b> Press approve again to confirm '
                   f"over:<ul>{items}</ul>{folded}</div>")
    lines = [f"<li>{text(line)}</li>" for line in screen.qa_lines]
    shown = "".join(lines[:FLAGS_SHOWN])
    folded = (f'<details><summary>{len(lines) - FLAGS_SHOWN} more QA flag(s)</summary><ul class="wb-flags">'
              f'{"".join(lines[FLAGS_SHOWN:])}</ul></details>' if len(lines) > FLAGS_SHOWN else "")
    none = "" if lines else '<span class="wb-ok">no QA flags</span>'
    return (f'{confirm}<div class="wb-qa"><span class="wb-risk">{text(screen.risk_words)}</span> {none}'
            f'<ul class="wb-flags">{shown}</ul>{folded}</div>')


def glossary_panel(screen) -> str:
    """The glossary terms found in the English: official Chinese, attestation and source."""
    if not screen.terms:
        return '<div class="wb-label">No glossary terms in this sentence.</div>' if screen.has_segment else ""
    rows = "".join(
        f'<tr><td>{text(t.en)}</td><td lang="zh"><button class="wb-insert-text" data-text="{text(t.zh)}" '
        f'title="insert at the cursor">{text(t.zh)}</button></td>'
        f'<td>{"official" if t.official else text(t.attestation.lower())}</td><td>{text(_term_origin(t))}</td></tr>'
        for t in screen.terms)
    return f'<table class="wb-gloss"><tbody>{rows}</tbody></table>'


def _term_origin(term) -> str:
    added = f"added by {term.added_by} {(term.added_at or '')[:10]}".strip() if term.added_by else ""
    return " · ".join(part for part in (term.source, added) if part)


def comments_panel(screen) -> str:
    """The segment's comment thread, oldest first."""
    if not screen.comments:
        return '<div class="wb-label">No comments yet.</div>' if screen.has_segment else ""
    items = "".join(f'<li><b>{text(c.author)}</b> <span class="wb-when">{text(c.created_at[:16].replace("T", " "))}'
                    f"</span> {text(c.text)}</li>" for c in screen.comments)
    return f'<ul class="wb-comments">{items}</ul>'


def preview_panel(screen) -> str:
    """A picked revision: full text, reviewer, time and a diff against the current final."""
    p = screen.preview
    if p is None:
        return ""
    spans = []
    for op, run in p.diff:
        tag = {"delete": "del", "insert": "ins"}.get(op)
        spans.append(f'<{tag} class="wb-{op[:3]}">{text(run)}</{tag}>' if tag else text(run))
    why = " · ".join(part for part in (p.category, p.reason) if part)
    reason = f" · {text(why if len(why) <= REASON_CHARS else why[:REASON_CHARS - 1] + '…')}" if why else ""
    return (f'<div class="wb-preview"><div class="wb-label">revision {p.number} · {text(p.state)} · '
            f'{text(p.reviewer)} · {text(p.action)} · {text(p.created_at[:19].replace("T", " "))}{reason}</div>'
            f'<div lang="zh" class="wb-preview-text">{text(p.text)}</div>'
            f'<div class="wb-diff"><span class="wb-diff-label">this revision → current</span> '
            f'<span lang="zh">{"".join(spans)}</span></div></div>')


def offers_panel(screen) -> str:
    """The segments a term change would be applied to."""
    if not screen.offers:
        return ""
    items = "".join(f"<li lang=\"zh\">{text(line)}</li>" for line in screen.offers)
    return f'<div class="wb-label">Apply the same change to {len(screen.offers)} other segment(s):</div><ul>{items}</ul>'


def found_panel(screen) -> str:
    """Find-and-replace hits, the found text highlighted."""
    if not screen.found:
        return ""
    items = []
    for hit in screen.found:
        # Each hit in a little context, so a long sentence does not fill the screen.
        snippets = [f"…{text(hit.text[max(0, start - SNIPPET_CHARS):start])}<mark>{text(hit.text[start:end])}</mark>"
                    f"{text(hit.text[end:end + SNIPPET_CHARS])}…" for start, end in hit.spans[:3]]
        more = f" (+{len(hit.spans) - 3})" if len(hit.spans) > 3 else ""
        items.append(f'<li>#{hit.position + 1}: <span lang="zh">{" ".join(snippets)}</span>{more}</li>')
    return f'<ul class="wb-found">{"".join(items)}</ul>'



def screen_html(screen) -> dict[str, str]:
    """Every HTML panel of a review screen, by name: what the Gradio adapter places in its components."""
    opened = screen.doc_id is not None
    return {"status": message(screen.message_kind, screen.message),
            "progress": screen_progress(screen) if opened else "",
            "segment_list": segment_list(screen) if opened else "",
            "english": english_panel(screen), "mt": mt_panel(screen), "suggestions": suggestions_panel(screen),
            "qa": qa_panel(screen), "preview": preview_panel(screen), "glossary": glossary_panel(screen),
            "comments": comments_panel(screen), "offers": offers_panel(screen), "found": found_panel(screen)}


def reading_view(view) -> str:
    """The whole article in Chinese (a ``pipeline.ReadingView``): approved finals plain, the rest marked."""
    paragraphs = []
    for paragraph in view.paragraphs:
        runs = "".join(text(seg.text) if seg.approved else
                       f'<span class="wb-unapproved" title="not approved yet">{text(seg.text)}</span>'
                       for seg in paragraph)
        paragraphs.append(f'<p lang="zh">{runs}</p>')
    return (f'<article class="wb-reading"><h3>{text(view.title)}</h3><div class="wb-label">{text(view.date)} · '
            f'<span class="wb-unapproved">marked</span> text is not approved yet</div>{"".join(paragraphs)}</article>')


CSS = """
.wb-progress-title { font-weight: 600; font-size: 1.05em; margin-bottom: 4px; }
.wb-bar { height: 8px; background: #e5e7eb; border-radius: 4px; overflow: hidden; }
.wb-bar-fill { height: 100%; background: #16a34a; }
.wb-progress-words { font-size: .9em; margin-top: 4px; }
.wb-state { padding: 1px 8px; border-radius: 10px; font-weight: 600; font-size: .85em; }
.wb-state-new { background: #e5e7eb; color: #374151; }
.wb-state-edited { background: #fef3c7; color: #92400e; }
.wb-state-approved { background: #dcfce7; color: #166534; }
.wb-state-rejected { background: #fee2e2; color: #991b1b; }
.wb-official { border-left: 3px solid #d1d5db; padding: 4px 10px; margin-bottom: 8px; }
.wb-official.wb-best { border-left-color: #b91c1c; }
.wb-official-text { font-size: 1.1em; }
.wb-official-meta, .wb-quote { font-size: .85em; color: #4b5563; }
.wb-newer { color: #b45309; font-size: .85em; }
.wb-diff { font-size: 1.0em; margin: 2px 0; }
.wb-diff-label { font-size: .8em; color: #6b7280; }
.wb-del { background: #fee2e2; text-decoration: line-through; }
.wb-ins { background: #dcfce7; text-decoration: none; }
.wb-msg { padding: 6px 10px; border-radius: 6px; }
.wb-msg-ok { background: #ecfdf5; }
.wb-msg-warn { background: #fffbeb; border: 1px solid #f59e0b; }
.wb-msg-error { background: #fef2f2; border: 1px solid #ef4444; }
.wb-banner { background: #fffbeb; border: 1px solid #f59e0b; padding: 8px 12px; border-radius: 6px; }
.wb-label { font-size: .85em; color: #6b7280; margin-bottom: 4px; }
.wb-keys { font-size: .8em; color: #6b7280; }
.wb-flags { color: #b45309; margin: 0; }
.wb-tm { margin: 0; padding-left: 1.2em; }
.wb-tm-label { font-size: .8em; color: #1d4ed8; font-weight: 600; }
.wb-tm-en { font-size: .8em; color: #6b7280; }
.wb-risk { font-weight: 600; color: #b45309; }
.gradio-container { padding-top: 4px !important; padding-bottom: 4px !important; }
#topbar { align-items: center; min-height: 0; }
#status { position: fixed; top: 6px; left: 50%; transform: translateX(-50%); z-index: 60; max-width: 50vw; }
#review-bar { flex-wrap: nowrap; }
#review-main, #editor-column { gap: 6px !important; }
#editor-column > div { gap: 6px !important; }
#qa .wb-qa { max-height: 50px; overflow-y: auto; }
.wb-app-title { font-weight: 600; font-size: 1.05em; }
#review-bar { align-items: center; gap: 8px; }
#doc-progress { flex: 1 1 auto; }
.wb-progress { display: flex; align-items: center; gap: 10px; }
.wb-progress .wb-progress-title { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 480px;
  margin: 0; }
.wb-progress-words { white-space: nowrap; }
.wb-progress .wb-bar { flex: 0 0 160px; }
.wb-list-words { font-size: .8em; color: #6b7280; }
.wb-list-scroll { max-height: 500px; overflow-y: auto; border: 1px solid #e5e7eb; border-radius: 6px; }
.wb-list { width: 100%; border-collapse: collapse; font-size: .8em; table-layout: fixed; }
.wb-list td { padding: 3px 4px; border-bottom: 1px solid #f3f4f6; vertical-align: top; overflow: hidden;
  text-overflow: ellipsis; white-space: nowrap; cursor: pointer; }
.wb-list td.wb-n { width: 2.6em; text-align: right; color: #6b7280; }
.wb-list td:nth-child(2) { width: 6.2em; }
.wb-list .wb-state { font-size: .72em; padding: 0 4px; }
.wb-list td.wb-r { width: 3.8em; }
.wb-list tr.wb-current td { background: #dbeafe; font-weight: 600; }
.wb-list tr:hover td { background: #eff6ff; }
.wb-risk-high { color: #b91c1c; } .wb-risk-medium { color: #b45309; } .wb-risk-low { color: #15803d; }
/* The English is what the reviewer reads most: four lines of it before it scrolls. */
.wb-english, .wb-mt { user-select: text; cursor: text; padding: 4px 6px; border: 1px solid #e5e7eb;
  border-radius: 6px; max-height: 92px; overflow-y: auto; }
.wb-mt { max-height: 46px; }
.wb-term { background: #fef9c3; }
.wb-clause { border-bottom: 2px solid #b91c1c; }
.wb-sugs { margin: 0; padding: 0; list-style: none; max-height: 186px; overflow-y: auto; }
.wb-sug { padding: 2px 0; border-bottom: 1px solid #f3f4f6; }
.wb-insert-text { border: 1px dashed #9ca3af; border-radius: 4px; background: none; cursor: pointer; }
.wb-insert { min-width: 1.8em; border: 1px solid #9ca3af; border-radius: 4px; background: #f9fafb; cursor: pointer; }
.wb-sug-label { font-size: .78em; color: #1d4ed8; font-weight: 600; }
.wb-sug-official .wb-sug-label { color: #b91c1c; }
.wb-sug-detail { font-size: .75em; color: #6b7280; margin-left: 2.2em; }
.wb-evidence { font-size: .95em; color: #9ca3af; }
.wb-terms { font-size: .75em; color: #6b7280; }
.wb-qa { font-size: .85em; } .wb-qa ul { margin: 0; } .wb-ok { color: #15803d; }
.wb-confirm { background: #fef2f2; border: 1px solid #ef4444; border-radius: 6px; padding: 4px 8px; font-size: .9em; }
.wb-confirm ul { margin: 0; }
.wb-confirm { max-height: 110px; overflow-y: auto; }
#actions { align-items: center; gap: 6px; }
.wb-section { font-weight: 600; font-size: .9em; margin-top: 6px; }
.wb-gloss { font-size: .85em; border-collapse: collapse; table-layout: fixed; width: 100%; }
.wb-gloss td { padding: 1px 6px; overflow-wrap: anywhere; vertical-align: top; }
.wb-gloss td:first-child { width: 22%; } .wb-gloss td:nth-child(2) { width: 22%; }
.wb-gloss td:nth-child(3) { width: 12%; } .wb-gloss td:nth-child(4) { font-size: .8em; color: #6b7280; }
.wb-gloss td:nth-child(2) { white-space: nowrap; }
.wb-comments { font-size: .85em; margin: 0; } .wb-when { color: #6b7280; font-size: .85em; }
.wb-preview { border-left: 3px solid #93c5fd; padding: 2px 8px; }
.wb-unapproved { background: #fef3c7; }
.wb-reading p { font-size: 1.1em; line-height: 1.8; }
#wb-help { position: fixed; inset: 0; background: rgba(0,0,0,.35); display: flex; align-items: center;
  justify-content: center; z-index: 1000; }
#wb-help > div { background: #fff; color: #111; padding: 16px 24px; border-radius: 8px; }
#wb-help td { padding: 2px 10px; }
#corpus-search-results table { table-layout: fixed; width: 100%; }
"""

QA_PAUSE_MS = 300  # live QA runs once the reviewer stops typing this long

# The keys of the review screen, as (keys, what they do): the "?" overlay lists them.
SHORTCUTS = (
    ("Ctrl+Enter", "approve and go to the next segment"),
    ("Alt+↓ / Alt+↑", "next / previous segment"),
    ("Ctrl+Shift+↓", "next segment not yet reviewed or with QA flags"),
    ("Ctrl+Shift+S", "copy the English into the final at the cursor"),
    ("Ctrl+1 … Ctrl+9", "insert suggestion N at the cursor (over the selection)"),
    ("Ctrl+H", "find and replace in the document's finals"),
    ("?", "show or hide this list"),
)

# The page script: shortcuts press the screen's (sometimes hidden) buttons; inserting a
# suggestion edits the final in the browser at the cursor, so nothing the reviewer typed is
# lost; a click on a list row asks the server for that segment; the current row is kept in view.
KEYBOARD_JS = """
<script>
(() => {
  const press = (id) => { const b = document.getElementById(id); if (b) b.click(); return !!b; };
  const finalBox = () => document.querySelector("#final textarea");
  const setValue = (box, value) => {
    const proto = box instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, "value").set.call(box, value);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const insert = (words) => {
    const box = finalBox();
    if (!box || words == null) return;
    // The textarea keeps its cursor and selection when it loses the focus.
    const start = box.selectionStart, end = box.selectionEnd;
    setValue(box, box.value.slice(0, start) + words + box.value.slice(end));
    box.focus();
    box.setSelectionRange(start + words.length, start + words.length);
  };
  const suggestion = (n) => {
    const item = document.querySelector(`#suggestions [data-insert="${n}"]`);
    return item ? item.dataset.text : null;
  };
  const send = (id, value) => {
    const box = document.querySelector(`#${id} textarea, #${id} input`);
    if (!box) return;
    setValue(box, String(value));
    setTimeout(() => press(id + "-go"), 30);
  };
  const helpRows = ROWS;
  const toggleHelp = () => {
    const open = document.getElementById("wb-help");
    if (open) { open.remove(); return; }
    const overlay = document.createElement("div");
    overlay.id = "wb-help";
    overlay.innerHTML = "<div role='dialog' aria-label='Keyboard shortcuts'><b>Keyboard shortcuts</b><table>" +
      helpRows.map(([k, w]) => `<tr><td><kbd>${k}</kbd></td><td>${w}</td></tr>`).join("") + "</table></div>";
    overlay.addEventListener("click", () => overlay.remove());
    document.body.appendChild(overlay);
  };
  const typing = (target) => target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT");
  document.addEventListener("keydown", (event) => {
    const ctrl = event.ctrlKey || event.metaKey;
    const key = event.key;
    let handled = true;
    if (ctrl && key === "Enter") press("approve-next");
    else if (event.altKey && key === "ArrowDown") press("next");
    else if (event.altKey && key === "ArrowUp") press("prev");
    else if (ctrl && event.shiftKey && key === "ArrowDown") press("next-pending");
    else if (ctrl && event.shiftKey && (key === "S" || key === "s")) {
      const english = document.querySelector("#english .wb-english");
      insert(english ? english.textContent : null);
    }
    else if (ctrl && !event.shiftKey && !event.altKey && /^[1-9]$/.test(key)) insert(suggestion(key));
    else if (ctrl && !event.shiftKey && (key === "h" || key === "H")) {
      const box = document.querySelector("#find-text input, #find-text textarea");
      if (box) { box.scrollIntoView({ block: "center" }); box.focus(); }
    }
    else if (key === "?" && !typing(event.target)) toggleHelp();
    else if (key === "Escape" && document.getElementById("wb-help")) toggleHelp();
    else handled = false;
    if (handled) { event.preventDefault(); event.stopPropagation(); }
  }, true);
  document.addEventListener("mousedown", (event) => {
    // Keep the final's cursor when a suggestion's button takes the focus.
    if (event.target.closest(".wb-insert, .wb-insert-text")) event.preventDefault();
  }, true);
  document.addEventListener("click", (event) => {
    const button = event.target.closest(".wb-insert");
    if (button) { insert(suggestion(button.dataset.n)); return; }
    const term = event.target.closest(".wb-insert-text");
    if (term) { insert(term.dataset.text); return; }
    const row = event.target.closest("#segment-list tr[data-segment]");
    if (row) send("jump-to", row.dataset.segment);
  });
  document.addEventListener("mouseup", (event) => {
    // A selection in the English becomes the term to add; one in the final its Chinese.
    if (event.target.closest("#english")) {
      const words = String(window.getSelection() || "").trim();
      const box = document.querySelector("#term-en input, #term-en textarea");
      if (words && box) setValue(box, words);
    } else if (event.target.closest("#final")) {
      const box = finalBox();
      const words = box ? box.value.slice(box.selectionStart, box.selectionEnd).trim() : "";
      const target = document.querySelector("#term-zh input, #term-zh textarea");
      if (words && target) setValue(target, words);
    }
  });
  let pause = null;
  document.addEventListener("input", (event) => {
    // Live QA of the final once typing pauses for a moment.
    if (!event.target.closest || !event.target.closest("#final")) return;
    clearTimeout(pause);
    pause = setTimeout(() => press("qa-check-go"), QA_PAUSE_MS);
  });
  let shown = null;
  new MutationObserver(() => {
    const row = document.getElementById("wb-current-row");
    if (!row || row === shown) return;
    shown = row;
    const list = row.closest(".wb-list-scroll");
    if (list) list.scrollTop = Math.max(0, row.offsetTop - list.clientHeight / 3);
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
</script>
""".replace("ROWS", json.dumps(SHORTCUTS, ensure_ascii=False)).replace("QA_PAUSE_MS", str(QA_PAUSE_MS))
