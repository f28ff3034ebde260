# Two training objectives on the same batch of text. Next-token prediction (GPT) scores every
# position against the token that follows it; masked language modelling (BERT, Devlin et al.
# 2019, section 3.1) hides a random 15% of the tokens and scores only those.
import numpy as np

import pycore as pc

mask_rate = 0.15  # @param {type: "slider", min: 0.05, max: 0.5, step: 0.05}

text = "the cat sat on the mat. the dog sat on the log. " * 4
tokenizer = pc.CharTokenizer(text, byte_fallback=False)
data = np.array(tokenizer.encode(text))  # (N,)
V = tokenizer.vocab_size
MASK = V  # one extra id for the [MASK] token
config = pc.TransformerConfig(vocab_size=V + 1, d_model=32, n_heads=2, n_layers=1, d_ff=64,
                              max_len=16)
rng = np.random.default_rng(0)
ids, next_targets = pc.get_batch(data, 8, 16, rng)  # (B, T) each
B, T = ids.shape

# Next-token: a causal decoder, targets = the batch shifted by one; every position counts.
decoder = pc.DecoderLM(config, seed=0)
next_loss = pc.cross_entropy(decoder(ids), next_targets)  # logits (B, T, V + 1)
next_positions = int(next_targets.size)

# Masked LM: choose positions, corrupt them (80% [MASK], 10% a random token, 10% unchanged),
# predict the original token there with a bidirectional encoder; all others are ignored.
IGNORE = -100
chosen = rng.random((B, T)) < mask_rate  # (B, T) bool
if not chosen.any():
    chosen[0, 0] = True  # at least one scored position, or the mean is undefined
action = rng.random((B, T))  # (B, T): which corruption each chosen position gets
corrupted = ids.copy()  # (B, T)
corrupted[chosen & (action < 0.8)] = MASK
swap = chosen & (action >= 0.8) & (action < 0.9)
corrupted[swap] = rng.integers(0, V, size=int(swap.sum()))
masked_targets = np.where(chosen, ids, IGNORE)  # (B, T)
encoder = pc.Encoder(config, seed=0)
hidden = encoder(corrupted)  # (B, T, d_model)
mlm_logits = hidden @ encoder.params["tokens"].T  # (B, T, V + 1), tied output matrix
masked_loss = pc.cross_entropy(mlm_logits, masked_targets, ignore_index=IGNORE)
masked_positions = int(chosen.sum())

print(f"batch: B={B} sequences of T={T} tokens = {B * T} positions; V = {V} (+1 [MASK])")
print(f"next-token loss {next_loss:.3f} from {next_positions} positions")
print(f"masked-LM  loss {masked_loss:.3f} from {masked_positions} positions "
      f"({masked_positions / (B * T):.0%} of the batch)")
print(f"untrained models sit near log(V + 1) = {np.log(V + 1):.3f}")

result = {
    "mask_rate": mask_rate,
    "positions": B * T,
    "next_loss": next_loss,
    "next_positions": next_positions,
    "masked_loss": masked_loss,
    "masked_positions": masked_positions,
    "masked_fraction": masked_positions / (B * T),
    "log_V": float(np.log(V + 1)),
}
