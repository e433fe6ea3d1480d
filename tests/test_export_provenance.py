"""Every export format carries the run signature and the provenance fields, and validates as its standard says."""

from __future__ import annotations

import json

import pytest
import sacrebleu
from lxml import etree

from tests.conftest import output_dir_now, shared_path
from tests.fixtures.store import sample_document
from workbench import pipeline
from workbench.commands.export import FORMAT_CHOICES
from workbench.export import FORMATS, ExportRecord, export_records
from workbench.export.dataset import META_EXPORT_SIGNATURE, META_HTER, META_RUN_SIGNATURE
from workbench.export.records import export_signature, hter, ter_signature
from workbench.export.source import records_from_store
from workbench.signature import RunSignature, parse_pairs, unnest

RUN = str(RunSignature(segmenter="rules-en", segmenter_version="0.1.0", workbench="0.1.0", aligner="news",
                       aligner_weights="0123456789ab", glossary="ba9876543210",
                       mt="model:tiny|rev:r42|backend:ctranslate2|device:cpu|beam:4|version:0.1.0"))
TER = f"nrefs:1|case:lc|tok:tercom|norm:yes|punct:yes|asian:yes|version:{sacrebleu.__version__}"
CITATION = json.dumps({"doc_id": "mofcom-1", "version": "v7", "sentence_ids": [3], "link_id": 1})
XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"


def records() -> list[ExportRecord]:
    """Two segments from one run: one with official wording taken in (cited), one without."""
    return [
        ExportRecord(id="1", document_id="doc-a", en="China will review applications.", zh="中方将依法审批申请。",
                     zh_mt="中方将审批申请。", zh_official="中方将依法审批申请。", official_doc_id="mofcom-1",
                     alignment_score=0.9, reviewer="li", model="tiny", model_revision="r42", backend="ctranslate2",
                     official_doc_version="v7", citation=CITATION, run_signature=RUN, created_by="zhang",
                     created_at="2026-01-01T16:00:00+08:00", updated_at="2026-01-02T09:30:05.250000+00:00"),
        ExportRecord(id="2", document_id="doc-a", en="Talks went well.", zh="会谈顺利。", zh_mt="会谈很好。",
                     state="edited", reviewer="li", model="tiny", model_revision="r42", backend="ctranslate2",
                     run_signature=RUN),
    ]


def export(fmt: str):
    return export_records(records(), fmt, f"prov-{fmt}", output_dir=output_dir_now())


def test_hter_is_sacrebleu_ter_per_character_and_its_signature_is_recorded():
    assert hter("中方将审批申请。", "中方将依法审批申请。") == pytest.approx(2 / 10)
    assert hter("会谈很好。", "会谈顺利。") == pytest.approx(2 / 5)
    assert hter("会谈", "") == 1.0 and hter("", "会谈") == 1.0
    assert ter_signature() == TER
    signature = export_signature("jsonl", records())
    assert unnest("ter", parse_pairs(signature)) == TER and "|hter:ter|" in signature


def test_jsonl_rows_carry_signature_and_provenance():
    result = export("jsonl")
    first, second = (json.loads(line) for line in result.path.read_text(encoding="utf-8").splitlines())
    assert first["run_signature"] == second["run_signature"] == RUN
    assert RunSignature.parse(first["run_signature"]).mt.startswith("model:tiny|rev:r42")
    assert (first["model"], first["model_revision"], first["backend"]) == ("tiny", "r42", "ctranslate2")
    assert (first["official_doc_id"], first["official_doc_version"]) == ("mofcom-1", "v7")
    assert json.loads(first["citation"]) == json.loads(CITATION) and second["citation"] == ""
    assert first["hter"] == pytest.approx(0.2)


def test_parquet_schema_metadata_holds_the_signatures():
    import pyarrow.parquet as pq

    result = export("parquet")
    metadata = pq.read_schema(result.path).metadata
    assert metadata[META_RUN_SIGNATURE.encode()].decode() == RUN
    assert metadata[META_EXPORT_SIGNATURE.encode()].decode() == result.signature
    assert metadata[META_HTER.encode()].decode() == TER
    assert b"huggingface" in metadata  # datasets' own features survive
    rows = pq.read_table(result.path).to_pylist()
    assert [(r["model_revision"], r["backend"], r["official_doc_version"], r["run_signature"]) for r in rows] == [
        ("r42", "ctranslate2", "v7", RUN), ("r42", "ctranslate2", "", RUN)]


def test_hf_dataset_info_and_card_hold_the_signatures():
    from datasets import load_from_disk

    result = export("hf")
    loaded = load_from_disk(str(result.path))
    for split in loaded.values():
        assert split.info.description.splitlines() == [
            "Reviewed English-Chinese segments exported by the workbench.",
            f"export signature: {result.signature}", f"run signature: {RUN}", f"hter: {TER}"]
        assert "mofcom-1@v7" in split.info.citation and result.signature in split.info.citation
        assert set(split["run_signature"]) == {RUN}
    card = (result.path / "README.md").read_text(encoding="utf-8")
    assert f"- Run signature: `{RUN}`" in card and f"`{TER}`" in card
    assert "mofcom-1 (version v7)" in card and "tiny rev r42 on ctranslate2" in card
    assert "| `run_signature` |" in card and "| `citation` |" in card


def test_tmx_carries_signatures_in_its_header_and_provenance_per_unit_and_validates():
    result = export("tmx")
    tree = etree.parse(str(result.path))
    header = {p.get("type"): p.text for p in tree.find("header").iterfind("prop")}
    assert header == {"x-run-signature": RUN, "x-export-signature": result.signature, "x-hter": TER}
    first, second = tree.iterfind("body/tu")
    assert [(p.get("type"), p.text) for p in first.iterfind("prop")] == [
        ("x-context", "doc-a"), ("x-model", "tiny"), ("x-model-revision", "r42"), ("x-backend", "ctranslate2"),
        ("x-official-doc-id", "mofcom-1"), ("x-official-doc-version", "v7"), ("x-citation", CITATION)]
    assert [p.get("type") for p in second.iterfind("prop")] == ["x-context", "x-model", "x-model-revision",
                                                                 "x-backend"]
    # who saved the first and the latest revision, and when, in TMX's own attributes and date format
    assert {k: first.get(k) for k in ("creationdate", "creationid", "changedate", "changeid")} == {
        "creationdate": "20260101T080000Z", "creationid": "zhang", "changedate": "20260102T093005Z", "changeid": "li"}
    assert [tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in first.iterfind("tuv")] == ["en", "zh-CN"]
    assert tree.find("header").get("srclang") == "en"
    assert not {"creationdate", "creationid"} & set(second.attrib) and second.get("changeid") == "li"
    dtd = etree.DTD(str(shared_path("schemas", "tmx14.dtd")))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()


def test_xliff_carries_signatures_as_file_notes_never_inside_segments_and_validates():
    result = export("xliff")
    tree = etree.parse(str(result.path))
    file_notes = [(n.get("category"), n.text) for n in tree.getroot().iterfind(f"{XLIFF}file/{XLIFF}notes/{XLIFF}note")]
    assert file_notes == [("x-run-signature", RUN), ("x-export-signature", result.signature), ("x-hter", TER)]
    unit = tree.getroot().find(f"{XLIFF}file/{XLIFF}unit")
    assert [(n.get("category"), n.text) for n in unit.iterfind(f"{XLIFF}notes/{XLIFF}note")] == [
        ("document", "doc-a"), ("x-model", "tiny"), ("x-model-revision", "r42"), ("x-backend", "ctranslate2"),
        ("x-official-doc-id", "mofcom-1"), ("x-official-doc-version", "v7"), ("x-citation", CITATION)]
    assert (tree.getroot().get("srcLang"), tree.getroot().get("trgLang")) == ("en", "zh-CN")
    assert not tree.getroot().findall(f".//{XLIFF}segment/{XLIFF}notes")
    assert not [s for s in tree.getroot().iter(f"{XLIFF}segment") if set(s.attrib) - {"state", "id"}]
    schema = etree.XMLSchema(file=str(shared_path("schemas", "xliff_core_2.0.xsd")))
    assert schema.validate(tree), schema.error_log.filter_from_errors()


def test_formats_are_one_registry_the_cli_and_the_downloads_read():
    assert FORMAT_CHOICES == tuple(FORMATS) == ("hf", "parquet", "jsonl", "tmx", "xliff")
    assert pipeline.DOWNLOAD_FORMATS == ("parquet", "jsonl", "tmx", "xliff")
    assert [spec.suffix for spec in FORMATS.values()] == ["", ".parquet", ".jsonl", ".tmx", ".xlf"]


def test_records_from_the_store_carry_revision_backend_version_citation_and_signature(store):
    from dataclasses import replace

    doc = sample_document()
    store.add_document(replace(doc, run_signature=RUN, translations=[
        replace(t, model_revision="r42") for t in doc.translations]))
    rows = pipeline.open_document(store, "doc-sample").rows
    pipeline.save_review(store, rows[0].segment.id, action="use_official", reviewer="li", base_revision=0)
    pipeline.save_review(store, rows[1].segment.id, action="edit", text="草稿。", reviewer="li", base_revision=0)
    first, second = records_from_store(store)
    assert (first.model, first.model_revision, first.backend) == ("tiny", "r42", "transformers")
    assert (first.official_doc_id, first.official_doc_version) == ("mofcom-2025-06-27-london-framework", "abc123")
    assert json.loads(first.citation) == {"doc_id": "mofcom-2025-06-27-london-framework", "version": "abc123",
                                          "sentence_ids": [3], "link_id": rows[0].links[0].id}
    assert first.run_signature == second.run_signature == RUN  # the document's, as the link has none
    assert (second.citation, second.official_doc_version) == ("", "")


def test_processing_an_article_stores_its_run_signature_on_the_document_and_links(store):
    from workbench import __version__
    from workbench.corpus import OfficialCorpus

    corpus = OfficialCorpus.load(shared_corpus())
    doc_id = pipeline.process_article("China will review and approve applications for the export of controlled "
                                      "items that meet the requirements.", store=store, corpus=corpus)
    signature = RunSignature.parse(store.document(doc_id).run_signature)
    assert (signature.segmenter, signature.segmenter_version, signature.workbench) == ("rules-en", __version__,
                                                                                       __version__)
    assert signature.aligner == "news" and len(signature.aligner_weights) == 12
    assert signature.mt is None and signature.glossary is None
    assert signature.embedder == "use-m"  # news linking's meaning signal: the cross-lingual sentence encoder
    links = [link for seg_links in store.links(doc_id).values() for link in seg_links]
    assert links and {link.run_signature for link in links} == {store.document(doc_id).run_signature}


def shared_corpus():
    """The corpus folder shipped with the workbench."""
    from tests.conftest import ROOT

    return ROOT / "corpora"


@pytest.mark.slow
def test_a_translated_article_signs_its_mt_identity_and_glossary(store, tiny_model):
    from workbench.settings import Settings
    from workbench.terms import TermBase, add_user_term

    translator, reason = pipeline.load_translator_or_none(
        Settings.resolve({"model": str(tiny_model), "backend": "transformers"}), store=store)
    assert reason is None
    doc_id = pipeline.process_article("The talks went well.", store=store, translator=translator, corpus=None)
    line = store.document(doc_id).run_signature
    signature = RunSignature.parse(line)
    assert signature.mt == translator.identity and "|mt.backend:transformers|" in line
    assert signature.aligner is None and signature.aligner_weights is None
    # The glossary part is a hash of the terms in force: the store's user terms count.
    assert signature.glossary == pipeline.run_signature(translator=translator, termbase=TermBase.load(db=store)).glossary
    add_user_term("tariff-rate quota", "关税配额", added_by="li", store=store)
    changed = pipeline.run_signature(translator=translator, termbase=TermBase.load(db=store))
    assert len(changed.glossary) == 12 and changed.glossary != signature.glossary and changed.mt == signature.mt


def test_xliff_written_the_old_way_still_reads_its_document_ids():
    from translate.storage.xliff2 import Xliff2File

    from workbench.export import import_pairs

    store = Xliff2File(sourcelanguage="en", targetlanguage="zh")
    unit = store.UnitClass("Talks went well.")
    unit.target = "会谈顺利。"
    unit.setid("7")
    unit.addnote("doc-old", origin="document")  # translate-toolkit puts these notes inside <segment>
    store.addunit(unit)
    folder = output_dir_now()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "old.xlf").write_bytes(bytes(store))
    (pair,) = import_pairs("old.xlf", output_dir=folder)
    assert (pair.id, pair.en, pair.zh, pair.document_id) == ("7", "Talks went well.", "会谈顺利。", "doc-old")


def test_store_exports_say_who_and_when_per_unit_and_validate(store):
    """A document two reviewers worked on: TMX names the first and the latest, both files validate."""
    from workbench.export.exchange import tmx_date

    store.add_document(sample_document())
    rows = pipeline.open_document(store, "doc-sample").rows
    pipeline.save_review(store, rows[0].segment.id, action="use_official", reviewer="zhang", base_revision=0)
    pipeline.save_review(store, rows[0].segment.id, action="approve", reviewer="li", base_revision=1)
    pipeline.save_review(store, rows[1].segment.id, action="approve", reviewer="li", base_revision=0, text="美方将取消。")
    first, second = pipeline.revisions(store, rows[0].segment.id)
    tmx = pipeline.export_document(store, "doc-sample", "tmx", output_dir=output_dir_now()).path
    tree = etree.parse(str(tmx))
    units = list(tree.iterfind("body/tu"))
    assert [(u.get("creationid"), u.get("changeid")) for u in units] == [("zhang", "li"), ("li", "li")]
    assert (units[0].get("creationdate"), units[0].get("changedate")) == (tmx_date(first.created_at),
                                                                          tmx_date(second.created_at))
    assert all(len(u.get("creationdate")) == 16 and u.get("creationdate").endswith("Z") for u in units)
    assert json.loads({p.get("type"): p.text for p in units[0].iterfind("prop")}["x-citation"])["doc_id"] == (
        "mofcom-2025-06-27-london-framework")
    dtd = etree.DTD(str(shared_path("schemas", "tmx14.dtd")))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    xliff = pipeline.export_document(store, "doc-sample", "xliff", output_dir=output_dir_now()).path
    schema = etree.XMLSchema(file=str(shared_path("schemas", "xliff_core_2.0.xsd")))
    assert schema.validate(etree.parse(str(xliff))), schema.error_log.filter_from_errors()


def test_a_tmx_written_with_the_bare_zh_tag_still_reads():
    from workbench.export import import_pairs

    out_dir = output_dir_now()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "old.tmx").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="x" creationtoolversion="1" '
        'segtype="sentence" o-tmf="x" adminlang="en" srclang="en" datatype="PlainText"/><body>'
        '<tu tuid="7"><tuv xml:lang="en"><seg>Talks.</seg></tuv><tuv xml:lang="zh"><seg>会谈。</seg></tuv></tu>'
        '</body></tmx>', encoding="utf-8")
    assert [(p.id, p.en, p.zh) for p in import_pairs("old.tmx", output_dir=out_dir)] == [("7", "Talks.", "会谈。")]
