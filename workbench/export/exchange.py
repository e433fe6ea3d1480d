"""TMX 1.4 and XLIFF 2.0 files, written and read through translate-toolkit.

These are the formats CAT tools exchange translation memories and bilingual documents in.
translate-toolkit's ``tmxfile`` and ``Xliff2File`` build and parse the XML (escaping,
``xml:lang``, namespaces), so nothing here writes XML by hand. Reading gives back
:class:`TranslationPair` values: export then import returns the same pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import InputError
from workbench.export.records import ExportRecord

SOURCE_LANG = "en"
TARGET_LANG = "zh"

# Review state → XLIFF 2.0 segment state (the standard has initial/translated/reviewed/final).
XLIFF_STATES = {"new": "initial", "edited": "translated", "approved": "final", "rejected": "initial"}


@dataclass(frozen=True)
class TranslationPair:
    """An English source with its Chinese translation, as stored in an exchange file."""

    id: str
    en: str
    zh: str
    document_id: str = ""


def write_tmx(records: Sequence[ExportRecord], target: Path) -> None:
    """A TMX 1.4 memory: one ``<tu tuid=id>`` per record, the document id as ``x-context``."""
    from translate.storage.tmx import tmxfile

    store = tmxfile(sourcelanguage=SOURCE_LANG, targetlanguage=TARGET_LANG)
    for record in records:
        unit = store.addsourceunit(record.en)
        unit.settarget(record.zh, TARGET_LANG)
        unit.xmlelement.set("tuid", record.id)  # tmxunit reads tuid back as its id
        unit.setcontext(record.document_id)
    target.write_bytes(bytes(store))


def write_xliff(records: Sequence[ExportRecord], target: Path) -> None:
    """An XLIFF 2.0 file: one ``<unit id=id>`` per record, its state from the review state."""
    from translate.storage.xliff2 import Xliff2File

    store = Xliff2File(sourcelanguage=SOURCE_LANG, targetlanguage=TARGET_LANG)
    for record in records:
        unit = store.UnitClass(record.en)
        unit.target = record.zh
        unit.setid(record.id)
        unit.xmlelement.set("state", XLIFF_STATES.get(record.state, "translated"))
        if record.document_id:
            unit.addnote(record.document_id, origin="document")
        store.addunit(unit)
    target.write_bytes(bytes(store))


def read_tmx(path: Path) -> list[TranslationPair]:
    """The English→Chinese pairs of a TMX file (units lacking either side are skipped)."""
    from translate.storage.tmx import tmxfile

    store = _parse(tmxfile, path, "TMX")
    return [
        TranslationPair(id=unit.getid(), en=unit.source, zh=unit.gettarget(TARGET_LANG) or "",
                        document_id=unit.getcontext())
        for unit in store.units if unit.source and unit.gettarget(TARGET_LANG)
    ]


def read_xliff(path: Path) -> list[TranslationPair]:
    """The pairs of an XLIFF 2.0 file (units without a target are skipped)."""
    from translate.storage.xliff2 import Xliff2File

    store = _parse(Xliff2File, path, "XLIFF 2.0")
    return [
        TranslationPair(id=unit.getid(), en=unit.source, zh=unit.target,
                        document_id=unit.getnotes(origin="document"))
        for unit in store.units if unit.source and unit.target
    ]


def _parse(store_class, path: Path, kind: str):
    try:
        return store_class.parsestring(path.read_bytes())
    except (ValueError, SyntaxError) as err:  # lxml's XMLSyntaxError is a SyntaxError
        raise InputError(f"{path.name} is not a readable {kind} file ({err}); "
                         f"export it again as {kind}") from None
