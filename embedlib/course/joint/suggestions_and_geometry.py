"""Checks for notebook 5.2, suggestions, unseen words and arithmetic: zero_shot_split, and a
written question on why a zero-shot word works or fails."""
from __future__ import annotations

import numpy as np

from ... import joint
from ..checks import Exercise, Incorrect, Written, call, show

# -- 02_suggestions_and_geometry: zero_shot_split -----------------------------------------------

_SPLIT_CASES = [  # (tags, word, vocabulary, picture_ids)
    ([["cat", "face"], ["dog"], ["black", "cat"], ["catfish"]], "cat", ["black", "cat", "dog", "face"], [0, 1, 2, 3]),
    ([["bobcat"], ["cat"], ["cat", "face"], ["dog", "face"], ["cats"]], "cat", ["cat", "dog", "face"], [0, 1, 2, 3, 4]),
    ([["Tiger", "face"], ["tiger"], ["cat"], [], ["face", "tiger"]], "tiger", ["cat", "face", "tiger"],
     [0, 1, 2, 3, 4]),
    ([["red", "apple"], ["green", "apple"], ["pineapple"]], "apple", ["apple", "green", "red"], [0, 1, 2]),
    ([["car"], ["police", "car"], ["racing", "car"]], "bus", ["car", "police"], [0, 1, 2]),  # a word no image carries
    ([["cat"], ["catfish"], ["dog"]], "cat", ["dog", "catfish", "cat", "bobcat"], [0, 1, 2]),  # unsorted, look-alikes
    ([["cat", "face"], ["Catfish"], ["black", "cat"]], "Cat", ["face", "cat", "black"], [0, 1, 2]),  # capitalised
    # shared pictures, as "man cook" and "cook" share theirs: the picture goes with the word, under any name
    ([["man", "cook"], ["cook"], ["dog"], ["man"]], "man", ["cook", "dog", "man"], [0, 0, 1, 2]),
    ([["farmer"], ["dog"], ["Man", "farmer"], ["cat"]], "man", ["cat", "dog", "farmer", "man"], [5, 3, 5, 3]),
    ([["man", "a"], ["a"], ["man", "b"], ["b"], ["c"], ["c"]], "man", ["a", "b", "c", "man"], [0, 0, 1, 1, 2, 2]),
]


def _check_zero_shot_split(zero_shot_split) -> str:
    for tags, word, vocabulary, pictures in _SPLIT_CASES:
        label = f"zero_shot_split({show(tags)}, {word!r}, {show(vocabulary)}, picture_ids={pictures})"
        given, given_tags = list(vocabulary), [list(t) for t in tags]
        got = call(zero_shot_split, given_tags, word, given, np.array(pictures), _label=label)
        if not isinstance(got, tuple) or len(got) != 2:
            raise Incorrect(f"Expected `{label}` to return two things, (held_out, train_vocabulary); got {show(got)}")
        held_out, train_vocabulary = got
        if given != vocabulary:
            raise Incorrect(f"`{label}` changed the vocabulary it was given (now {show(given)}); return a new list "
                            "and leave the input as it was")
        if given_tags != tags:
            raise Incorrect(f"`{label}` changed the tags it was given; leave its inputs as they were")
        mask = np.asarray(held_out)
        carries = joint.holds_word(tags, word)
        expected = joint.zero_shot_split(tags, word, vocabulary, pictures)[0]
        if mask.dtype != bool or mask.shape != (len(tags),):
            raise Incorrect(f"`{label}` returned held_out = {show(held_out)}; return a boolean mask with one "
                            f"True/False per image ({len(tags)} images), not indices or words")
        if not np.array_equal(mask, expected):
            wrong = int(np.flatnonzero(mask != expected)[0])
            lowered = [t.lower() for t in tags[wrong]]
            if mask[wrong] and word.lower() not in lowered and not expected[wrong]:
                if any(word.lower() in t for t in lowered):
                    raise Incorrect(f"`{label}` holds out image {wrong} with tags {tags[wrong]}: it matches {word!r} "
                                    "inside other words; compare whole tags (`word == tag`), not substrings")
                raise Incorrect(f"`{label}` holds out image {wrong} with tags {tags[wrong]}, which neither carries "
                                f"{word!r} nor shares its picture with an image that does")
            if not mask[wrong] and word.lower() in lowered and word not in tags[wrong]:
                raise Incorrect(f"`{label}` keeps image {wrong} with tags {tags[wrong]} in training; compare "
                                "without regard to case")
            if not mask[wrong] and carries[wrong] and tags[wrong] and tags[wrong][0].lower() != word.lower():
                raise Incorrect(f"`{label}` keeps image {wrong} with tags {tags[wrong]} in training; look at "
                                f"every tag of an image, not just the first one. Every image that carries {word!r} "
                                "anywhere must be held out, or the test leaks")
            if not mask[wrong] and not carries[wrong]:
                twin = int(np.flatnonzero(carries & (np.array(pictures) == pictures[wrong]))[0])
                raise Incorrect(f"`{label}` keeps image {wrong} with tags {tags[wrong]} in training, but it shows "
                                f"the same picture as image {twin} with tags {tags[twin]}, which is held out "
                                f"(picture_ids {pictures[wrong]}): the test would show the space a picture it "
                                "trained on. Hold out every image whose picture id is that of a held-out image")
            raise Incorrect(f"`{label}`: held_out[{wrong}] is {bool(mask[wrong])} for tags {tags[wrong]}")
        if not isinstance(train_vocabulary, (list, tuple)):
            raise Incorrect(f"`{label}` returned train_vocabulary = {show(train_vocabulary)}; return a list of words")
        kept = [w for w in vocabulary if w.lower() != word.lower()]
        if any(w.lower() == word.lower() for w in train_vocabulary):
            raise Incorrect(f"`{label}` keeps {word!r} in the training vocabulary: training would then use it as a "
                            "wrong tag for every training image, so the space would learn about the word "
                            "before the test. Leave it out")
        if list(train_vocabulary) != kept:
            missing = [w for w in kept if w not in train_vocabulary]
            if missing:
                raise Incorrect(f"`{label}` also drops {show(missing)} from the training vocabulary; remove only "
                                f"the word itself (compare whole words, not substrings)")
            raise Incorrect(f"`{label}` returned train_vocabulary = {show(train_vocabulary)}; expected every other "
                            f"word of the vocabulary, in the vocabulary's own order: {show(kept)}")
    return f"all {len(_SPLIT_CASES)} test cases pass, shared pictures included"


zero_shot_split = Exercise(
    "zero_shot_split",
    _check_zero_shot_split,
    hints=[
        "Three things can leak: an image that carries the word stays in training; an image with the same "
        "picture, under another name, stays in training; or the word itself stays among the training tags. "
        "Guard against all three.",
        "For the mask, first ask of each image: is the word equal to one of its tags (lower-cased)? Then widen "
        "it: which picture ids do the held-out images have, and which images have one of those ids? `np.isin` "
        "answers the second question for all images at once.",
        "Worked example on other data: tags [['red', 'apple'], ['pineapple'], ['fruit']] with picture_ids "
        "[4, 7, 4] and the word 'apple' give held_out [True, False, True] ('pineapple' is another word; 'fruit' "
        "is the red apple's picture), and the vocabulary ['apple', 'red'] becomes ['red']. "
        "`ex.zero_shot_split.solution()` shows one answer.",
    ],
)

zero_shot_answer = Written(
    "zero_shot_answer",
    "Pick one word that works in the zero-shot test above and one that barely beats chance. Why does the first "
    "work and the second fail? What would the space need to know about the second? (3-4 sentences)",
)
