"""Which settings of our word2vec close the gap to gensim's best skip-gram? Measured, not assumed.

    .venv/bin/python benchmarks/word2vec_levers.py [--seeds 3]

Each row is our skip-gram with the race's settings (dim 100, window 5,
5 negatives, min count 5, sample 1e-4, 2 threads) and one lever moved: the
learning rate and its floor (the rate falls linearly from ``lr`` to
``min_lr``), plain SGD instead of row-wise Adagrad, Adagrad for a warm start
then SGD, the number of epochs, noise words drawn for every pair instead of
once per centre, the range of the initial vectors, subsampling and the
window. Every row is a
whole ``fit`` timed, scored with gensim's ``evaluate_word_pairs``
(WordSim353) and ``evaluate_word_analogies`` (restrict_vocab=30000), means
over seeds 1..N. Compare with ``word2vec_vs_gensim.py``, which races the
defaults against gensim.

"Adagrad, then SGD" and "noise per pair" have no switch in the library: this
script wraps the compiled loop, so that blocks past the warm-start fraction
of the run train with SGD, its rate falling linearly from ``sgd_lr`` to
``min_lr``, or so that every pair draws its own noise words. The initial
range is the class attribute ``Word2Vec._INIT_RANGE``.
"""
from __future__ import annotations

import argparse
import os
import time
from contextlib import ExitStack, contextmanager

import numpy as np

from embedlib import _sgns, data
from embedlib.word2vec import Word2Vec

SETTINGS = dict(dim=100, window=5, negative=5, min_count=5, sample=1e-4)


@contextmanager
def wrapped_loop(block):
    """Train with ``block(compiled, *args)`` in place of the compiled loop ``_sgns.train_block``."""
    compiled = _sgns.train_block
    _sgns.train_block = lambda *args: block(compiled, *args)
    try:
        yield
    finally:
        _sgns.train_block = compiled


def adagrad_then_sgd(warm: float, sgd_lr: float):
    """Adagrad for the first ``warm`` fraction of the run, then SGD from ``sgd_lr`` down to the floor."""

    def block(compiled, *args):
        args = list(args)
        p0 = args[18]
        if p0 >= warm - 1e-9:
            min_lr = args[17]
            args[15] = False  # adagrad off
            args[16] = (sgd_lr - min_lr * warm) / (1 - warm)  # so that lr(warm) = sgd_lr, lr(1) = min_lr
        return compiled(*args)

    return wrapped_loop(block)


def noise_per_pair():
    """Every (centre, context) pair draws its own noise words, as the reference code does."""
    return wrapped_loop(lambda compiled, *args: compiled(*args[:-1], False))


@contextmanager
def init_range(value: float):
    before = Word2Vec._INIT_RANGE
    Word2Vec._INIT_RANGE = value
    try:
        yield
    finally:
        Word2Vec._INIT_RANGE = before


def score(kv, paths):
    rho = kv.evaluate_word_pairs(paths[0])[1][0]
    analogies = kv.evaluate_word_analogies(paths[1], restrict_vocab=30000)[0]
    return float(rho), float(analogies)


def run(docs, paths, seeds, epochs, switch=None, per_pair=False, init=None, **options):
    rows = []
    for seed in range(1, seeds + 1):
        settings = {**SETTINGS, **options}
        start = time.perf_counter()
        with ExitStack() as stack:
            if switch:
                stack.enter_context(adagrad_then_sgd(*switch))
            if per_pair:
                stack.enter_context(noise_per_pair())
            if init is not None:
                stack.enter_context(init_range(init))
            model = Word2Vec(**settings, epochs=epochs, workers=2, seed=seed, progress=False).fit(docs)
        wall = time.perf_counter() - start
        rows.append((wall, *score(model.embeddings_.to_gensim(), paths)))
    return np.array(rows)


LEVERS = [
    # (label, epochs, options)
    ("defaults (adagrad lr 0.1, floor 1e-4)", 6, {}),
    ("defaults", 10, {}),
    ("defaults", 15, {}),
    ("noise per pair, not per centre", 10, dict(per_pair=True)),
    ("initial range 0.5 / dim (C code)", 10, dict(init=0.5)),
    ("lr 0.05", 10, dict(lr=0.05)),
    ("lr 0.2", 10, dict(lr=0.2)),
    ("floor 0.01", 10, dict(min_lr=0.01)),
    ("sgd lr 0.025", 20, dict(optimizer="sgd")),
    ("sgd lr 0.05", 20, dict(optimizer="sgd", lr=0.05)),
    ("adagrad 1/3, then sgd from 0.025", 10, dict(switch=(1 / 3, 0.025))),
    ("sample 1e-3", 10, dict(sample=1e-3)),
    ("sample 5e-5", 10, dict(sample=5e-5)),
    ("window 3", 10, dict(window=3)),
    ("window 8", 10, dict(window=8)),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="labels (substrings) of the rows to run")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    Word2Vec(dim=8, min_count=1, sample=0, epochs=1, workers=1, progress=False).fit([["a", "b"] * 10])
    docs = data.load_wiki_tokens()
    paths = (data.gensim_datapath("wordsim353.tsv"), data.gensim_datapath("questions-words.txt"))
    print(f"ours, skip-gram, 2 threads, {args.seeds} seeds per row (means; rho per seed in brackets)")
    for label, epochs, options in LEVERS:
        if args.only and not any(o in label for o in args.only):
            continue
        a = run(docs, paths, args.seeds, epochs, **options)
        rhos = ", ".join(f"{x:.3f}" for x in a[:, 1])
        print(f"  {label:<38} {epochs:2d} ep  {a[:, 0].mean():5.2f} s  rho {a[:, 1].mean():.3f} ({rhos})  "
              f"analogies {a[:, 2].mean():5.1%}", flush=True)
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
