"""Every work a chapter cites is on the references page, with a DOI or arXiv link.

How the book cites (see CONTRIBUTING, "Citations"):

- in prose, author-year: ``Xiong et al. (2020)``, ``(Xiong et al. 2020)``,
  ``Zhang & Sennrich (2019)``, ``Loshchilov and Hutter 2019``, ``(Shazeer 2020)``,
  ``Leviathan, Kalman and Matias (2023)``; a single author needs the year in brackets or the
  citation inside brackets (``Shazeer (2020)``, ``(Shazeer 2020)``), so "In 2017" is no
  citation;
- in the chapter's ``## References`` list, one bullet per work, first author's surname first
  and the year in brackets: ``- Xiong et al. (2020), *On Layer Normalization ...*`` or
  ``- Radford, A. et al. (2019). Language Models ...``; a bullet naming no year (the pycore
  source) is no citation.

A citation resolves to the entry of ``docs/references.md`` whose first author's surname and
year match (accents and case ignored). Each entry there is a paragraph ending in an anchor
``{ #id }`` and carries a link to ``https://doi.org/...`` or ``https://arxiv.org/abs/...``;
the few works that have neither (a book, a code repository, a web article, OpenAI's
reports) are listed in ``NO_DOI_OR_ARXIV`` and must link to where they can be read.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "docs" / "chapters").glob("[0-9][0-9]-*.md"))
REFERENCES = ROOT / "docs" / "references.md"

# Works with neither a DOI nor an arXiv number, by anchor, with the reason.
NO_DOI_OR_ARXIV = {
    "elhage2021": "web article on transformer-circuits.pub",
    "radford2018": "OpenAI report, no arXiv version",
    "radford2019": "OpenAI report, no arXiv version",
    "goodfellow2016": "MIT Press book, read online at deeplearningbook.org",
    "karpathy2022": "code repository (nanoGPT)",
    "levy2014": "NeurIPS 2014 paper, no arXiv version; proceedings page",
}

_SURNAME = r"[A-Z][A-Za-z\u00C0-\u024F'\u2019\-]+"
_YEAR = r"(?:19|20)\d\d"
# Several authors: "A et al.", "A & B", "A and B", "A, B and C".
_MANY = rf"(?P<many>{_SURNAME})(?: et al\.?|(?:, {_SURNAME})*,? (?:&|and) {_SURNAME})"
_PROSE_CITATION = re.compile(
    rf"{_MANY},? \(?(?P<many_year>{_YEAR})[a-z]?\b"
    rf"|(?P<one>{_SURNAME}) \((?P<one_year>{_YEAR})[a-z]?\)"
    rf"|\((?P<one_in>{_SURNAME}),? (?P<one_in_year>{_YEAR})[a-z]?\b"
)
_BULLET_CITATION = re.compile(
    rf"^\s*[-*]\s+(?P<surname>{_SURNAME})\b[^()]*?\((?P<year>{_YEAR})[a-z]?\)")
_ANCHOR = re.compile(r"\{\s*#(?P<id>[A-Za-z0-9_\-]+)\s*\}\s*$")
_ENTRY_HEAD = re.compile(rf"^(?P<surname>{_SURNAME}),.*?\((?P<year>{_YEAR})[a-z]?\)", re.DOTALL)
_LINK = re.compile(r"https://(?:doi\.org/10\.\d{4,9}/\S+|arxiv\.org/abs/\d{4}\.\d{4,5})")
_ANY_LINK = re.compile(r"https?://\S+")
# Code, maths and macros can hold capitalised words next to numbers; they are no citations.
_STRIP = re.compile(r"```.*?```|\$\$.*?\$\$|\$[^$\n]+\$|`[^`\n]+`|\{\{.*?\}\}", re.DOTALL)


def fold(surname: str) -> str:
    """A surname without accents, case or punctuation: ``Lebrón`` -> ``lebron``."""
    plain = unicodedata.normalize("NFKD", surname).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", plain.lower())


def references() -> dict:
    """``{(surname, year): anchor}`` and the entries' text, from ``docs/references.md``."""
    entries = {}
    for paragraph in re.split(r"\n\s*\n", REFERENCES.read_text(encoding="utf-8")):
        paragraph = paragraph.strip()
        anchor = _ANCHOR.search(paragraph)
        if anchor is None:
            continue
        entries[anchor.group("id")] = paragraph
    return entries


def entry_key(text: str) -> tuple:
    head = _ENTRY_HEAD.match(text)
    assert head, f"a references entry does not start 'Surname, I. ... (YEAR)': {text[:80]!r}"
    return fold(head.group("surname")), head.group("year")


def citations(markdown: str) -> list:
    """``[(surname, year, line number, text)]`` for every citation in a chapter."""
    found = []
    in_references = False
    text = _STRIP.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), markdown)
    for number, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith("#"):
            in_references = bool(re.match(r"\s*#+\s+References\b", line))
            continue
        if in_references:
            bullet = _BULLET_CITATION.match(line)
            if bullet:
                found.append((fold(bullet.group("surname")), bullet.group("year"), number,
                              line.strip()))
            continue
        for match in _PROSE_CITATION.finditer(line):
            surname = match.group("many") or match.group("one") or match.group("one_in")
            year = match.group("many_year") or match.group("one_year") or match.group("one_in_year")
            found.append((fold(surname), year, number, match.group(0)))
    return found


def test_every_entry_is_anchored_unique_and_linked():
    entries = references()
    assert len(entries) >= 30, "the references page lost its entries"
    keys = {}
    for anchor, text in entries.items():
        key = entry_key(text)
        assert key not in keys, (f"two entries for {key[0]} {key[1]}: #{keys[key]} and #{anchor};"
                                 " tell them apart by a letter after the year")
        keys[key] = anchor
        if anchor in NO_DOI_OR_ARXIV:
            assert _ANY_LINK.search(text), f"#{anchor} ({NO_DOI_OR_ARXIV[anchor]}) links nowhere"
        else:
            assert _LINK.search(text), (f"#{anchor} has no https://doi.org/... or "
                                        f"https://arxiv.org/abs/... link")
    stale = set(NO_DOI_OR_ARXIV) - set(entries)
    assert not stale, f"NO_DOI_OR_ARXIV names entries that are gone: {sorted(stale)}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
def test_every_citation_resolves(chapter):
    keys = {entry_key(text): anchor for anchor, text in references().items()}
    found = citations(chapter.read_text(encoding="utf-8"))
    missing = [f"line {number}: {text!r} ({surname} {year})"
               for surname, year, number, text in found if (surname, year) not in keys]
    assert not missing, (f"{chapter.name} cites works that are not in docs/references.md:\n  "
                         + "\n  ".join(missing))


def test_the_parser_reads_the_book_s_citation_forms():
    sample = "\n".join([
        "Xiong et al. (2020) show it (Zhang & Sennrich 2019). Loshchilov and Hutter 2019 decouple.",
        "As Shazeer (2020) found (Shazeer 2019), Leviathan, Kalman and Matias (2023) agree.",
        "In 2017 nothing is cited, nor `Fake (2001)` in code, nor $Math (2002)$.",
        "(Lebrón et al. 2023)",
        "## References",
        "- Radford, A. et al. (2019). Language Models are Unsupervised Multitask Learners.",
        "- Ba, Kiros & Hinton (2016), *Layer Normalization*.",
        "- pycore source: [`norms`](../api.md#pycore.norms).",
    ])
    assert [(surname, year) for surname, year, _, _ in citations(sample)] == [
        ("xiong", "2020"), ("zhang", "2019"), ("loshchilov", "2019"),
        ("shazeer", "2020"), ("shazeer", "2019"), ("leviathan", "2023"),
        ("lebron", "2023"), ("radford", "2019"), ("ba", "2016"),
    ]
    assert len(citations(open(CHAPTERS[6], encoding="utf-8").read())) > 0, "chapter 07 cites"
