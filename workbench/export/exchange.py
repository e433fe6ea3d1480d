"""TMX 1.4 and XLIFF 2.0 files, written and read through translate-toolkit.

These are the formats CAT tools exchange translation memories and bilingual documents in.
translate-toolkit's ``tmxfile`` and ``Xliff2File`` build and parse the XML (escaping,
``xml:lang``, namespaces); this module only adds provenance and puts right what the
toolkit's XLIFF 2.0 writer places where the OASIS schema forbids it (``xml:space`` and
``<notes>`` on ``<segment>``). Reading gives back :class:`TranslationPair` values: export
then import returns the same pairs.

Provenance: a TMX header carries ``<prop type="x-run-signature">`` (one per run),
``x-export-signature`` and ``x-hter``, and each ``<tu>`` its ``x-model``, ``x-model-revision``,
``x-backend``, ``x-official-doc-id``, ``x-official-doc-version`` and ``x-citation`` (the
review's citation of official wording, JSON) props, and who saved its first and its latest
revision, and when, as ``creationid``/``creationdate`` and ``changeid``/``changedate``. An XLIFF ``<file>``
carries the same signatures as ``<notes>`` (category ``x-run-signature`` …), and each
``<unit>`` its document and provenance as notes of those categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import InputError
from workbench.export.records import ExportRecord, run_signatures, ter_signature

if TYPE_CHECKING:
    from lxml import etree

# BCP 47 tags, as TMX 1.4 (RFC 3066 there) and XLIFF 2.0 ask. The target is region-qualified:
# Simplified Chinese as written in mainland China, the official wording's locale. The source
# stays the bare language: an English news article says nothing of its region.
SOURCE_LANG = "en"
TARGET_LANG = "zh-CN"
EARLIER_TARGET_LANGS = ("zh",)  # what files written before said, still read back

# Review state → XLIFF 2.0 segment state (the standard has initial/translated/reviewed/final).
XLIFF_STATES = {"new": "initial", "edited": "translated", "approved": "final", "rejected": "initial"}


@dataclass(frozen=True)
class TranslationPair:
    """An English source with its Chinese translation, as stored in an exchange file."""

    id: str
    en: str
    zh: str
    document_id: str = ""


# Per-record provenance: (TMX prop type / XLIFF note category, record field).
RECORD_PROVENANCE = (("x-model", "model"), ("x-model-revision", "model_revision"), ("x-backend", "backend"),
                     ("x-official-doc-id", "official_doc_id"), ("x-official-doc-version", "official_doc_version"),
                     ("x-citation", "citation"))
# <tu> attribute → (record field holding the time, record field holding who).
TU_DATES = (("creationdate", "created_at", "creationid", "created_by"),
            ("changedate", "updated_at", "changeid", "reviewer"))
DOCUMENT_NOTE = "document"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"


def file_provenance(records: Sequence[ExportRecord], signature: str) -> list[tuple[str, str]]:
    """``(type, value)`` pairs an exchange file carries once: run signatures, export and TER signatures."""
    pairs = [("x-run-signature", run) for run in run_signatures(records)]
    if signature:
        pairs.append(("x-export-signature", signature))
    return [*pairs, ("x-hter", ter_signature())]


def _record_provenance(record: ExportRecord) -> list[tuple[str, str]]:
    return [(kind, getattr(record, name)) for kind, name in RECORD_PROVENANCE if getattr(record, name)]


def write_tmx(records: Sequence[ExportRecord], target: Path, signature: str = "") -> None:
    """A TMX 1.4 memory: one ``<tu tuid=id>`` per record, the document id as ``x-context``, provenance as props."""
    from lxml import etree
    from translate.storage.tmx import tmxfile

    store = tmxfile(sourcelanguage=SOURCE_LANG, targetlanguage=TARGET_LANG)
    header = store.document.getroot().find("header")
    for kind, value in file_provenance(records, signature):
        etree.SubElement(header, "prop", type=kind).text = value
    for record in records:
        unit = store.addsourceunit(record.en)
        unit.settarget(record.zh, TARGET_LANG)
        unit.xmlelement.set("tuid", record.id)  # tmxunit reads tuid back as its id
        for date_attribute, when, id_attribute, who in TU_DATES:
            if getattr(record, when):
                unit.xmlelement.set(date_attribute, tmx_date(getattr(record, when)))
            if getattr(record, who):
                unit.xmlelement.set(id_attribute, getattr(record, who))
        unit.setcontext(record.document_id)
        first_tuv = unit.xmlelement.index(unit.xmlelement.find("tuv"))  # the DTD wants props before tuvs
        for offset, (kind, value) in enumerate(_record_provenance(record)):
            prop = etree.Element("prop", type=kind)
            prop.text = value
            unit.xmlelement.insert(first_tuv + offset, prop)
    target.write_bytes(bytes(store))


def tmx_date(iso: str) -> str:
    """An ISO 8601 time as TMX wants it: UTC in the basic format ``YYYYMMDDThhmmssZ``."""
    from datetime import UTC, datetime

    moment = datetime.fromisoformat(iso)
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y%m%dT%H%M%SZ")


def write_xliff(records: Sequence[ExportRecord], target: Path, signature: str = "") -> None:
    """An XLIFF 2.0 file: one ``<unit id=id>`` per record, its state from the review state, provenance as notes.

    translate-toolkit puts ``xml:space`` and ``<notes>`` on ``<segment>``, where the XLIFF 2.0
    schema allows neither; here ``xml:space`` goes on the ``<unit>`` and notes into the
    unit's and the file's ``<notes>``, so the file validates.
    """
    from translate.storage.xliff2 import Xliff2File

    store = Xliff2File(sourcelanguage=SOURCE_LANG, targetlanguage=TARGET_LANG)
    for record in records:
        unit = store.UnitClass(record.en)
        unit.target = record.zh
        unit.setid(record.id)
        unit.xmlelement.set("state", XLIFF_STATES.get(record.state, "translated"))
        store.addunit(unit)
        segment = unit.xmlelement
        unit_element = segment.getparent()
        space = segment.attrib.pop(XML_SPACE, None)
        if space:
            unit_element.set(XML_SPACE, space)
        document = [(DOCUMENT_NOTE, record.document_id)] if record.document_id else []
        _insert_notes(unit_element, document + _record_provenance(record))
    _insert_notes(store.body, file_provenance(records, signature))
    target.write_bytes(bytes(store))



def _insert_notes(parent: etree._Element, notes: Sequence[tuple[str, str]]) -> None:
    """A ``<notes>`` first in ``parent`` (where file and unit allow it), one ``<note category>`` per pair."""
    from lxml import etree

    if not notes:
        return
    container = etree.Element(f"{{{XLIFF_NS}}}notes")
    for category, text in notes:
        etree.SubElement(container, f"{{{XLIFF_NS}}}note", category=category).text = text
    parent.insert(0, container)


def xliff_notes(element: etree._Element, category: str) -> list[str]:
    """Texts of the notes of ``category`` directly under ``element`` (a ``<file>``, ``<unit>`` or ``<segment>``)."""
    return [note.text or "" for note in element.iterfind(f"{{{XLIFF_NS}}}notes/{{{XLIFF_NS}}}note")
            if note.get("category") == category]


def read_tmx(path: Path) -> list[TranslationPair]:
    """The English→Chinese pairs of a TMX file (units lacking either side are skipped)."""
    from translate.storage.tmx import tmxfile

    store = _parse(tmxfile, path, "TMX")
    def target(unit) -> str:
        return next((text for lang in (TARGET_LANG, *EARLIER_TARGET_LANGS) if (text := unit.gettarget(lang))), "")

    return [TranslationPair(id=unit.getid(), en=unit.source, zh=target(unit), document_id=unit.getcontext())
            for unit in store.units if unit.source and target(unit)]


def read_xliff(path: Path) -> list[TranslationPair]:
    """The pairs of an XLIFF 2.0 file (units without a target are skipped)."""
    from translate.storage.xliff2 import Xliff2File

    store = _parse(Xliff2File, path, "XLIFF 2.0")
    return [
        TranslationPair(id=unit.getid(), en=unit.source, zh=unit.target, document_id="\n".join(
            # unit-level notes; files of earlier versions kept them inside <segment>
            xliff_notes(unit.getunitelement(), DOCUMENT_NOTE) or xliff_notes(unit.xmlelement, DOCUMENT_NOTE)))
        for unit in store.units if unit.source and unit.target
    ]


def _parse(store_class, path: Path, kind: str):
    try:
        return store_class.parsestring(path.read_bytes())
    except (ValueError, SyntaxError) as err:  # lxml's XMLSyntaxError is a SyntaxError
        raise InputError(f"{path.name} is not a readable {kind} file ({err}); "
                         f"export it again as {kind}") from None
