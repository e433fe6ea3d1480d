"""The official term base: English–Chinese terms with their attestation.

Attestation says how a pairing is known (official bilingual text, Xinhua, cross-document,
media, unofficial, unverified). Only attested terms are ever shown or enforced as
official; unverified ones are suggestions.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import CorpusError

ATTESTATIONS = ("OFFICIAL-BILINGUAL", "XINHUA", "CROSS-DOC", "MEDIA-EN", "UNOFFICIAL-EN", "UNVERIFIED", "USER")
# Attestations strong enough to enforce a term in translation and QA.
ENFORCED_ATTESTATIONS = frozenset({"OFFICIAL-BILINGUAL", "XINHUA", "CROSS-DOC"})


@dataclass(frozen=True)
class Term:
    """One entry of the term base."""

    en: str
    zh: str
    attestation: str
    source: str = ""
    valid_from: str | None = None
    valid_to: str | None = None
    added_by: str | None = None

    @property
    def is_official(self) -> bool:
        """True when the pairing is attested well enough to be shown and enforced as official."""
        return self.attestation in ENFORCED_ATTESTATIONS


def parse_attestation(source: str) -> str:
    """The attestation label at the start of a glossary ``source`` cell (``UNVERIFIED`` if unknown)."""
    head = source.strip().split(":", 1)[0].split()[0].upper() if source.strip() else ""
    return head if head in ATTESTATIONS else "UNVERIFIED"


def load_glossary(path: str | Path) -> list[Term]:
    """Read ``glossary.tsv`` (``en<TAB>zh<TAB>source`` with a header line)."""
    path = Path(path)
    if not path.is_file():
        raise CorpusError(f"glossary {path} not found; restore corpora/glossary.tsv or set WORKBENCH_CORPUS")
    terms = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or [h.strip().lower() for h in header[:2]] != ["en", "zh"]:
            raise CorpusError(f"{path}: first line must be the header 'en<TAB>zh<TAB>source'")
        for lineno, row in enumerate(reader, start=2):
            if not row or not "".join(row).strip():
                continue
            if len(row) < 2 or not row[0].strip() or not row[1].strip():
                raise CorpusError(f"{path}:{lineno}: expected 'en<TAB>zh<TAB>source'; fix the line")
            source = row[2].strip() if len(row) > 2 else ""
            terms.append(Term(row[0].strip(), row[1].strip(), parse_attestation(source), source))
    return terms
