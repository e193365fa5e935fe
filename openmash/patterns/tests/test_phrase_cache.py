"""The phrase reader's compiled-expression cache (``indicators.compiled_cache_set``) changes nothing it reads: rules
compiled as usual, the shipped rules compiled and written to the cache, and the same loaded from it
(``default_rules``) give identical findings over a varied corpus (every event of the scenario catalogues and the speed bench's templates, alone and two by two); a
damaged cache file is compiled again, never trusted."""

from __future__ import annotations

import re

import pytest

from openmash.patterns import indicators
from openmash.patterns.indicators import compiled_cache_set, load_phrase_rules, read_event
from openmash.patterns.speed import TEMPLATES

KINDS = ("other", "ed_attendance", "domestic_abuse", "missed_appointment", "police_welfare", "mental_health")


def _corpus() -> list[tuple[str, str]]:
    from openmash.patterns.scenarios import all_scenarios

    rows = {(r.values["event_type"], r.values["description"]) for s in all_scenarios() for r in s.rows}
    rows |= {(t, d) for items in TEMPLATES.values() for t, d, _w in items}
    ordered = sorted(rows)
    # two by two: a sentence's negation and explanation cues meeting another's words
    paired = [(a[0], f"{a[1]} {b[1]}") for a, b in zip(ordered, ordered[7:] + ordered[:7], strict=True)]
    return ordered + paired


def _readings(rules, corpus) -> list:
    return [read_event(KINDS[n % len(KINDS)], t, d, rules=rules) for n, (t, d) in enumerate(corpus)]


@pytest.fixture
def cache_restored():
    saved = indicators._CODE_CACHE[0]
    yield
    compiled_cache_set(saved)


def test_cached_rules_read_exactly_as_compiled_rules(tmp_path, cache_restored):
    corpus = _corpus()
    assert len(corpus) > 800
    compiled_cache_set(None)
    plain = load_phrase_rules()
    compiled_cache_set(tmp_path)
    written = indicators._shipped_cached()  # compiled, and both caches written
    assert len(list(tmp_path.glob("re-*.sre"))) == 3 and len(list(tmp_path.glob("rules-*.marshal"))) == 1
    loaded = indicators._shipped_cached()  # the tries and the scans from the caches
    assert isinstance(loaded.main.trie.root, indicators._LazyRoot)
    for name in ("main", "acronyms", "cues"):
        a, b = getattr(plain, name).scan, getattr(loaded, name).scan
        assert (a.pattern, a.flags, a.groups) == (b.pattern, b.flags, b.groups)
    assert (loaded.kind_indicators, loaded.phrase_count) == (plain.kind_indicators, plain.phrase_count)
    expected = _readings(plain, corpus)
    assert sum(map(len, expected)) > 500  # the corpus finds things
    assert _readings(written, corpus) == expected  # the classifiers compiled and written
    assert _readings(loaded, corpus) == expected  # the classifiers loaded
    assert dict(loaded.cues.trie.root.items()) == plain.cues.trie.root  # every branch, decoded


def test_a_damaged_cache_file_is_compiled_again(tmp_path, cache_restored):
    compiled_cache_set(tmp_path)
    pattern = r"(?<!\w)(?:b(?:ruis(?:e|ing)(?!\w)|urn(?!\w))|scald(?!\w))"
    first = indicators._scan_compile(pattern)
    (path,) = tmp_path.glob("re-*.sre")
    raw = bytearray(path.read_bytes())
    raw[-3] ^= 0xFF  # one flipped byte in the engine's code
    path.write_bytes(bytes(raw))
    again = indicators._scan_compile(pattern)
    text = "a bruise and a burn, no scald; bruising"
    assert [m.span() for m in again.finditer(text)] == [m.span() for m in first.finditer(text)]
    assert [m.span() for m in again.finditer(text)] == [m.span() for m in re.finditer(pattern, text)]
    assert path.read_bytes() != bytes(raw)  # written again, whole
    path.write_bytes(b"short")
    assert indicators._scan_compile(pattern).pattern == pattern


def test_no_cache_directory_means_plain_compiling(cache_restored):
    compiled_cache_set(None)
    assert indicators._scan_compile(r"(?<!\w)ab(?!\w)").search("x ab y").span() == (2, 4)
