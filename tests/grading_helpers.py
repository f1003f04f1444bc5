"""Small submissions for the grader tests: each starts one kernel, runs in seconds."""
from __future__ import annotations

import csv
from pathlib import Path

import nbformat

NB_ID = "01_words/01_sliding_window"
HEADER = f'from embedlib.course import exercises\nex = exercises("{NB_ID}")'

# Correct answers that use no name a test notebook rebinds (they import what they need).
BUILD_VOCAB = (
    "def build_vocab(tokens, min_count):\n"
    "    from collections import Counter\n"
    "    c = Counter(tokens)\n"
    "    return sorted((w for w in c if c[w] >= min_count), key=lambda w: (-c[w], w))"
)
SKIPGRAM_PAIRS = (
    "def skipgram_pairs(tokens, window):\n"
    "    pairs = []\n"
    "    for i, centre in enumerate(tokens):\n"
    "        for context in tokens[max(0, i - window):i] + tokens[i + 1:i + 1 + window]:\n"
    "            pairs.append((centre, context))\n"
    "    return pairs"
)
PPMI = (
    "def ppmi(counts):\n"
    "    import numpy\n"
    "    counts = numpy.asarray(counts, dtype=float)\n"
    "    total = counts.sum()\n"
    "    p_w = counts.sum(axis=1, keepdims=True) / total\n"
    "    p_c = counts.sum(axis=0, keepdims=True) / total\n"
    "    with numpy.errstate(divide='ignore', invalid='ignore'):\n"
    "        pmi = numpy.log(counts / total / (p_w * p_c))\n"
    "    return numpy.where(counts > 0, numpy.maximum(pmi, 0.0), 0.0)"
)
WINDOW_SWEEP = (
    "def window_sweep(sentences, vocab_size, windows, scorers):\n"
    "    from embedlib import text\n"
    "    return {w: {name: f(text.ppmi(text.cooccurrence_matrix(sentences, vocab_size, w), smoothing=0.75))\n"
    "                for name, f in scorers.items()} for w in windows}"
)
WINDOW_ANSWER = 'window_answer = """Wide windows favour relatedness, small ones similarity."""'
CORRECT = (HEADER, BUILD_VOCAB, SKIPGRAM_PAIRS, PPMI, WINDOW_SWEEP, WINDOW_ANSWER)


def small_notebook(*sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def write(folder: Path, name: str, nb) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with Path(path).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def by_name(sub):
    return {r.exercise: r for r in sub.results}
