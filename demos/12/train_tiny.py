# Train a tiny model on this book's own prose with pycore's hand-written backward passes and
# AdamW, holding text out for validation. The training text is 10 pieces of the corpus that
# lm_tiny was trained on (models/corpus.txt, its first 90 %); the validation text comes from
# the last 10 %, which no model here ever trains on. Progress prints as it trains (press Stop
# to end early); the curve is drawn when the run ends.
import numpy as np

import pycore as pc

steps = 40  # @param {type: "slider", min: 10, max: 300, step: 10}
lr = 0.01  # @param {type: "select", options: [0.001, 0.003, 0.01, 0.03]}
every = 10  # steps between validation measurements

TRAIN_PIECES = [  # 10 pieces of 320 characters from the training 90 %
    (
        'o WebAssembly, with NumPy and Matplotlib. It runs in a Web Worker, a background threa'
        'd of\nthis page, on your own machine. The Python runtime, the libraries, the editor, '
        'the maths\ntypesetting and the fonts are all served by this site itself: the pages re'
        'quest nothing\nfrom any other server, and no code you write, no answ'
    ),
    (
        'ters/08-transformer-block.md))\n\nFlashAttention { #flashattention }\n:   An exact at'
        'tention algorithm that processes keys in tiles with an online softmax, so the\n    $T'
        ' \\times S$ score matrix is never stored. ([chapter 13](chapters/13-engineering.md))\n'
        '\nGrouped-query attention (GQA) { #gqa }\n:   Attention in which groups '
    ),
    (
        'ted" x="145" y="208" text-anchor="middle" font-size="13">L layers, one shared recipe<'
        '/text>\n<path class="line" d="M225,158 L225,128" marker-end="url(#itt-arrow)"/>\n<tex'
        't class="muted" x="35" y="60" font-size="13">P(next token | the cat sat)</text>\n<rec'
        't class="indigo" x="40" y="100" width="22" height="22"/><text class='
    ),
    (
        '\n| $A$ | $(B, h, T, S)$ | attention weights: row $t$ says how much query $t$ takes f'
        'rom each key |\n| $W_Q$ | $(d_\\text{model}, h\\,d_\\text{head})$ | query projection '
        '(also $W_K$, $W_V$ with $h_\\text{kv}$) |\n| $W_O$ | $(h\\,d_\\text{head}, d_\\text{m'
        'odel})$ | output projection that mixes the heads back together |\n| logits |'
    ),
    (
        'coding. In *Proceedings of the 40th International Conference on Machine\nLearning (IC'
        'ML 2023)*, PMLR 202, pp. 19274–19286. arXiv:2211.17192.\n{ #leviathan2023 }\n\nChen, '
        'C., Borgeaud, S., Irving, G., Lespiau, J.-B., Sifre, L., & Jumper, J. (2023).\nAccele'
        'rating large language model decoding with speculative sampling. arXiv:'
    ),
    (
        's. This chapter answers how order gets into a transformer: by adding a\nposition vect'
        'or to each token, by rotating queries and keys, or by biasing the scores, and\nwhat e'
        'ach choice does beyond the longest sequence seen in training.\n\n**After this chapter'
        ' you can:**\n\n- show that attention without positions is permutation-e'
    ),
    (
        '= x_i W_K$, $v_i = x_i W_V$. The query says what token $i$ looks for; the key, what t'
        'oken\n$j$ offers to be matched on; the value, what $j$ hands over once chosen. What a'
        ' token seeks is\nnot what it is, and what it passes on need not resemble how it is fo'
        'und: three roles, three\nvectors. Query and key are compared by thei'
    ),
    (
        'scaled.entropy", ".2f") }} nats (uniform weights\nover {{ result("05/scaling_ablation'
        '", "T", "d") }} keys have {{ result("05/scaling_ablation", "log_T", ".2f") }}), and\n'
        '{{ result("05/scaling_ablation", "chosen.unscaled.saturated", ".0%") }} of the rows p'
        'ut more\nthan {{ result("05/scaling_ablation", "saturation", "g") }}'
    ),
    (
        'tention layer:\n$4 d_\\text{model}^2 =$ {{ result("06/attention_params", "four_d_squa'
        'red", ",d") }} weights plus\n{{ result("06/attention_params", "biases", ",d") }} bias'
        'es. Lower $h_\\text{kv}$ and $W^K$, $W^V$ shrink.\n\n{{ demo("06/attention_params") }'
        '}\n\nThe calculator covers published configurations. At\n{{ result("06/kv_'
    ),
    (
        'ad_attention`.\n\n{{ demo("07/shape_table") }}\n\n!!! warning "Common mistake"\n    N'
        "ormalising over the wrong axis. `x.mean(axis=-1)` averages one token's features; aver"
        'aging\n    over axis 0 or 1 of a $(B, T, d_\\text{model})$ array mixes sequences or p'
        "ositions, so a\n    token's output depends on its neighbours, and in a ca"
    ),
]
VALIDATION = (  # 8 x 32 + 1 characters from the held-out 10 %
    'lock\n\nAttention moves information between tokens. The other half of every block, th'
    'e feed-forward\nnetwork (FFN), works on each token alone. This chapter answers what t'
    "he FFN computes, why\nit holds most of a transformer's parameters, which non-linearit"
    'ies it'
)

lm_tiny, tokenizer = pc.load_pretrained("lm_tiny")  # for its tokenizer, and as a yardstick
V = tokenizer.vocab_size
data = np.array(tokenizer.encode("".join(TRAIN_PIECES)))  # (N,) token ids
val_ids = np.array(tokenizer.encode(VALIDATION))  # (8 * 32 + 1,)
val_x = val_ids[:-1].reshape(8, 32)  # (8, 32) inputs
val_y = val_ids[1:].reshape(8, 32)  # (8, 32) next characters
config = pc.TransformerConfig(vocab_size=V, d_model=32, n_heads=2, n_layers=1, d_ff=64,
                              max_len=32)
model = pc.DecoderLM(config, seed=0)


def validation_loss(m):
    """Mean next-character cross-entropy (nats) on the held-out windows."""
    return float(pc.cross_entropy(m.forward(val_x), val_y))


losses = []  # training loss of every step's batch
checkpoints, train_curve, val_curve = [0], [], [validation_loss(model)]
for info in pc.train(model, data, steps=steps, batch_size=8, seq_len=32, lr=lr, seed=0):
    losses.append(info["loss"])
    if info["step"] % every == 0:
        checkpoints.append(info["step"])
        train_curve.append(float(np.mean(losses[-every:])))
        val_curve.append(validation_loss(model))
        print(f"step {info['step']:4d}  train {train_curve[-1]:.3f}  "
              f"validation {val_curve[-1]:.3f}")
train_curve.insert(0, losses[0])  # step 0: the untrained model's first batch

uniform = float(np.log(V))  # the loss of a uniform guess over the V characters
yardstick = validation_loss(lm_tiny)
print(f"log V = {uniform:.3f}; lm_tiny on the same validation text: {yardstick:.3f}")

pc.figures.show(pc.figures.lines(
    checkpoints, {"training (mean of the last steps)": train_curve,
                  "validation (held out)": val_curve},
    points=True, x_title="step", y_title="cross-entropy (nats per character)",
    hlines={"log V (uniform guess)": uniform, "lm_tiny": yardstick},
    caption=("Training and validation loss of a 1-layer model trained here on pieces of "
             "the book's prose. Both start near log V and fall as the model learns which "
             "characters are common and which follow which; lm_tiny, larger and trained far "
             "longer on the whole corpus, sits much lower on the same validation text.")))

result = {
    "steps": len(losses),
    "vocab_size": V,
    "log_V": uniform,
    "n_train_chars": int(data.shape[0]),
    "first_loss": losses[0],
    "last_loss": losses[-1],
    "checkpoints": checkpoints,
    "train_curve": train_curve,
    "val_curve": val_curve,
    "first_val": val_curve[0],
    "last_val": val_curve[-1],
    "lm_tiny_val": yardstick,
    "n_params": pc.count_parameters(config),
}
