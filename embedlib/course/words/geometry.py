"""Checks for 01_words/05_geometry: analogies (3CosAdd, 3CosMul), projections, and two written questions.

An analogy check asks every question first, then blames a mistake only if
the learner's answers agree with that mistake's answers on *every*
question: a mistake that happens to give the same answer to one question
as another mistake is not confused with it.
"""
from __future__ import annotations

import numpy as np

from ..checks import Exercise, Incorrect, Written, call, show


def _unit(rows):
    rows = np.asarray(rows, dtype=float)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _close_question_space():
    """A question whose three words are close together (cosine 0.8), in 5 dimensions.

    3CosAdd: a's own score, a·b + a·c - 1 = 0.6, beats every other word's, so an answer that
    leaves out b and c but not a returns a. 3CosMul: two words sit almost opposite a, so their
    shifted similarity to a is about 2e-4 and ε = 1e-3 decides between them: x (opposite a,
    tilted off axis) loses to y (tilted towards b and c) with ε = 1e-3, but wins when
    the shifted cosines are (cos + 1) without the / 2, which is the formula with ε halved.
    Six random filler words break no tie in any of the variants the checks name.
    Rows are shuffled so the question, a=8, b=3, c=5, does not read like another fixture's.
    """
    e = np.eye(5)
    a, b, c = _unit([e[0] + 0.5 * e[1], e[0] + 0.5 * e[2], e[0] + 0.5 * e[3]])
    x = -a + 0.03 * e[4]
    y = -a + 0.04 * (b + c)
    rows = [a, b, c, x, y, *np.random.default_rng(7).normal(size=(6, 5))]
    order = [8, 3, 5, 0, 9, 1, 6, 10, 2, 4, 7]  # rows[i] becomes row order[i]: a=8, b=3, c=5, x=0, y=9
    unit = np.empty((11, 5))
    unit[order] = _unit(rows)
    return unit, [(order[0], order[1], order[2])]


def _analogy_fixtures():
    """(unit vectors, questions) pairs: a random space with one planted analogy, a space where
    every candidate's 3CosAdd score is negative (a mask of 0 on a, b, c then wins), and a space
    whose question words are close together (see ``_close_question_space``). 27 questions in all."""
    rng = np.random.default_rng(11)
    vectors = rng.normal(size=(40, 6))
    vectors[3] = vectors[1] - vectors[0] + vectors[2] + rng.normal(scale=0.05, size=6)  # 0 : 1 :: 2 : 3
    queries = [(0, 1, 2)] + [tuple(int(i) for i in rng.choice(40, size=3, replace=False)) for _ in range(24)]
    negative = _unit([[1, 0, 0], [0, 1, 0], [0, 0, 1],  # a, b, c: b - a + c = (-1, 1, 1)
                      [1, -0.2, -0.3], [0.9, 0.1, -0.5], [1, -0.5, 0.2], [0.8, -0.6, -0.1], [1, 0.3, -0.4]])
    return [(_unit(vectors), queries), (negative, [(0, 1, 2)]), _close_question_space()]


def _best(scores, exclude, fill=-np.inf):
    scores = scores.copy()
    scores[list(exclude)] = fill
    return int(np.argmax(scores))


def _answers(fn, name, fixtures):
    """The learner's answer to every question, or feedback on the first that is not a row number."""
    out = []
    for unit, queries in fixtures:
        for a, b, c in queries:
            label = f"{name}(unit, a={a}, b={b}, c={c})"
            got = call(fn, unit.copy(), a, b, c, _label=label)
            if isinstance(got, (bool, np.bool_)) or np.ndim(got) != 0:
                raise Incorrect(f"Expected `{label}` to return the index of one word (an int); got {show(got)}")
            try:
                value = int(got)
            except (TypeError, ValueError):
                raise Incorrect(f"Expected `{label}` to return the index of one word (an int); got {show(got)}") from None
            if value != got:
                raise Incorrect(f"Expected `{label}` to return the index of one word (an int); got {show(got)}")
            out.append((label, unit, (a, b, c), value))
    return out


def _check_analogy(fn, name, reference, variants, add_scores=None) -> str:
    fixtures = _analogy_fixtures()
    answers = _answers(fn, name, fixtures)
    expected = [reference(unit, *q) for _, unit, q, _ in answers]
    got = [g for *_, g in answers]
    if got == expected:
        return f"all {len(got)} questions answered as the reference does"
    first = next(i for i, (g, e) in enumerate(zip(got, expected)) if g != e)
    label, unit, (a, b, c), value = answers[first]
    where = f"`{label}` returned {value}, expected {expected[first]}"
    if value in (a, b, c):
        role = "a" if value == a else "b" if value == b else "c"
        where = f"`{label}` returned {value}, which is {role}, one of the question's own words (expected {expected[first]})"
        if add_scores is not None:
            others = np.delete(add_scores(unit, a, b, c), [a, b, c])
            if np.all(others < 0):
                raise Incorrect(f"{where}: here every other word's score is negative, so a, b and c masked "
                                "with 0 still win; give them -np.inf")
        raise Incorrect(f"{where}; leave a, b and c out of the answers, all three" +
                        (": a is close to b and c here, so it can outscore every other word" if role == "a" else ""))
    for diagnosis, variant in variants:
        if got == [variant(unit, *q) for _, unit, q, _ in answers]:
            raise Incorrect(f"{where}: {diagnosis}")
    raise Incorrect(where)


def _library_answer(unit, a, b, c, method):
    from ...evaluate import _answer

    return int(_answer(unit, np.array([a]), np.array([b]), np.array([c]), method)[0])


# -- three_cos_add ------------------------------------------------------------------------------------


def _cos_add_scores(unit, a, b, c):
    return (unit[b] - unit[a] + unit[c]) @ unit.T


def _three_cos_add_ref(unit, a, b, c):
    return _library_answer(unit, a, b, c, "3cosadd")


def _check_three_cos_add(three_cos_add) -> str:
    variants = [
        ("that is a - b + c; the answer is near b - a + c (king - man + woman)",
         lambda u, a, b, c: _best(_cos_add_scores(u, b, a, c), (a, b, c))),
        ("that is the *least* similar word; take the argmax of the scores",
         lambda u, a, b, c: _best(-_cos_add_scores(u, a, b, c), (a, b, c))),
    ]
    return _check_analogy(three_cos_add, "three_cos_add", _three_cos_add_ref, variants, _cos_add_scores)


three_cos_add = Exercise(
    "three_cos_add",
    _check_three_cos_add,
    hints=[
        "Build one query vector from the three rows: start at c and add the offset that leads from a to b. "
        "Because every row has length 1, its dot product with each row ranks the rows by cosine, all in "
        "one matrix product.",
        "Before taking the best score, make a, b and c impossible to pick. Their scores must fall below "
        "every other word's, and in some spaces all the other scores are negative.",
        "`np.argmax` returns the position of the best score: return it as an int. "
        "`ex.three_cos_add.solution()` shows one answer.",
    ],
)

# -- three_cos_mul -----------------------------------------------------------------------------------


def _cos_mul_scores(unit, a, b, c, sim=lambda cos: (cos + 1) / 2, divide=True, eps=1e-3):
    sa, sb, sc = (sim(unit @ unit[i]) for i in (a, b, c))
    return sb * sc / (sa + eps) if divide else sb * sc * sa


def _three_cos_mul_ref(unit, a, b, c):
    return _library_answer(unit, a, b, c, "3cosmul")


def _check_three_cos_mul(three_cos_mul) -> str:
    def variant(**kw):
        return lambda u, a, b, c: _best(_cos_mul_scores(u, a, b, c, **kw), (a, b, c))

    variants = [
        ("the cosines are used as they are; shift each to [0, 1] with (cos + 1) / 2 first, or a negative "
         "cosine to a flips the sign of a score", variant(sim=lambda cos: cos)),
        ("the cosines are shifted with cos + 1, without the / 2: that doubles every similarity, so "
         "ε = 1e-3 counts half as much, and for a word almost opposite a (similarity to a near 0) ε decides "
         "the score; shift each cosine to [0, 1] with (cos + 1) / 2", variant(sim=lambda cos: cos + 1)),
        ("negative cosines are clipped to 0 (max(cos, 0)): every word with a negative cosine to a then "
         "divides by ε alone, and its score jumps a thousandfold; shift with (cos + 1) / 2, which keeps "
         "the order of negative cosines", variant(sim=lambda cos: np.maximum(cos, 0))),
        ("the similarity to a is multiplied; divide by it (move away from a)", variant(divide=False)),
        ("ε is missing or not 1e-3; the formula adds ε = 1e-3 to the denominator", variant(eps=0.0)),
        ("that is 3CosAdd (b - a + c); 3CosMul multiplies the shifted similarities to b and c and divides by "
         "the one to a", _three_cos_add_ref),
    ]
    return _check_analogy(three_cos_mul, "three_cos_mul", _three_cos_mul_ref, variants)


three_cos_mul = Exercise(
    "three_cos_mul",
    _check_three_cos_mul,
    hints=[
        "Three vectors of cosines: every word against a, against b and against c (one matrix-vector product "
        "each). Move each into [0, 1] as the formula says: a cosine of -1 becomes 0, 0 becomes 0.5, 1 stays 1.",
        "Combine them element-wise: the two you want to be close to on top, the one to move away from "
        "below, plus ε = 1e-3. Worked on numbers: shifted similarities 0.9 (to b), 0.8 (to c) and 0.5 (to "
        "a) score 0.9 × 0.8 / 0.501 ≈ 1.44.",
        "Leave a, b and c out as in exercise 1, then return the position of the best score as an int. "
        "`ex.three_cos_mul.solution()` shows one answer.",
    ],
)

# -- project -------------------------------------------------------------------------------------------


def _check_project(project) -> str:
    from ...vectors import project as reference

    rng = np.random.default_rng(5)
    cases = [(rng.normal(size=(6, 4)), np.array([3.0, 0.0, 0.0, 4.0])),
             (rng.normal(size=(3, 2)) * 5, np.array([-1.0, 1.0]))]
    for vectors, direction in cases:
        label = f"project(vectors {vectors.shape}, direction {show(direction.tolist())})"
        got = call(project, vectors.copy(), direction.copy(), _label=label)
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise Incorrect(f"Expected `{label}` to return an array of {len(vectors)} numbers; got {show(got)}") from None
        expected = reference(vectors, direction)
        if got.shape != expected.shape:
            if got.shape == vectors.shape:
                raise Incorrect(f"`{label}` returned vectors of shape {got.shape}; return one number per row: "
                                "the signed length of its shadow on the direction")
            raise Incorrect(f"Expected `{label}` to return shape {expected.shape}; got {got.shape}")
        if np.allclose(got, expected, atol=1e-6):
            continue
        norm = np.linalg.norm(direction)
        if np.allclose(got, vectors @ direction, atol=1e-6):
            raise Incorrect(f"`{label}` is the dot product with the direction as given; scale the direction "
                            "to unit length first, so lengths are comparable")
        if np.allclose(got, vectors @ direction / norm**2, atol=1e-6):
            raise Incorrect(f"`{label}` divides by |d|² (the coefficient of d in the projected vector); divide "
                            "by |d| once to get a length")
        if np.allclose(got, expected / np.linalg.norm(vectors, axis=1), atol=1e-6):
            raise Incorrect(f"`{label}` is the cosine with the direction; the projection keeps the vectors' lengths")
        if np.allclose(got, -expected, atol=1e-6):
            raise Incorrect(f"`{label}` has every sign flipped: it projects onto the reversed direction, -d. A "
                            "row pointing along d has a positive projection, v · d / |d|; check for a stray minus "
                            "sign or a subtraction written the wrong way round")
        if np.allclose(np.abs(got), np.abs(expected), atol=1e-6):
            raise Incorrect(f"`{label}` lost the sign; a row pointing against the direction has a negative "
                            "projection")
        raise Incorrect(f"`{label}` is not v · d / |d| for each row v")
    return f"all {len(cases)} test cases pass"


project = Exercise(
    "project",
    _check_project,
    hints=[
        "The signed length of v's shadow on d is the dot product of v with d scaled to length 1. Worked "
        "on numbers: v = (3, 4) on d = (0, 2) gives 4, and v = (3, -4) gives -4.",
        "Scale the direction once (`np.linalg.norm`), then one matrix-vector product projects every row. "
        "`ex.project.solution()` shows one answer.",
    ],
)

# -- written questions -------------------------------------------------------------------------------

failed_analogy_answer = Written(
    "failed_analogy_answer",
    "Find an analogy that GloVe gets wrong (with 3CosAdd or 3CosMul) and show its top answers. Why does "
    "it fail: what does the answer have in common with the question words? (2-3 sentences)",
)

bias_direction_answer = Written(
    "bias_direction_answer",
    "What does the chart of occupations along the he-she direction show, and what does it not show? "
    "Name one limit of measuring bias with one direction. (2-3 sentences)",
)
