"""Skip-gram with negative sampling (word2vec) for any token sequences.

Words here; item sessions and graph walks in later chapters. Two backends
train the same model:

- ``"compiled"`` (the default on the CPU): the reference algorithm, one
  (centre, context) pair at a time, in a loop compiled by numba
  (:mod:`embedlib._sgns`), except that each centre word's ``negative``
  noise words are drawn once and shared by every context word of its
  window (Ji et al. 2016), which keeps their rows in cache. Several worker
  threads update the shared matrices at once without locks ("Hogwild!"),
  as the reference C code and gensim do.
- ``"torch"`` (the default on a GPU): batches of pairs, with the gradient
  written out by hand rather than with autograd, and added back with
  ``index_add_``. Each batch of ``batch_size`` pairs draws ``shared_noise``
  noise words once and scores them all with one matrix product, each
  weighted ``negative / shared_noise`` so that the expected gradient is the
  one of ``negative`` noise words per pair: the idea of Ji et al. (2016),
  "Parallelizing Word2Vec in Shared and Distributed Memory". Large batches
  are what a GPU needs.

Both default to a row-wise Adagrad: each row of each matrix keeps the
running sum of its squared gradients and is updated by
``lr * grad / sqrt(sum)``, so frequent words take small steps and rare words
large ones, so a few epochs do what plain SGD needs many more for
(``benchmarks/word2vec_vs_gensim.py`` races it against gensim's SGD
skip-gram). ``optimizer="sgd"`` gives classic word2vec updates.

Example
-------
>>> sentences = [["a", "b", "c", "d"] * 5, ["c", "d", "a", "b"] * 5] * 10
>>> model = Word2Vec(dim=8, window=2, min_count=1, epochs=2, progress=False, seed=1).fit(sentences)
>>> model.embeddings_.vectors.shape
(4, 8)
"""
from __future__ import annotations

import threading
import time
from typing import Callable, Hashable, Iterable, Sequence

import numpy as np
import torch

from ._inputs import check_every_epoch_trained, check_has_pairs, token_lists, unhashable_token
from .text import Vocab, keep_probabilities, noise_distribution
from .vectors import Embeddings

__all__ = ["Word2Vec", "sgns_loss", "sgns_gradients"]

_NOISE_TABLE_SIZE = 1 << 20  # small enough to stay in cache


def sgns_loss(centre: torch.Tensor, context: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
    """Mean skip-gram negative-sampling loss of a batch.

    ``centre`` and ``context`` are ``(B, d)`` vectors of the true pairs,
    ``noise`` is ``(B, K, d)``: ``-log σ(c·o) - Σ_k log σ(-c·n_k)``.
    """
    pos = torch.nn.functional.logsigmoid((centre * context).sum(-1))
    neg = torch.nn.functional.logsigmoid(-torch.einsum("bkd,bd->bk", noise, centre)).sum(-1)
    return -(pos + neg).mean()


def sgns_gradients(
    centre: np.ndarray, context: np.ndarray, noise: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of :func:`sgns_loss` (the batch mean), written out by hand.

    ``centre`` and ``context`` are ``(B, d)`` float arrays, ``noise`` is
    ``(B, K, d)``. With ``s = c·o`` and ``s_k = c·n_k`` for each pair, and
    ``d/dx -log σ(x) = σ(x) - 1``, ``d/dx -log σ(-x) = σ(x)``:

    - ``grad_centre = ((σ(s) - 1) o + Σ_k σ(s_k) n_k) / B``, shape ``(B, d)``;
    - ``grad_context = (σ(s) - 1) c / B``, shape ``(B, d)``;
    - ``grad_noise[:, k] = σ(s_k) c / B``, shape ``(B, K, d)``.

    σ is :func:`scipy.special.expit`, finite for any score. Returns the
    three arrays as float64, what autograd gives for the same inputs.

    >>> rng = np.random.default_rng(0)
    >>> c, o, n = rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), rng.normal(size=(2, 4, 3))
    >>> [g.shape for g in sgns_gradients(c, o, n)]
    [(2, 3), (2, 3), (2, 4, 3)]
    """
    from scipy.special import expit

    centre, context, noise = (np.asarray(a, dtype=np.float64) for a in (centre, context, noise))
    if centre.ndim != 2 or context.shape != centre.shape or noise.ndim != 3 or noise.shape[::2] != centre.shape:
        raise ValueError(f"expected centre (B, d), context (B, d) and noise (B, K, d); got {centre.shape}, "
                         f"{context.shape} and {noise.shape}")
    batch = len(centre)
    g_pos = expit(np.einsum("bd,bd->b", centre, context)) - 1.0  # (B,)
    g_neg = expit(np.einsum("bkd,bd->bk", noise, centre))  # (B, K)
    grad_centre = (g_pos[:, None] * context + np.einsum("bk,bkd->bd", g_neg, noise)) / batch
    grad_context = g_pos[:, None] * centre / batch
    grad_noise = g_neg[:, :, None] * centre[:, None, :] / batch
    return grad_centre, grad_context, grad_noise


class Word2Vec:
    """Skip-gram with negative sampling.

    Parameters (keyword-only)
    ----------
    dim : size of the vectors.
    window : largest distance between centre and context; as in word2vec,
        each centre uses a window drawn uniformly from 1..window.
    negative : noise words per true pair, drawn from counts**0.75. The
        compiled backend draws a centre word's noise words once and shares
        them across the pairs of its window; the torch backend shares
        ``shared_noise`` of them across a batch.
    min_count : tokens seen fewer times are dropped.
    sample : subsampling threshold for frequent tokens (0 turns it off).
    epochs : passes over the data.
    optimizer : "adagrad" (row-wise, the default) or "sgd".
    lr : initial learning rate, decayed linearly to ``min_lr``; None picks
        0.1 for adagrad (0.2 with the torch backend's batches) and 0.025
        (word2vec's) for sgd.
    min_lr : the learning rate at the end of training.
    batch_size : pairs per update (torch backend only; None means 1024).
    shared_noise : noise words drawn per batch and shared by all its pairs,
        each weighted ``negative / shared_noise`` so that every pair still
        sees ``negative`` noise words in expectation (torch backend only;
        None means 256).
    workers : threads updating the shared weights (CPU only).
    seed : seeds subsampling, windows, shuffling, noise and initial vectors.
        With ``workers=1`` a run is exactly reproducible.
    device : "cpu" or "cuda".
    backend : "compiled", "torch", or "auto" (compiled on the CPU, torch on
        a GPU).
    progress : show a progress bar.

    Attributes after ``fit``
    ------------------------
    vocab_ : the :class:`~embedlib.text.Vocab`.
    embeddings_ : :class:`~embedlib.vectors.Embeddings` of the input vectors.
    loss_history_ : mean loss of each epoch.
    pairs_trained_ : (centre, context) pairs trained on, all epochs together.
    train_seconds_ : wall time of the training loop.
    """

    def __init__(
        self,
        *,
        dim: int = 100,
        window: int = 5,
        negative: int = 5,
        min_count: int = 5,
        sample: float = 1e-3,
        epochs: int = 5,
        optimizer: str = "adagrad",
        lr: float | None = None,
        min_lr: float = 1e-4,
        batch_size: int | None = None,
        shared_noise: int | None = None,
        workers: int = 2,
        seed: int = 0,
        device: str = "cpu",
        backend: str = "auto",
        progress: bool = True,
    ) -> None:
        self.dim = dim
        self.window = window
        self.negative = negative
        self.min_count = min_count
        self.sample = sample
        self.epochs = epochs
        self.optimizer = optimizer
        self.lr = lr
        self.min_lr = min_lr
        self.batch_size = batch_size
        self.shared_noise = shared_noise
        self.workers = workers
        self.seed = seed
        self.device = device
        self.backend = backend
        self.progress = progress

    # -- validation ------------------------------------------------------------
    _CONSTRAINTS = {
        "dim": (int, 1), "window": (int, 1), "negative": (int, 1), "min_count": (int, 1),
        "epochs": (int, 1), "workers": (int, 1),
        "sample": (float, 0.0), "min_lr": (float, 0.0),
    }
    _DEFAULT_LR = {("compiled", "adagrad"): 0.1, ("torch", "adagrad"): 0.2,
                   ("compiled", "sgd"): 0.025, ("torch", "sgd"): 0.025}
    # initial input vectors are uniform in [-_INIT_RANGE, _INIT_RANGE) / dim: gensim 4's range; the
    # reference C code's is 0.5, which scored WordSim353 rho 0.516 against 0.524 at 10 epochs (5 seeds,
    # benchmarks/word2vec_levers.py: within the seed-to-seed spread, so a choice, not a proven gain)
    _INIT_RANGE = 1.0

    def _validate(self) -> None:
        for name, (kind, low) in self._CONSTRAINTS.items():
            value = getattr(self, name)
            ok_type = isinstance(value, (int, np.integer)) if kind is int else isinstance(value, (int, float, np.number))
            if not ok_type or isinstance(value, bool):
                raise TypeError(f"{name} must be {'an int' if kind is int else 'a number'}, got {value!r}")
            if value < low:
                raise ValueError(f"{name} must be >= {low:g}, got {value!r}")
        if self.optimizer not in ("adagrad", "sgd"):
            raise ValueError(f"optimizer must be 'adagrad' or 'sgd', got {self.optimizer!r}")
        if self.lr is not None and (not isinstance(self.lr, (int, float)) or self.lr <= 0):
            raise ValueError(f"lr must be a positive number or None, got {self.lr!r}")
        if self.backend not in ("auto", "compiled", "torch"):
            raise ValueError(f"backend must be 'auto', 'compiled' or 'torch', got {self.backend!r}")
        on_cpu = torch.device(self.device).type == "cpu"
        self.backend_ = self.backend if self.backend != "auto" else ("compiled" if on_cpu else "torch")
        if self.backend_ == "compiled" and not on_cpu:
            raise ValueError(f"the compiled backend runs on the CPU only; use backend='torch' for device={self.device!r}")
        batching = {"batch_size": self.batch_size, "shared_noise": self.shared_noise}
        if self.backend_ == "compiled":
            given = [name for name, value in batching.items() if value is not None]
            if given:
                verb = "apply" if len(given) > 1 else "applies"
                raise ValueError(f"{' and '.join(given)} only {verb} to backend='torch' (the compiled "
                                 "backend trains one pair at a time); leave them out or pass backend='torch'")
        for name, value in batching.items():
            if value is not None and (not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1):
                raise ValueError(f"{name} must be an int >= 1 or None, got {value!r}")
        self.batch_size_ = self.batch_size or 1024
        self.shared_noise_ = self.shared_noise or 256
        default = self._DEFAULT_LR[self.backend_, self.optimizer]
        self.lr_ = float(self.lr) if self.lr is not None else default

    # -- training ------------------------------------------------------------------
    def fit(
        self,
        sentences: Iterable[Sequence[Hashable]],
        callbacks: Sequence[Callable[["Word2Vec", float], None]] = (),
        callbacks_per_epoch: int = 1,
    ) -> "Word2Vec":
        """Learn vectors from ``sentences``; returns ``self``.

        ``sentences`` is a list of token lists: words, item ids, graph nodes
        (any hashable; ``walks.sentences()`` for random walks). Raises
        ``TypeError`` for one str or a flat list of tokens (say what to pass,
        see :func:`embedlib._inputs.token_lists`), ``ValueError`` when there is
        nothing to learn: fewer than two distinct tokens seen ``min_count``
        times, no sentence with two such tokens (so no (centre, context)
        pair), or an epoch in which subsampling left no pair.

        Each callback is called as ``callback(model, epoch)`` after every
        epoch, with ``model.embeddings_`` holding the vectors so far; with
        ``callbacks_per_epoch=k`` also ``k - 1`` times within each epoch
        (``epoch`` is then the fraction of epochs done, 0.25, 0.5, ...).
        Time spent in callbacks is not counted in ``train_seconds_``.
        """
        if callbacks_per_epoch < 1:
            raise ValueError(f"callbacks_per_epoch must be >= 1, got {callbacks_per_epoch}")
        self._validate()
        sentences = token_lists(sentences)
        if not sentences:
            raise ValueError("sentences is empty")
        try:
            vocab = Vocab.from_tokens(sentences, min_count=self.min_count)
        except TypeError:  # all are lists now: an unhashable token, named here as sentences[i][j]
            raise unhashable_token(sentences) from None
        if len(vocab) < 2:
            raise ValueError(
                f"only {len(vocab)} distinct token(s) occur at least min_count={self.min_count} "
                "times; lower min_count or give more data"
            )
        self.vocab_ = vocab
        encoded = [vocab.encode(s) for s in sentences]
        encoded = [e[e >= 0] for e in encoded]
        check_has_pairs(encoded, self.min_count)

        rng = np.random.default_rng(self.seed)
        V, d = len(vocab), self.dim
        # small random input vectors, uniform in [-_INIT_RANGE, _INIT_RANGE) / dim, and zero output vectors
        w_in = (rng.random((V, d), dtype=np.float32) - np.float32(0.5)) * np.float32(2 * self._INIT_RANGE / d)
        w_out = np.zeros((V, d), dtype=np.float32)
        self.loss_history_: list[float] = []
        self.pairs_trained_ = 0
        self._paused = 0.0
        self._callbacks, self._parts = list(callbacks), (callbacks_per_epoch if callbacks else 1)
        start = time.perf_counter()
        if self.backend_ == "compiled":
            self._fit_compiled(encoded, w_in, w_out, rng)
        else:
            self._fit_torch(encoded, w_in, w_out, rng)
        self.train_seconds_ = time.perf_counter() - start - self._paused
        self._set_embeddings()
        check_every_epoch_trained(self.loss_history_, self.sample, sum(len(e) for e in encoded))
        return self

    def _progress_bar(self, total: int, unit: str):
        from tqdm.auto import tqdm

        return tqdm(total=total, unit=unit, unit_scale=True, desc="word2vec", disable=not self.progress)

    def _end_of_part(self, epoch: int, part: int, losses: list[float], bar) -> None:
        """Book-keeping after each part of an epoch: losses, progress bar, callbacks."""
        if part == self._parts - 1:
            self.loss_history_.append(float(np.mean(losses)) if losses else float("nan"))
            bar.set_postfix(epoch=epoch + 1, loss=f"{self.loss_history_[-1]:.3f}")
        if self._callbacks:
            self._paused += self._run_callbacks(self._callbacks, epoch + (part + 1) / self._parts)

    # -- the compiled backend (CPU) ----------------------------------------------------
    def _fit_compiled(self, encoded, w_in, w_out, rng) -> None:
        from . import _sgns

        # cut long sentences as word2vec does; a piece's window does not reach into the next
        pieces = [e[i : i + _sgns.MAX_SENTENCE] for e in encoded for i in range(0, len(e), _sgns.MAX_SENTENCE)]
        pieces = [p for p in pieces if len(p)]
        ids = np.concatenate(pieces).astype(np.int32)
        starts = np.zeros(len(pieces) + 1, dtype=np.int64)
        starts[1:] = np.cumsum([len(p) for p in pieces])
        counts = self.vocab_.counts
        keep = keep_probabilities(counts, self.sample).astype(np.float32)
        accept, alias = _sgns.alias_table(noise_distribution(counts))
        V = len(counts)
        acc_in = np.zeros((V, _sgns.ACC_STRIDE), dtype=np.float32)
        acc_out = np.zeros((V, _sgns.ACC_STRIDE), dtype=np.float32)
        self._w_in, self._w_out = torch.from_numpy(w_in), torch.from_numpy(w_out)
        n_tokens, n_sentences = len(ids), len(pieces)
        total = n_tokens * self.epochs
        bar = self._progress_bar(total, "word")
        adagrad = self.optimizer == "adagrad"
        lock = threading.Lock()

        def work(first, last, p0, p1, seed, sink):
            """One worker: sentences first..last-1, the run's fraction p0..p1, in blocks for the progress bar."""
            gen = np.random.default_rng(seed)
            buf = np.empty(_sgns.MAX_SENTENCE, dtype=np.int32)
            grad = np.empty(self.dim, dtype=np.float32)
            noise = np.empty(max(self.negative, 1), dtype=np.int32)  # a centre's noise words, shared by its window
            span = max(starts[last] - starts[first], 1)
            block = first
            while block < last:
                # about 50,000 tokens per call, so that the progress bar moves
                end = max(block + 1, min(last, int(np.searchsorted(starts, starts[block] + 50_000, side="right"))))
                q0 = p0 + (p1 - p0) * (starts[block] - starts[first]) / span
                q1 = p0 + (p1 - p0) * (starts[end] - starts[first]) / span
                loss, pairs = _sgns.train_block(
                    ids, starts, block, end, keep, w_in, w_out, acc_in, acc_out, accept, alias,
                    _sgns.SIGMOID_TABLE, _sgns.LOG_SIGMOID_TABLE, self.window, self.negative, adagrad,
                    self.lr_, self.min_lr, q0, q1, int(gen.integers(1, 2**63 - 1)), buf, grad, noise, True)
                with lock:
                    sink[0] += loss
                    sink[1] += pairs
                    bar.update(int(starts[end] - starts[block]))
                block = end

        for epoch in range(self.epochs):
            losses: list[float] = []
            bounds = np.linspace(0, n_sentences, self._parts + 1).astype(int)
            for part in range(self._parts):
                lo, hi = bounds[part], bounds[part + 1]
                # split the part among the workers by tokens; each sees the run's progress
                # as if the part were done in order, so the learning rate falls evenly
                cuts = np.searchsorted(starts, np.linspace(starts[lo], starts[hi], self.workers + 1))
                cuts = np.clip(cuts, lo, hi)
                cuts[0], cuts[-1] = lo, hi
                p0 = (epoch * n_tokens + starts[lo]) / total
                p1 = (epoch * n_tokens + starts[hi]) / total
                seeds = rng.integers(0, 2**62, size=self.workers)
                sink = [0.0, 0]  # summed loss, pairs
                _run_in_threads(work, [(cuts[w], cuts[w + 1], p0, p1, int(seeds[w]), sink)
                                       for w in range(self.workers) if cuts[w + 1] > cuts[w]])
                if sink[1]:
                    losses.append(sink[0] / sink[1])
                self.pairs_trained_ += sink[1]
                self._end_of_part(epoch, part, losses, bar)
        bar.close()

    # -- the torch backend (GPU, or CPU for comparison) --------------------------------
    def _fit_torch(self, encoded, w_in, w_out, rng) -> None:
        ids = np.concatenate(encoded)
        sentence_of = np.repeat(np.arange(len(encoded)), [len(e) for e in encoded])
        device = torch.device(self.device)
        vocab = self.vocab_
        V = len(vocab)
        w_in, w_out = torch.from_numpy(w_in).to(device), torch.from_numpy(w_out).to(device)
        probs = noise_distribution(vocab.counts)
        table = torch.from_numpy(np.repeat(np.arange(V), np.round(probs * _NOISE_TABLE_SIZE).astype(np.int64)))
        table = table.to(device)
        keep = keep_probabilities(vocab.counts, self.sample)
        self._w_in, self._w_out = w_in, w_out
        # Adagrad: one running sum of squared gradients per row of each matrix
        acc_in = torch.zeros(V, device=device)
        acc_out = torch.zeros(V, device=device)

        workers = self.workers if device.type == "cpu" else 1
        estimate = None
        bar = None
        for epoch in range(self.epochs):
            centres, contexts = _epoch_pairs(ids, sentence_of, keep, self.window, rng)
            n = len(centres)
            if estimate is None:  # lr decays over the expected number of pairs
                estimate = max(1, n * self.epochs)
                bar = self._progress_bar(estimate, "pair")
            c_t = torch.from_numpy(centres).to(device)
            o_t = torch.from_numpy(contexts).to(device)
            losses: list[float] = []
            seeds = [int(s) for s in rng.integers(0, 2**62, size=workers * self._parts)]
            args = (w_in, w_out, acc_in, acc_out, table, estimate, losses, bar, device)
            bounds = np.linspace(0, n, self._parts + 1).astype(int)
            for part in range(self._parts):
                lo, hi = bounds[part], bounds[part + 1]
                self._train_slice(c_t[lo:hi], o_t[lo:hi], self.pairs_trained_ + lo,
                                  seeds[part * workers : (part + 1) * workers], args)
                if part == self._parts - 1:
                    self.pairs_trained_ += n
                self._end_of_part(epoch, part, losses, bar)
        bar.close()

    def _train_slice(self, centres, contexts, done, seeds, args) -> None:
        """Train on consecutive pairs, split evenly among the worker threads."""
        chunk = -(-len(centres) // len(seeds))
        _run_in_threads(self._train_chunk, [
            (centres[i * chunk : (i + 1) * chunk], contexts[i * chunk : (i + 1) * chunk], done + i * chunk, seed, *args)
            for i, seed in enumerate(seeds)
        ])

    def _run_callbacks(self, callbacks, epoch) -> float:
        """Call every callback with the vectors so far; return the seconds it took."""
        start = time.perf_counter()
        self._set_embeddings()
        for callback in callbacks:
            callback(self, epoch)
        return time.perf_counter() - start

    def _train_chunk(self, centres, contexts, done, seed, w_in, w_out, acc_in, acc_out, table, total, losses, bar, device):
        """Train on one slice of the epoch's pairs (one worker thread)."""
        gen = torch.Generator(device=device).manual_seed(seed)
        B, N, d = self.batch_size_, self.shared_noise_, self.dim
        weight = self.negative / N  # each pair sees `negative` noise words in expectation
        n_table = len(table)
        n = len(centres)
        for batch, start in enumerate(range(0, n, B)):
            c = centres[start : start + B]
            o = contexts[start : start + B]
            progress = (done + start) / total
            lr = max(self.lr_ - (self.lr_ - self.min_lr) * progress, self.min_lr)
            noise = table[torch.randint(0, n_table, (N,), generator=gen, device=device)]
            v = w_in.index_select(0, c)  # (b, d) centre vectors
            u = w_out.index_select(0, o)  # (b, d) true context vectors
            un = w_out.index_select(0, noise)  # (N, d) noise vectors, shared by the batch
            pos = (v * u).sum(1)  # (b,)
            neg = v @ un.T  # (b, N): one matrix product instead of b*K dot products
            if batch % 16 == 0:  # the loss is only for the learning curve: sample it
                loss = -torch.nn.functional.logsigmoid(pos) - weight * torch.nn.functional.logsigmoid(-neg).sum(1)
                losses.append(loss.mean().item())
            # gradients (for ascent) of log σ(pos) and weight * Σ log σ(-neg)
            g_pos = 1.0 - torch.sigmoid(pos)  # (b,)
            g_neg = torch.sigmoid(neg).mul_(-weight)  # (b, N)
            grad_v = g_pos.unsqueeze(1) * u + g_neg @ un  # (b, d)
            grad_noise = g_neg.T @ v  # (N, d), summed over the batch
            if self.optimizer == "sgd":
                step_pos, step_noise, step_v = g_pos * lr, grad_noise.mul_(lr), grad_v.mul_(lr)
            else:
                # row-wise Adagrad, one step per occurrence; |g_pos * v|^2 = g_pos^2 |v|^2
                step_pos = g_pos * _adagrad_scale(acc_out, o, g_pos * g_pos * (v * v).sum(1) / d, lr)
                step_noise = grad_noise.mul_(_adagrad_scale(acc_out, noise, (grad_noise * grad_noise).sum(1) / d, lr).unsqueeze(1))
                step_v = grad_v.mul_(_adagrad_scale(acc_in, c, (grad_v * grad_v).sum(1) / d, lr).unsqueeze(1))
            w_out.index_add_(0, o, step_pos.unsqueeze(1) * v)
            w_out.index_add_(0, noise, step_noise)
            w_in.index_add_(0, c, step_v)
            if bar is not None and batch % 64 == 63:
                bar.update(64 * B)
        if bar is not None:
            bar.update(n - (n // (64 * B)) * 64 * B)

    def _set_embeddings(self) -> None:
        self.embeddings_ = Embeddings(self.vocab_.words, self._w_in.detach().cpu().numpy().copy())

    @property
    def output_vectors_(self) -> np.ndarray:
        """The context ("output") vectors, one row per vocabulary word."""
        return self._w_out.detach().cpu().numpy().copy()


def _run_in_threads(fn, jobs) -> None:
    """``fn(*job)`` for every job, each in a thread of its own; an error in any of them is raised here."""
    if len(jobs) == 1:
        fn(*jobs[0])
        return
    errors: list[BaseException] = []

    def run(*job):
        try:
            fn(*job)
        except BaseException as error:  # noqa: BLE001 - handed to the caller below
            errors.append(error)

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def _adagrad_scale(acc, rows, squared, lr, eps=1e-8):
    """Row-wise Adagrad, one step per occurrence of a row in the batch.

    Adds each gradient's mean square to its row's running sum and returns
    the step size ``lr / sqrt(sum)`` for each occurrence. (Summing duplicate
    rows first would need a sort of the batch; the per-occurrence form, as in
    GloVe's reference trainer, skips it.)
    """
    acc.index_add_(0, rows, squared)
    return acc.index_select(0, rows).add_(eps).rsqrt_().mul_(lr)


def _epoch_pairs(ids, sentence_of, keep, window, rng):
    """One epoch's shuffled (centre, context) pairs, vectorised.

    Frequent tokens are subsampled; each centre draws its window from
    1..window; pairs never cross a sentence boundary.
    """
    kept = rng.random(len(ids)) < keep[ids]
    x, s = ids[kept], sentence_of[kept]
    reach = rng.integers(1, window + 1, size=len(x))
    centres, contexts = [], []
    for k in range(1, window + 1):
        if k >= len(x):
            break
        same = s[:-k] == s[k:]
        left = np.flatnonzero(same & (reach[:-k] >= k))  # centre i, context i + k
        right = np.flatnonzero(same & (reach[k:] >= k))  # centre i + k, context i
        centres += [x[left], x[right + k]]
        contexts += [x[left + k], x[right]]
    if not centres:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    centres, contexts = np.concatenate(centres), np.concatenate(contexts)
    order = rng.permutation(len(centres))
    return centres[order], contexts[order]
