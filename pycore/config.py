"""The transformer's hyper-parameters: one frozen, validated dataclass and named presets.

Every model in pycore (``DecoderLM``, ``Encoder``, ``Seq2Seq``) is built from a
``TransformerConfig``. It is frozen (a model's shape cannot change under it) and validated on
construction, so an impossible shape such as d_model = 100 with 12 heads fails here, with a
message saying what to change, instead of deep inside a reshape.

The choices it offers are the ones the chapters compare:
- norm: LayerNorm (Ba et al. 2016) or RMSNorm (Zhang and Sennrich 2019);
- norm_position: "post" as in Vaswani et al. (2017), "pre" as in GPT-2 (Radford et al. 2019;
  Xiong et al. 2020 explain why it trains more stably);
- positional: learned (GPT-2), sinusoidal (Vaswani et al. 2017, section 3.5), RoPE (Su et al.
  2021), ALiBi (Press et al. 2022) or none;
- activation: ReLU (Vaswani et al. 2017), GELU (GPT-2, BERT), SwiGLU (Shazeer 2020; Llama);
- n_kv_heads < n_heads: grouped-query attention (Ainslie et al. 2023), n_kv_heads = 1: MQA
  (Shazeer 2019).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from ._validation import check_choice, check_positive_int

__all__ = ["TransformerConfig", "PRESETS", "NORMS", "NORM_POSITIONS", "POSITIONALS",
           "ACTIVATIONS"]

NORMS = ("layer", "rms")
NORM_POSITIONS = ("pre", "post")
POSITIONALS = ("learned", "sinusoidal", "rope", "alibi", "none")
ACTIVATIONS = ("relu", "gelu", "swiglu")


@dataclass(frozen=True)
class TransformerConfig:
    """Shape and architecture of a transformer (symbols as on the notation page).

    Attributes
    ----------
    vocab_size : int
        V, the number of token ids.
    d_model : int
        Width of the residual stream.
    n_heads : int
        h, query heads; must divide d_model (d_head = d_model / h).
    n_layers : int
        Number of transformer blocks (in a Seq2Seq: in the encoder and in the decoder each).
    d_ff : int
        Hidden width of the feed-forward network (4 * d_model in GPT-2).
    max_len : int
        Longest sequence the model accepts (the learned position table has this many rows).
    n_kv_heads : int or None
        h_kv, key/value heads; None means h_kv = h (ordinary multi-head attention). It is
        replaced by that number on construction, so ``config.n_kv_heads`` is always an int.
    norm, norm_position, positional, activation : str
        See the module docstring for the options.
    tie_embeddings : bool
        If True the output projection reuses the token embedding E (logits = x E^T), as in
        GPT-2; otherwise the model has its own ``lm_head`` matrix (d_model, V).
    """

    vocab_size: int  # V
    d_model: int  # residual-stream width
    n_heads: int  # h query heads
    n_layers: int  # blocks
    d_ff: int  # feed-forward hidden width
    max_len: int  # longest sequence (learned position table size)
    n_kv_heads: int | None = None  # h_kv; None -> n_heads (no grouping)
    norm: str = "layer"  # "layer" (LayerNorm) or "rms" (RMSNorm)
    norm_position: str = "pre"  # "pre" (GPT-2) or "post" (original transformer)
    positional: str = "learned"  # "learned", "sinusoidal", "rope", "alibi" or "none"
    activation: str = "gelu"  # "relu", "gelu" (tanh form, as GPT-2) or "swiglu"
    tie_embeddings: bool = True  # share E between input embedding and output projection

    def __post_init__(self):
        """Validate every field on construction, naming the first bad one."""
        for name in ("vocab_size", "d_model", "n_heads", "n_layers", "d_ff", "max_len"):
            check_positive_int(getattr(self, name), name)
        if self.n_kv_heads is None:
            # A frozen dataclass can only be written through object.__setattr__.
            object.__setattr__(self, "n_kv_heads", self.n_heads)
        check_positive_int(self.n_kv_heads, "n_kv_heads")
        check_choice(self.norm, "norm", NORMS)
        check_choice(self.norm_position, "norm_position", NORM_POSITIONS)
        check_choice(self.positional, "positional", POSITIONALS)
        check_choice(self.activation, "activation", ACTIVATIONS)
        if not isinstance(self.tie_embeddings, bool):
            raise TypeError(f"tie_embeddings must be True or False, got {self.tie_embeddings!r}")
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model={self.d_model} is not divisible by n_heads={self.n_heads}; "
                             "each head gets d_head = d_model / n_heads features")
        if self.n_heads % self.n_kv_heads:
            raise ValueError(f"n_heads={self.n_heads} is not divisible by "
                             f"n_kv_heads={self.n_kv_heads}; each key/value head must serve "
                             "the same number of query heads")
        if self.positional == "rope" and self.d_head % 2:
            raise ValueError(f"positional='rope' rotates feature pairs, so d_head must be even; "
                             f"got d_head={self.d_head} (d_model={self.d_model}, "
                             f"n_heads={self.n_heads})")
        if self.positional == "sinusoidal" and self.d_model % 2:
            raise ValueError(f"positional='sinusoidal' needs an even d_model (sin/cos pairs); "
                             f"got d_model={self.d_model}")

    @property
    def d_head(self) -> int:
        """Width of one head, d_model / n_heads."""
        return self.d_model // self.n_heads

    def replace(self, **changes) -> TransformerConfig:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        """The fields as a plain dict (JSON-able)."""
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        """The config as a JSON object with sorted keys (stored inside ``save``'s files)."""
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, d: dict) -> TransformerConfig:
        """Build a config from a dict, rejecting unknown keys by name (a typo must not pass)."""
        if not isinstance(d, dict):
            raise TypeError(f"config must be a dict (argument d), got {type(d).__name__}")
        known = [f.name for f in dataclasses.fields(cls)]
        unknown = [k for k in d if k not in known]
        if unknown:
            raise ValueError(f"unknown config key(s) {unknown} in d; valid keys are {known}")
        missing = [f.name for f in dataclasses.fields(cls)
                   if f.default is dataclasses.MISSING and f.name not in d]
        if missing:
            raise ValueError(f"d lacks the config key(s) {missing}")
        try:
            return cls(**d)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"d holds an invalid config: {exc}") from None

    @classmethod
    def preset(cls, name: str, **overrides) -> TransformerConfig:
        """A named configuration from ``PRESETS``, optionally with some fields overridden."""
        check_choice(name, "preset name", tuple(PRESETS))
        d = dict(PRESETS[name])
        d.update(overrides)
        return cls.from_dict(d)


# Named shapes. The small ones are for demos and tests; the large ones are the published
# shapes of real models, used for parameter and memory arithmetic (never instantiated).
PRESETS = {
    # A model small enough to train in a browser tab in a minute.
    "tiny": dict(vocab_size=256, d_model=64, n_heads=4, n_layers=2, d_ff=256, max_len=128),
    # The benchmark's model (bench/bench_training.py).
    "small": dict(vocab_size=256, d_model=128, n_heads=4, n_layers=2, d_ff=512, max_len=256),
    # A Llama-style tiny model: RMSNorm, RoPE, SwiGLU, grouped-query attention, untied head.
    "tiny-llama": dict(vocab_size=256, d_model=64, n_heads=4, n_kv_heads=2, n_layers=2,
                       d_ff=172, max_len=128, norm="rms", positional="rope",
                       activation="swiglu", tie_embeddings=False),
    # GPT-2 small (Radford et al. 2019): 124,439,808 parameters with tied embeddings.
    "gpt2-small": dict(vocab_size=50257, d_model=768, n_heads=12, n_layers=12, d_ff=3072,
                       max_len=1024),
    # GPT-3 175B (Brown et al. 2020, table 2.1).
    "gpt3-175b": dict(vocab_size=50257, d_model=12288, n_heads=96, n_layers=96, d_ff=49152,
                      max_len=2048),
    # Llama-3-70B's shape (Meta 2024). pycore's attention always has biases, which Llama
    # lacks, so count_parameters is 1.5M (0.002 %) above Meta's figure.
    "llama3-70b": dict(vocab_size=128256, d_model=8192, n_heads=64, n_kv_heads=8, n_layers=80,
                       d_ff=28672, max_len=8192, norm="rms", positional="rope",
                       activation="swiglu", tie_embeddings=False),
}
