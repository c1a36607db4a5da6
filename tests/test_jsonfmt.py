"""dumps_indented and iter_indented give exactly the standard library's indented JSON."""

from __future__ import annotations

import json
import math
import random
from typing import Any

import pytest

from layers.jsonfmt import dumps_indented, iter_indented
from tests.factories import collection, make_feature


class Subclass(dict):  # type: ignore[type-arg]
    pass


def _reference(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


CASES: list[Any] = [
    {},
    [],
    "text",
    1.5,
    None,
    True,
    [[[]]],
    {"a": {"b": {"c": None}}},
    {"a": [1, {"b": []}, [2, [3]]], "c": {}, "d": "\x00", "e": [{"x": "\x00"}]},
    {"quote": '"\\u0000"', "list": [1]},  # looks like the internal placeholder once encoded
    {"nan": math.nan, "inf": math.inf, "tiny": 1e-7, "big": 1e22, "neg": -0.0},
    {"escapes": 'tab\tnew\nline \u2028 \u00e9 \U0001f600 \\ " \x7f \x1f'},
    {1: "int key", "list": [1, 2]},
    {"tuple": (1, (2, "x")), "nested": {"t": ()}},
    {"sub": Subclass(a=[1, {"b": 2}])},
    collection(make_feature("a"), make_feature("b", fatalities={"min": 1, "max": 3}, tags=["x", "y"])),
]


@pytest.mark.parametrize("obj", CASES, ids=range(len(CASES)))
def test_same_text_as_the_standard_library(obj: Any) -> None:
    assert dumps_indented(obj) == _reference(obj)
    assert "".join(iter_indented(obj)) == _reference(obj)


def _random_value(rng: random.Random, depth: int) -> Any:
    kind = rng.randrange(9 if depth < 4 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.randint(-(10**12), 10**12)
    if kind == 3:
        return rng.uniform(-1e6, 1e6)
    if kind in (4, 5):
        return "".join(rng.choice('ab "\\\n\té\x00ш😀,:{}[]') for _ in range(rng.randrange(8)))
    if kind == 6:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    keys = [f"k{rng.randrange(20)}" for _ in range(rng.randrange(5))]
    return {key: _random_value(rng, depth + 1) for key in keys}


def test_random_documents() -> None:
    rng = random.Random(20231024)
    for _ in range(400):
        obj = {"features": [_random_value(rng, 1) for _ in range(3)], "meta": _random_value(rng, 1)}
        assert dumps_indented(obj) == _reference(obj)
        assert "".join(iter_indented(obj)) == _reference(obj)


def test_what_json_cannot_encode_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        dumps_indented({"a": object()})


def test_a_collection_is_streamed_feature_by_feature() -> None:
    data = collection(*(make_feature(f"f{n}") for n in range(5)))
    pieces = list(iter_indented(data))
    assert len(pieces) >= 5 + 2
    assert "".join(pieces) == _reference(data)
