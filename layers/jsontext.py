"""JSON text written by orjson where it is the standard library's, byte for byte.

orjson writes plain JSON values (str, int, float, bool, None, list, tuple, dict with str
keys) as :mod:`json` does, about ten times faster, with two differences that matter
here: a float with an exponent may get other digits (``1e-05`` against ``0.00001``,
``1.5e-07`` against ``1.5e-7``), and NaN and infinity come out as ``null`` where
``allow_nan=False`` refuses them. Callers take orjson's text only when neither can be
in it, and the standard library's otherwise.
"""

from __future__ import annotations

import math
from typing import Any

import orjson

__all__ = ["exponent_like", "orjson_text"]

#: Types orjson writes and the standard library refuses: handed back to it, it raises.
_PASSTHROUGH = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
#: What :func:`_non_finite` walks into.
_CONTAINERS = (dict, list, tuple)


def exponent_like(text: bytes) -> bool:
    """Whether orjson's ``text`` may hold a number written with an exponent.

    The standard library writes a float with an exponent (``1e-05``, ``1e+16``) where
    orjson may not (``0.00001``), or with other digits (``7e-08`` against ``7e-8``); both
    write it with a sign after the ``e``, or as ``0.0000…``. Anything like it, also inside
    a string ("2e-3", "0.00001"), counts.
    """
    for mark in (b"e-", b"e+"):
        at = text.find(mark)
        while at > 0:
            if 48 <= text[at - 1] <= 57:  # a digit before the e
                return True
            at = text.find(mark, at + 2)
    return b"0.0000" in text


def _non_finite(value: Any) -> bool:
    """Whether a NaN or an infinity may be anywhere in ``value`` (dicts, lists, tuples walked).

    A container's floats are summed at once (NaN and infinity make the sum so), so the
    walk pays per container, not per number; sums beyond the largest float say yes too,
    which costs the caller the slow path, never a wrong text.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        values: list[Any] | tuple[Any, ...]
        if isinstance(item, dict):
            values = list(item.values())
        elif isinstance(item, list | tuple):
            values = item
        else:
            values = [item]
        kinds = set(map(type, values))
        floats = any(issubclass(kind, float) for kind in kinds)
        if floats and not math.isfinite(sum(v for v in values if isinstance(v, float))):
            return True
        if any(issubclass(kind, _CONTAINERS) for kind in kinds):
            stack.extend(v for v in values if isinstance(v, _CONTAINERS))
    return False


def orjson_text(payload: Any) -> bytes | None:
    """``json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)``
    in UTF-8, by orjson, or None where orjson's text may differ or the standard library
    would raise.

    None when the text holds a number like one with an exponent, or a ``null`` while
    ``payload`` holds a NaN or an infinity (a walk of its values, paid only then), or
    when orjson refuses the payload (lone surrogates, integers beyond 64 bits, keys
    other than str) or would write a date or a dataclass. UUIDs and plain enumerations,
    which orjson writes and the standard library refuses, are not looked for: no caller
    puts them in a payload.
    """
    try:
        raw = orjson.dumps(payload, option=_PASSTHROUGH)
    except (TypeError, orjson.JSONEncodeError):
        return None
    if exponent_like(raw) or (b"null" in raw and _non_finite(payload)):
        return None
    return raw
