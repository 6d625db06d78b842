"""One article, many spellings: canonical URLs make them one row."""

from __future__ import annotations

import random
from urllib.parse import urlsplit

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from monitor.urls import TRACKING_PARAMS, canonicalize_url, is_tracking_param, url_hash


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://Example.COM/a", "http://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com/a#section-2", "http://example.com/a"),
        ("http://example.com/a?b=2&a=1", "http://example.com/a?a=1&b=2"),
        ("http://example.com/a?utm_source=rss&utm_medium=feed&id=7", "http://example.com/a?id=7"),
        ("http://example.com/a?fbclid=X&gclid=Y&msclkid=Z&_ga=1", "http://example.com/a"),
        ("http://example.com/a?UTM_Campaign=x&mc_cid=1&mc_eid=2", "http://example.com/a"),
        ("http://example.com/%7Euser/%61rticle", "http://example.com/~user/article"),
        ("http://example.com/caf%c3%a9", "http://example.com/caf%C3%A9"),
        ("http://example.com/café", "http://example.com/caf%C3%A9"),
        ("http://example.com/a b", "http://example.com/a%20b"),
        ("http://example.com/a/./b/../c", "http://example.com/a/c"),
        ("http://Bücher.example/", "http://xn--bcher-kva.example/"),
        ("http://example.com./a", "http://example.com/a"),
        ("http://example.com/a?q=a%2Bb&x=%3d", "http://example.com/a?q=a%2Bb&x=%3D"),
        ("http://example.com/a?", "http://example.com/a"),
        ("http://[::1]:80/a", "http://[::1]/a"),
        ("  http://example.com/a  ", "http://example.com/a"),
    ],
    ids=lambda value: value[:40],
)
def test_canonical_forms(url: str, canonical: str) -> None:
    assert canonicalize_url(url) == canonical


def test_hash_is_a_sha256_hex_of_the_canonical_form() -> None:
    digest = url_hash("HTTP://Example.com/a?utm_source=x#top")
    assert digest == url_hash("http://example.com/a")
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert digest != url_hash("http://example.com/b")


labels = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
hosts = st.lists(labels, min_size=1, max_size=3).map(lambda parts: ".".join([*parts, "org"]))
segment_chars = st.characters(codec="utf-8", exclude_characters="/?#%\x00")
segments = st.text(segment_chars, max_size=8)
paths = st.lists(segments, max_size=4).map(lambda parts: "/" + "/".join(parts))
names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
values = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-._~+é", max_size=8)
params = st.lists(st.tuples(names, values), max_size=5)
tracking = st.sampled_from([*sorted(TRACKING_PARAMS), "utm_source", "utm_campaign", "UTM_X"])


def build(scheme: str, host: str, path: str, query: list[tuple[str, str]], fragment: str) -> str:
    query_text = "&".join(f"{k}={v}" for k, v in query)
    return f"{scheme}://{host}{path}" + (f"?{query_text}" if query_text else "") + fragment


@given(
    st.sampled_from(["http", "https"]),
    hosts,
    paths,
    params,
    st.sampled_from(["", "#x", "#!/route"]),
)
def test_canonicalisation_is_idempotent(
    scheme: str, host: str, path: str, query: list[tuple[str, str]], fragment: str
) -> None:
    once = canonicalize_url(build(scheme, host, path, query, fragment))
    assert canonicalize_url(once) == once


@given(st.text(max_size=60))
def test_any_text_gives_a_stable_answer(text: str) -> None:
    once = canonicalize_url(text)
    assert canonicalize_url(once) == once


@given(hosts, paths, params, st.lists(st.tuples(tracking, values), min_size=1, max_size=4))
def test_tracking_params_never_survive(
    host: str, path: str, query: list[tuple[str, str]], trackers: list[tuple[str, str]]
) -> None:
    canonical = canonicalize_url(build("https", host, path, query + trackers, ""))
    kept = [item.partition("=")[0] for item in urlsplit(canonical).query.split("&") if item]
    assert not any(is_tracking_param(name) for name in kept)


@given(
    st.sampled_from(["http", "https"]),
    hosts,
    paths,
    params,
    st.lists(st.tuples(tracking, values), max_size=3),
    st.randoms(use_true_random=False),
)
def test_equivalent_spellings_collide(
    scheme: str,
    host: str,
    path: str,
    query: list[tuple[str, str]],
    trackers: list[tuple[str, str]],
    rnd: random.Random,
) -> None:
    # Trailing white space ends a URL but not a path followed by more (WHATWG URL
    # parsing strips it only at the very end), so such paths are not equivalent here.
    assume(path == path.rstrip())
    plain = build(scheme, host, path, query, "")
    shuffled = list(query + trackers)
    rnd.shuffle(shuffled)
    port = {"http": ":80", "https": ":443"}[scheme]
    variant = build(scheme.upper(), host.upper() + port, path, shuffled, "#frag")
    assert url_hash(variant) == url_hash(plain)
    assert canonicalize_url(variant) == canonicalize_url(plain)
