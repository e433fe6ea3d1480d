"""English words: one normaliser, on ``lemminflect``, for every module that compares English.

:func:`lemma` gives one lemma per word (``approved`` → ``approve``, ``policies`` →
``policy``, ``was`` → ``be``); :func:`term_key` joins the lemmas of a phrase into the key
the dictionary and the corpus search index by; :func:`word_keys` gives every lemma of a word
in American spelling, for matching that accepts any reading of an ambiguous word
(``leaves`` is ``leave`` and ``leaf``). ``lemminflect`` is an English-only dictionary plus
rules, small (under 1 MB) and fast, with no model to download.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["english_tokens", "lemma", "lemmas", "term_key", "word_keys"]

# A word for dictionary keys: letters (with inner apostrophes and hyphens), or a number.
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d+(?:[.,]\d+)*")
# Parts of speech in the order their lemmas are listed (and preferred, all else equal).
_POS_ORDER = ("AUX", "VERB", "NOUN", "PROPN", "ADJ", "ADV")
# Unknown words shorter than this are left alone (``s``, ``wa``); longer ones lose a plural
# (or, ending -ed/-ing, a verb ending) by lemminflect's rules for unknown words.
_MIN_GUESSED = 4
_BRITISH = {"licence": "license", "defence": "defense", "programme": "program", "centre": "center"}


def english_tokens(text: str) -> list[tuple[str, int]]:
    """Words of ``text`` with their start offsets (hyphenated words split into parts)."""
    out = []
    for m in _WORD.finditer(text):
        start = m.start()
        for part in re.split(r"(-)", m.group()):
            if part and part != "-":
                out.append((part, start))
            start += len(part)
    return out


def _bare(word: str) -> str:
    """Lower case, curly apostrophes straightened, possessive ending dropped (``China's`` → ``china``)."""
    lower = word.lower().replace("’", "'")
    if lower.endswith("'s"):
        return lower[:-2]
    return lower.rstrip("'") or lower


@lru_cache(maxsize=1 << 17)
def lemmas(word: str) -> tuple[str, ...]:
    """Every lemma of ``word`` that lemminflect knows, the preferred one (:func:`lemma`) first.

    ``taxes`` → ``("tax", "taxis")``; ``left`` → ``("left", "leave")``; a word lemminflect
    does not know is reduced by its rules for unknown words (``tariffed`` → ``("tariff",)``),
    and numbers and short unknown words stay as they are (``("1,000",)``).
    """
    import lemminflect

    bare = _bare(word)
    if not bare:
        return (word.lower(),)
    table = lemminflect.getAllLemmas(bare)
    if not table:
        if not (bare.isalpha() and len(bare) >= _MIN_GUESSED) or bare.endswith(("ss", "us", "is")):
            return (bare,)
        pos = "VERB" if bare.endswith(("ed", "ing")) else "NOUN"
        table = lemminflect.getAllLemmasOOV(bare, pos)
    ordered = [lem for pos in _POS_ORDER for lem in table.get(pos, ())]
    ordered += [lem for pos, found in table.items() if pos not in _POS_ORDER for lem in found]
    found = list(dict.fromkeys(lem for lem in ordered if lem)) or [bare]
    first = _preferred(bare, found, table)
    return (first, *(lem for lem in found if lem != first))


def _preferred(bare: str, found: list[str], table: dict[str, tuple[str, ...]]) -> str:
    """The lemma to key ``bare`` by, among its lemmas ``found``.

    A regular inflection reduces to its base (``controlled`` → control, ``building`` →
    build, ``countries`` → country); an auxiliary to its base (``was`` → be, ``had`` →
    have). Otherwise a word that is a base form itself under some reading keeps its form,
    so that irregular past forms which are also nouns keep the noun (``ground``, not grind;
    ``bit``, not bite; ``left``, not leave); only then the irregular lemma (``said`` → say,
    ``feet`` → foot).
    """
    regular = [lem for lem in found if _inflects(bare, lem)]
    if regular:
        return regular[0]
    if table.get("AUX"):
        return table["AUX"][0]
    return bare if bare in found else found[0]


def _inflects(word: str, base: str) -> bool:
    """True when ``word`` is ``base`` plus an ending (-s, -es, -ed, -ing, ...), a final e or y
    of the base dropped and a final consonant doubled as spelling wants (``stopped``, ``tied``)."""
    stem = base[:-1] if base[-1:] in ("e", "y") and len(base) > 2 else base
    return len(word) > len(base) and word.startswith(stem)


def lemma(word: str) -> str:
    """The lemma of one English word, lower case: ``items`` → ``item``, ``stopped`` → ``stop``."""
    return lemmas(word)[0]


def term_key(words: str | Iterable[str]) -> str:
    """The key of an English phrase: its words' lemmas joined by spaces.

    ``words`` is a phrase (split by :func:`english_tokens`) or its words already split:
    ``"Controlled Items"`` → ``"control item"``.
    """
    if isinstance(words, str):
        words = [w for w, _ in english_tokens(words)]
    return " ".join(lemma(w) for w in words)


@lru_cache(maxsize=1 << 16)
def word_keys(word: str) -> frozenset[str]:
    """Lower-case form plus all known lemmas of ``word``, in American spelling.

    ``U.S.`` also gives ``us``, so dotted and undotted acronyms match; two words match when
    their key sets meet.
    """
    lower = _bare(word)
    keys = {lower, lower.replace(".", ""), *lemmas(word)}
    return frozenset(_american(k) for k in keys)


def _american(key: str) -> str:
    key = _BRITISH.get(key, key)
    return re.sub(r"is(e|ed|es|ing|ation|ations)$", r"iz\1", key) if len(key) > 5 else key
