"""Chapter 02 "Check yourself": which strings can the book's tokenizer encode?

The shipped character tokenizer (``pycore.load_pretrained("lm_tiny")``) has one id per
character of its training text and no byte fallback, unlike byte-level BPE (Radford et al.
2019, section 2.2), which starts from the 256 byte values and so encodes any string. The
reader picks, from ``COVERAGE_STRINGS``, the strings it can encode. The checker finds the
right set by trying to encode each string, and recognises the usual slips: assuming every
string works (as with byte-level BPE), or that only plain ASCII does.
"""
import pycore as pc

from . import as_letter_set, register, verdict

#: The candidates, by letter.
COVERAGE_STRINGS = {"A": "attention", "B": "café", "C": "naïve", "D": "√d_k", "E": "€5"}


def encodable():
    """The letters of the strings the shipped tokenizer encodes without an error."""
    _, tokenizer = pc.load_pretrained("lm_tiny")
    letters = set()
    for letter, text in COVERAGE_STRINGS.items():
        try:
            tokenizer.encode(text)
        except ValueError:
            continue
        letters.add(letter)
    return letters


@register("02/coverage")
def check_coverage(answer):
    """Accept the letters of the encodable strings (a set, a list or "A, B"; any case)."""
    got, hint = as_letter_set(answer, COVERAGE_STRINGS, example='{"A", "E"}')
    if hint is not None:
        return verdict(False, hint=hint)
    right = encodable()
    if not got:
        return verdict(False, hint="none at all? Look for strings whose every character "
                                   "appears in the vocabulary printed above.")
    if got == right:
        return verdict(True, praise="a character tokenizer without byte fallback knows exactly "
                                    "the characters of its training text, no more.")
    if got == set(COVERAGE_STRINGS):
        return verdict(False, hint="that would hold for byte-level BPE, which starts from the "
                                   "256 byte values; this tokenizer has no byte fallback.")
    ascii_only = {letter for letter, text in COVERAGE_STRINGS.items() if text.isascii()}
    if got == ascii_only:
        return verdict(False, hint="the vocabulary is every character of the training text, "
                                   "and the book's prose is not plain ASCII: check the "
                                   "vocabulary the demo prints.")
    return verdict(False, hint="check each character of each string against the vocabulary "
                               "the demo prints: one missing character is enough to fail.")
