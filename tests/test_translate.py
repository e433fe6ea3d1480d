"""The translation engine on the tiny random model: both backends, the real code paths, offline."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import models_dir_now
from workbench.errors import InputError, ModelUnavailableError
from workbench.store import Store
from workbench.translate import TranslationCache, load_translator
from workbench.translate.backend import ZH_CHARS_PER_EN_CHAR_MAX, _bilingual_corpus
from workbench.translate.postprocess import is_passthrough, looks_runaway, normalize_zh_punctuation
from workbench.translate.splitting import split_for_model

NEWS = [
    "The Ministry of Commerce said on Friday that China will review applications for controlled items.",
    "Washington will lift a series of restrictive measures it had imposed on China.",
    "Both sides agreed to implement the consensus reached in Geneva.",
]
# One 3,000+ character sentence: clauses joined by commas and semicolons, a single full stop.
LONG_SENTENCE = "The two sides agreed that " + "; ".join(
    f"the {n}th working group on tariffs, export controls and rare earths shall meet in Geneva, London or Stockholm"
    for n in range(1, 31)) + "."


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    """One folder of CTranslate2 conversions for the module, so the tiny model converts once."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(autouse=True)
def _models_dir_env(models_dir, monkeypatch):
    monkeypatch.setenv("WORKBENCH_MODELS_DIR", str(models_dir))


@pytest.fixture(scope="module")
def translators(tiny_model, models_dir):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WORKBENCH_MODELS_DIR", str(models_dir))
        return {name: load_translator(str(tiny_model), name, models_dir=models_dir_now()) for name in ("ctranslate2", "transformers")}


@pytest.mark.parametrize("backend", ["ctranslate2", "transformers"])
def test_both_backends_translate_a_batch_and_record_how(translators, backend, tiny_model):
    results = translators[backend].translate(NEWS)
    assert [r.source for r in results] == NEWS
    for r in results:
        assert r.text and r.backend == backend and r.model == tiny_model.name
        assert r.revision.startswith("sha256-") and r.options["beam"] == 4
        assert r.score is not None and r.score < 0  # an average log-probability


def test_target_language_token_starts_every_source(translators):
    for translator in translators.values():
        tokens = translator.backend.source_tokens("Hello")
        assert tokens[0] == ">>cmn_Hans<<" and tokens[-1] == "</s>"


@pytest.mark.slow
def test_long_sentence_is_split_at_clauses_and_every_piece_translated(translators):
    translator = translators["ctranslate2"]
    assert len(LONG_SENTENCE) >= 3000 and translator.backend.count_tokens(LONG_SENTENCE) > 512
    pieces = split_for_model(LONG_SENTENCE, translator.backend.count_tokens, translator.options.max_source_tokens)
    assert len(pieces) > 1 and "".join(pieces) == LONG_SENTENCE
    assert all(translator.backend.count_tokens(p) <= translator.options.max_source_tokens for p in pieces)
    assert all(p.rstrip().endswith((";", ".")) for p in pieces)  # cut at clause ends, not mid-clause

    whole = translator.translate([LONG_SENTENCE])[0]
    separately = translator.translate([p.strip() for p in pieces])
    assert "split" in whole.flags
    assert whole.text == normalize_zh_punctuation("".join(t.text for t in separately))


def test_hello_does_not_run_away(translators):
    backend = translators["ctranslate2"].backend
    source = backend.source_tokens("Hello")
    guarded = backend.translate_batch([source])[0]
    assert len(guarded.tokens) <= backend.max_new_tokens(len(source)) <= 2 * len(source) + 10  # the old cap at most
    grams = [guarded.tokens[i:i + 4] for i in range(len(guarded.tokens) - 3)]
    assert all(grams.count(g) == 1 for g in grams)  # no 4-token sequence twice

    record = translators["ctranslate2"].translate(["Hello"])[0]
    unguarded = load_translator(str(backend.source.path), "ct2", max_length_ratio=40, no_repeat_ngram_size=0, models_dir=models_dir_now())
    runaway = unguarded.backend.translate_batch([source])[0]
    assert len(runaway.tokens) > len(guarded.tokens)  # the guard is what keeps it short
    assert ("repetition" in record.flags) == looks_runaway(len(source), list(guarded.tokens),
                                                           max_ratio=backend.length_ratio)


@pytest.mark.parametrize("backend", ["ctranslate2", "transformers"])
def test_the_length_cap_comes_from_the_corpus_and_stops_a_runaway(translators, backend):
    translator = translators[backend]
    codec = translator.backend.codec
    english, chinese = _bilingual_corpus()
    # The corpus's largest sentence ratio in characters, in this tokenizer's tokens, rounded up to a tenth.
    en_chars_per_token = sum(len("".join(e.split())) for e in english) / sum(len(codec.source_tokens(e)) - 1 for e in english)
    zh_chars_per_token = sum(len("".join(z.split())) for z in chinese) / sum(len(codec.target_pieces(z)) for z in chinese)
    expected = math.ceil(ZH_CHARS_PER_EN_CHAR_MAX * en_chars_per_token / zh_chars_per_token * 10) / 10
    assert translator.backend.length_ratio == expected == translator.options.max_length_ratio
    assert f"|lenratio:{expected}|" in translator.identity  # another tokenizer's cap is another identity

    # Without the n-gram guard the tiny model's output runs away: it stops exactly at the cap.
    source = translator.backend.source_tokens(NEWS[0])
    unguarded = load_translator(str(translator.backend.source.path), backend, no_repeat_ngram_size=0,
                                models_dir=models_dir_now())
    runaway = unguarded.backend.translate_batch([source])[0]
    cap = math.ceil(expected * len(source)) + translator.options.length_slack
    assert unguarded.backend.max_new_tokens(len(source)) == cap
    # Transformers spends the last step on the end token the model's config forces there.
    assert len(runaway.tokens) == cap - (backend == "transformers")


def test_runaway_check():
    assert looks_runaway(5, ["你好"] * 30)
    assert looks_runaway(10, ["a", "b", "c", "d"] * 3)
    assert not looks_runaway(10, list("商务部新闻发言人表示中方"))


def test_empty_and_punctuation_only_segments_pass_through(translators):
    results = translators["transformers"].translate(["", "   ", "—", "***", "2025."])
    assert [r.text for r in results] == ["", "   ", "—", "***", "2025."]
    assert all(r.flags == ("passthrough",) and r.score is None for r in results)
    assert not is_passthrough("WTO")


@pytest.mark.parametrize("raw, expected", [
    ("美国,中国.", "美国，中国。"),
    ("增长1.5%,达到1,000亿.", "增长1.5%，达到1,000亿。"),
    (" 商务部 说 ,, 中方 。。", "商务部说，中方。"),
    ('他说"坚决反对"', "他说“坚决反对”"),
    ("(世贸组织)规则?", "（世贸组织）规则？"),
    ("Hello, world.", "Hello, world."),
])
def test_output_punctuation_is_full_width(raw, expected):
    assert normalize_zh_punctuation(raw) == expected


def test_second_run_is_served_from_the_cache(tiny_model, tmp_path, monkeypatch):
    cache = TranslationCache(Store(tmp_path / "wb.db"))
    first = load_translator(str(tiny_model), "hf", cache=cache, models_dir=models_dir_now())
    fresh = first.translate(NEWS)
    assert not any("cached" in r.flags for r in fresh)

    second = load_translator(str(tiny_model), "hf", cache=TranslationCache(Store(tmp_path / "wb.db")), models_dir=models_dir_now())
    monkeypatch.setattr(second.backend, "generate", lambda *a, **k: pytest.fail("the model was asked again"))
    again = second.translate(NEWS)
    assert [r.text for r in again] == [r.text for r in fresh]
    assert all("cached" in r.flags for r in again)
    assert [r.score for r in again] == pytest.approx([r.score for r in fresh])


def test_other_options_do_not_share_cached_translations(translators, tiny_model):
    assert translators["ctranslate2"].identity != translators["transformers"].identity
    assert load_translator(str(tiny_model), "hf", beam=2, models_dir=models_dir_now()).identity != translators["transformers"].identity
    assert load_translator(str(tiny_model), "hf", models_dir=models_dir_now()).identity == translators["transformers"].identity


def test_model_comes_from_the_environment_unless_given(tiny_model, tmp_path, monkeypatch):
    from workbench import pipeline
    from workbench.settings import Settings

    monkeypatch.setenv("WORKBENCH_MODEL", str(tiny_model))
    monkeypatch.setenv("WORKBENCH_BACKEND", "hf")
    translator, _ = pipeline.load_translator_or_none(Settings.resolve())
    assert translator.backend.source.id == tiny_model.name
    with pytest.raises(ModelUnavailableError, match="no such folder"):
        load_translator(str(tmp_path / "missing"), "hf", models_dir=models_dir_now())


def test_missing_or_incomplete_model_says_how_to_get_one(tiny_model, tmp_path):
    with pytest.raises(ModelUnavailableError) as err:
        load_translator("Helsinki-NLP/opus-mt-en-zh", "hf", models_dir=models_dir_now())  # the hub is offline in tests
    message = str(err.value)
    assert "hf download Helsinki-NLP/opus-mt-en-zh" in message and "WORKBENCH_MODEL" in message
    assert "\n" not in message

    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / "config.json").write_text((tiny_model / "config.json").read_text())
    with pytest.raises(ModelUnavailableError, match="lacks vocab.json"):
        load_translator(str(partial), "ct2", models_dir=models_dir_now())


def test_unknown_backend_or_option_is_refused(tiny_model):
    with pytest.raises(InputError, match="use one of"):
        load_translator(str(tiny_model), "marian-nmt", models_dir=models_dir_now())
    with pytest.raises(InputError, match="unknown decoding option"):
        load_translator(str(tiny_model), "hf", beams=4, models_dir=models_dir_now())


def test_ct2_conversion_is_cached_by_identity(translators, models_dir, tiny_model):
    folders = [p for p in (models_dir / "ct2").iterdir()]
    assert [p.name for p in folders] == [f"{tiny_model.name}--{translators['ctranslate2'].backend.source.revision}-int8"]
    stamp = (folders[0] / "model.bin").stat().st_mtime_ns
    load_translator(str(tiny_model), "ct2", models_dir=models_dir_now())
    assert (folders[0] / "model.bin").stat().st_mtime_ns == stamp  # reused, not converted again


def test_progress_reports_every_segment(translators):
    seen = []
    translators["ctranslate2"].translate(["", *NEWS], progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (1, 4) and seen[-1] == (4, 4)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('中国美方 ,.;:?!()"“”（）。，1a-')), max_size=40))
def test_punctuation_normalisation_is_idempotent(text):
    once = normalize_zh_punctuation(text)
    assert normalize_zh_punctuation(once) == once


def test_model_identity_is_kept_by_size_and_mtime_and_follows_a_change(tmp_path):
    import shutil

    from workbench.translate.resolve import IDENTITY_FILE, _content_hash, folder_hash

    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text('{"d_model": 8}')
    (folder / "model.safetensors").write_bytes(b"\0" * 1000)
    first = folder_hash(folder)
    assert (folder / IDENTITY_FILE).is_file()
    files = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    assert first == _content_hash(folder, files)  # the kept value is the content hash
    (folder / IDENTITY_FILE).write_text((folder / IDENTITY_FILE).read_text().replace(first, "0" * 64))
    assert folder_hash(folder) == "0" * 64  # unchanged sizes and times: the kept identity, no hashing
    (folder / "model.safetensors").write_bytes(b"\1" * 1000)  # same size, new content and time
    changed = folder_hash(folder)
    assert changed not in (first, "0" * 64)
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    (copy / IDENTITY_FILE).unlink()
    assert folder_hash(copy) == changed  # the identity is the content, wherever the folder is
