"""The compiled inner loop of :class:`embedlib.word2vec.Word2Vec` on the CPU.

One function, :func:`train_block`, trains skip-gram with negative sampling
on a run of sentences, one (centre, context) pair at a time, as the
reference C code and gensim's Cython loop do: subsample the sentence, draw
each centre's window from 1..window, and for every pair score the true
context and ``negative`` noise words, updating both weight matrices in
place. It is compiled by numba (no Python in the loop, no GIL held, so
several threads can run it on the same matrices at once: "Hogwild!").

What differs from the reference code, and why:

- Noise words come from Walker's alias table (two arrays of vocabulary size)
  instead of a table of 10^8 entries: the same distribution, drawn in O(1),
  and small enough to stay in cache. A table of a million entries costs a
  cache miss per draw, which was a quarter of the time here.
- The default optimiser is a row-wise Adagrad (``adagrad=True``): every row
  of both matrices keeps the running sum of the mean squared gradient it
  received, and steps ``lr * grad / sqrt(sum)``. Rare words take large
  steps, frequent words small ones, so a pass over a small corpus does what
  plain SGD needs several passes for. ``adagrad=False`` is word2vec's SGD.
- With ``share_noise=True`` (what :class:`~embedlib.word2vec.Word2Vec`
  passes) a centre word's ``negative`` noise words are drawn once and
  shared by all the context words of its window, as in Ji et al. (2016),
  "Parallelizing Word2Vec in Shared and Distributed Memory". The same rows
  of ``w_out`` then serve the whole window while they are in cache. Drawn
  for every pair, a second thread gained almost nothing (463 ns per pair on
  one thread, 439 on two, in the profile of
  ``benchmarks/word2vec_vs_gensim.py``), probably because the rows of
  frequent noise words passed from one core's cache to the other's at every
  pair; shared, a pair costs 336 ns on one thread and 276 on two. Every pair
  sees ``negative`` noise words, less any that happen to be the centre word
  itself (skipped, as in the reference code; shared, such a draw is skipped
  for the whole window).
- The random numbers come from xorshift64* (:mod:`embedlib._rng`), seeded
  per call, so a single thread is exactly reproducible.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ._rng import below, next_bits, seed_state, uniform, uniform_low

MAX_SENTENCE = 10_000  # longer sentences are cut into pieces, as in word2vec and gensim
# Adagrad's running sums sit in column 0 of (vocabulary, ACC_STRIDE) arrays: one 64-byte cache line
# per word, so that two threads updating the sums of different words do not share a line
ACC_STRIDE = 16

# sigmoid by table lookup on [-6, 6], as in the reference implementation
_EXP_SLOTS = 1000
_MAX_EXP = 6.0
_x = (np.arange(_EXP_SLOTS) + 0.5) / _EXP_SLOTS * (2 * _MAX_EXP) - _MAX_EXP
SIGMOID_TABLE = (1.0 / (1.0 + np.exp(-_x))).astype(np.float32)
LOG_SIGMOID_TABLE = np.log(SIGMOID_TABLE).astype(np.float32)  # for the loss, also without a log per pair


def alias_table(probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Walker's alias table for drawing from ``probs`` in O(1) (Vose's construction).

    Draw ``i`` uniformly, then keep it with probability ``accept[i]``, else
    take ``alias[i]``.
    """
    n = len(probs)
    scaled = np.asarray(probs, dtype=np.float64) * n
    alias = np.arange(n, dtype=np.int32)
    small = [i for i in range(n) if scaled[i] < 1.0]
    large = [i for i in range(n) if scaled[i] >= 1.0]
    while small and large:
        s, big = small.pop(), large.pop()
        alias[s] = big
        scaled[big] -= 1.0 - scaled[s]
        (small if scaled[big] < 1.0 else large).append(big)
    for i in small + large:  # what is left is 1 up to rounding
        scaled[i] = 1.0
    return scaled.astype(np.float32), alias


@njit(nogil=True, fastmath=True, cache=True)
def train_block(ids, starts, s0, s1, keep, w_in, w_out, acc_in, acc_out, accept, alias, sigmoid, log_sigmoid,
                window, negative, adagrad, lr0, min_lr, p0, p1, seed, buf, grad, noise, share_noise):
    """Train on sentences ``s0 .. s1 - 1`` (``ids[starts[s]:starts[s + 1]]`` each).

    The learning rate falls linearly from ``lr0`` to ``min_lr`` over the whole
    run; this block covers the fraction ``p0 .. p1`` of it. ``acc_in`` and
    ``acc_out`` are float32 arrays of shape (vocabulary, ``ACC_STRIDE``)
    holding Adagrad's sums in column 0. ``buf`` (int32, at least
    ``MAX_SENTENCE``), ``grad`` (float32, dim) and ``noise`` (int32, at least
    ``negative``) are the calling thread's scratch space; nothing checks
    their lengths. ``share_noise`` draws a centre's noise words once for its
    whole window. Returns the summed loss and the number of pairs trained.
    """
    d = w_in.shape[1]
    fd = np.float32(d)
    zero = np.float32(0.0)
    one = np.float32(1.0)
    eps = np.float32(1e-8)
    n_vocab = len(accept)
    slot = np.float32(_EXP_SLOTS / (2 * _MAX_EXP))
    state = seed_state(seed)
    tokens = starts[s1] - starts[s0]
    loss = 0.0
    pairs = 0
    top = _EXP_SLOTS - 1
    for s in range(s0, s1):
        m = 0
        for p in range(starts[s], starts[s + 1]):
            state, bits = next_bits(state)
            if uniform(bits) < keep[ids[p]]:  # subsampling of frequent tokens
                buf[m] = ids[p]
                m += 1
        lr = lr0 - (lr0 - min_lr) * (p0 + (p1 - p0) * (starts[s] - starts[s0]) / max(tokens, 1))
        rate = np.float32(max(lr, min_lr))
        for i in range(m):
            state, bits = next_bits(state)
            reach = 1 + below(bits, window)
            target_word = buf[i]
            if share_noise:  # one draw of noise words for every context of this centre
                for t in range(negative):
                    state, bits = next_bits(state)
                    target = below(bits, n_vocab)
                    if uniform_low(bits) >= accept[target]:
                        target = alias[target]
                    noise[t] = target
            for j in range(max(0, i - reach), min(m, i + reach + 1)):
                if j == i:
                    continue
                word = buf[j]
                v = w_in[word]  # the input vector of the context word predicts the centre
                vv = zero
                for k in range(d):
                    grad[k] = zero
                    vv += v[k] * v[k]
                for t in range(negative + 1):
                    if t == 0:
                        target = target_word
                        label = one
                    elif share_noise:
                        target = noise[t - 1]
                        if target == target_word:
                            continue
                        label = zero
                    else:
                        state, bits = next_bits(state)
                        target = below(bits, n_vocab)  # the alias table: a slot from the top bits,
                        if uniform_low(bits) >= accept[target]:
                            target = alias[target]  # then keep it or take its alias by the low bits
                        if target == target_word:
                            continue
                        label = zero
                    u_row = w_out[target]
                    f = zero
                    for k in range(d):
                        f += v[k] * u_row[k]
                    # g = label - sigmoid(f) is d log-likelihood / d f; the loss is -log-likelihood
                    if f >= _MAX_EXP:
                        g = label - one
                        loss += zero if t == 0 else f
                    elif f <= -_MAX_EXP:
                        g = label
                        loss += -f if t == 0 else zero
                    else:
                        # in float32 the largest f below 6 rounds up to slot 1000: keep it in the table
                        slot_f = min(np.int64((f + np.float32(_MAX_EXP)) * slot), top)
                        g = label - sigmoid[slot_f]
                        loss -= log_sigmoid[slot_f] if t == 0 else log_sigmoid[top - slot_f]
                    if adagrad:
                        acc_out[target, 0] += g * g * vv / fd
                        step = rate * g / np.sqrt(acc_out[target, 0] + eps)
                    else:
                        step = rate * g
                    for k in range(d):
                        grad[k] += g * u_row[k]
                        u_row[k] += step * v[k]
                if adagrad:
                    gg = zero
                    for k in range(d):
                        gg += grad[k] * grad[k]
                    acc_in[word, 0] += gg / fd
                    step = rate / np.sqrt(acc_in[word, 0] + eps)
                else:
                    step = rate
                for k in range(d):
                    v[k] += step * grad[k]
                pairs += 1
    return loss, pairs
