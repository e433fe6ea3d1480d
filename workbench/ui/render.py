"""HTML fragments of the review view, built from stored data.

Every piece of article, MT, corpus or reviewer text goes through :func:`html.escape` here,
and links are only ever ``http(s)`` URLs, so nothing from a document can run as script or
break the layout. These are pure functions: the tests check their escaping directly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape

from workbench.corpus import OfficialCorpus
from workbench.pipeline import DocumentView, SegmentView, char_diff
from workbench.store import LinkRecord

STATE_LABELS = {"new": "not reviewed", "edited": "edited", "approved": "approved", "rejected": "rejected"}
EVIDENCE_CHARS = 300
MAX_LINKS_SHOWN = 3
FLAGS_SHOWN = 4


def text(value: object) -> str:
    """Any value as escaped HTML text (quotes included, for attributes)."""
    return escape("" if value is None else str(value), quote=True)


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) URL without characters that could leave an attribute, else None."""
    if not url or not url.startswith(("https://", "http://")) or any(c in url for c in "\"'<>` \n"):
        return None
    return url


def progress_bar(view: DocumentView) -> str:
    """Document-level progress: approved / total, as a bar and in words."""
    total = len(view.rows)
    approved = view.approved
    reviewed = sum(row.review.state != "new" for row in view.rows)
    share = 100 * approved / total if total else 0
    return (f'<div class="wb-progress"><div class="wb-progress-title">{text(view.document.title)}</div>'
            f'<div class="wb-bar"><div class="wb-bar-fill" style="width:{share:.1f}%"></div></div>'
            f'<div class="wb-progress-words"><b>{approved} / {total} approved</b> · {reviewed} reviewed</div></div>')


def state_badge(row: SegmentView) -> str:
    """The segment's review state, who set it and when."""
    review = row.review
    who = f" by {text(review.reviewer)}" if review.reviewer else ""
    when = f" · {text(review.updated_at[:16].replace('T', ' '))} UTC" if review.updated_at else ""
    rev = f" · revision {review.revision}" if review.revision else ""
    return (f'<span class="wb-state wb-state-{text(review.state)}" data-state="{text(review.state)}">'
            f"{text(STATE_LABELS[review.state])}</span>{who}{rev}{when}")


def official_panel(row: SegmentView, corpus: OfficialCorpus | None) -> str:
    """The official wording found for the segment, with provenance, score and evidence."""
    if not row.links:
        return ('<div class="wb-label">Official Chinese</div>'
                '<div class="wb-official wb-none">No official wording found for this sentence.</div>')
    # A sentence and a quote inside it often point at the same official sentence: show it once.
    distinct, seen = [], set()
    for link in row.links:  # best first
        if (link.official_doc_id, link.sentence_ids) not in seen:
            seen.add((link.official_doc_id, link.sentence_ids))
            distinct.append(link)
    return '<div class="wb-label">Official Chinese</div>' + "".join(
        _official_link(link, corpus, best=i == 0) for i, link in enumerate(distinct[:MAX_LINKS_SHOWN]))


def _official_link(link: LinkRecord, corpus: OfficialCorpus | None, *, best: bool) -> str:
    title, date, issuer, url, newer = link.official_doc_id or "", "", "", None, False
    if corpus is not None and link.official_doc_id and (link.official_doc_id, "zh") in corpus:
        doc = corpus.get(link.official_doc_id, "zh")
        title, date, issuer = doc.title, doc.date, doc.issuer
        url = safe_url(doc.source_urls[0]) if doc.source_urls else None
        newer = bool(link.official_doc_version) and corpus.has_newer_version(link.official_doc_id, "zh",
                                                                            link.official_doc_version)
    source = (f'<a href="{text(url)}" target="_blank" rel="noopener noreferrer">source</a>' if url
              else "no source link")
    quote = (f'<div class="wb-quote">for the quote “{text(link.quote)}”</div>' if link.quote else "")
    newer_note = ('<div class="wb-newer">A newer version of this document exists; check the wording.</div>'
                  if newer else "")
    sentences = ", ".join(str(i) for i in link.sentence_ids)
    return (f'<div class="wb-official{" wb-best" if best else ""}">'
            f'<div class="wb-official-text" lang="zh">{text(link.text)}</div>{quote}'
            f'<div class="wb-official-meta"><span class="wb-doc-title">{text(title)}</span> · {text(date)}'
            f' · {text(issuer)} · {source} · sentence {text(sentences)}</div>'
            f'<div class="wb-official-meta">score {link.score:.2f} · {text(_evidence_summary(link.evidence))}</div>'
            f"{newer_note}</div>")


def _evidence_summary(evidence: dict) -> str:
    """Why the link was made, in one line: matched terms and numbers, shared wording, other fields."""
    if not evidence:
        return "no evidence recorded"
    parts = []
    rest = dict(evidence)
    terms = rest.pop("terms", None) or []
    if terms:
        parts.append("terms " + ", ".join(f"{t.get('en')} = {t.get('zh')}" if isinstance(t, dict) else str(t)
                                          for t in terms))
    for key, label in (("numbers", "numbers"), ("ngrams", "shared wording")):
        values = rest.pop(key, None) or []
        if values:
            parts.append(f"{label} " + ", ".join(str(v) for v in values))
    signals = rest.pop("signals", None) or {}
    if signals:
        parts.append("signals " + ", ".join(f"{k} {v:.2f}" if isinstance(v, int | float) else f"{k} {v}"
                                            for k, v in signals.items()))
    parts.extend(f"{k} {json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v}" for k, v in rest.items())
    summary = "; ".join(parts) or "no evidence recorded"
    return summary if len(summary) <= EVIDENCE_CHARS else summary[:EVIDENCE_CHARS - 1] + "…"


def diff_html(before: str, after: str, label: str) -> str:
    """A character-level diff, deletions struck through and insertions highlighted."""
    if not before and not after:
        return ""
    spans = []
    for op, run in char_diff(before, after):
        if op == "equal":
            spans.append(text(run))
        elif op == "delete":
            spans.append(f'<del class="wb-del">{text(run)}</del>')
        else:
            spans.append(f'<ins class="wb-ins">{text(run)}</ins>')
    return f'<div class="wb-diff"><span class="wb-diff-label">{text(label)}</span> <span lang="zh">{"".join(spans)}</span></div>'


def diffs(row: SegmentView, final: str) -> str:
    """MT → final and official → final diffs for the editor."""
    parts = []
    if row.mt is not None:
        parts.append(diff_html(row.mt.text, final, "MT → final"))
    if row.official is not None:
        parts.append(diff_html(row.official.text, final, "official → final"))
    return "".join(parts) or '<div class="wb-diff">Nothing to compare yet.</div>'


def memory_panel(matches: Sequence, origin: str) -> str:
    """Translation-memory matches: the exact one (filled in) and fuzzy ones with the words that differ."""
    if not matches:
        return ""
    items = []
    for match in matches:
        if match.exact:
            label = "exact match, filled in" if origin == "memory" else "exact match"
            english = text(match.entry.en)
        else:
            label = f"{match.similarity:.0f}% match"
            english = _marked(match.entry.en, match.memory_changed)
        items.append(f'<li><span class="wb-tm-label">{text(label)}</span> <span lang="zh">{text(match.entry.zh)}</span>'
                     f'<div class="wb-tm-en">approved for: {english}</div></li>')
    return f'<div class="wb-label">Translation memory</div><ul class="wb-tm">{"".join(items)}</ul>'


def _marked(sentence: str, spans: Sequence) -> str:
    """``sentence`` escaped, with the ``spans`` (start, end) highlighted."""
    out, last = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        out.append(text(sentence[last:span.start]))
        out.append(f'<mark>{text(sentence[span.start:span.end])}</mark>')
        last = span.end
    out.append(text(sentence[last:]))
    return "".join(out)


def risk_line(risk) -> str:
    """`` · risk 0.72 (number, confidence)``: the segment's risk and its main reasons; empty without MT."""
    if risk is None:
        return ""
    signals = list(dict.fromkeys(r.signal for r in risk.reasons))  # largest first, each named once
    reasons = ", ".join(text(signal) for signal in signals[:3])
    return f' · <span class="wb-risk">risk {risk.score:.2f}</span>' + (f" ({reasons})" if reasons else "")


# How an official term got into the MT, in the reviewer's words.
TERM_ORIGINS = {"decoded": "the model wrote it", "n-best": "chosen among the model's candidates",
                "prefix": "put in where the English term is, then the model finished",
                "prefix-end": "put in at the end, then the model finished",
                "constrained": "forced during decoding"}


def enforced_terms_line(row: SegmentView) -> str:
    """Which official terms the MT holds because they were required, and how each got there."""
    if not row.enforced_terms:
        return ""
    items = "; ".join(f"{text(zh)} ({text(TERM_ORIGINS.get(how, how))})" for zh, how in row.enforced_terms)
    return f'<div class="wb-terms">Official terms in the MT: {items}</div>'


def flags_line(row: SegmentView) -> str:
    """The QA flags of the MT: the first few in full, the rest folded away so the buttons stay in reach."""
    if not row.flags:
        return enforced_terms_line(row)
    items = [f"<li>{text(_flag_text(f))}</li>" for f in row.flags]
    shown = "".join(items[:FLAGS_SHOWN])
    folded = (f'<details><summary>{len(items) - FLAGS_SHOWN} more QA flag(s)</summary><ul class="wb-flags">'
              f'{"".join(items[FLAGS_SHOWN:])}</ul></details>' if len(items) > FLAGS_SHOWN else "")
    return f'{enforced_terms_line(row)}<ul class="wb-flags">{shown}</ul>{folded}'


def _flag_text(flag: object) -> str:
    if isinstance(flag, dict):
        return ": ".join(str(flag[k]) for k in ("check", "message") if k in flag) or json.dumps(flag, ensure_ascii=False)
    return str(flag)


def message(kind: str, words: str) -> str:
    """A status line: ``kind`` is ok, warn or error."""
    if not words:
        return ""
    return f'<div class="wb-msg wb-msg-{text(kind)}" role="status">{text(words)}</div>'


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
"""

# Keyboard: Ctrl/Cmd+Enter approves and moves on; Alt+↓ / Alt+↑ move between segments.
KEYBOARD_JS = """
<script>
document.addEventListener("keydown", (event) => {
  const press = (id) => {
    const button = document.getElementById(id);
    if (button) { event.preventDefault(); button.click(); }
  };
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter") press("approve-next");
  else if (event.altKey && event.key === "ArrowDown") press("next");
  else if (event.altKey && event.key === "ArrowUp") press("prev");
});
</script>
"""
