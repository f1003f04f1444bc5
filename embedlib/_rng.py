"""A tiny random number generator for compiled (numba) loops.

xorshift64* (Vigna 2016): three shifts and a multiply per draw, a state of
one integer that the loop carries itself, so a seeded loop is exactly
reproducible and never touches numpy's global generator. Used by the
word2vec trainer and the random walker.
"""
from __future__ import annotations

import numpy as np
from numba import njit

_MULTIPLIER = np.uint64(2685821657736338717)


@njit(inline="always")
def seed_state(seed):
    """A non-zero state from any integer seed (splitmix64's finaliser spreads the bits)."""
    z = np.uint64(seed) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return z | np.uint64(1)


@njit(inline="always")
def next_bits(state):
    """Advance the state; return (new state, 64 scrambled random bits)."""
    state ^= state >> np.uint64(12)
    state ^= state << np.uint64(25)
    state ^= state >> np.uint64(27)
    return state, state * _MULTIPLIER


@njit(inline="always")
def uniform(bits):
    """A float32 in [0, 1) from the top 24 of 64 random bits."""
    return np.float32(bits >> np.uint64(40)) * np.float32(1.0 / 16777216.0)


@njit(inline="always")
def below(bits, n):
    """An integer in [0, n) from the top 32 of 64 random bits (Lemire's multiply-shift)."""
    return np.int64(((bits >> np.uint64(32)) * np.uint64(n)) >> np.uint64(32))


@njit(inline="always")
def uniform_low(bits):
    """A float32 in [0, 1) from the low 24 of 64 random bits (independent of :func:`below`'s top bits)."""
    return np.float32(bits & np.uint64(0xFFFFFF)) * np.float32(1.0 / 16777216.0)
