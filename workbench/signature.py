"""What produced a result, as one ``key:value|key:value…`` line, in the manner of sacrebleu.

A :class:`RunSignature` names everything that decides what a processed article holds: the
segmenter, the aligner (its mode and a hash of its weights), the sentence embedder, the
glossary (a hash of its terms), the machine translation (the translator's identity:
model, revision, backend, device, decoding options) and the workbench version. The store
keeps it with each document and alignment link, and every export format writes it out, so
a row of a dataset can always be traced back to the run that made it.

Signatures that are themselves ``key:value|…`` lines (the translator's identity, TER's) are
nested with a dotted prefix (``mt.model:…|mt.rev:…``), so the whole line stays flat and
:meth:`RunSignature.parse` reads it back exactly. This module imports only the standard
library and the workbench's errors, so any layer may use it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields

from workbench.errors import InputError

__all__ = ["RunSignature", "nest", "parse_pairs", "short_hash", "unnest"]

HASH_CHARS = 12  # hex digits of a content hash
NONE = "none"

# Field → key in the signature line, in the order the line lists them.
_KEYS: dict[str, str] = {
    "segmenter": "seg",
    "segmenter_version": "seg-version",
    "aligner": "align",
    "aligner_weights": "align-weights",
    "embedder": "embed",
    "glossary": "glossary",
    "mt": "mt",
    "workbench": "version",
}
_FIELDS = {key: name for name, key in _KEYS.items()}
_NESTED = frozenset({"mt"})


def short_hash(parts: Iterable[str]) -> str:
    """A short SHA-256 hash of ``parts`` (order matters), to stand for content in a signature."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()[:HASH_CHARS]


def parse_pairs(text: str) -> list[tuple[str, str]]:
    """The ``(key, value)`` pairs of a ``key:value|…`` line; a value may itself hold colons."""
    pairs = []
    for part in text.strip().split("|"):
        if not part:
            continue
        key, sep, value = part.partition(":")
        if not sep or not key:
            raise InputError(f"signature part {part!r} is not key:value; give a line like 'seg:rules|version:1'")
        pairs.append((key, value))
    return pairs


def nest(prefix: str, signature: str) -> str:
    """``signature`` with every key prefixed by ``prefix.``: ``model:x|rev:y`` → ``mt.model:x|mt.rev:y``."""
    return "|".join(f"{prefix}.{key}:{value}" for key, value in parse_pairs(signature))


def unnest(prefix: str, pairs: Iterable[tuple[str, str]]) -> str | None:
    """The signature :func:`nest` made under ``prefix`` from ``pairs``; None when there is none."""
    inner = [f"{key[len(prefix) + 1:]}:{value}" for key, value in pairs if key.startswith(prefix + ".")]
    return "|".join(inner) if inner else None


@dataclass(frozen=True)
class RunSignature:
    """Everything that made a processed article: ``str()`` gives the ``key:value|…`` line.

    ``None`` means the stage did not run (no MT, no alignment) and shows as ``none``.
    """

    segmenter: str
    segmenter_version: str
    workbench: str
    aligner: str | None = None
    aligner_weights: str | None = None
    embedder: str | None = None
    glossary: str | None = None
    mt: str | None = None

    def __str__(self) -> str:
        parts = []
        for name, key in _KEYS.items():
            value = getattr(self, name)
            if key in _NESTED and value is not None:
                parts.append(nest(key, value))
            else:
                parts.append(f"{key}:{NONE if value is None else value}")
        return "|".join(parts)

    def to_dict(self) -> dict[str, str | None]:
        """Field name → value (the MT identity as its own ``key:value|…`` line)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> RunSignature:
        """The signature from :meth:`to_dict` output; unknown keys (from a later version) are ignored."""
        known = {f.name for f in fields(cls)}
        values = {name: None if data[name] is None else str(data[name]) for name in known if name in data}
        missing = sorted({"segmenter", "segmenter_version", "workbench"} - set(values))
        if missing:
            raise InputError(f"run signature lacks {', '.join(missing)}; export it again from the workbench")
        return cls(**values)  # type: ignore[arg-type]

    @classmethod
    def parse(cls, text: str) -> RunSignature:
        """The signature a ``str()`` line describes; unknown keys are ignored, ``none`` reads as None."""
        pairs = parse_pairs(text)
        data: dict[str, object] = {}
        for key, value in pairs:
            if key in _FIELDS and key not in _NESTED:
                data[_FIELDS[key]] = None if value == NONE else value
        for key in _NESTED:
            data[_FIELDS[key]] = unnest(key, pairs)
        return cls.from_dict(data)
