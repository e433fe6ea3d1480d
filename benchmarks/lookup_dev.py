"""The look-up dev set: English wording → the official Chinese sentence it renders.

Built from the shipped corpus (``corpora/official``), deterministically:

- **exact** — every English sentence of the corpus's bilingual documents, paired with its
  Chinese sentence by the model-free parallel aligner (beads of at most two sentences a
  side that score at least :data:`MIN_BEAD_SCORE`; headings of fewer than
  :data:`MIN_WORDS` words are left out). Any of the bead's Chinese sentences is right, in
  whichever document holds it (compared by normalised text);
- **demo** — the four statements of the 2025-06-27 statement as the demo article words them;
- **paraphrased** — each exact item reworded as agencies reword official English
  (:func:`paraphrase`: reported speech, a leading phrase moved to the end, synonyms, filler
  words dropped), rules only, so the set is the same on every run.

The set is kept in ``tests/data/lookup_dev.jsonl`` (one item a line), so that it stays the
same while the parallel aligner that proposed its pairs changes; ``--write`` makes it again
from the corpus. Run ``.venv/bin/python benchmarks/lookup_dev.py [--write]`` to print (and
write) the set; ``lookup_quality.py`` scores it.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.align import align_parallel  # noqa: E402
from workbench.corpus import OfficialCorpus  # noqa: E402
from workbench.text.en import english_tokens  # noqa: E402
from workbench.text.zh import normalise_zh  # noqa: E402

DEV_SET = ROOT / "tests" / "data" / "lookup_dev.jsonl"
MIN_BEAD_SCORE = 0.3
# Pairs the aligner got wrong, checked by hand against both texts: (doc id, English sentence)
# → the Chinese sentences that render it.
CORRECTIONS = {
    ("joint-statement-2025-08-12-stockholm", 5): (6,),
    ("joint-statement-2025-08-12-stockholm", 6): (7, 8),
}
MIN_WORDS = 5
DEMO_DOC = "mofcom-2025-06-27-london-framework"
# The demo article's renderings of the statement's sentences (its own words, clause by clause).
DEMO_STATEMENTS = (
    ("China will review and approve applications for the export of controlled items", 6),
    ("the United States would reciprocate by cancelling a range of sanctions it previously imposed on China", 7),
    ("ongoing close communication between Chinese and American trade negotiators", 4),
    ("following meetings in London on June 9 and 10, as well as previous discussions in Geneva", 3),
)


@dataclass(frozen=True)
class LookupItem:
    """One query and the official sentences that answer it (normalised Chinese texts)."""

    kind: str  # exact, demo or paraphrased
    query: str
    accepted: frozenset[str]
    source: str  # where the pair comes from: doc id and sentence ids


def exact_items(corpus: OfficialCorpus) -> list[LookupItem]:
    """Each English sentence of a bilingual document → its Chinese sentence(s)."""
    items = []
    for english in corpus.documents("en"):
        chinese = corpus.get(english.id, "zh")
        en = [s.text for s in english.sentences]
        zh = [s.text for s in chinese.sentences]
        for bead in align_parallel(en, zh):
            if not bead.src or not bead.tgt or len(bead.src) > 2 or len(bead.tgt) > 2 or bead.score < MIN_BEAD_SCORE:
                continue
            for i in bead.src:
                tgt = CORRECTIONS.get((english.id, i), bead.tgt)
                accepted = frozenset(normalise_zh(zh[j]) for j in tgt)
                if len(english_tokens(en[i])) >= MIN_WORDS:
                    items.append(LookupItem("exact", en[i], accepted, f"{english.id} en {i} → zh {list(tgt)}"))
    return items


def demo_items(corpus: OfficialCorpus) -> list[LookupItem]:
    """The demo article's four statements → the official sentences they report."""
    zh = corpus.get(DEMO_DOC, "zh").sentences
    return [LookupItem("demo", text, frozenset({normalise_zh(zh[i].text)}), f"{DEMO_DOC} zh {i}")
            for text, i in DEMO_STATEMENTS]


# --- paraphrase rules ----------------------------------------------------------------------------

# Words agencies swap for the official ones (official → agency).
SYNONYMS = (
    ("measures", "steps"), ("implement", "carry out"), ("implements", "carries out"), ("enhance", "boost"),
    ("strengthen", "step up"), ("safeguard", "protect"), ("safeguarding", "protecting"), ("approve", "grant"),
    ("applications", "requests"), ("suspend", "pause"), ("remove", "lift"), ("cancel", "scrap"),
    ("tariffs", "duties"), ("consensus", "agreement"), ("countries", "nations"), ("relevant", "related"),
    ("promote", "advance"), ("ensure", "make sure"), ("stands ready to", "is willing to"),
    ("lawfully", "in line with the law"), ("in accordance with", "under"),
    ("continue to", "go on to"), ("expressed concern", "voiced worries"), ("major", "big"),
    ("announcement", "notice"), ("shall", "will"), ("therefore", "so"), ("economic and trade", "trade"),
)
_AGENCY = dict(SYNONYMS)
_SYNONYM = re.compile(r"\b(?:" + "|".join(re.escape(o) for o, _ in sorted(SYNONYMS, key=lambda p: -len(p[0]))) + r")\b")
_LOWER_FIRST = frozenset({"The", "This", "These", "A", "An", "Both", "Its", "Their"})
FILLERS = ("further", "also", "fully", "actively", "certain", "firmly", "resolutely", "always")
_LEADING = re.compile(r"^((?:In|On|As|Before|After|Through|With|Under|Since|Over|During|Recently|For)\b[^,]{3,80}),\s+(.+?)([.?!]?)$")
_NUMBERING = re.compile(r"^(?:\d+\.\s*|[A-Z]:\s*|(?:First|Second|Third|Fourth),\s*|Article \d+\s*)+")


def paraphrase(text: str) -> str:
    """``text`` as a news agency might word it: numbering dropped, a leading phrase moved to the
    end, synonyms swapped, filler words dropped, and, when it states what a party will do,
    reported speech ("… said it would …")."""
    out = _NUMBERING.sub("", text.strip())
    moved = _LEADING.match(out)
    if moved:
        head, rest, stop = moved.groups()
        out = f"{rest[0].upper()}{rest[1:]}, {head[0].lower()}{head[1:]}{stop or '.'}"
    out = _SYNONYM.sub(lambda m: _AGENCY[m.group()], out)  # one pass: a swapped word is not swapped again
    for word in FILLERS:
        out = re.sub(rf"\s+\b{word}\b", "", out, count=1)
    out = re.sub(r"\b([Aa])n (?=[b-df-hj-np-tv-z])", r"\1 ", out)  # "an notice" → "a notice"
    will = re.search(r"\b(will|shall)\b", out)
    if will and not out.endswith("?"):
        first, _, rest = out.partition(" ")
        lead = first.lower() if first in _LOWER_FIRST else first
        out = f"Officials said {lead} {rest[:will.start() - len(first) - 1]}would{out[will.end():]}"
    return out


def paraphrased_items(items: list[LookupItem]) -> list[LookupItem]:
    """Each item reworded by :func:`paraphrase` (items the rules leave unchanged are dropped)."""
    out = []
    for item in items:
        reworded = paraphrase(item.query)
        if reworded != item.query:
            out.append(LookupItem("paraphrased", reworded, item.accepted, item.source))
    return out


def make(corpus: OfficialCorpus | None = None) -> list[LookupItem]:
    """The whole dev set made from the corpus: exact, demo and paraphrased items, in that order."""
    corpus = corpus or OfficialCorpus.load()
    exact = exact_items(corpus)
    return [*exact, *demo_items(corpus), *paraphrased_items(exact)]


def write(items: list[LookupItem], path: Path = DEV_SET) -> None:
    """Keep ``items`` in ``path``, one JSON object a line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for item in items:
            fh.write(json.dumps({"kind": item.kind, "query": item.query, "accepted": sorted(item.accepted),
                                 "source": item.source}, ensure_ascii=False) + "\n")


def build(corpus: OfficialCorpus | None = None, path: Path = DEV_SET) -> list[LookupItem]:
    """The dev set as kept in ``path``, or made from the corpus when there is no such file."""
    if not path.is_file():
        return make(corpus)
    with path.open(encoding="utf-8") as fh:
        return [LookupItem(d["kind"], d["query"], frozenset(d["accepted"]), d["source"])
                for d in map(json.loads, fh) if d]


def main(argv: list[str]) -> int:
    items = make() if "--write" in argv else build()
    if "--write" in argv:
        write(items, Path(argv[argv.index("--write") + 1]) if len(argv) > argv.index("--write") + 1 else DEV_SET)
    for item in items:
        print(f"{item.kind:12} {item.source:60} {item.query[:90]}")
    kinds = {k: sum(1 for i in items if i.kind == k) for k in ("exact", "demo", "paraphrased")}
    print(f"{len(items)} items: " + ", ".join(f"{n} {k}" for k, n in kinds.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
