"""A seeded synthetic marketplace, and a loader for real session logs.

The Sequences chapter needs shopping sessions whose truth is known, so that
item vectors can be scored: which category each item is in, which items go
together (a phone, its case, its charger), and what each user is interested
in. :func:`make_marketplace` generates them:

- a **catalogue** of 261 items in 12 categories, each with a readable
  title, a category and a price. Within a category a few brands each sell
  the same kinds of product, and each "anchor" product (a smartphone, a
  tent) has **complements** of the same brand (its case, its pegs);
- **users**, each with one of 8 personas ("home cook", "outdoor type", ...)
  that mixes 2–3 categories, blurred per user;
- **sessions**: a user picks a category by interest, lands on a popular
  item, then moves to a complement of what they look at, to another item
  of the same category, to another of their interests, or (noise) to any
  item at all.

:func:`load_session_log` (in :mod:`embedlib.session_log`) reads the usual export of a shop's logs, a CSV
file with one row per viewed item (``user, session, timestamp, item``),
into the same sessions, so the chapter's notebooks run on a real export too.

Example
-------
>>> market = make_marketplace(n_users=50, seed=0)
>>> len(market.items), len(market.categories)
(261, 12)
>>> [market.category(item) for item in market.complements["nokto-smartphone"]]
['phones', 'phones', 'phones']
"""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import numpy as np

from ._files import write_text_atomic
from .session_log import SessionLog, load_session_log  # re-exported: the loader lives in its own module

__all__ = ["Item", "Marketplace", "SessionLog", "make_marketplace", "load_session_log"]

# category -> (brands, [(kind, low price, high price, complements of this kind)])
_CATALOGUE: dict[str, tuple[list[str], list[tuple[str, float, float, list[str]]]]] = {
    "phones": (["Nokto", "Pixelle", "Aurum"], [
        ("smartphone", 250, 900, ["phone case", "charger", "screen protector"]),
        ("phone case", 10, 40, []), ("charger", 15, 45, []), ("screen protector", 5, 20, []),
        ("wireless earbuds", 40, 220, ["earbud tips"]), ("earbud tips", 5, 15, []),
        ("smartwatch", 120, 400, ["watch band"]), ("watch band", 10, 35, []),
    ]),
    "laptops": (["Lumen", "Quarto", "Vireo"], [
        ("ultrabook", 700, 1800, ["laptop sleeve", "USB-C hub"]), ("laptop sleeve", 15, 50, []),
        ("USB-C hub", 20, 70, []), ("gaming laptop", 1000, 2500, ["cooling pad"]), ("cooling pad", 20, 60, []),
        ("wireless mouse", 15, 80, ["mouse pad"]), ("mouse pad", 5, 30, []),
    ]),
    "kitchen": (["Cucina", "Hearth", "Steelby"], [
        ("espresso machine", 150, 800, ["milk frother", "descaler"]), ("milk frother", 20, 90, []),
        ("descaler", 5, 15, []), ("chef's knife", 30, 180, ["knife sharpener", "cutting board"]),
        ("knife sharpener", 10, 60, []), ("cutting board", 10, 50, []),
        ("cast-iron pan", 30, 120, ["pan scraper"]), ("pan scraper", 4, 12, []),
    ]),
    "coffee": (["Roastery", "Bean & Co", "Altura"], [
        ("espresso beans", 8, 25, []), ("filter coffee", 7, 20, []),
        ("coffee grinder", 40, 300, ["grinder brush"]), ("grinder brush", 4, 12, []),
        ("pour-over kettle", 30, 120, ["paper filters", "pour-over dripper"]),
        ("paper filters", 3, 8, []), ("pour-over dripper", 15, 45, ["paper filters"]),
    ]),
    "running": (["Stride", "Kinetic", "Pace"], [
        ("running shoes", 60, 200, ["running socks", "shoe insoles"]), ("running socks", 8, 20, []),
        ("shoe insoles", 15, 45, []), ("running vest", 30, 90, ["water flask"]), ("water flask", 10, 30, []),
        ("energy gels", 10, 25, []), ("running jacket", 50, 160, []),
    ]),
    "camping": (["Summit", "Trailhead", "Ember"], [
        ("tent", 80, 500, ["tent pegs", "groundsheet"]), ("tent pegs", 8, 25, []), ("groundsheet", 15, 50, []),
        ("sleeping bag", 40, 300, ["sleeping mat"]), ("sleeping mat", 20, 120, []),
        ("camping stove", 30, 150, ["gas canister"]), ("gas canister", 5, 12, []),
        ("headlamp", 15, 70, []),
    ]),
    "baby": (["Little Oak", "Cradle", "Mimo"], [
        ("pram", 200, 900, ["pram rain cover", "pram organiser"]), ("pram rain cover", 15, 40, []),
        ("pram organiser", 15, 35, []), ("baby bottle", 8, 25, ["bottle brush", "bottle steriliser"]),
        ("bottle brush", 4, 10, []), ("bottle steriliser", 30, 90, []), ("baby monitor", 50, 250, []),
    ]),
    "garden": (["Greenway", "Thorn & Leaf", "Verde"], [
        ("lawn mower", 120, 600, ["grass catcher"]), ("grass catcher", 20, 60, []),
        ("garden hose", 20, 80, ["hose nozzle", "hose reel"]), ("hose nozzle", 5, 25, []), ("hose reel", 25, 90, []),
        ("pruning shears", 15, 60, []), ("seed tray", 5, 20, ["potting compost"]), ("potting compost", 6, 15, []),
    ]),
    "gaming": (["Nova", "Pixelforge", "Arcadia"], [
        ("game console", 250, 550, ["controller", "charging dock"]), ("controller", 40, 80, ["charging dock"]),
        ("charging dock", 20, 45, []), ("gaming headset", 40, 250, ["headset stand"]), ("headset stand", 15, 40, []),
        ("racing wheel", 150, 450, []),
    ]),
    "books": (["Penrose Press", "Inkwell", "Folio"], [
        ("fantasy novel", 8, 25, ["fantasy sequel"]), ("fantasy sequel", 8, 25, []),
        ("cookbook", 15, 40, []), ("travel guide", 12, 30, ["travel map"]), ("travel map", 6, 15, []),
        ("reading light", 10, 35, []),
    ]),
    "pets": (["Pawsome", "Whisker", "Barkley"], [
        ("dog bed", 30, 150, []), ("dog lead", 10, 40, ["dog collar"]), ("dog collar", 8, 35, []),
        ("cat scratcher", 20, 90, []), ("cat litter", 8, 25, ["litter tray"]), ("litter tray", 10, 40, []),
        ("pet brush", 6, 25, []),
    ]),
    "office": (["Ergon", "Deskwell", "Tally"], [
        ("office chair", 120, 600, ["chair mat"]), ("chair mat", 25, 70, []),
        ("standing desk", 250, 900, ["monitor arm", "cable tray"]), ("monitor arm", 40, 150, []),
        ("cable tray", 15, 40, []), ("mechanical keyboard", 60, 200, ["wrist rest"]), ("wrist rest", 10, 35, []),
        ("desk lamp", 20, 90, []),
    ]),
}

# persona -> weights of the categories it browses
_PERSONAS: dict[str, dict[str, float]] = {
    "tech enthusiast": {"phones": 0.45, "laptops": 0.35, "gaming": 0.2},
    "gamer": {"gaming": 0.6, "laptops": 0.25, "office": 0.15},
    "home cook": {"kitchen": 0.5, "coffee": 0.3, "books": 0.2},
    "new parent": {"baby": 0.6, "kitchen": 0.2, "phones": 0.2},
    "outdoor type": {"camping": 0.5, "running": 0.35, "books": 0.15},
    "gardener": {"garden": 0.65, "pets": 0.2, "books": 0.15},
    "home office": {"office": 0.55, "laptops": 0.25, "coffee": 0.2},
    "pet owner": {"pets": 0.65, "garden": 0.15, "running": 0.2},
}


@dataclass(frozen=True)
class Item:
    """One product of the catalogue."""

    id: str
    title: str
    category: str
    price: float


@dataclass
class Marketplace:
    """A generated marketplace: its catalogue, its sessions, and their truth.

    ``sessions[i]`` is the list of item ids viewed in session ``i``, in order,
    by user ``session_user[i]`` starting at ``session_start[i]``. The truth:
    each item's category (``items``), each anchor item's ``complements``,
    each user's ``persona`` and their ``interests`` (a weight per category,
    columns in the order of ``categories``).
    """

    items: list[Item]
    sessions: list[list[str]]
    session_user: list[str]
    session_start: list[datetime]
    users: list[str]
    persona: dict[str, str]
    interests: np.ndarray
    categories: list[str]
    complements: dict[str, list[str]]
    personas: list[str] = field(default_factory=lambda: list(_PERSONAS))

    def __post_init__(self) -> None:
        self._by_id = {item.id: item for item in self.items}

    def item(self, item_id: str) -> Item:
        """The :class:`Item` with this id (``KeyError`` naming it if unknown)."""
        try:
            return self._by_id[item_id]
        except KeyError:
            raise KeyError(f"no item {item_id!r} in this marketplace's catalogue") from None

    def title(self, item_id: str) -> str:
        return self.item(item_id).title

    def category(self, item_id: str) -> str:
        return self.item(item_id).category

    def events(self) -> list[tuple[str, str, datetime, str]]:
        """One ``(user, session, timestamp, item)`` row per view, in time order within each session."""
        rows = []
        rng = np.random.default_rng(len(self.sessions))  # gaps between views: fixed for a marketplace
        for i, (items, user, start) in enumerate(zip(self.sessions, self.session_user, self.session_start)):
            t = start
            for item in items:
                rows.append((user, f"s{i:05d}", t, item))
                t = t + timedelta(seconds=int(rng.integers(15, 180)))
        return rows

    def to_csv(self, path: str | os.PathLike) -> None:
        """Write the sessions as a ``user,session,timestamp,item`` log (ISO 8601 times), like a shop export.

        The file is written whole or not at all (a temporary file, then renamed)."""
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(["user", "session", "timestamp", "item"])
        for user, session, t, item in self.events():
            writer.writerow([user, session, t.isoformat(), item])
        write_text_atomic(path, buffer.getvalue())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _catalogue(rng: np.random.Generator) -> tuple[list[Item], dict[str, list[str]]]:
    items, complements = [], {}
    for category, (brands, kinds) in _CATALOGUE.items():
        for brand in brands:
            for kind, low, high, goes_with in kinds:
                title = f"{brand} {kind}"
                price = round(float(np.exp(rng.uniform(np.log(low), np.log(high)))), 2)
                items.append(Item(_slug(title), title, category, price))
                if goes_with:
                    complements[_slug(title)] = [_slug(f"{brand} {other}") for other in goes_with]
    return items, complements


def make_marketplace(
    n_users: int = 1000,
    sessions_per_user: float = 4.0,
    mean_length: float = 6.0,
    noise: float = 0.1,
    seed: int = 0,
) -> Marketplace:
    """Generate the catalogue, users and browsing sessions (see the module docstring).

    ``sessions_per_user`` and ``mean_length`` are means (each user has at
    least one session, each session at least two views); ``noise`` is the
    chance that a step goes to any item at all. The catalogue is the same
    for every seed except for its prices.
    """
    if not isinstance(n_users, (int, np.integer)) or n_users < 1:
        raise ValueError(f"n_users must be an int >= 1, got {n_users!r}")
    if not sessions_per_user >= 1:
        raise ValueError(f"sessions_per_user must be >= 1, got {sessions_per_user!r}")
    if not mean_length >= 2:
        raise ValueError(f"mean_length must be >= 2, got {mean_length!r}")
    if not 0 <= noise <= 1:
        raise ValueError(f"noise must be between 0 and 1, got {noise!r}")
    rng = np.random.default_rng(seed)
    items, complements = _catalogue(rng)
    categories = list(_CATALOGUE)
    ids = np.array([item.id for item in items])
    category_of = np.array([categories.index(item.category) for item in items])
    # popularity: anchors (items with complements) are where sessions usually start
    popularity = rng.lognormal(0.0, 0.8, size=len(items)) * np.where([i.id in complements for i in items], 3.0, 1.0)
    in_category = [np.flatnonzero(category_of == c) for c in range(len(categories))]
    category_p = [popularity[m] / popularity[m].sum() for m in in_category]
    overall = popularity / popularity.sum()
    index = {item.id: i for i, item in enumerate(items)}

    personas = list(_PERSONAS)
    users = [f"u{u:04d}" for u in range(n_users)]
    persona_of = rng.integers(len(personas), size=n_users)
    interests = np.zeros((n_users, len(categories)))
    for u in range(n_users):
        weights = _PERSONAS[personas[persona_of[u]]]
        base = np.array([weights.get(c, 0.0) for c in categories])
        interests[u] = rng.dirichlet(base * 20 + 0.05)  # blurred per user, mostly the persona's categories

    sessions, session_user, session_start = [], [], []
    epoch = datetime(2026, 3, 1, tzinfo=timezone.utc)
    for u in range(n_users):
        n_sessions = 1 + rng.poisson(sessions_per_user - 1)
        starts = np.sort(rng.uniform(0, 30 * 24 * 3600, size=n_sessions))
        for start in starts:
            c = rng.choice(len(categories), p=interests[u])
            cur = in_category[c][rng.choice(len(in_category[c]), p=category_p[c])]
            views = [cur]
            length = 2 + rng.geometric(1.0 / (mean_length - 1)) - 1
            while len(views) < min(length, 30):
                r = rng.random()
                goes_with = complements.get(ids[cur], [])
                if r < noise:  # noise: anything at all
                    cur = rng.choice(len(items), p=overall)
                elif r < noise + 0.1:  # another of the user's interests
                    c = rng.choice(len(categories), p=interests[u])
                    cur = in_category[c][rng.choice(len(in_category[c]), p=category_p[c])]
                elif goes_with and r < noise + 0.55:  # a complement of what they look at
                    cur = index[goes_with[rng.integers(len(goes_with))]]
                else:  # more of the same category
                    c = category_of[cur]
                    cur = in_category[c][rng.choice(len(in_category[c]), p=category_p[c])]
                if cur != views[-1]:
                    views.append(cur)
            sessions.append([str(ids[v]) for v in views])
            session_user.append(users[u])
            session_start.append(epoch + timedelta(seconds=float(round(start))))
    return Marketplace(
        items=items, sessions=sessions, session_user=session_user, session_start=session_start, users=users,
        persona={users[u]: personas[persona_of[u]] for u in range(n_users)}, interests=interests,
        categories=categories, complements=complements, personas=personas,
    )
