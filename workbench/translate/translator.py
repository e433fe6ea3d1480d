"""``Translator``: segments in, recorded translations out, over any registered backend.

The translator does what does not depend on the backend: copies segments with nothing to
translate, serves the cache, splits segments too long for the model, batches pieces of
similar length, joins and tidies the output, and flags what a reviewer should look at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench import __version__
from workbench.translate.backend import DecodingOptions, TranslatorBackend, backend_class, default_backend
from workbench.translate.cache import CachedTranslation, TranslationCache
from workbench.translate.postprocess import is_passthrough, looks_runaway, normalize_zh_punctuation
from workbench.translate.resolve import resolve_model
from workbench.translate.splitting import split_for_model

__all__ = ["Translation", "Translator", "load_translator"]


@dataclass(frozen=True)
class Translation:
    """One translated segment and how it was made.

    ``score`` is the model's average token log-probability (None when the model was not
    asked); ``flags`` may hold ``passthrough`` (copied, nothing to translate), ``cached``,
    ``split`` (translated in pieces), ``repetition`` (runaway output suspected) and
    ``term-missing`` (a required term is absent).
    """

    source: str
    text: str
    model: str
    revision: str
    backend: str
    options: dict = field(repr=False)
    score: float | None
    flags: tuple[str, ...] = ()


@dataclass
class _Piece:
    segment: int
    tokens: list[str]
    terms: tuple[str, ...]
    text: str = ""
    score: float = 0.0
    output_length: int = 0
    runaway: bool = False


class Translator:
    """Translates English segments into Simplified Chinese with one backend and one set of options."""

    def __init__(self, backend: TranslatorBackend, cache: TranslationCache | None = None) -> None:
        self.backend = backend
        self.options = backend.options
        self.cache = cache

    @property
    def identity(self) -> str:
        """``model:…|rev:…|backend:…|device:…|beam:4|…|version:…``: what determines the output."""
        source = self.backend.source
        backend = self.backend.name + (f"-{self.backend.variant}" if self.backend.variant else "")
        return (f"model:{source.id}|rev:{source.revision}|backend:{backend}|device:{self.backend.device}"
                f"|{self.options.signature()}"
                f"|version:{__version__}")

    def translate(self, texts: Sequence[str], *, progress: Callable[[int, int], None] | None = None,
                  required_terms: Sequence[Sequence[str]] | None = None) -> list[Translation]:
        """Translate ``texts`` in order; ``required_terms[i]`` are Chinese strings text ``i`` must contain.

        ``progress(done, total)`` is called as segments finish.
        """
        terms = [tuple(t) for t in required_terms] if required_terms is not None else [()] * len(texts)
        if len(terms) != len(texts):
            raise ValueError("required_terms must have one entry per text")
        results: list[Translation | None] = [None] * len(texts)
        todo: list[int] = []
        for i, text in enumerate(texts):
            if is_passthrough(text):
                results[i] = self._record(text, text, None, ("passthrough",))
            else:
                todo.append(i)
        if self.cache is not None and todo:
            hits = self.cache.get_many(self.identity, [(texts[i], terms[i]) for i in todo])
            for k, hit in hits.items():
                i = todo[k]
                results[i] = self._record(texts[i], hit.text, hit.score, (*hit.flags, "cached"))
            todo = [i for k, i in enumerate(todo) if k not in hits]
        done = len(texts) - len(todo)
        if progress:
            progress(done, len(texts))

        pieces_of = {i: self._pieces(i, texts[i], terms[i]) for i in todo}

        def segment_done() -> None:
            nonlocal done
            done += 1
            if progress:
                progress(done, len(texts))

        self._decode(pieces_of, segment_done)
        fresh = []
        for i, pieces in pieces_of.items():
            results[i] = self._join(texts[i], pieces, terms[i])
            fresh.append((texts[i], terms[i], CachedTranslation(results[i].text, results[i].score, results[i].flags)))
        if self.cache is not None and fresh:
            self.cache.put_many(self.identity, fresh)
        return results  # type: ignore[return-value]  # every slot is filled above

    def _decode(self, pieces_of: dict[int, list[_Piece]], segment_done: Callable[[], None]) -> None:
        """Fill in every piece's translation, batch by batch; ``segment_done`` as segments complete."""
        waiting = {i: len(p) for i, p in pieces_of.items()}
        pieces = [p for ps in pieces_of.values() for p in ps]
        # Term-carrying pieces decode with several hypotheses, so batch them apart; similar lengths pad least.
        pieces.sort(key=lambda p: (bool(p.terms), len(p.tokens)))
        size = self.options.batch_size
        for start in range(0, len(pieces), size):
            batch = pieces[start:start + size]
            hyps = self.backend.translate_batch([p.tokens for p in batch], [p.terms for p in batch])
            for piece, hyp in zip(batch, hyps):
                piece.text, piece.score, piece.output_length = hyp.text, hyp.score, len(hyp.tokens)
                piece.runaway = looks_runaway(len(piece.tokens), hyp.tokens, max_ratio=self.options.max_length_ratio,
                                              slack=self.options.length_slack)
                waiting[piece.segment] -= 1
                if waiting[piece.segment] == 0:
                    segment_done()

    def _pieces(self, segment: int, text: str, terms: tuple[str, ...]) -> list[_Piece]:
        parts = [p.strip() for p in split_for_model(text, self.backend.count_tokens, self.options.max_source_tokens)]
        parts = [p for p in parts if p]
        # Which piece holds a term's English is unknown here, so split segments are only checked, not steered.
        piece_terms = terms if len(parts) == 1 else ()
        return [_Piece(segment, self.backend.source_tokens(p), piece_terms) for p in parts]

    def _join(self, source: str, pieces: list[_Piece], terms: tuple[str, ...]) -> Translation:
        text = normalize_zh_punctuation("".join(p.text for p in pieces))
        # Average token log-prob of the whole: the pieces' averages weighted by their output lengths.
        weights = [max(1, p.output_length) for p in pieces]
        score = sum(p.score * w for p, w in zip(pieces, weights)) / sum(weights)
        flags = []
        if len(pieces) > 1:
            flags.append("split")
        if any(p.runaway for p in pieces):
            flags.append("repetition")
        if any(normalize_zh_punctuation(t) not in text for t in terms if t.strip()):
            flags.append("term-missing")
        return self._record(source, text, score, tuple(flags))

    def _record(self, source: str, text: str, score: float | None, flags: tuple[str, ...]) -> Translation:
        return Translation(source=source, text=text, model=self.backend.source.id,
                           revision=self.backend.source.revision, backend=self.backend.name,
                           options={**self.options.to_dict(), "device": self.backend.device}, score=score,
                           flags=flags)


def load_translator(model: str, backend: str | None = None, *, models_dir: Path | None = None, device: str = "cpu",
                    cache: TranslationCache | None = None, **options) -> Translator:
    """A ready translator for ``model`` (a hub id or a folder) on ``device``.

    ``backend`` is ``ctranslate2``/``ct2`` or ``transformers``/``hf`` (default: CTranslate2
    when installed); CTranslate2 keeps its conversions under ``models_dir`` (required for it); ``options`` are
    :class:`DecodingOptions` fields. Raises :class:`~workbench.errors.ModelUnavailableError`
    when the model cannot be had.
    """
    decoding = DecodingOptions.from_options(**options)
    backend_cls = backend_class(backend or default_backend())
    return Translator(backend_cls(resolve_model(model), decoding, device=device, models_dir=models_dir), cache=cache)
