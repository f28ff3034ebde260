# Check yourself (predict, then run): the shipped date model rewrites "2026 Nov 24" as
# "2026-11-24". The month's digits "11" are nowhere in the source. Predict which source
# character the decoder reads most while it writes the second "1", give its position
# (counting from 0), and run: the checker then shows where the model really looked.
from exercises import check
from exercises.ch10 import SOURCE

for position, char in enumerate(SOURCE):
    print(f"{position:2d} {char!r}")

answer = None  # your predicted source position

result = check("10/month_source", answer)
