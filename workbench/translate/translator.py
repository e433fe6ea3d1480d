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
from workbench.translate.constraints import TermRequest, term_flag
from workbench.translate.postprocess import is_passthrough, looks_runaway, normalize_zh_punctuation
from workbench.translate.resolve import resolve_model
from workbench.translate.splitting import split_for_model

__all__ = ["Translation", "Translator", "load_translator"]


@dataclass(frozen=True)
class Translation:
    """One translated segment and how it was made.

    ``score`` is the model's average token log-probability (None when the model was not
    asked); ``flags`` may hold ``passthrough`` (copied, nothing to translate), ``cached``,
    ``split`` (translated in pieces), ``repetition`` (runaway output suspected),
    ``term-missing`` (a required term is absent) and, for each required term present,
    ``term:<Chinese>:<how>`` (how it got there, see
    :data:`~workbench.translate.constraints.TERM_HOW`).
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
    terms: tuple[TermRequest, ...]
    text: str = ""
    score: float = 0.0
    output_length: int = 0
    runaway: bool = False
    found: tuple[tuple[str, str], ...] = ()


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
                  required_terms: Sequence[Sequence[str]] | None = None,
                  errors: str = "raise") -> list[Translation | Exception]:
        """Translate ``texts`` in order; ``required_terms[i]`` are Chinese strings text ``i`` must contain.

        Pieces are sorted by length and decoded in batches of at most ``batch_size`` pieces and
        ``batch_tokens`` padded source tokens, so a long input pads little. ``progress(done,
        total)`` is called as segments finish. ``errors="collect"``: a batch that fails leaves
        its exception in the result slots of its segments instead of raising, and the rest go on.
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
        # Exact duplicates (same text, same terms) are translated once.
        copies: dict[tuple, list[int]] = {}
        for i in todo:
            copies.setdefault((texts[i], terms[i]), []).append(i)
        done = len(texts) - len(todo)
        if progress:
            progress(done, len(texts))

        pieces_of = {same[0]: self._pieces(same[0], texts[same[0]], terms[same[0]]) for same in copies.values()}
        size_of = {same[0]: len(same) for same in copies.values()}

        def segment_done(segment: int) -> None:
            nonlocal done
            done += size_of[segment]
            if progress:
                progress(done, len(texts))

        failed = self._decode(pieces_of, segment_done, raise_errors=errors == "raise")
        fresh = []
        for same in copies.values():
            first = same[0]
            if first in failed:
                for i in same:
                    results[i] = failed[first]
                continue
            translation = self._join(texts[first], pieces_of[first], terms[first])
            for i in same:
                results[i] = translation
            fresh.append((texts[first], terms[first], CachedTranslation(translation.text, translation.score,
                                                                         translation.flags)))
        if self.cache is not None and fresh:
            self.cache.put_many(self.identity, fresh)
        return results  # type: ignore[return-value]  # every slot is filled above

    def _decode(self, pieces_of: dict[int, list[_Piece]], segment_done: Callable[[int], None], *,
                raise_errors: bool = True) -> dict[int, Exception]:
        """Fill in every piece's translation, batch by batch; ``segment_done(i)`` as segments complete.

        Returns the segments whose batch failed, with the error (only without ``raise_errors``).
        """
        waiting = {i: len(p) for i, p in pieces_of.items()}
        failed: dict[int, Exception] = {}
        pieces = [p for ps in pieces_of.values() for p in ps]
        # Term-carrying pieces decode with several hypotheses, so batch them apart; similar lengths pad least.
        pieces.sort(key=lambda p: (bool(p.terms), len(p.tokens)))
        for batch in self._batches(pieces):
            try:
                hyps = self.backend.translate_batch([p.tokens for p in batch], [p.terms for p in batch])
            except Exception as err:
                if raise_errors:
                    raise
                for piece in batch:
                    failed.setdefault(piece.segment, err)
                hyps = None
            for k, piece in enumerate(batch):
                if hyps is not None:
                    hyp = hyps[k]
                    piece.text, piece.score, piece.output_length = hyp.text, hyp.score, len(hyp.tokens)
                    piece.found = hyp.terms
                    piece.runaway = looks_runaway(len(piece.tokens), hyp.tokens,
                                                  max_ratio=self.options.max_length_ratio,
                                                  slack=self.options.length_slack)
                waiting[piece.segment] -= 1
                if waiting[piece.segment] == 0 and piece.segment not in failed:
                    segment_done(piece.segment)
        return failed

    def _batches(self, pieces: list[_Piece]):
        """Consecutive runs of ``pieces`` of at most ``batch_size`` pieces and ``batch_tokens`` padded tokens."""
        size, budget = self.options.batch_size, self.options.batch_tokens
        batch: list[_Piece] = []
        for piece in pieces:
            width = max([len(piece.tokens), *(len(p.tokens) for p in batch[-1:])])
            if batch and (len(batch) == size or (budget and (len(batch) + 1) * width > budget)
                          or bool(batch[-1].terms) != bool(piece.terms)):
                yield batch
                batch = []
            batch.append(piece)
        if batch:
            yield batch

    def _pieces(self, segment: int, text: str, terms: tuple[str, ...]) -> list[_Piece]:
        parts = [p.strip() for p in split_for_model(text, self.backend.count_tokens, self.options.max_source_tokens)]
        parts = [p for p in parts if p] or [text.strip()]
        # Each term goes to the piece holding its English (the last piece when that is not known).
        assigned: list[list[TermRequest]] = [[] for _ in parts]
        for term in terms:
            english = getattr(term, "english", ())
            where = next(((k, part.lower().find(e.lower()), e) for e in english for k, part in enumerate(parts)
                          if e and e.lower() in part.lower()), None)
            if where is None:
                assigned[-1].append(TermRequest(str(term), None, getattr(term, "avoid", ())))
                continue
            k, start, found = where
            before = self.backend.count_tokens(parts[k][:start]) - 1  # the language token and pieces before it
            width = max(1, self.backend.count_tokens(parts[k][start:start + len(found)]) - 1 - bool(self.backend.language))
            assigned[k].append(TermRequest(str(term), (before, before + width), getattr(term, "avoid", ())))
        return [_Piece(segment, self.backend.source_tokens(p), tuple(a)) for p, a in zip(parts, assigned)]

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
        how = {term: way for p in pieces for term, way in p.found}
        flags.extend(term_flag(t, how.get(t, "decoded")) for t in dict.fromkeys(
            normalize_zh_punctuation(t) for t in terms if t.strip()) if t in text)
        return self._record(source, text, score, tuple(flags))

    def _record(self, source: str, text: str, score: float | None, flags: tuple[str, ...]) -> Translation:
        return Translation(source=source, text=text, model=self.backend.source.id,
                           revision=self.backend.source.revision, backend=self.backend.name,
                           options={**self.options.to_dict(), "device": self.backend.device}, score=score,
                           flags=flags)


def load_translator(model: str, backend: str | None = None, *, models_dir: Path | None = None, device: str = "cpu",
                    cache: TranslationCache | None = None, threads: int | None = None, **options) -> Translator:
    """A ready translator for ``model`` (a hub id or a folder) on ``device``.

    ``backend`` is ``ctranslate2``/``ct2`` or ``transformers``/``hf`` (default: CTranslate2
    when installed); CTranslate2 keeps its conversions under ``models_dir`` (required for it); ``threads`` are
    the cores it may use (default: all this process may); ``options`` are
    :class:`DecodingOptions` fields. Raises :class:`~workbench.errors.ModelUnavailableError`
    when the model cannot be had.
    """
    decoding = DecodingOptions.from_options(**options)
    backend_cls = backend_class(backend or default_backend())
    return Translator(backend_cls(resolve_model(model), decoding, device=device, models_dir=models_dir,
                                  threads=threads), cache=cache)
