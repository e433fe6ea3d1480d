"""English phrase matching that ignores inflection, case, hyphens and British spelling.

"controlled item", "Controlled Items" and "controlled items" are one term. Each word is
reduced to a small set of keys by the workbench's English normaliser
(:func:`workbench.text.en.word_keys`: its lower-case form and every lemma ``lemminflect``
knows for it, under any part of speech, in American spelling); a word matches a pattern
word when their key sets share a key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from workbench.text.en import word_keys

# A word: letters/digits, with inner apostrophes or dots (People's, U.S); hyphens split words.
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’.][A-Za-z0-9]+)*")
# How many words a "..." in a pattern may stand for.
MAX_GAP_WORDS = 12


@dataclass(frozen=True)
class Word:
    """One word of a text, with its character span and match keys."""

    start: int
    end: int
    keys: frozenset[str]


def words(text: str) -> list[Word]:
    """The words of ``text`` with their inflection-insensitive keys."""
    return [Word(m.start(), m.end(), word_keys(m.group())) for m in _WORD.finditer(text)]


@dataclass(frozen=True)
class PhrasePattern:
    """An English phrase to find; ``...`` in it matches up to :data:`MAX_GAP_WORDS` words."""

    parts: tuple[tuple[frozenset[str], ...], ...]

    @classmethod
    def compile(cls, phrase: str) -> PhrasePattern:
        """Build a pattern from a phrase such as ``review and approve ... in accordance with the law``."""
        pieces = [p for p in re.split(r"\.\.\.|…", phrase) if _WORD.search(p)]
        return cls(tuple(tuple(w.keys for w in words(piece)) for piece in pieces))

    @property
    def first_keys(self) -> frozenset[str]:
        """Keys of the first word, used to index patterns."""
        return self.parts[0][0] if self.parts and self.parts[0] else frozenset()

    @property
    def length(self) -> int:
        """Number of pattern words (gaps not counted)."""
        return sum(len(p) for p in self.parts)

    def match_at(self, text_words: list[Word], i: int) -> list[tuple[int, int]] | None:
        """Word-index ranges ``[start, end)`` of each part when the pattern matches at word ``i``."""
        if not self.parts:
            return None
        end = _match_run(self.parts[0], text_words, i)
        if end is None:
            return None
        ranges = [(i, end)]
        for part in self.parts[1:]:
            start = next((j for j in range(end, min(end + MAX_GAP_WORDS, len(text_words)) + 1)
                          if _match_run(part, text_words, j) is not None), None)
            if start is None:
                return None
            end = start + len(part)
            ranges.append((start, end))
        return ranges


def _match_run(run: tuple[frozenset[str], ...], text_words: list[Word], i: int) -> int | None:
    if i + len(run) > len(text_words):
        return None
    for offset, keys in enumerate(run):
        if not keys & text_words[i + offset].keys:
            return None
    return i + len(run)


class PhraseIndex:
    """Patterns indexed by their first word's keys, so a text is scanned once."""

    def __init__(self, patterns: list[tuple[PhrasePattern, object]]):
        self._by_key: dict[str, list[tuple[PhrasePattern, object]]] = {}
        for pattern, payload in patterns:
            for key in pattern.first_keys:
                self._by_key.setdefault(key, []).append((pattern, payload))

    def find(self, text: str) -> Iterator[tuple[tuple[tuple[int, int], ...], int, object]]:
        """Every ``(character spans, pattern length, payload)`` where a pattern matches ``text``.

        A pattern with gaps has one span per part, so that words inside its gap stay free
        for other terms. Overlapping matches are all reported; the caller decides which to keep.
        """
        text_words = words(text)
        for i, word in enumerate(text_words):
            tried: set[int] = set()
            for key in word.keys:
                for pattern, payload in self._by_key.get(key, ()):
                    if id(pattern) in tried:
                        continue
                    tried.add(id(pattern))
                    ranges = pattern.match_at(text_words, i)
                    if ranges is not None:
                        spans = tuple((text_words[a].start, text_words[b - 1].end) for a, b in ranges)
                        yield spans, pattern.length, payload
