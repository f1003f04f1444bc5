"""Our random walker against the `node2vec` PyPI package and pecanpy, one run.

    make bench-walks   (sets up .bench-venv with the peers, then runs this)

10 walks of length 80 from every node of a seeded 10,000-node Barabasi-Albert
graph (and of the karate club), for p = q = 1 and for p = 0.5, q = 2. Each
walker is timed from the graph in memory to the walks in memory, start-up
included: the `node2vec` package's transition tables, pecanpy's graph loading
and numba JIT compilation. Our walker is compiled by numba too, but caches the
compiled code on disk: the table times it with that cache (loading it is
included), and a second table times a cold start in a fresh process with an
empty cache, as on a learner's first run. The peers run in their own
environment (they pin older numpy), called through --peer-python; this script
itself runs in the course's environment.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SETTINGS = [(1.0, 1.0), (0.5, 2.0)]
NUM_WALKS, WALK_LENGTH = 10, 80


def make_graphs(folder: Path) -> dict[str, Path]:
    import networkx as nx

    graphs = {"karate (34 nodes)": nx.karate_club_graph(), "BA 10,000 nodes": nx.barabasi_albert_graph(10_000, 3, seed=0)}
    paths = {}
    for name, g in graphs.items():
        path = folder / (name.split()[0] + ".edg")
        with path.open("w") as f:
            for u, v in g.edges():
                f.write(f"{u}\t{v}\n")
        paths[name] = path
    return paths


def run_peer(peer: str, path: str, p: float, q: float) -> dict:
    """Inside the peers' environment: time one walker, print JSON."""
    import networkx as nx

    if peer == "node2vec":
        from node2vec import Node2Vec

        graph = nx.read_edgelist(path, nodetype=int)
        start = time.perf_counter()
        model = Node2Vec(graph, walk_length=WALK_LENGTH, num_walks=NUM_WALKS, p=p, q=q, workers=2, quiet=True, seed=0)
        walks = len(model.walks)
    else:
        from pecanpy import pecanpy as pp

        start = time.perf_counter()
        graph = pp.SparseOTF(p=p, q=q, workers=2, verbose=False, random_state=0)
        graph.read_edg(path, weighted=False, directed=False)
        walks = len(graph.simulate_walks(num_walks=NUM_WALKS, walk_length=WALK_LENGTH))
    return {"seconds": time.perf_counter() - start, "walks": walks}


def run_ours(path: Path, p: float, q: float) -> dict:
    import networkx as nx

    from embedlib.walks import random_walks

    graph = nx.read_edgelist(path, nodetype=int)
    start = time.perf_counter()
    walks = random_walks(graph, num_walks=NUM_WALKS, walk_length=WALK_LENGTH, p=p, q=q, weight=None, seed=0)
    return {"seconds": time.perf_counter() - start, "walks": len(walks)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--peer-python", help="python of the environment with node2vec and pecanpy")
    parser.add_argument("--as-peer", nargs=4, metavar=("PEER", "EDGES", "P", "Q"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.as_peer:
        peer, path, p, q = args.as_peer
        if peer == "ours":
            print(json.dumps(run_ours(Path(path), float(p), float(q))))
        else:
            print(json.dumps(run_peer(peer, path, float(p), float(q))))
        return 0
    all_rates = {}

    with tempfile.TemporaryDirectory() as tmp:
        paths = make_graphs(Path(tmp))
        print(f"{NUM_WALKS} walks of length {WALK_LENGTH} from every node; walks per second, start-up included\n")
        print(f"{'graph':20} {'p, q':>9} {'ours':>12} {'node2vec pkg':>14} {'pecanpy':>12} {'ours/node2vec':>14} {'ours/pecanpy':>13}")
        for name, path in paths.items():
            for p, q in SETTINGS:
                ours = run_ours(path, p, q)
                rates = {"ours": ours["walks"] / ours["seconds"]}
                for peer in ("node2vec", "pecanpy"):
                    if not args.peer_python:
                        rates[peer] = float("nan")
                        continue
                    out = subprocess.run([args.peer_python, __file__, "--as-peer", peer, str(path), str(p), str(q)],
                                         capture_output=True, text=True)
                    if out.returncode != 0:
                        print(f"  {peer} failed: {out.stderr.strip().splitlines()[-1] if out.stderr else out.returncode}")
                        rates[peer] = float("nan")
                        continue
                    result = json.loads(out.stdout.strip().splitlines()[-1])
                    rates[peer] = result["walks"] / result["seconds"]
                all_rates[name, p, q] = rates
                print(f"{name:20} {p:4g}, {q:<3g} {rates['ours']:>12,.0f} {rates['node2vec']:>14,.0f} {rates['pecanpy']:>12,.0f}"
                      f" {rates['ours'] / rates['node2vec']:>13.1f}x {rates['ours'] / rates['pecanpy']:>12.1f}x", flush=True)

        print("\nOurs from a cold start (a fresh process, numba's cache empty: compilation included)")
        print(f"{'graph':20} {'p, q':>9} {'seconds':>8} {'ours':>12} {'ours/node2vec':>14} {'ours/pecanpy':>13}")
        for name, path in paths.items():
            for p, q in SETTINGS:
                with tempfile.TemporaryDirectory() as cache:
                    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
                    out = subprocess.run([sys.executable, __file__, "--as-peer", "ours", str(path), str(p), str(q)],
                                         capture_output=True, text=True, env=env, check=True)
                result = json.loads(out.stdout.strip().splitlines()[-1])
                rate = result["walks"] / result["seconds"]
                peers = all_rates[name, p, q]
                print(f"{name:20} {p:4g}, {q:<3g} {result['seconds']:>8.2f} {rate:>12,.0f}"
                      f" {rate / peers['node2vec']:>13.1f}x {rate / peers['pecanpy']:>12.1f}x", flush=True)
    print("\nTargets (issue 4): uniform >= 50x and biased >= 10x the node2vec package; both faster than pecanpy.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
