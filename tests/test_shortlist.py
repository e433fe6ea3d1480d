"""The opt-in vocabulary shortlist (CTranslate2 ``use_vmap``): how the map is built, and decoding with it."""

from __future__ import annotations

import json

import pytest

from tests.conftest import models_dir_now
from workbench.cli import dispatch
from workbench.errors import InputError
from workbench.translate import load_translator
from workbench.translate.constraints import RequiredTerm
from workbench.translate.ct2 import converted_model
from workbench.translate.resolve import resolve_model
from workbench.translate.shortlist import VMAP_FILE, VocabularyMap, build_vmap, shortlist_model
from workbench.translate.tokenizer import SentencePieceTokenizer

SENTENCES = [
    "China will review export applications for controlled items in accordance with the law.",
    "Washington will lift a series of restrictive measures against China.",
    "Both sides agreed to keep communicating on economic and trade issues.",
]


@pytest.fixture(autouse=True)
def _models_dir(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("WORKBENCH_MODELS_DIR", str(tmp_path_factory.getbasetemp() / "shortlist-models"))


class WordCodec:
    """Tokens are the words themselves: small enough to work the map out by hand."""

    def __init__(self, source: str, target: str) -> None:
        self.source, self.target = source.split(), target.split()
        self.vocab = {t: i for i, t in enumerate(["</s>", "<unk>", *self.source, *self.target])}

    def pieces(self, side: str) -> list[str]:
        return list(self.source if side == "source" else self.target)

    def source_tokens(self, text: str, language: str = "") -> list[str]:
        return [*text.split(), "</s>"]

    def target_pieces(self, text: str) -> list[str]:
        return [t if t in self.vocab else "<unk>" for t in text.split()]


class Glosses:
    """The one dictionary method the map reads."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    def translations(self, english: str) -> tuple[tuple[str, str], ...]:
        return ((self.table[english], "cedict"),) if english in self.table else ()


def test_the_map_ranks_co_occurring_tokens_by_dice_and_adds_glosses_terms_and_numbers():
    codec = WordCodec("▁a ▁bee ▁c ▁Geneva", "X Y Z W V ▁2025 。 ▁Geneva")
    pairs = [("▁a ▁bee", "X Y"), ("▁a", "X"), ("▁a ▁c", "Z")]
    vmap = build_vmap(codec, pairs, chinese=["X V"], dictionary=Glosses({"bee": "W Y"}), terms=["V"],
                      frequent_tokens=1, cooccurrence_cap=2)
    # X is the most frequent (3 times), V an official term's, 2025 and 。 numbers and marks: always allowed.
    assert vmap.fixed == ("V", "X", "▁2025", "。")
    # ▁a: Dice Y 2·1/(3+1) = Z 0.5, tie broken by the text; ▁bee: Y 1.0, then its gloss W (Y already there);
    # ▁Geneva is copied through.
    assert vmap.rules == {"▁a": ("Y", "Z"), "▁bee": ("Y", "W"), "▁c": ("Z",), "▁Geneva": ("▁Geneva",)}
    assert vmap.size == (4, 8)
    assert vmap.candidates([["▁c", "</s>"]]) == {"V", "X", "。", "▁2025", "Z", "</s>", "<unk>", "<pad>", "<s>"}
    assert VocabularyMap.from_text(vmap.to_text()) == vmap
    assert vmap.to_text().splitlines()[0] == "\tV X ▁2025 。"  # the empty source: tokens always allowed


def test_the_cap_counts_only_tokens_not_always_allowed():
    codec = WordCodec("▁a", "X Y Z")
    vmap = build_vmap(codec, [("▁a", "X Y Z")], frequent_tokens=1, cooccurrence_cap=1)
    assert vmap.fixed == ("X",) and vmap.rules == {"▁a": ("Y",)}


def test_building_from_the_corpus_is_deterministic_and_keeps_every_official_term(tiny_model, tmp_path):
    from workbench.settings import SHIPPED_GLOSSARY
    from workbench.terms.glossary import load_glossary

    converted = converted_model(resolve_model(str(tiny_model)), models_dir_now())
    codec = SentencePieceTokenizer(tiny_model)
    first, first_hash = shortlist_model(converted, codec, cache_dir=models_dir_now() / "cache")
    text = (first / VMAP_FILE).read_text(encoding="utf-8")
    copy = tmp_path / converted.name
    copy.mkdir()
    for file in converted.iterdir():
        (copy / file.name).symlink_to(file)
    second, second_hash = shortlist_model(copy, codec, cache_dir=tmp_path / "cache")
    assert second != first and (second / VMAP_FILE).read_text(encoding="utf-8") == text
    assert second_hash == first_hash
    vmap = VocabularyMap.from_text(text)
    official = [t.zh_required for t in load_glossary(SHIPPED_GLOSSARY) if t.is_official]
    assert official and all(set(codec.target_pieces(zh)) - {"<unk>"} <= set(vmap.fixed) for zh in official)
    keys, targets = vmap.size
    assert keys > 0 and 0 < targets < len(codec.vocab) / 2  # a shortlist, not the vocabulary
    # The conversion without the shortlist is left as it was.
    assert not (converted / VMAP_FILE).exists() and (first / "model.bin").resolve() == (converted / "model.bin").resolve()


def test_with_the_shortlist_outputs_use_only_tokens_the_map_allows(tiny_model):
    on = load_translator(str(tiny_model), "ct2", models_dir=models_dir_now(), shortlist=True)
    off = load_translator(str(tiny_model), "ct2", models_dir=models_dir_now())
    vmap = VocabularyMap.from_text((on.backend.model_folder / VMAP_FILE).read_text(encoding="utf-8"))
    sources = [on.backend.source_tokens(s) for s in SENTENCES]
    allowed = vmap.candidates(sources)  # CTranslate2 allows what the whole batch's sources map to
    with_list = on.backend.translate_batch(sources)
    without = off.backend.translate_batch(sources)
    assert all(set(h.tokens) <= allowed for h in with_list)
    assert any(set(h.tokens) - allowed for h in without)  # the random model strays without it
    assert [t.text for t in on.translate(SENTENCES)] == [h.text for h in with_list]


def test_the_shortlist_is_in_the_identity_only_when_on_and_off_changes_nothing(tiny_model):
    plain = load_translator(str(tiny_model), "ct2", models_dir=models_dir_now())
    off = load_translator(str(tiny_model), "ct2", models_dir=models_dir_now(), shortlist=False)
    on = load_translator(str(tiny_model), "ct2", models_dir=models_dir_now(), shortlist=True)
    assert "shortlist" not in off.identity and off.identity == plain.identity
    assert "shortlist" not in off.translate(SENTENCES[:1])[0].options
    vmap_hash = on.options.shortlist
    assert f"|shortlist:{vmap_hash}|" in on.identity and len(vmap_hash) == 12
    assert on.identity.replace(f"|shortlist:{vmap_hash}", "") == off.identity
    assert on.translate(SENTENCES[:1])[0].options["shortlist"] == vmap_hash
    assert [t.text for t in off.translate(SENTENCES)] == [t.text for t in plain.translate(SENTENCES)]


def test_terms_are_still_enforced_with_the_shortlist(tiny_model):
    on = load_translator(str(tiny_model), "ct2", models_dir=models_dir_now(), shortlist=True)
    controlled = RequiredTerm("管制物项", ["controlled items"])
    outside = "不可靠实体清单工作机制"  # not an official glossary term: its tokens reach the decoder as a prefix
    results = on.translate(SENTENCES[:2], required_terms=[[controlled], [outside]])
    assert "管制物项" in results[0].text and outside in results[1].text
    # Re-decoded after another batch: the prefix must hold (CTranslate2 mis-maps it under the shortlist).
    assert "term:管制物项:prefix" in results[0].flags
    assert not any("term-missing" in r.flags for r in results)


def test_the_transformers_backend_refuses_the_shortlist(tiny_model):
    with pytest.raises(InputError, match="needs the CTranslate2 backend"):
        load_translator(str(tiny_model), "hf", models_dir=models_dir_now(), shortlist=True)


def test_translate_shortlist_flag_gives_the_library_output(tiny_model, tmp_path):
    inputs = tmp_path / "in.jsonl"
    inputs.write_text("".join(json.dumps({"id": f"s{i}", "text": s}) + "\n" for i, s in enumerate(SENTENCES)),
                      encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert dispatch(["translate", str(inputs), "-o", str(out), "--model", str(tiny_model), "--backend", "ct2",
                     "--no-terms", "--shortlist", "--no-progress"]) == 0
    written = [json.loads(line)["translation"] for line in out.read_text(encoding="utf-8").splitlines()]
    on = load_translator(str(tiny_model), "ct2", models_dir=models_dir_now(), shortlist=True)
    assert written == [t.text for t in on.translate(SENTENCES)]


def test_eval_with_a_baseline_shows_both_scores_and_the_difference(tmp_path, capsys):
    refs = ["中方愿同美方相向而行。", "美方将取消对华采取的一系列限制性措施。"]
    for name, lines in (("ref", refs), ("same", refs), ("worse", ["中方愿同美方相向。", "美方将取消措施。"])):
        (tmp_path / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert dispatch(["eval", "--hyp", str(tmp_path / "worse.txt"), "--ref", str(tmp_path / "ref.txt"),
                     "--baseline", str(tmp_path / "same.txt"), "--format", "json"]) == 0
    bleu, chrf = json.loads(capsys.readouterr().out)
    for row in (bleu, chrf):
        assert row["baseline"] == 100.0 and row["difference"] == round(row["score"] - 100.0, 2) < 0
    assert dispatch(["eval", "--hyp", str(tmp_path / "same.txt"), "--ref", str(tmp_path / "ref.txt"),
                     "--baseline", str(tmp_path / "same.txt")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:4] for line in lines] == [["BLEU", "100.00", "baseline 100.00", "+0.00"],
                                                        ["chrF2", "100.00", "baseline 100.00", "+0.00"]]
