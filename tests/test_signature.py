"""RunSignature: one key:value line for everything that made a processed article."""

from __future__ import annotations

import pytest

from workbench.errors import InputError
from workbench.signature import RunSignature, nest, parse_pairs, short_hash, unnest

MT = "model:Helsinki-NLP/opus-mt-en-zh|rev:abc123|backend:ctranslate2-int8|device:cpu|beam:4|version:0.1.0"


def full() -> RunSignature:
    return RunSignature(segmenter="rules-en", segmenter_version="0.1.0", workbench="0.1.0", aligner="news",
                        aligner_weights="0123456789ab", glossary="ba9876543210", mt=MT)


def test_the_line_lists_every_part_in_order_with_mt_nested():
    assert str(full()) == (
        "seg:rules-en|seg-version:0.1.0|align:news|align-weights:0123456789ab|embed:none|glossary:ba9876543210"
        "|mt.model:Helsinki-NLP/opus-mt-en-zh|mt.rev:abc123|mt.backend:ctranslate2-int8|mt.device:cpu"
        "|mt.beam:4|mt.version:0.1.0|version:0.1.0")


def test_stages_that_did_not_run_read_none():
    bare = RunSignature(segmenter="rules-en", segmenter_version="0.1.0", workbench="0.1.0")
    assert str(bare) == ("seg:rules-en|seg-version:0.1.0|align:none|align-weights:none|embed:none|glossary:none"
                         "|mt:none|version:0.1.0")
    assert RunSignature.parse(str(bare)) == bare


def test_parse_and_dicts_round_trip_and_ignore_unknown_keys():
    sig = full()
    assert RunSignature.parse(str(sig)) == sig
    assert RunSignature.from_dict(sig.to_dict()) == sig
    assert sig.to_dict()["mt"] == MT
    assert RunSignature.from_dict({**sig.to_dict(), "decoder": "new-in-a-later-version"}) == sig
    assert RunSignature.parse(str(sig) + "|decoder:new") == sig


def test_a_signature_without_its_required_parts_is_refused():
    with pytest.raises(InputError, match="segmenter_version, workbench"):
        RunSignature.from_dict({"segmenter": "rules-en"})
    with pytest.raises(InputError, match="not key:value"):
        parse_pairs("seg:rules|oops")


def test_nest_and_unnest_keep_colons_in_values():
    nested = nest("ter", "nrefs:1|case:lc|path:C:/x")
    assert nested == "ter.nrefs:1|ter.case:lc|ter.path:C:/x"
    assert unnest("ter", parse_pairs("a:1|" + nested)) == "nrefs:1|case:lc|path:C:/x"
    assert unnest("mt", parse_pairs("a:1")) is None


def test_short_hash_is_twelve_hex_digits_and_order_sensitive():
    assert short_hash(["a", "b"]) == short_hash(["a", "b"]) != short_hash(["b", "a"])
    assert len(short_hash([])) == 12 and int(short_hash(["x"]), 16) >= 0
    assert short_hash(["ab"]) != short_hash(["a", "b"])  # parts are separated
