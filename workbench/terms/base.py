"""The term base: which terms an English segment contains, and whether a translation respects them.

English is matched by inflection-insensitive phrase match (:mod:`workbench.terms.english`);
where matches overlap, the longest wins (``applications for the export of controlled
items`` over ``controlled items``), then the better attested. Chinese is matched by
substring, on the Simplified form of the translation, ignoring spaces between characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from workbench.terms.english import PhraseIndex, PhrasePattern
from workbench.terms.glossary import ATTESTATIONS, Term, load_glossary
from workbench.text.zh import to_simplified


@dataclass(frozen=True)
class TermMatch:
    """A term found in English text; ``start``/``end`` are character offsets into that text."""

    term: Term
    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        """Plain-dict form for JSON and the UI."""
        return {"text": self.text, "start": self.start, "end": self.end, **_term_fields(self.term)}


@dataclass(frozen=True)
class TermCheck:
    """Whether one term of the source is rendered in the translation.

    ``enforced`` is true for officially attested terms only; a suggestion that is not
    respected is information, not an error. ``zh_start``/``zh_end`` locate the rendering in
    the translation when it was found.
    """

    match: TermMatch
    required: str
    respected: bool
    zh_start: int | None = None
    zh_end: int | None = None

    @property
    def term(self) -> Term:
        """The term this check is about."""
        return self.match.term

    @property
    def enforced(self) -> bool:
        """True when the translation must contain the term's official Chinese."""
        return self.term.is_official

    @property
    def violated(self) -> bool:
        """True for an enforced term whose Chinese is missing."""
        return self.enforced and not self.respected

    def to_dict(self) -> dict:
        """Plain-dict form for JSON and the UI."""
        return {**self.match.to_dict(), "required": self.required, "respected": self.respected,
                "enforced": self.enforced, "zh_start": self.zh_start, "zh_end": self.zh_end}


class TermBase:
    """Glossary and user terms, ready to be matched against text."""

    def __init__(self, terms: list[Term]):
        self.terms = tuple(terms)
        self._index = PhraseIndex([(PhrasePattern.compile(form), term)
                                   for term in self.terms for form in term.en_forms])

    @classmethod
    def load(cls, glossary: str | Path | None = None, *, db: str | Path | None = None,
             user_terms: bool = True) -> TermBase:
        """The glossary (default: the shipped ``corpora/glossary.tsv``) plus, by default, the stored user terms."""
        from workbench.settings import SHIPPED_GLOSSARY
        from workbench.terms.user_terms import load_user_terms

        path = Path(glossary) if glossary else SHIPPED_GLOSSARY
        terms = load_glossary(path)
        if user_terms and db is not None:  # db: the review Store, or its file's path
            terms += load_user_terms(db)
        return cls(terms)

    def find(self, english: str, *, on: date | str | None = None) -> list[TermMatch]:
        """Terms in ``english`` (valid on date ``on`` if given), in text order.

        Of overlapping matches the longest, then the best attested, wins; but an official
        term is never hidden by an unofficial longer one (``controlled items`` inside
        ``applications for the export of controlled items`` stays enforced).
        """
        candidates = sorted(
            ((spans, length, term) for spans, length, term in self._index.find(english) if term.is_valid_on(on)),
            key=lambda c: (-c[1], ATTESTATIONS.index(c[2].attestation), c[0][0][0]),
        )
        taken: list[tuple[tuple[tuple[int, int], ...], Term]] = []
        for spans, _length, term in candidates:
            blocking = [t for s, t in taken if _overlaps(spans, s)]
            if not blocking or (term.is_official and not any(t.is_official for t in blocking)):
                taken.append((spans, term))
        matches = [TermMatch(term, s[0][0], s[-1][1], english[s[0][0]:s[-1][1]]) for s, term in taken]
        return sorted(matches, key=lambda m: (m.start, m.end))

    def required_zh(self, english: str, *, on: date | str | None = None) -> list[str]:
        """The Chinese strings a translation of ``english`` must contain (official terms only)."""
        return list(dict.fromkeys(m.term.zh_required for m in self.find(english, on=on) if m.term.is_official))

    def required_for(self, texts: Sequence[str], *, on: date | str | None = None) -> list[list[str]]:
        """``required_zh`` of each text: what the translator's ``required_terms`` takes."""
        return [self.required_zh(text, on=on) for text in texts]

    def check(self, source: str, translation: str, *, on: date | str | None = None) -> list[TermCheck]:
        """One :class:`TermCheck` per term found in ``source``, suggestions included."""
        checks = []
        for match in self.find(source, on=on):
            span = find_chinese(translation, match.term.zh_forms)
            checks.append(TermCheck(match, match.term.zh_required, span is not None,
                                    *(span if span else (None, None))))
        return checks


def check_terms(source: str, translation: str, termbase: TermBase | None = None) -> list[TermCheck]:
    """Terms of ``source`` and whether ``translation`` renders each (default: the project's term base)."""
    return (termbase or TermBase.load()).check(source, translation)


def find_chinese(text: str, forms: tuple[str, ...]) -> tuple[int, int] | None:
    """Span of the first of ``forms`` found in ``text`` (Traditional and spaced-out text match too)."""
    simplified = to_simplified(text)
    for form in forms:
        match = _chinese_pattern(form).search(simplified)
        if match:
            return match.start(), match.end()
    return None


@lru_cache(maxsize=4096)
def _chinese_pattern(form: str) -> re.Pattern:
    return re.compile(r"\s*".join(re.escape(ch) for ch in to_simplified(form) if not ch.isspace()))


def _overlaps(a: tuple[tuple[int, int], ...], b: tuple[tuple[int, int], ...]) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _term_fields(term: Term) -> dict:
    return {"en": term.en, "zh": term.zh_required, "zh_forms": list(term.zh_forms),
            "attestation": term.attestation, "official": term.is_official, "source": term.source,
            "added_by": term.added_by}
