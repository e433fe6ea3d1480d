"""Cut a segment that is too long for the model into pieces, at the best boundary available.

MarianMT models take at most 512 tokens and translate long inputs badly well before that;
cutting the input off (``truncation=True``) silently drops text. Instead the segment is cut
at sentence ends, then clause marks (; : —), then commas, then spaces, and only as a last
resort inside a word, so that every piece fits. Joining the pieces gives back the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["split_for_model"]

# Boundaries from strongest to weakest; each cut falls just after the match.
_BOUNDARIES = (
    re.compile(r"[.!?…]+[\"'”’)\]]*\s+"),
    re.compile(r"[;:]\s+|\s+[—–-]{1,2}\s+"),
    re.compile(r",\s+"),
    re.compile(r"\s+"),
)


def split_for_model(text: str, count_tokens: Callable[[str], int], max_tokens: int) -> list[str]:
    """Pieces of ``text`` of at most ``max_tokens`` tokens each; ``"".join(pieces) == text``.

    ``count_tokens`` is the model tokenizer's count for a piece of source text.
    """
    if count_tokens(text) <= max_tokens:
        return [text]
    return _split(text, count_tokens, max_tokens, 0)


def _split(text: str, count_tokens: Callable[[str], int], max_tokens: int, level: int) -> list[str]:
    if count_tokens(text) <= max_tokens:
        return [text]
    if level == len(_BOUNDARIES):
        return _split_characters(text, count_tokens, max_tokens)
    cuts = [m.end() for m in _BOUNDARIES[level].finditer(text) if 0 < m.end() < len(text)]
    if not cuts:
        return _split(text, count_tokens, max_tokens, level + 1)
    # Greedily pack the units between cuts into pieces that fit; units too big alone go a level down.
    units = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
    pieces: list[str] = []
    current = ""
    for unit in units:
        if current and count_tokens(current + unit) > max_tokens:
            pieces.append(current)
            current = ""
        if count_tokens(unit) > max_tokens:
            pieces.extend(_split(unit, count_tokens, max_tokens, level + 1))
        else:
            current += unit
    if current:
        pieces.append(current)
    return pieces


def _split_characters(text: str, count_tokens: Callable[[str], int], max_tokens: int) -> list[str]:
    """Last resort for a run without spaces: the longest prefixes that fit (binary search)."""
    pieces: list[str] = []
    rest = text
    while rest:
        lo, hi = 1, len(rest)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if count_tokens(rest[:mid]) <= max_tokens:
                lo = mid
            else:
                hi = mid - 1
        pieces.append(rest[:lo])
        rest = rest[lo:]
    return pieces
