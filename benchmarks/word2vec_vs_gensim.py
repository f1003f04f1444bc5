"""Our word2vec trainer against gensim's, same corpus and settings, one run.

    make bench   (or: .venv/bin/python benchmarks/word2vec_vs_gensim.py)

Both train on the course's Wikipedia sample with the same dimensions, window,
negatives, min count and subsampling, on 2 threads. Each records its vectors
after every epoch (copying them is inside the timed region, evaluating them is
not), so we can ask: how long did each take to first reach a given WordSim353
Spearman rho? The ratio ours/gensim below 1.0 means ours got there sooner.
On a corpus this small rho varies from seed to seed (a standard deviation of 0.01-0.03), so each
trainer runs with several seeds and the per-epoch times and rhos are averaged.

gensim runs with its own defaults otherwise (SGD, alpha 0.025); ours with its
defaults (the compiled backend: row-wise Adagrad, lr 0.1, one pair at a time,
2 worker threads). Our loop is compiled by numba on first use and cached on
disk; the benchmark compiles it before timing and prints how long that took.
The torch backend (the GPU path) can be timed on the CPU with --backend torch.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from embedlib import data, evaluate
from embedlib.vectors import Embeddings
from embedlib.word2vec import Word2Vec

SETTINGS = dict(dim=100, window=5, negative=5, min_count=5, sample=1e-3)
# gensim's epochs take ~0.2 s, ours ~0.4 s: snapshot ours 4 times per epoch so that
# "time to first reach rho" is measured at a comparable resolution for both.
SNAPSHOTS_PER_EPOCH = 4


def run_gensim(docs, epochs, threads, seed):
    from gensim.models import Word2Vec as GensimWord2Vec
    from gensim.models.callbacks import CallbackAny2Vec

    snapshots = []

    class Snap(CallbackAny2Vec):
        def on_epoch_end(self, model):
            snapshots.append((time.perf_counter() - start, model.wv.vectors.copy()))

    start = time.perf_counter()
    model = GensimWord2Vec(
        docs, vector_size=SETTINGS["dim"], window=SETTINGS["window"], negative=SETTINGS["negative"],
        min_count=SETTINGS["min_count"], sample=SETTINGS["sample"], workers=threads, epochs=epochs,
        seed=seed, callbacks=[Snap()],
    )
    keys = list(model.wv.index_to_key)
    return [(t, Embeddings(keys, v)) for t, v in snapshots]


def run_ours(docs, epochs, threads, seed, backend="compiled"):
    torch.set_num_threads(threads)
    snapshots = []
    paused = [0.0]

    def snap(model, epoch):
        t = time.perf_counter()
        snapshots.append((t - start - paused[0], model.embeddings_))
        paused[0] += time.perf_counter() - t

    start = time.perf_counter()
    # the torch backend on the CPU runs best as one worker using all torch threads
    workers = threads if backend == "compiled" else 1
    Word2Vec(**SETTINGS, epochs=epochs, workers=workers, seed=seed, backend=backend, progress=False).fit(
        docs, callbacks=[snap], callbacks_per_epoch=SNAPSHOTS_PER_EPOCH)
    return snapshots


def time_to(curve, target):
    for t, rho in curve:
        if rho >= target - 1e-9:
            return t
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gensim-epochs", type=int, default=40)
    parser.add_argument("--our-epochs", type=int, default=6)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=3, help="runs per trainer; curves are averaged")
    parser.add_argument("--backend", default="compiled", choices=["compiled", "torch"], help="our backend")
    args = parser.parse_args()

    start = time.perf_counter()
    Word2Vec(dim=8, min_count=1, epochs=1, workers=1, backend=args.backend, progress=False).fit([["a", "b"] * 10])
    print(f"our first fit (numba compiles the loop, or loads it from its cache): {time.perf_counter() - start:.1f} s")

    docs = data.load_wiki_tokens()
    n_tokens = sum(len(d) for d in docs)
    wordsim = data.load_wordsim353()
    questions = data.load_google_analogies()
    print(f"corpus: {len(docs)} articles, {n_tokens:,} tokens; settings {SETTINGS}, {args.threads} threads\n")

    results = {}
    ours = lambda *a: run_ours(*a, backend=args.backend)  # noqa: E731
    for name, runner, epochs in (("gensim", run_gensim, args.gensim_epochs), ("ours", ours, args.our_epochs)):
        curves, accuracies = [], []
        for seed in range(args.seeds):
            snaps = runner(docs, epochs, args.threads, seed + 1)
            curves.append([(t, evaluate.word_similarity(e, wordsim).rho) for t, e in snaps])
            accuracies.append(evaluate.analogies(snaps[-1][1], questions, restrict=30000))
        # the mean over seeds of the time and of rho after each epoch
        points = len(curves[0])
        curve = [(float(np.mean([c[i][0] for c in curves])), float(np.mean([c[i][1] for c in curves]))) for i in range(points)]
        results[name] = curve
        wall = curve[-1][0]
        spread = np.std([c[-1][1] for c in curves])
        acc = np.mean([a.accuracy for a in accuracies])
        print(f"{name:>6}: {epochs:3d} epochs in {wall:6.1f} s = {n_tokens * epochs / wall:>10,.0f} words/s; "
              f"final WordSim353 rho {curve[-1][1]:.3f} (sd {spread:.3f} over {args.seeds} seeds); "
              f"analogies {acc:.1%} of {accuracies[-1].n_questions} answerable questions")

    g_curve, o_curve = results["gensim"], results["ours"]
    print("\nWordSim353 rho along the way (mean over seeds):")
    print("  gensim, after epoch: " + "  ".join(f"{i + 1}: {r:.3f} ({t:.1f} s)" for i, (t, r) in enumerate(g_curve)
                                                if i < 3 or i % 5 == 4))
    print("  ours, after epoch:   " + "  ".join(f"{(i + 1) / SNAPSHOTS_PER_EPOCH:g}: {r:.3f} ({t:.1f} s)"
                                                for i, (t, r) in enumerate(o_curve)))

    print("\nTime to first reach gensim's rho after N epochs (ratio = ours / gensim; <= 1.0 is the target):")
    for n in (10, 20, args.gensim_epochs):
        if n > len(g_curve):
            continue
        target = g_curve[n - 1][1]
        tg, to = time_to(g_curve, target), time_to(o_curve, target)
        print(f"  rho {target:.3f} (gensim epoch {n:2d}): gensim {tg:5.1f} s, ours {to:5.1f} s, ratio {to / tg:.2f}")
    best = max(r for _, r in g_curve)
    tg, to = time_to(g_curve, best), time_to(o_curve, best)
    print(f"  rho {best:.3f} (gensim's best in this run): gensim {tg:5.1f} s, ours {to:5.1f} s, ratio {to / tg:.2f}")


if __name__ == "__main__":
    main()
