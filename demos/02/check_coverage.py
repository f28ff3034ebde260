# Check yourself: the book's character tokenizer has one id per character of its training
# text and no byte fallback. Which of the strings below can it encode? Put their letters in
# `answer`, then run.
import pycore as pc
from exercises import check
from exercises.ch02 import COVERAGE_STRINGS

_, tokenizer = pc.load_pretrained("lm_tiny")
print(f"vocabulary ({tokenizer.vocab_size} characters):")
print(repr("".join(tokenizer.decode([i]) for i in range(tokenizer.vocab_size))))
for letter, text in COVERAGE_STRINGS.items():
    print(f"  {letter}: {text}")

answer = set()  # the letters of the strings it can encode

result = check("02/coverage", answer)
