"""The numbers the chapter-2 notes quote beyond what notebooks 2.1 and 2.2 print.

    .venv/bin/python benchmarks/marketplace_notes.py   (about a minute on 2 cores)

- category purity@10 of item2vec trained on all sessions, for the default
  marketplace and for two with a longer tail;
- a window of 1 trained for 30 epochs instead of 10 (does it catch up?);
- how much the window sweep's scores move across three word2vec seeds;
- customers as the mean of their sessions against all views pooled, on a
  marketplace generated with another seed.

item2vec here is notebook 2.1's: ``Word2Vec(dim=50, window=5, min_count=1,
epochs=10, workers=1)``, held-out sessions as in 2.1 (each user's last).
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from embedlib import data, session_log
from embedlib.word2vec import Word2Vec


def item2vec(sessions, window=5, epochs=10, seed=0):
    return Word2Vec(dim=50, window=window, min_count=1, epochs=epochs, workers=1, seed=seed,
                    progress=False).fit(sessions).embeddings_


def split(market):
    last = {user: i for i, user in enumerate(market.session_user)}
    held_out = set(last.values())
    return [s for i, s in enumerate(market.sessions) if i not in held_out]


def segments(vectors):
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return KMeans(n_clusters=8, n_init=10, random_state=0).fit_predict(vectors)


def main() -> None:
    print("category purity@10, item2vec trained on all sessions:")
    for label, options in (("defaults", {}), ("popularity_exponent=1.2, multi_interest=0.5",
                                              dict(popularity_exponent=1.2, multi_interest=0.5)),
                           ("popularity_exponent=1.5", dict(popularity_exponent=1.5))):
        market = data.make_marketplace(seed=0, **options)
        print(f"  {label:<45} {market.category_purity(item2vec(market.sessions), k=10):.1%}")

    market = data.make_marketplace(seed=0)
    train = split(market)
    print("\ncomplement recall@10 of a window of 1 (training sessions):")
    for epochs in (10, 30):
        emb = item2vec(train, window=1, epochs=epochs)
        print(f"  {epochs} epochs: {market.neighbour_recall(emb, market.complements, k=10):.1%}")

    print("\nthe window sweep across word2vec seeds 0, 1, 2 (standard deviation, points):")
    for window in (1, 2, 3, 5, 10):
        runs = [item2vec(train, window=window, seed=seed) for seed in (0, 1, 2)]
        scores = {
            "purity": [market.category_purity(e, k=10) for e in runs],
            "complements": [market.neighbour_recall(e, market.complements, k=10) for e in runs],
            "substitutes": [market.neighbour_recall(e, market.substitutes, k=10) for e in runs],
        }
        print(f"  window {window:>2}: " + ", ".join(
            f"{name} {100 * np.mean(v):.1f} ± {100 * np.std(v):.1f}" for name, v in scores.items()))

    print("\ncustomers (ARI against personas, k-means with 8 clusters):")
    for seed in (0, 1):
        market = data.make_marketplace(seed=seed)
        emb = item2vec(market.sessions)
        personas = [market.persona[u] for u in market.users]
        averaged = segments(session_log.user_vectors(emb, market.sessions, market.session_user, market.users))
        history = defaultdict(list)
        for session, user in zip(market.sessions, market.session_user):
            history[user] += session
        pooled = segments(np.array([emb.mean_vector(history[u]) for u in market.users]))
        print(f"  marketplace seed {seed}: sessions averaged first {adjusted_rand_score(personas, averaged):.2f}, "
              f"all views pooled {adjusted_rand_score(personas, pooled):.2f}")


if __name__ == "__main__":
    main()
