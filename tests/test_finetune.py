"""The whole loop with the tiny model: review, export, fine-tune, gate, promote — and a refusal."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import models_dir_now, output_dir_now
from workbench.cli import dispatch
from workbench.errors import FileNotFoundWorkbenchError, InputError
from workbench.export import ExportRecord, export_records
from workbench.export.records import split_for
from workbench.finetune import (
    Scores,
    load_pairs,
    promote,
    promoted_model,
    regression_gate,
    review_candidate,
    score,
)
from workbench.store import NewDocument, NewSegment, NewTranslation, Store

# Approved translations of boilerplate that recurs across articles: the held-out article
# repeats two of them, which a few steps of training on the train articles can learn.
PAIRS = [
    ("China will approve export applications for controlled items.", "中方将依法审批符合条件的管制物项出口申请。"),
    ("The United States will cancel a series of restrictive measures.", "美方将取消一系列限制性措施。"),
    ("The Ministry of Commerce said the talks were constructive.", "商务部表示，会谈是建设性的。"),
    ("Both sides agreed to keep talking.", "双方同意保持沟通。"),
    ("China firmly opposes the additional tariffs.", "中方坚决反对加征关税。"),
    ("The tariffs will be suspended for 90 days.", "关税将暂停90天。"),
    ("China added the companies to the unreliable entity list.", "中方将这些企业列入不可靠实体清单。"),
    ("The export control measures apply to rare earth items.", "出口管制措施适用于稀土相关物项。"),
]
HELD_OUT = (0, 4)
TRAINING = ["--epochs", "40", "--batch-size", "4", "--learning-rate", "3e-3", "--beam", "1"]


def documents_in(split: str, count: int) -> list[str]:
    """The first ``count`` article ids the hash puts in ``split``."""
    return [f"article-{n}" for n in range(2000) if split_for(f"article-{n}") == split][:count]


def review_articles(db: Path) -> None:
    """Store three training articles and one held-out article; approve every segment."""
    train_docs = documents_in("train", 3)
    articles: dict[str, list[tuple[str, str]]] = {doc: [] for doc in train_docs}
    for i, pair in enumerate(PAIRS):
        articles[train_docs[i % 3]].append(pair)
    articles[documents_in("test", 1)[0]] = [PAIRS[i] for i in HELD_OUT]
    with Store(db) as store:
        for doc, pairs in articles.items():
            segments = [NewSegment(i, en) for i, (en, _zh) in enumerate(pairs)]
            mt = [NewTranslation(i, "机器译文", model="tiny") for i in range(len(pairs))]
            store.add_document(NewDocument(doc, doc, " ".join(en for en, _ in pairs), "text", segments, mt))
            for segment, (_en, zh) in zip(store.segments(doc), pairs, strict=True):
                store.save_review(segment.id, text=zh, state="approved", reviewer="li", base_revision=0)


@pytest.fixture(scope="module")
def loop(tiny_model, tmp_path_factory):
    """Run review → export → finetune once through the CLI; tests inspect what it left."""
    home = tmp_path_factory.mktemp("loop")
    patch = pytest.MonkeyPatch()
    patch.setenv("WORKBENCH_MODELS_DIR", str(home / "models"))
    patch.setenv("WORKBENCH_OUTPUT_DIR", str(home / "exports"))
    try:
        review_articles(home / "review.db")
        export_code = dispatch(["export", "--format", "hf", "--output", "approved", "--state", "approved",
                                "--db", str(home / "review.db")])
        tuned = home / "models" / "tuned"
        code = dispatch(["finetune", "--dataset", "approved", "--base", str(tiny_model),
                         "--output", str(tuned), *TRAINING])
        yield {"export_code": export_code, "code": code, "tuned": tuned, "models": home / "models",
               "report": json.loads((tuned / "report.json").read_text(encoding="utf-8")),
               "dataset": home / "exports" / "approved"}
    finally:
        patch.undo()


@pytest.mark.slow
def test_loop_fine_tunes_gates_and_promotes(loop):
    assert loop["export_code"] == 0 and loop["code"] == 0
    report = loop["report"]
    assert report["heldout_split"] == "test" and report["heldout_pairs"] == len(HELD_OUT)
    assert report["training"]["train_pairs"] == len(PAIRS)
    assert report["training"]["last_loss"] < report["training"]["first_loss"]
    assert report["candidate_scores"]["chrf"] >= report["base_scores"]["chrf"]
    assert report["candidate_scores"]["bleu"] >= report["base_scores"]["bleu"]
    assert "tok:zh" in report["base_scores"]["bleu_signature"]
    assert report["decision"]["promote"] and report["promoted"]
    assert promoted_model(loop["models"]) == loop["tuned"]


@pytest.mark.slow
def test_promoted_model_translates_with_both_backends(loop):
    from workbench.translate import load_translator

    held_out_en = PAIRS[HELD_OUT[0]][0]
    for backend in ("transformers", "ctranslate2"):
        [result] = load_translator(str(promoted_model(loop["models"])), backend, models_dir=models_dir_now()).translate([held_out_en])
        assert result.text and result.backend == backend
    assert any((loop["models"] / "ct2").glob("tuned--*/model.bin"))


def zeroed_copy(model: Path, destination: Path) -> Path:
    """A copy of ``model`` with every weight set to zero: it can only produce nothing useful."""
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    broken = MarianMTModel.from_pretrained(str(model))
    with torch.no_grad():
        for parameter in broken.parameters():
            parameter.zero_()
    broken.save_pretrained(destination)
    MarianTokenizer.from_pretrained(str(model)).save_pretrained(destination)
    return destination


@pytest.mark.slow
def test_gate_refuses_a_broken_model_and_keeps_the_promoted_one(loop, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_MODELS_DIR", str(loop["models"]))
    broken = zeroed_copy(loop["tuned"], tmp_path / "broken")
    _train, split, heldout = load_pairs(loop["dataset"])
    report = review_candidate(str(loop["tuned"]), broken, split, heldout, beam=1, models_dir=loop["models"])
    assert report.candidate_scores.chrf < report.base_scores.chrf
    assert not report.decision.promote and not report.promoted
    assert "worse than the base" in report.decision.reason
    assert promoted_model(loop["models"]) == loop["tuned"]
    saved = json.loads((broken / "report.json").read_text(encoding="utf-8"))
    assert saved["promoted"] is False and saved["decision"]["promote"] is False


@pytest.mark.slow
def test_cli_refuses_a_worse_model_with_status_1(loop, tmp_path, monkeypatch, capsys):
    import workbench.finetune as finetune_module

    monkeypatch.setenv("WORKBENCH_MODELS_DIR", str(loop["models"]))
    monkeypatch.setenv("WORKBENCH_OUTPUT_DIR", str(loop["dataset"].parent))

    def train_badly(base, pairs, output, config, progress=None):
        zeroed_copy(Path(base), output)  # a training run gone wrong
        return None

    monkeypatch.setattr(finetune_module, "train", train_badly)
    code = dispatch(["finetune", "--dataset", "approved", "--base", str(loop["tuned"]),
                     "--output", str(tmp_path / "worse"), "--beam", "1"])
    out = capsys.readouterr().out
    assert code == 1 and "not promoted: worse than the base" in out
    assert promoted_model(loop["models"]) == loop["tuned"]
    assert json.loads((tmp_path / "worse" / "report.json").read_text(encoding="utf-8"))["promoted"] is False


@pytest.mark.slow
def test_promoted_model_cannot_be_overwritten_by_a_new_run(loop, monkeypatch, capsys):
    monkeypatch.setenv("WORKBENCH_MODELS_DIR", str(loop["models"]))
    code = dispatch(["finetune", "--dataset", str(loop["dataset"]), "--base", str(loop["tuned"]),
                     "--output", str(loop["tuned"]), "--overwrite"])
    assert code == 2 and "is the promoted model" in capsys.readouterr().err
    assert json.loads((loop["tuned"] / "report.json").read_text(encoding="utf-8"))["promoted"] is True


def scores(bleu: float, chrf: float) -> Scores:
    return Scores(bleu=bleu, chrf=chrf, segments=2, bleu_signature="", chrf_signature="")


def test_gate_needs_both_metrics_not_worse():
    assert regression_gate(scores(10, 30), scores(10, 30)).promote
    assert regression_gate(scores(10, 30), scores(12, 31)).promote
    assert not regression_gate(scores(10, 30), scores(9.9, 35)).promote
    assert not regression_gate(scores(10, 30), scores(15, 29.5)).promote


def test_scores_use_chinese_tokenisation():
    perfect = score(["中方将依法审批。"], ["中方将依法审批。"])
    assert perfect.bleu == pytest.approx(100) and perfect.chrf == pytest.approx(100)
    partial = score(["中方将审批。"], ["中方将依法审批。"])
    assert 0 < partial.bleu < 100  # per-character tokens overlap; whitespace tokens would not


def test_dataset_without_held_out_split_is_refused(tmp_path):
    doc = documents_in("train", 1)[0]
    result = export_records([ExportRecord(id="1", document_id=doc, en="a", zh="甲")], "hf", "train-only",
                            output_dir=output_dir_now())
    with pytest.raises(InputError, match="no test or validation pairs"):
        load_pairs(result.path)
    with pytest.raises(FileNotFoundWorkbenchError, match="workbench export --format hf"):
        load_pairs(tmp_path)


def test_promotion_pointer_is_relative_inside_the_models_folder(tmp_path):
    models = tmp_path / "models"
    (models / "tuned-a").mkdir(parents=True)
    pointer = promote(models / "tuned-a", models)
    assert pointer.read_text(encoding="utf-8").strip() == "tuned-a"
    shutil.move(models, tmp_path / "moved")
    assert promoted_model(tmp_path / "moved") == tmp_path / "moved" / "tuned-a"
    assert promoted_model(tmp_path / "nothing") is None

