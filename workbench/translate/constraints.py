"""Required terms as the translator receives them, and how each got into a translation.

A required term is the Chinese string a translation must contain. :class:`RequiredTerm`
is that string (so caches, keys and flags treat it as one) carrying what helps decoding put
it in the right place: the English it translates (located in the source tokens, whose
attention then points at where the term belongs in the output) and the renderings known to
be wrong (the glossary's unofficial variants of the same English), which CTranslate2
suppresses. :func:`required_terms` builds them from a term base.

How a term got into the output is recorded in the translation's flags as
``term:<Chinese>:<how>``, ``how`` being one of :data:`TERM_HOW`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["TERM_HOW", "RequiredTerm", "TermRequest", "required_terms", "term_flag"]

#: decoded: the first decoding had it; n-best: a lower-ranked hypothesis had it and was chosen;
#: prefix: re-decoded with the output up to the place attention points at, plus the term;
#: end: where no place was found, put in after the last word, before the final mark (nothing after it
#: to re-decode, so the output is not decoded again); prefix-end: put in at the end and re-decoded
#: (another term of the sentence needed a re-decode);
#: constrained: forced inside beam search (Transformers).
TERM_HOW = ("decoded", "n-best", "prefix", "end", "prefix-end", "constrained")


class RequiredTerm(str):
    """A required Chinese term that also knows its English (``english``) and wrong renderings (``avoid``)."""

    english: tuple[str, ...]
    avoid: tuple[str, ...]

    def __new__(cls, zh: str, english: Sequence[str] = (), avoid: Sequence[str] = ()) -> RequiredTerm:
        term = super().__new__(cls, zh)
        term.english = tuple(english)
        term.avoid = tuple(a for a in avoid if a and a != zh and zh not in a)
        return term


@dataclass(frozen=True)
class TermRequest:
    """A term for one piece of a segment: the Chinese, the source-token span of its English, and what to avoid."""

    zh: str
    span: tuple[int, int] | None = None
    avoid: tuple[str, ...] = ()


def term_flag(term: str, how: str) -> str:
    """The flag recording that ``term`` got into the translation by ``how``."""
    return f"term:{term}:{how}"


def required_terms(termbase, texts: Sequence[str]) -> list[list[RequiredTerm]]:
    """The official terms each text must render, with their English as matched and the unofficial variants."""
    variants = _unofficial_variants(termbase)
    result = []
    for text in texts:
        found: dict[str, RequiredTerm] = {}
        for match in termbase.find(text):
            term = match.term
            if not term.is_official:
                continue
            zh = term.zh_required
            avoid = tuple(v for form in term.en_forms for v in variants.get(form.lower(), ())
                          if v not in term.zh_forms)
            previous = found.get(zh)
            english = (*(previous.english if previous else ()), match.text)
            found[zh] = RequiredTerm(zh, english, (*(previous.avoid if previous else ()), *avoid))
        result.append(list(found.values()))
    return result


def _unofficial_variants(termbase) -> dict[str, tuple[str, ...]]:
    cached = getattr(termbase, "_unofficial_variants", None)
    if cached is None:
        table: dict[str, list[str]] = {}
        for term in termbase.terms:
            if not term.is_official:
                for form in term.en_forms:
                    table.setdefault(form.lower(), []).extend(term.zh_forms)
        cached = {k: tuple(dict.fromkeys(v)) for k, v in table.items()}
        termbase._unofficial_variants = cached
    return cached
