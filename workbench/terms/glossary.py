"""Term entries and the shipped glossary: attestation levels and the forms a term takes.

Attestation says how an English–Chinese pairing is known. Only the three strongest levels
(an official bilingual text, a Xinhua story in both languages, or official Chinese matched
with an English official/Xinhua text of another document) are enforced or shown as
official; everything else is a suggestion.

The glossary's ``source`` cells start with such a label, but not always a clean one, and
some cells undercut their own label ("EN final paragraph not retrieved verbatim"). The
mapping in :func:`parse_attestation` is therefore conservative: a cell that does not
clearly claim an official pairing never yields one.
"""

from __future__ import annotations

import csv
import re
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from workbench.errors import CorpusError

# Strongest first; the order is the ranking used when a label has to be capped.
ATTESTATIONS = ("OFFICIAL-BILINGUAL", "XINHUA", "CROSS-DOC", "MEDIA-EN", "UNOFFICIAL-EN", "UNVERIFIED", "USER")
# Attestations strong enough to enforce a term in translation and QA.
ENFORCED_ATTESTATIONS = frozenset({"OFFICIAL-BILINGUAL", "XINHUA", "CROSS-DOC"})

# Labels found at the start of glossary cells that are not attestation names themselves.
_LABEL_ALIASES = {
    # State Council Information Office white papers are published by the government in both languages.
    "SCIO": "OFFICIAL-BILINGUAL",
    # "BILINGUAL (unofficial EN)": the Chinese is official, the English an unofficial translation.
    "BILINGUAL": "UNOFFICIAL-EN",
    # "TERM-LEVEL": each side is attested alone, "no same-document pair found".
    "TERM-LEVEL": "UNVERIFIED",
}
# Cells that admit the English side was not seen verbatim in an official text.
_NOT_VERBATIM = re.compile(r"not retrieved verbatim|verbatim EN para not retrieved|\bparaphrase", re.IGNORECASE)
_LEADING_LABEL = re.compile(r"^([A-Z][A-Z/-]*[A-Z])(?=$|[\s:,(])")


@dataclass(frozen=True)
class Term:
    """One entry of the term base.

    ``en`` and ``zh`` are kept as written in the glossary, notes included
    ("nonproliferation (also: non-proliferation)"); :attr:`en_forms` and :attr:`zh_forms`
    are the plain phrases matched in text.
    """

    en: str
    zh: str
    attestation: str
    source: str = ""
    valid_from: str | None = None
    valid_to: str | None = None
    added_by: str | None = None
    added_at: str | None = None

    @property
    def is_official(self) -> bool:
        """True when the pairing is attested well enough to be shown and enforced as official."""
        return self.attestation in ENFORCED_ATTESTATIONS

    @property
    def en_forms(self) -> tuple[str, ...]:
        """English phrases that count as this term (``...`` marks a gap of a few words)."""
        return english_forms(self.en)

    @property
    def zh_forms(self) -> tuple[str, ...]:
        """Chinese strings any of which renders the term (full name, abbreviation, variants)."""
        return chinese_forms(self.zh)

    @property
    def zh_required(self) -> str:
        """The one Chinese string a translation is asked to contain when the term is enforced."""
        return required_form(self.zh_forms)

    def is_valid_on(self, day: date | str | None) -> bool:
        """True when ``day`` (ISO date) lies within the term's validity dates; ``None`` means always."""
        if day is None:
            return True
        iso = day.isoformat() if isinstance(day, date) else str(day)
        return (self.valid_from is None or self.valid_from <= iso) and (self.valid_to is None or iso <= self.valid_to)

    def to_dict(self) -> dict:
        """Plain-dict form for JSON and the UI, with the derived official flag."""
        return {**asdict(self), "official": self.is_official}


def parse_attestation(source: str) -> str:
    """Map a glossary ``source`` cell to one of :data:`ATTESTATIONS`, conservatively.

    Rules, in order: a cell that calls any part of the pairing UNVERIFIED is UNVERIFIED; a
    leading label (or a known alias such as ``SCIO`` or ``BILINGUAL (unofficial EN)``) gives
    the level, the weakest part of a compound label like ``XINHUA/SCIO`` winning; a cell that
    admits its English is a paraphrase is capped at MEDIA-EN. A cell without a label is never
    official: UNOFFICIAL-EN when it says its English is unofficial, MEDIA-EN when it cites
    Xinhua or media wording, otherwise UNVERIFIED.
    """
    text = source.strip()
    if re.search(r"\bUNVERIFIED\b", text):
        return "UNVERIFIED"
    match = _LEADING_LABEL.match(text)
    parts = [_LABEL_ALIASES.get(p, p) for p in match.group(1).split("/")] if match else []
    labels = [p for p in parts if p in ATTESTATIONS]
    if labels and len(labels) == len(parts):
        level = max(labels, key=ATTESTATIONS.index)
        if _NOT_VERBATIM.search(text):
            level = max(level, "MEDIA-EN", key=ATTESTATIONS.index)
        return level
    if re.search(r"\bunofficial\b", text, re.IGNORECASE):
        return "UNOFFICIAL-EN"
    if _NOT_VERBATIM.search(text) or re.search(r"\bXinhua\b|\bquoted\b", text, re.IGNORECASE):
        return "MEDIA-EN"
    return "UNVERIFIED"


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


# --- the forms a glossary cell stands for ------------------------------------------------------

_ALSO = re.compile(r"\s*\(also:\s*([^)]*)\)")
_ABBR = re.compile(r"\s*[(（]abbr\.\s*([^)）]*)[)）]")
_TRAILING_PAREN = re.compile(r"\s*[(（]([^()（）]*)[)）]\s*$")
_PAREN = re.compile(r"\s*[(（]([^()（）]*)[)）]\s*")


def english_forms(cell: str) -> tuple[str, ...]:
    """The English phrases a glossary ``en`` cell stands for.

    ``A / B`` gives both; ``(also: X)`` adds X; other parentheses are optional words, kept
    inline only when short ("meet (each other) halfway") since long ones are notes
    ("Entity List (U.S. BIS)"); a hyphenated word also matches written solid.
    """
    extra = _ALSO.findall(cell)
    cell = _ALSO.sub("", cell)
    forms: list[str] = []
    for alternative in [*_split_alternatives(cell), *extra]:
        without = _squash(_PAREN.sub(" ", alternative))
        forms.append(without)
        inline = _PAREN.sub(lambda m: f" {m.group(1)} " if _short_note(m.group(1)) else " ", alternative)
        forms.append(_squash(inline))
    forms += [re.sub(r"(?<=\w)-(?=\w)", "", f) for f in forms if "-" in f]
    return _unique(f for f in forms if f)


def chinese_forms(cell: str) -> tuple[str, ...]:
    """The Chinese strings a glossary ``zh`` cell stands for.

    ``A / B`` gives both; ``(abbr. X)`` and a closing parenthesis after the name
    (``国家禁毒委员会办公室 (国家禁毒办)``) add an abbreviation; other parentheses are
    optional (``负责任(的)大国`` → 负责任大国, 负责任的大国); forms with a ``…`` gap are dropped
    because they cannot be searched for as one string.
    """
    extra = _ABBR.findall(cell)
    cell = _ABBR.sub("", cell)
    trailing = _TRAILING_PAREN.search(cell)
    if trailing:
        extra.append(trailing.group(1).strip())
        cell = cell[:trailing.start()]
    forms: list[str] = []
    for alternative in [*_split_alternatives(cell), *extra]:
        forms.append(_PAREN.sub("", alternative).strip())
        forms.append(_PAREN.sub(lambda m: m.group(1), alternative).strip())
    return _unique(f for f in forms if f and "…" not in f and "..." not in f)


def required_form(forms: tuple[str, ...]) -> str:
    """The form to enforce: the first one, or a later form it contains (containing it implies it)."""
    if not forms:
        return ""
    first = forms[0]
    inside = [f for f in forms[1:] if f in first]
    return min(inside, key=len) if inside else first


def _split_alternatives(cell: str) -> list[str]:
    """Split on `` / `` outside parentheses."""
    parts, depth, current = [], 0, ""
    for i, ch in enumerate(cell):
        depth += ch in "(（"
        depth -= ch in ")）"
        if ch == "/" and depth == 0 and cell[i - 1:i] == " " and cell[i + 1:i + 2] == " ":
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _short_note(text: str) -> bool:
    return "/" not in text and len(text.split()) <= 3


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _unique(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
