import re
from collections import Counter

import numpy as np
import pytest

from embedlib.data import load_session_log, make_marketplace
from embedlib.marketplace import _PERSONAS
from embedlib.session_log import user_vectors
from embedlib.vectors import Embeddings


@pytest.fixture(scope="module")
def market():
    return make_marketplace(n_users=300, seed=1)


def test_catalogue_is_readable_and_complete(market):
    assert len(market.items) == 261 and len({i.id for i in market.items}) == 261
    assert {i.category for i in market.items} == set(market.categories)
    for item in market.items:
        assert item.price > 0 and item.title and item.id == item.id.lower() and item.title.endswith(item.kind)
    # complements are never the item itself; in its category they share its brand, and some are in other categories
    across = 0
    for anchor, others in market.complements.items():
        brand = market.title(anchor).split()[0]
        for other in others:
            assert other != anchor
            if market.category(other) == market.category(anchor):
                assert market.title(other).startswith(brand)
            else:
                across += 1
    assert across >= 50
    # substitutes: the same kind from the category's other brands
    subs = market.substitutes["summit-tent"]
    assert sorted(subs) == ["ember-tent", "trailhead-tent"]
    assert all(len(v) == 2 for v in market.substitutes.values())


def test_same_seed_same_market_other_seed_other_sessions():
    a, b, c = make_marketplace(n_users=40, seed=3), make_marketplace(n_users=40, seed=3), make_marketplace(n_users=40, seed=4)
    assert a.sessions == b.sessions and a.sessions != c.sessions
    assert [i.title for i in a.items] == [i.title for i in c.items]
    assert np.array_equal(a.popularity, b.popularity) and not np.array_equal(a.popularity, c.popularity)


def _steps(market):
    return [(a, b) for s in market.sessions for a, b in zip(s, s[1:])]


def test_sessions_follow_interests_and_complements_but_are_no_islands(market):
    lengths = [len(s) for s in market.sessions]
    assert min(lengths) >= 2 and 5 <= np.mean(lengths) <= 7
    assert all(a != b for s in market.sessions for a, b in zip(s, s[1:]))
    # most steps stay in the category, but far from all; many go from an anchor to one of its complements
    steps = _steps(market)
    same = np.mean([market.category(a) == market.category(b) for a, b in steps])
    from_anchor = [(a, b) for a, b in steps if a in market.complements]
    to_complement = np.mean([b in market.complements[a] for a, b in from_anchor])
    assert 0.5 < same < 0.8 and to_complement > 0.25
    # users browse their persona's categories far more than others
    index = {c: k for k, c in enumerate(market.categories)}
    views = np.zeros((len(market.users), len(market.categories)))
    row = {u: k for k, u in enumerate(market.users)}
    for s, user in zip(market.sessions, market.session_user):
        for item in s:
            views[row[user], index[market.category(item)]] += 1
    persona_categories = np.array([[c in _PERSONAS[market.persona[u]] for c in market.categories] for u in market.users])
    share = (views * persona_categories).sum(axis=1) / views.sum(axis=1)
    assert share.mean() > 0.6  # their persona's 3 categories of 12, where a random click would give 1 in 4
    assert set(market.persona.values()) <= set(market.personas)


def _top_decile_share(market):
    views = Counter(item for s in market.sessions for item in s)
    counts = np.sort([views[i.id] for i in market.items])[::-1]
    return counts[: len(counts) // 10].sum() / counts.sum()


def test_popularity_has_a_long_tail_set_by_its_exponent():
    flat = make_marketplace(n_users=300, popularity_exponent=0.0, seed=2)
    zipf = make_marketplace(n_users=300, seed=2)
    steep = make_marketplace(n_users=300, popularity_exponent=1.5, seed=2)
    assert np.allclose(flat.popularity, 1 / 261)
    ranked = np.sort(zipf.popularity)[::-1]
    assert np.allclose(ranked / ranked[0], np.arange(1, 262) ** -1.0)  # Zipf: rank r gets r ** -1
    assert _top_decile_share(flat) < 0.25 < 0.3 < _top_decile_share(zipf) < _top_decile_share(steep)


def test_some_sessions_mix_two_interests_and_noise_leaves_the_users_interests():
    market = make_marketplace(n_users=400, multi_interest=0.5, seed=5)
    two = [k for k, focus in enumerate(market.session_interests) if len(focus) == 2]
    assert 0.4 < len(two) / len(market.sessions) < 0.6
    long_two = [k for k in two if len(market.sessions[k]) >= 6]
    both = np.mean([set(market.session_interests[k]) <= {market.category(i) for i in market.sessions[k]}
                    for k in long_two])
    assert both > 0.6  # a long two-interest session usually visits both
    single = make_marketplace(n_users=100, multi_interest=0.0, seed=5)
    assert all(len(focus) == 1 for focus in single.session_interests)
    quiet, noisy = make_marketplace(n_users=300, noise=0.0, seed=6), make_marketplace(n_users=300, noise=0.5, seed=6)
    same = [np.mean([m.category(a) == m.category(b) for a, b in _steps(m)]) for m in (quiet, noisy)]
    assert same[0] > same[1] + 0.2


def test_scores_of_item_vectors_against_the_truth(market):
    ids = [i.id for i in market.items]
    by_category = Embeddings(ids, np.eye(len(market.categories))[[market.categories.index(market.category(i)) for i in ids]]
                             + 1e-3 * np.random.default_rng(0).normal(size=(len(ids), len(market.categories))))
    assert market.category_purity(by_category, k=10) == 1.0
    random = Embeddings(ids, np.random.default_rng(1).normal(size=(len(ids), 16)))
    assert market.category_purity(random, k=10) < 0.2
    kinds = sorted({(i.category, i.kind) for i in market.items})
    one_hot = np.eye(len(kinds))[[kinds.index((i.category, i.kind)) for i in market.items]]
    by_kind = Embeddings(ids, one_hot + 1e-3 * np.random.default_rng(2).normal(size=one_hot.shape))
    assert market.neighbour_recall(by_kind, market.substitutes, k=2) == 1.0
    assert market.neighbour_recall(random, market.complements, k=10) < 0.2
    with pytest.raises(ValueError, match="k must be an int >= 1"):
        market.category_purity(random, k=0)
    with pytest.raises(ValueError, match="none of the items"):
        market.neighbour_recall(Embeddings(["x"], [[1.0]]), market.complements)


def test_user_vectors_average_sessions_then_users():
    emb = Embeddings(["a", "b", "c"], [[2.0, 0.0], [0.0, 3.0], [1.0, 1.0]])
    sessions = [["a", "a", "a", "b"], ["b"], ["nope"], ["c", "a"]]
    got = user_vectors(emb, sessions, ["u", "u", "v", "v"], ["w", "v", "u"])
    u = emb.unit_vectors
    assert got.shape == (3, 2) and got.dtype == np.float32
    assert np.allclose(got[0], 0) and np.allclose(got[1], (u[2] + u[0]) / 2)  # "nope" alone: skipped
    assert np.allclose(got[2], ((3 * u[0] + u[1]) / 4 + u[1]) / 2)  # each session once, not each view
    with pytest.raises(ValueError, match="same length"):
        user_vectors(emb, sessions, ["u"], ["u"])
    with pytest.raises(ValueError, match="user 'v', who is not in users"):
        user_vectors(emb, sessions, ["u", "u", "v", "v"], ["u"])


def test_bad_parameters_are_named():
    with pytest.raises(ValueError, match="n_users must be an int >= 1"):
        make_marketplace(n_users=0)
    with pytest.raises(ValueError, match="mean_length must be >= 2"):
        make_marketplace(mean_length=1)
    with pytest.raises(ValueError, match="noise must be between 0 and 1"):
        make_marketplace(noise=2)
    with pytest.raises(ValueError, match="popularity_exponent must be >= 0"):
        make_marketplace(popularity_exponent=-1)
    with pytest.raises(ValueError, match="multi_interest must be between 0 and 1"):
        make_marketplace(multi_interest=1.5)
    with pytest.raises(KeyError, match="no item 'nope'"):
        make_marketplace(n_users=2).title("nope")


def test_csv_round_trip(market, tmp_path):
    path = tmp_path / "log.csv"
    market.to_csv(path)
    assert path.read_text().splitlines()[0] == "user,session,timestamp,item"
    log = load_session_log(path)
    assert log.sessions == market.sessions and log.users == market.session_user
    assert len(log) == len(market.sessions)


def test_log_rows_in_any_order_numeric_times_and_other_column_names(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "visitor,visit,ts,sku\n"
        "b,1,30,z\n"
        "a,9,20,y\n"
        "a,9,10,x\n"
        "b,1,5,w\n"
        "a,10,100,q\n"
        "b,2,7,solo\n"
    )
    log = load_session_log(path, user="visitor", session="visit", timestamp="ts", item="sku")
    assert log.sessions == [["w", "z"], ["solo"], ["x", "y"], ["q"]]
    assert log.users == ["b", "b", "a", "a"] and log.session_ids == ["1", "2", "9", "10"]
    assert load_session_log(path, user="visitor", session="visit", timestamp="ts", item="sku", min_length=2).sessions == [
        ["w", "z"], ["x", "y"]]


def test_iso_times_with_and_without_zone(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user,session,timestamp,item\nu,s,2026-03-01T10:00:05Z,b\nu,s,2026-03-01T10:00:00,a\n")
    assert load_session_log(path).sessions == [["a", "b"]]


@pytest.mark.parametrize(
    "content,message",
    [
        ("", "is empty; expected a header row"),
        ("user,session,item\n", "no column(s) 'timestamp'; its header (line 1) is user, session, item. Pass the names"),
        ("user,session,timestamp,item\n", "has a header but no rows"),
        ("user,session,timestamp,item\nu,s,yesterday,a\n", "line 2: timestamp 'yesterday' is neither a number nor an ISO 8601"),
        ("user,session,timestamp,item\nu,s,1,a\nu,s,2,\n", "line 3: empty item"),
    ],
)
def test_bad_logs_get_clear_errors(tmp_path, content, message):
    path = tmp_path / "log.csv"
    path.write_text(content)
    with pytest.raises(ValueError) as info:
        load_session_log(path)
    assert message in str(info.value)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="no session log at .*nope.csv"):
        load_session_log(tmp_path / "nope.csv")


HEADER = "user,session,timestamp,item\n"


@pytest.mark.parametrize("content,line", [
    (HEADER + "\nu,s,1,a\n\n\nu,s,oops,b\n", 6),  # blank lines count, as in an editor
    ("\n\n" + HEADER + "u,s,oops,a\n", 4),  # blank lines before the header too
    (HEADER + 'u,s,1,"two\nlines"\r\nu,s,oops,b\r\n', 4),  # a quoted line break, Windows line ends
    (HEADER + "u,s,1,a\n  \n,,,\nu,s,oops,b\n", 5),  # whitespace-only and empty-field lines are blank
])
def test_errors_name_the_files_own_line_numbers(tmp_path, content, line):
    path = tmp_path / "log.csv"
    path.write_bytes(content.encode())
    with pytest.raises(ValueError, match=rf"log.csv', line {line}: timestamp 'oops' is neither a number"):
        load_session_log(path)


@pytest.mark.parametrize("value", ["", "   ", "nan", "NaN", "inf", "-Infinity", "yesterday", "2026-13-01", "12:00"])
def test_every_value_that_is_not_a_time_is_an_error_naming_the_line(tmp_path, value):
    path = tmp_path / "log.csv"
    path.write_text(HEADER + "u,s,1,a\n" + f"u,s,{value},b\n")
    with pytest.raises(ValueError, match=r"log.csv', line 3: (empty timestamp|timestamp .* is (not|neither))"):
        load_session_log(path)


def test_a_file_that_is_not_utf8_names_the_file_the_line_and_the_encoding_to_try(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes((HEADER + "u,s,1,mug\nu,s,2,café\n").encode("cp1252"))
    with pytest.raises(ValueError, match=r"excel.csv' is not utf-8-sig text \(line 3 .*\); .*encoding='cp1252'"):
        load_session_log(path)
    assert load_session_log(path, encoding="cp1252").sessions == [["mug", "café"]]
    path.write_bytes((HEADER + "u,s,1,mug\n").encode("utf-16"))
    with pytest.raises(ValueError, match=r"UTF-16 byte-order mark: pass encoding='utf-16'"):
        load_session_log(path)
    assert load_session_log(path, encoding="utf-16").sessions == [["mug"]]
    with pytest.raises(ValueError, match=r"encoding='utf-99' is not an encoding"):
        load_session_log(path, encoding="utf-99")


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_another_delimiter_gets_a_hint_about_the_delimiter(tmp_path, delimiter):
    path = tmp_path / "log.csv"
    path.write_text(HEADER.replace(",", delimiter) + delimiter.join(["u", "s", "1", "a"]) + "\n")
    with pytest.raises(ValueError, match=r"columns are separated by .*pass delimiter=" + re.escape(repr(delimiter))) as info:
        load_session_log(path)
    assert "Pass the names your export uses" not in str(info.value)
    assert load_session_log(path, delimiter=delimiter).sessions == [["a"]]


def test_spaces_around_header_names_and_values_are_ignored(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(" user , session,timestamp ,  item\nu1, s1, 20 , mug\nu1,s1,10,kettle,\n")  # a trailing comma too
    assert load_session_log(path).sessions == [["kettle", "mug"]]


@pytest.mark.parametrize("row,message", [
    ("u,s,1\n", r"line 2 has 3 fields but the header has 4; fill in the missing values"),
    ("u,s,1,phone, case\n", r"line 2 has 5 fields but the header has 4; a value that contains ',' must be quoted"),
])
def test_rows_of_the_wrong_length_are_named(tmp_path, row, message):
    path = tmp_path / "log.csv"
    path.write_text(HEADER + row)
    with pytest.raises(ValueError, match=message):
        load_session_log(path)


def test_a_column_named_twice_is_an_error(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user,session,timestamp,item,item\nu,s,1,a,b\n")
    with pytest.raises(ValueError, match=r"header \(line 1\) has the column 'item' twice"):
        load_session_log(path)
