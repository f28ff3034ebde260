# Check yourself: the shipped date model turns "November 24, 2026" into an ISO date, greedily.
# How many times does the encoder run, and how many times the decoder? Replace the guess.
from exercises import check

answer = (1, 1)  # TODO: (encoder calls, decoder calls)

result = check("10/call_counts", answer)
