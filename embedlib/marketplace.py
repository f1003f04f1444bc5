"""A seeded synthetic marketplace, and a loader for real session logs.

The Sequences chapter needs shopping sessions whose truth is known, so that
item vectors can be scored: which category each item is in, which items go
together (a phone, its case; an espresso machine, beans), and what each user
is interested in. :func:`make_marketplace` generates them, with the traits
that make real logs hard:

- a **catalogue** of 261 items in 12 categories, each with a readable
  title, a category and a price. Within a category a few brands each sell
  the same kinds of product (**substitutes**: three brands of tent), and
  an "anchor" product has **complements**: of its own brand in its
  category (a tent, its pegs) and of any brand in another category (an
  espresso machine, espresso beans; a travel guide, a tent);
- **long-tail popularity**: the item of popularity rank ``r`` is chosen
  in proportion to ``r ** -popularity_exponent`` (Zipf's law), so a few
  items get most views and many get few;
- **users**, each with one of 8 personas ("home cook", "outdoor type", ...)
  that mixes 2–3 categories, blurred per user;
- **sessions**, some about one interest and some about two at once
  (**multi-interest**): a user lands on a popular item of a category they
  like, then moves to a complement of what they look at, to a substitute,
  to another item of the category, to the session's other interest, or
  (noise: a random click) to any item at all.

:meth:`Marketplace.category_purity` and :meth:`Marketplace.neighbour_recall`
(of :attr:`~Marketplace.complements` or :attr:`~Marketplace.substitutes`)
score item vectors against that truth.

:func:`load_session_log` (in :mod:`embedlib.session_log`) reads the usual export of a shop's logs, a CSV
file with one row per viewed item (``user, session, timestamp, item``),
into the same sessions, so the chapter's notebooks run on a real export too.

Example
-------
>>> market = make_marketplace(n_users=50, seed=0)
>>> len(market.items), len(market.categories)
(261, 12)
>>> [market.title(item) for item in market.complements["nokto-smartwatch"]]
['Nokto watch band', 'Stride running shoes', 'Kinetic running shoes', 'Pace running shoes']
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
from .vectors import Embeddings
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

# complements in another category, of any brand: (category, kind) -> [(category, kind)]
_CROSS: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("phones", "smartphone"): [("laptops", "USB-C hub")],
    ("phones", "smartwatch"): [("running", "running shoes")],
    ("laptops", "ultrabook"): [("office", "monitor arm"), ("office", "mechanical keyboard")],
    ("laptops", "gaming laptop"): [("gaming", "gaming headset"), ("gaming", "controller")],
    ("kitchen", "espresso machine"): [("coffee", "espresso beans"), ("coffee", "coffee grinder")],
    ("kitchen", "milk frother"): [("coffee", "espresso beans")],
    ("coffee", "pour-over kettle"): [("kitchen", "descaler")],
    ("running", "running vest"): [("phones", "wireless earbuds")],
    ("running", "water flask"): [("camping", "headlamp")],
    ("camping", "camping stove"): [("coffee", "filter coffee"), ("kitchen", "cast-iron pan")],
    ("camping", "sleeping mat"): [("running", "energy gels")],
    ("baby", "baby monitor"): [("phones", "smartphone")],
    ("baby", "bottle steriliser"): [("kitchen", "descaler")],
    ("baby", "pram"): [("running", "running shoes")],
    ("garden", "garden hose"): [("pets", "dog bed")],
    ("garden", "seed tray"): [("books", "cookbook")],
    ("gaming", "game console"): [("books", "fantasy novel")],
    ("books", "cookbook"): [("kitchen", "chef's knife"), ("kitchen", "cast-iron pan")],
    ("books", "travel guide"): [("camping", "tent"), ("camping", "headlamp")],
    ("books", "reading light"): [("office", "desk lamp")],
    ("pets", "dog lead"): [("camping", "headlamp"), ("running", "running jacket")],
    ("office", "standing desk"): [("laptops", "wireless mouse")],
    ("office", "mechanical keyboard"): [("gaming", "gaming headset")],
}

# the chances of each kind of step, after noise: the session's other interest (two-interest sessions
# only), another of the user's interests, a complement (from an anchor), a substitute (same kind, other brand)
_SWITCH, _DRIFT, _COMPLEMENT, _SUBSTITUTE = 0.25, 0.05, 0.4, 0.15


@dataclass(frozen=True)
class Item:
    """One product of the catalogue."""

    id: str
    title: str
    category: str
    price: float
    kind: str = ""  # the kind of product ("tent"); the same kind from other brands is a substitute


@dataclass
class Marketplace:
    """A generated marketplace: its catalogue, its sessions, and their truth.

    ``sessions[i]`` is the list of item ids viewed in session ``i``, in order,
    by user ``session_user[i]`` starting at ``session_start[i]``, about the
    categories ``session_interests[i]`` (one or two). The truth: each
    item's category (``items``), each anchor item's ``complements``, each
    item's chance of being picked by popularity (``popularity``, in the
    order of ``items``), each user's ``persona`` and their ``interests`` (a
    weight per category, columns in the order of ``categories``).
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
    session_interests: list[tuple[str, ...]] = field(default_factory=list)
    popularity: np.ndarray | None = None

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

    def category_purity(self, emb: Embeddings, k: int = 10) -> float:
        """Mean over the items of ``emb`` of the share of their ``k`` nearest items in their own category.

        Neighbours are by cosine, the item itself left out
        (:meth:`Embeddings.most_similar`); every item counts once, rare or
        popular. Chance is about 1 in 12. Raises ``KeyError`` for a key of
        ``emb`` that is not in the catalogue, ``ValueError`` for ``k < 1``.

        >>> market = make_marketplace(n_users=5, seed=0)
        >>> from embedlib.vectors import Embeddings
        >>> one_hot = Embeddings([i.id for i in market.items], np.eye(len(market.items)))
        >>> 0.0 <= market.category_purity(one_hot, k=3) <= 1.0
        True
        """
        _check_k(k)
        shares = [np.mean([self.category(other) == self.category(key) for other, _ in emb.most_similar(key, topn=k)])
                  for key in emb.keys]
        return float(np.mean(shares))

    @property
    def substitutes(self) -> dict[str, list[str]]:
        """Each item's substitutes: the same kind of product from the other brands of its category."""
        by_kind: dict[tuple[str, str], list[str]] = {}
        for item in self.items:
            by_kind.setdefault((item.category, item.kind), []).append(item.id)
        return {item.id: [o for o in by_kind[item.category, item.kind] if o != item.id] for item in self.items}

    def neighbour_recall(self, emb: Embeddings, related: dict[str, list[str]], k: int = 10) -> float:
        """Mean over the items that ``emb`` knows of the share of their ``related`` items among their ``k`` nearest.

        ``related`` is :attr:`complements` or :attr:`substitutes` (or any
        item -> list of items). Items with no related item are left out; a
        related item without a vector counts as missed. Raises ``ValueError``
        for ``k < 1`` or when ``emb`` knows none of the items of ``related``.
        """
        _check_k(k)
        shares = []
        for item, others in related.items():
            if others and item in emb:
                near = {other for other, _ in emb.most_similar(item, topn=k)}
                shares.append(np.mean([other in near for other in others]))
        if not shares:
            raise ValueError("emb has a vector for none of the items of related")
        return float(np.mean(shares))

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


def _check_k(k) -> None:
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1:
        raise ValueError(f"k must be an int >= 1, got {k!r}")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _catalogue(rng: np.random.Generator) -> tuple[list[Item], dict[str, list[str]], list[tuple[str, str]]]:
    """The items, each anchor's complements (same brand, then other categories'), and each item's (category, kind)."""
    items, kind_of, goes_with = [], [], {}
    for category, (brands, kinds) in _CATALOGUE.items():
        for brand in brands:
            for kind, low, high, others in kinds:
                title = f"{brand} {kind}"
                price = round(float(np.exp(rng.uniform(np.log(low), np.log(high)))), 2)
                items.append(Item(_slug(title), title, category, price, kind))
                kind_of.append((category, kind))
                if others:
                    goes_with[_slug(title)] = [_slug(f"{brand} {other}") for other in others]
    by_kind: dict[tuple[str, str], list[str]] = {}
    for item, kind in zip(items, kind_of):
        by_kind.setdefault(kind, []).append(item.id)
    for item, kind in zip(items, kind_of):
        for other_kind in _CROSS.get(kind, []):
            goes_with.setdefault(item.id, []).extend(by_kind[other_kind])
    return items, goes_with, kind_of


class _Draw:
    """Draws one of ``members`` in proportion to ``weights`` (a cumulative sum and a binary search)."""

    def __init__(self, members, weights) -> None:
        self.members = np.asarray(members)
        self.cdf = np.cumsum(weights, dtype=float)

    def __call__(self, rng: np.random.Generator) -> int:
        return int(self.members[np.searchsorted(self.cdf, rng.random() * self.cdf[-1], side="right")])


def make_marketplace(
    n_users: int = 1000,
    *,
    sessions_per_user: float = 4.0,
    mean_length: float = 6.0,
    noise: float = 0.15,
    popularity_exponent: float = 1.0,
    multi_interest: float = 0.4,
    seed: int = 0,
) -> Marketplace:
    """Generate the catalogue, users and browsing sessions (see the module docstring).

    Parameters
    ----------
    n_users : number of users; each has one of 8 personas.
    sessions_per_user : mean sessions per user (each user has at least one).
    mean_length : mean views per session (each session has at least two, at most 30).
    noise : the chance that a step is a random click, to any item (by popularity).
    popularity_exponent : Zipf exponent ``s`` of item popularity: the item of
        rank ``r`` is picked in proportion to ``r ** -s`` (0: all items alike;
        1: the most popular item is picked 261 times as often as the least).
    multi_interest : the share of sessions about two of the user's categories
        rather than one; in those, a quarter of the steps jump to the other.
    seed : the same seed gives the same marketplace. The catalogue is the
        same for every seed except for its prices and popularity ranks.

    Other steps (fixed): 5% drift to another of the user's interests. Of
    the rest, from an item that goes with others (an anchor, or one of its
    complements, which leads back to the anchor), 40% go to one of them
    (each kind alike, a brand by popularity); 15% go to a substitute (the
    same kind of product of another brand); the others go to an item of
    the same category, by popularity. A session lands on an item of its
    category by popularity, anchors three times as likely.

    Raises ``ValueError`` naming a parameter out of range.
    """
    if not isinstance(n_users, (int, np.integer)) or n_users < 1:
        raise ValueError(f"n_users must be an int >= 1, got {n_users!r}")
    if not sessions_per_user >= 1:
        raise ValueError(f"sessions_per_user must be >= 1, got {sessions_per_user!r}")
    if not mean_length >= 2:
        raise ValueError(f"mean_length must be >= 2, got {mean_length!r}")
    if not 0 <= noise <= 1:
        raise ValueError(f"noise must be between 0 and 1, got {noise!r}")
    if not popularity_exponent >= 0:
        raise ValueError(f"popularity_exponent must be >= 0, got {popularity_exponent!r}")
    if not 0 <= multi_interest <= 1:
        raise ValueError(f"multi_interest must be between 0 and 1, got {multi_interest!r}")
    rng = np.random.default_rng(seed)
    items, complements, kind_of = _catalogue(rng)
    categories = list(_CATALOGUE)
    ids = [item.id for item in items]
    index = {item_id: i for i, item_id in enumerate(ids)}
    category_of = np.array([categories.index(item.category) for item in items])
    # long tail: each item gets a popularity rank r and is picked in proportion to r ** -s
    popularity = (rng.permutation(len(items)) + 1.0) ** -float(popularity_exponent)
    popularity /= popularity.sum()
    anchor = np.array([item.id in complements for item in items])
    members = [np.flatnonzero(category_of == c) for c in range(len(categories))]
    land = [_Draw(m, popularity[m] * np.where(anchor[m], 3.0, 1.0)) for m in members]
    same_category = [_Draw(m, popularity[m]) for m in members]
    anywhere = _Draw(np.arange(len(items)), popularity)
    substitute = {}
    for i, kind in enumerate(kind_of):
        others = [j for j, other in enumerate(kind_of) if other == kind and j != i]
        substitute[i] = _Draw(others, popularity[others]) if others else None
    # "goes with" works both ways: from a phone to its case, and from the case back to the phone
    linked: dict[int, dict[tuple[str, str], list[int]]] = {}
    for anchor_id, others in complements.items():
        a = index[anchor_id]
        for b in (index[other] for other in others):
            linked.setdefault(a, {}).setdefault(kind_of[b], []).append(b)
            linked.setdefault(b, {}).setdefault(kind_of[a], []).append(a)
    complement = {i: [_Draw(js, popularity[js]) for js in by_kind.values()] for i, by_kind in linked.items()}

    personas = list(_PERSONAS)
    users = [f"u{u:04d}" for u in range(n_users)]
    persona_of = rng.integers(len(personas), size=n_users)
    interests = np.zeros((n_users, len(categories)))
    for u in range(n_users):
        weights = _PERSONAS[personas[persona_of[u]]]
        base = np.array([weights.get(c, 0.0) for c in categories])
        interests[u] = rng.dirichlet(base * 20 + 0.05)  # blurred per user, mostly the persona's categories

    sessions, session_user, session_start, session_interests = [], [], [], []
    epoch = datetime(2026, 3, 1, tzinfo=timezone.utc)
    for u in range(n_users):
        likes = _Draw(np.arange(len(categories)), interests[u])
        n_sessions = 1 + rng.poisson(sessions_per_user - 1)
        starts = np.sort(rng.uniform(0, 30 * 24 * 3600, size=n_sessions))
        for start in starts:
            focus = [likes(rng)]
            if rng.random() < multi_interest:
                rest = interests[u].copy()
                rest[focus[0]] = 0.0
                if rest.sum() > 0:
                    focus.append(_Draw(np.arange(len(categories)), rest)(rng))
            cur = land[focus[0]](rng)
            views = [cur]
            length = 2 + rng.geometric(1.0 / (mean_length - 1)) - 1
            switch = _SWITCH if len(focus) == 2 else 0.0
            while len(views) < min(length, 30):
                if rng.random() < noise:  # a random click
                    cur = anywhere(rng)
                elif (r := rng.random()) < switch:  # the session's other interest
                    cur = land[focus[1] if category_of[cur] == focus[0] else focus[0]](rng)
                elif r < switch + _DRIFT:  # another of the user's interests
                    cur = land[likes(rng)](rng)
                else:
                    r = rng.random()
                    to_complement = _COMPLEMENT if cur in complement else 0.0
                    if r < to_complement:  # a complement of what they look at
                        kinds = complement[cur]
                        cur = kinds[rng.integers(len(kinds))](rng)
                    elif r < to_complement + _SUBSTITUTE and substitute[cur] is not None:  # another brand's
                        cur = substitute[cur](rng)
                    else:  # more of the same category
                        cur = same_category[category_of[cur]](rng)
                if cur != views[-1]:
                    views.append(cur)
            sessions.append([ids[v] for v in views])
            session_user.append(users[u])
            session_start.append(epoch + timedelta(seconds=float(round(start))))
            session_interests.append(tuple(categories[c] for c in focus))
    return Marketplace(
        items=items, sessions=sessions, session_user=session_user, session_start=session_start, users=users,
        persona={users[u]: personas[persona_of[u]] for u in range(n_users)}, interests=interests,
        categories=categories, complements=complements, personas=personas,
        session_interests=session_interests, popularity=popularity,
    )
