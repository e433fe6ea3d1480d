"""Reading text that people and other tools wrote: UTF-8 expected, anything else named in one line.

Articles, corpus documents, JSONL inputs and imports all come here, so a file in GBK or
Latin-1 gets the same message wherever it is read: which encoding it seems to be in, and
to re-save it as UTF-8.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

from workbench.errors import InputError

__all__ = ["decode_text", "utf8_lines"]


def decode_text(data: bytes, name: str = "input") -> str:
    """Decode file contents as UTF-8 (a UTF-8 or UTF-16 byte-order mark is honoured).

    Raises :class:`InputError` for binary data and for text in another encoding, naming
    the encoding the file seems to be in.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{name}: starts like UTF-16 but does not decode; save it as UTF-8 and try again") from None
    if b"\x00" in data[:8192] or _looks_binary(data[:8192]):
        raise InputError(f"{name}: looks like a binary file, not text; upload a .txt, .md or .html article")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        guess = _guess_encoding(data)
        hint = f"it looks like {guess}" if guess else "its encoding could not be recognised"
        raise InputError(f"{name}: is not valid UTF-8 ({hint}); re-save it as UTF-8 and try again") from None


def utf8_lines(path: Path) -> Iterator[str]:
    """The lines of a UTF-8 file, split at line ends only (not at U+2028); another encoding is an InputError.

    Streams the file, so a large input is never held whole; the encoding is named from the raw
    bytes only when decoding fails.
    """
    try:
        with open(path, encoding="utf-8") as fh:
            yield from fh
    except UnicodeDecodeError:
        decode_text(path.read_bytes(), path.name)  # raises, naming the encoding
        raise


def _looks_binary(sample: bytes) -> bool:
    if not sample:
        return False
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(sample) > 0.05


def _guess_encoding(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: only improves the message
        return None
    best = from_bytes(data[:65536]).best()
    return best.encoding.replace("_", "-").upper() if best else None
