"""Checks for 01_words/05_geometry: analogies (3CosAdd, 3CosMul) and projections."""
from __future__ import annotations

import numpy as np

from ..checks import Exercise, Incorrect, call, show


def _analogy_fixture():
    rng = np.random.default_rng(11)
    vectors = rng.normal(size=(40, 6))
    vectors[3] = vectors[1] - vectors[0] + vectors[2] + rng.normal(scale=0.05, size=6)  # 0 : 1 :: 2 : 3
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = [(0, 1, 2)] + [tuple(int(i) for i in rng.choice(40, size=3, replace=False)) for _ in range(25)]
    return unit, queries


def _cos_add_scores(unit, a, b, c, order=(1, -1, 1)):
    return (order[0] * unit[b] + order[1] * unit[a] + order[2] * unit[c]) @ unit.T


def _best(scores, exclude):
    scores = scores.copy()
    scores[list(exclude)] = -np.inf
    return int(np.argmax(scores))


def _check_analogy(fn, name, reference, variants) -> str:
    unit, queries = _analogy_fixture()
    for a, b, c in queries:
        label = f"{name}(unit, a={a}, b={b}, c={c})"
        got = call(fn, unit.copy(), a, b, c, _label=label)
        try:
            got = int(got)
        except (TypeError, ValueError):
            raise Incorrect(f"Expected `{label}` to return the index of one word; got {show(got)}") from None
        expected = reference(unit, a, b, c)
        if got == expected:
            continue
        if got in (a, b, c):
            raise Incorrect(f"`{label}` returned {got}, one of the question's own words; leave a, b and c out of the answers")
        for diagnosis, variant in variants:
            if got == variant(unit, a, b, c):
                raise Incorrect(f"`{label}` returned {got}, expected {expected}: {diagnosis}")
        raise Incorrect(f"`{label}` returned {got}, expected {expected}")
    return f"all {len(queries)} questions answered as the reference does"


def _library_answer(unit, a, b, c, method):
    from ...evaluate import _answer

    return int(_answer(unit, np.array([a]), np.array([b]), np.array([c]), method)[0])


def _three_cos_add_ref(unit, a, b, c):
    return _library_answer(unit, a, b, c, "3cosadd")


def _check_three_cos_add(three_cos_add) -> str:
    variants = [
        ("that is a - b + c; the answer is near b - a + c (king - man + woman)",
         lambda u, a, b, c: _best(_cos_add_scores(u, a, b, c, (-1, 1, 1)), (a, b, c))),
    ]
    return _check_analogy(three_cos_add, "three_cos_add", _three_cos_add_ref, variants)


three_cos_add = Exercise(
    "three_cos_add",
    _check_three_cos_add,
    hints=[
        "`scores = (unit[b] - unit[a] + unit[c]) @ unit.T` scores every word at once.",
        "Set `scores[[a, b, c]] = -np.inf` before `np.argmax`: otherwise the answer is usually b or c.",
    ],
)


def _cos_mul_scores(unit, a, b, c, shift=True, divide=True):
    cos = lambda i: unit @ unit[i]  # noqa: E731
    sa, sb, sc = (((cos(i) + 1) / 2) if shift else cos(i) for i in (a, b, c))
    return sb * sc / (sa + 1e-3) if divide else sb * sc * sa


def _three_cos_mul_ref(unit, a, b, c):
    return _library_answer(unit, a, b, c, "3cosmul")


def _check_three_cos_mul(three_cos_mul) -> str:
    variants = [
        ("shift each cosine to [0, 1] with (cos + 1) / 2 first, or negative cosines flip the ranking",
         lambda u, a, b, c: _best(_cos_mul_scores(u, a, b, c, shift=False), (a, b, c))),
        ("divide by the similarity to a (away from man), do not multiply",
         lambda u, a, b, c: _best(_cos_mul_scores(u, a, b, c, divide=False), (a, b, c))),
        ("that is 3CosAdd; 3CosMul multiplies the similarities to b and c and divides by the one to a",
         _three_cos_add_ref),
    ]
    return _check_analogy(three_cos_mul, "three_cos_mul", _three_cos_mul_ref, variants)


three_cos_mul = Exercise(
    "three_cos_mul",
    _check_three_cos_mul,
    hints=[
        "Cosines of every word with a, b and c: `unit @ unit[a]` and so on; shift each with `(s + 1) / 2`.",
        "`scores = sb * sc / (sa + 1e-3)`, then leave a, b and c out and take the argmax.",
    ],
)


def _check_project(project) -> str:
    rng = np.random.default_rng(5)
    cases = [(rng.normal(size=(6, 4)), np.array([3.0, 0.0, 0.0, 4.0])), (rng.normal(size=(3, 2)) * 5, np.array([-1.0, 1.0]))]
    for vectors, direction in cases:
        label = f"project(vectors {vectors.shape}, direction {show(direction.tolist())})"
        got = np.asarray(call(project, vectors.copy(), direction.copy(), _label=label), dtype=float)
        from ...vectors import project as reference

        expected = reference(vectors, direction)
        if got.shape != expected.shape:
            if got.shape == vectors.shape:
                raise Incorrect(f"`{label}` returned vectors of shape {got.shape}; return one number per row: "
                                "the signed length of its shadow on the direction")
            raise Incorrect(f"Expected `{label}` to return shape {expected.shape}; got {got.shape}")
        if np.allclose(got, expected, atol=1e-6):
            continue
        if np.allclose(got, vectors @ direction, atol=1e-6):
            raise Incorrect(f"`{label}` is the dot product with the direction as given; normalise the direction "
                            "to unit length first, so lengths are comparable")
        if np.allclose(got, expected / np.linalg.norm(vectors, axis=1), atol=1e-6):
            raise Incorrect(f"`{label}` is the cosine with the direction; the projection keeps the vectors' lengths")
        raise Incorrect(f"`{label}` is not v · d / |d| for each row v")
    return f"all {len(cases)} test cases pass"


project = Exercise(
    "project",
    _check_project,
    hints=["`vectors @ (direction / np.linalg.norm(direction))`."],
)
