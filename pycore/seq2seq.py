"""The encoder-decoder (Seq2Seq): model, forward and backward, loss, and greedy translation.

The model (Vaswani et al. 2017, figure 1 and section 3.2.3) computes

    memory = Encoder(src_ids)                         (B, S, d_model)
    logits = Decoder(tgt_in, memory)                  (B, T, V)
    L      = cross_entropy(logits, tgt_out)           mean over non-ignored targets

where both halves are the shared stack of ``pycore.stack``: the encoder without a causal mask,
the decoder with one and with a cross-attention sublayer in every block, whose queries come
from the target and whose keys and values from the memory. Inference (``Seq2Seq.decode``,
token by token with a KV cache) and training (``seq2seq_forward``) run that same stack.
When decoding, the memory's keys and values are projected once, on the first step, and
reused from the cache afterwards.

The chain rule (Rumelhart, Hinton and Williams 1986) runs the model backwards:

    cross_entropy <- output projection <- final norm <- decoder block L <- ... <- block 1
                  <- target embedding,

where every decoder block also returns dL/d(memory) from its cross-attention sublayer. The
memory feeds all L decoder blocks, so its gradient is the *sum* of those L contributions
(Goodfellow, Bengio and Courville 2016, section 6.5.2). That sum then flows back

    dmemory -> encoder final norm -> encoder block L <- ... <- block 1 <- source embedding,

which is how the encoder learns at all: its only training signal arrives through the
decoder's cross-attention.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_array, as_float_array, as_int_array, check_shape
from .config import TransformerConfig
from .dates import BOS, EOS, encode_batch
from .encoder import encoder_forward, source_mask
from .kv_cache import KVCache, LayerKVCache
from .losses import cross_entropy_backward, cross_entropy_forward
from .params import check_params, model_params
from .stack import (
    check_ids,
    output_backward,
    output_forward,
    stack_backward,
    stack_diagnostics,
    stack_forward,
)
from .tokenizers import CharTokenizer

__all__ = ["Seq2Seq", "Seq2SeqCache", "seq2seq_forward", "seq2seq_backward",
           "seq2seq_loss_and_grads", "translate"]


class Seq2SeqCache(KVCache):
    """Decoder self-attention KV caches (``layers``) plus cross-attention ones (``cross``)."""

    def __init__(self, n_layers: int, batch_size: int = 1, max_len: int | None = None):
        super().__init__(n_layers, batch_size, max_len)
        self.cross = [LayerKVCache() for _ in range(n_layers)]  # filled on the first step


def seq2seq_forward(params, config: TransformerConfig, src_ids, tgt_in, src_lengths=None):
    """Logits (B, T, V) of an encoder-decoder, plus everything ``seq2seq_backward`` needs.

    Parameters
    ----------
    params : dict
        ``{"encoder": ..., "decoder": ...}`` as ``init_params(config, kind="seq2seq")``.
    config : TransformerConfig
        The model's configuration.
    src_ids : int array of shape (B, S)
        Source token ids.
    tgt_in : int array of shape (B, T)
        Decoder inputs (the target shifted right, starting with a start token).
    src_lengths : int array of shape (B,), optional
        Real source lengths; padding keys are masked in encoder self-attention and in every
        decoder cross-attention.

    Returns
    -------
    logits : ndarray of shape (B, T, V), dtype of the params
        Next-token scores.
    saved : dict
        For ``seq2seq_backward``.
    """
    src_ids = check_ids(src_ids, config, name="src_ids")
    tgt_in = check_ids(tgt_in, config, name="tgt_in")
    if tgt_in.shape[0] != src_ids.shape[0]:
        raise ValueError(f"tgt_in has shape {tgt_in.shape} but src_ids has shape {src_ids.shape};"
                         " the batch sizes B must agree")
    dec = params["decoder"]
    memory, enc_saved = encoder_forward(params["encoder"], config, src_ids,
                                        src_lengths)  # (B, S, d_model)
    x, dec_saved = stack_forward(tgt_in, dec, config, causal=True, memory=memory,
                                 memory_mask=enc_saved["mask"])  # (B, T, d_model)
    logits = output_forward(x, dec, config)  # (B, T, V)
    return logits, {"config": config, "params": params, "encoder": enc_saved,
                    "decoder": dec_saved, "memory_shape": memory.shape}


def seq2seq_backward(dlogits, saved):
    """Backward of ``seq2seq_forward``.

    Parameters
    ----------
    dlogits : array_like of shape (B, T, V)
        dL/dlogits.
    saved : dict
        From ``seq2seq_forward``.

    Returns
    -------
    grads : dict
        ``{"encoder": ..., "decoder": ...}`` nested like the params, every array the shape
        and dtype of its parameter.
    """
    config, params, x = saved["config"], saved["params"], saved["decoder"]["x"]
    B, T, _ = x.shape
    dlogits = as_float_array(dlogits, "dlogits", dtype=x.dtype)
    check_shape(dlogits, "dlogits", "(B, T, V)", B=B, T=T, V=config.vocab_size)
    dec_grads, dmemory = output_backward(dlogits, saved["decoder"], params["decoder"], config)
    if dmemory is None:  # n_layers = 0 cannot be configured, but keep the shapes honest
        dmemory = np.zeros(saved["memory_shape"], dtype=x.dtype)
    enc_grads, _ = stack_backward(dmemory, saved["encoder"], params["encoder"], config)
    return {"encoder": enc_grads, "decoder": dec_grads}


def seq2seq_loss_and_grads(model, src_ids, tgt_in, tgt_out, *, src_lengths=None,
                           ignore_index=None, config: TransformerConfig | None = None):
    """Mean target cross-entropy of an encoder-decoder and its gradient for every parameter.

    Parameters
    ----------
    model : Seq2Seq or dict
        A model, or a params dict ``{"encoder": ..., "decoder": ...}`` with ``config``.
    src_ids : int array of shape (B, S)
        Source tokens (padding anywhere after ``src_lengths``).
    tgt_in : int array of shape (B, T)
        Decoder inputs: the target shifted right behind a start token (teacher forcing).
    tgt_out : int array of shape (B, T)
        The token each decoder position should predict.
    src_lengths : int array of shape (B,), optional
        Real source lengths; padded source keys are masked everywhere.
    ignore_index : int, optional
        Entries of ``tgt_out`` equal to it are left out of the mean (target padding).
    config : TransformerConfig, optional
        Required with a params dict; must equal ``model.config`` if given with a model.

    Returns
    -------
    loss : float
        The mean cross-entropy.
    grads : dict
        ``{"encoder": ..., "decoder": ...}``, every array the shape of its parameter.
    """
    if isinstance(model, Seq2Seq):
        if config is not None and config != model.config:
            raise ValueError("config differs from the model's own config; pass one or the other")
        params, config = model.params, model.config
    else:
        if not isinstance(config, TransformerConfig):
            raise TypeError("model must be a Seq2Seq, or a params dict given with "
                            f"config=TransformerConfig(...); got {type(model).__name__} "
                            f"with config={config!r}")
        check_params(model, config, "seq2seq")
        params = model
    tgt_out = as_int_array(tgt_out, "tgt_out")
    tgt_in_shape = as_array(tgt_in, "tgt_in").shape
    if tgt_out.shape != tgt_in_shape:
        raise ValueError(f"tgt_out has shape {tgt_out.shape}, expected {tgt_in_shape} "
                         "(the shape of tgt_in)")
    logits, saved = seq2seq_forward(params, config, src_ids, tgt_in, src_lengths)  # (B, T, V)
    loss, loss_saved = cross_entropy_forward(logits, tgt_out, ignore_index)
    dlogits = cross_entropy_backward(1.0, loss_saved)  # (B, T, V)
    return loss, seq2seq_backward(dlogits, saved)


class Seq2Seq:
    """Encoder-decoder transformer: ``Seq2Seq(config, params=None, seed=0)``.

    ``params`` is ``{"encoder": ..., "decoder": ...}`` as ``init_params(config,
    kind="seq2seq")``; both stacks have ``config.n_layers`` blocks.
    """

    def __init__(self, config: TransformerConfig, params=None, seed: int = 0, *,
                 dtype=np.float64):
        self.params = model_params(config, params, seed, kind="seq2seq", dtype=dtype)
        self.config = config

    def encode(self, src_ids, src_lengths=None):
        """Memory (B, S, d_model) of the source ids (B, S); run once per source."""
        return encoder_forward(self.params["encoder"], self.config, src_ids, src_lengths)[0]

    def new_cache(self, batch_size: int = 1) -> Seq2SeqCache:
        """An empty KV cache (self- and cross-attention) for ``batch_size`` sequences."""
        return Seq2SeqCache(self.config.n_layers, batch_size, max_len=self.config.max_len)

    def decode(self, tgt_ids, memory, cache: Seq2SeqCache | None = None, src_lengths=None,
               return_diagnostics: bool = False):
        """Next-token logits (B, T, V) of the target given the encoder memory.

        Parameters
        ----------
        tgt_ids : int array of shape (B, T)
            Target ids (the new tokens only, when ``cache`` is given).
        memory : ndarray of shape (B, S, d_model)
            From ``encode``.
        cache : Seq2SeqCache, optional
            The KV cache, from ``new_cache``.
        src_lengths : int array (B,), optional
            Real source lengths: padding keys of the memory are masked.
        return_diagnostics : bool
            Also return ``{"attention": [L x (B, h, T, T_total)], "cross_attention":
            [L x (B, h, T, S)], "residuals": [...]}``.

        Returns
        -------
        logits : ndarray of shape (B, T, V), or ``(logits, diagnostics)``
            Next-token scores.
        """
        config = self.config
        past = 0 if cache is None else cache.length
        tgt_ids = check_ids(tgt_ids, config, past, name="tgt_ids")
        memory = as_float_array(memory, "memory")
        B, S, _ = check_shape(memory, "memory", "(B, S, d_model)", B=tgt_ids.shape[0],
                              d_model=config.d_model)
        src_mask = source_mask(src_lengths, B, S)  # (B, 1, 1, S) or None
        params = self.params["decoder"]
        x, saved = stack_forward(tgt_ids, params, config, causal=True, cache=cache,
                                 memory=memory, memory_mask=src_mask)  # (B, T, d_model)
        logits = output_forward(x, params, config)  # (B, T, V)
        return (logits, stack_diagnostics(saved)) if return_diagnostics else logits

    def forward(self, src_ids, tgt_ids, src_lengths=None, return_diagnostics: bool = False):
        """Logits (B, T, V) for target ids (B, T) given source ids (B, S)."""
        src_ids = check_ids(src_ids, self.config, name="src_ids")
        tgt_ids = check_ids(tgt_ids, self.config, name="tgt_ids")
        if tgt_ids.shape[0] != src_ids.shape[0]:
            raise ValueError(f"tgt_ids has shape {tgt_ids.shape} but src_ids has shape "
                             f"{src_ids.shape}; the batch sizes B must agree")
        memory = self.encode(src_ids, src_lengths)
        return self.decode(tgt_ids, memory, src_lengths=src_lengths,
                           return_diagnostics=return_diagnostics)

    __call__ = forward


def translate(model: Seq2Seq, tokenizer: CharTokenizer, texts, max_new_tokens: int = 12,
              return_cross_attention: bool = False):
    """Greedy-decode a batch of source strings (the shipped date model's vocabulary).

    The encoder runs once; the decoder runs once per generated token, reusing its self- and
    cross-attention KV caches. Decoding starts from ``pycore.dates.BOS`` and stops when every
    row has produced ``EOS`` (or after ``max_new_tokens``).

    Returns
    -------
    outputs : list of str
        The decoded strings (without ``^`` and ``$``).
    cross_attention : list
        Over steps, L arrays (B, h, 1, S); only if ``return_cross_attention``.
    """
    src, lengths = encode_batch(tokenizer, texts)  # (B, S), (B,)
    B = src.shape[0]
    memory = model.encode(src, lengths)  # (B, S, d_model), computed once
    cache = model.new_cache(B)
    bos, eos = tokenizer.encode(BOS)[0], tokenizer.encode(EOS)[0]
    step_ids = np.full((B, 1), bos, dtype=np.int64)  # (B, 1)
    out, done, attention = [[] for _ in range(B)], np.zeros(B, dtype=bool), []
    for _ in range(max_new_tokens):
        logits, diag = model.decode(step_ids, memory, cache=cache, src_lengths=lengths,
                                    return_diagnostics=True)  # (B, 1, V)
        attention.append(diag["cross_attention"])
        step_ids = np.argmax(logits[:, -1], axis=-1)[:, None]  # (B, 1) greedy choice
        for i in range(B):
            if not done[i]:
                if step_ids[i, 0] == eos:
                    done[i] = True
                else:
                    out[i].append(int(step_ids[i, 0]))
        if done.all():
            break
    texts_out = [tokenizer.decode(ids) for ids in out]
    return (texts_out, attention) if return_cross_attention else texts_out
