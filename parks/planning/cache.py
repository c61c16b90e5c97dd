"""Per-dataset caches: things derived once from a loaded Layers object and reused."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_CACHE: dict[tuple[int, str], tuple[weakref.ref[Any], Any]] = {}
_LOCK = threading.Lock()


def cached(owner: object, key: str, build: Callable[[], T]) -> T:
    """Return ``build()`` computed once per ``owner`` object and ``key``.

    The entry goes when ``owner`` is garbage-collected, so a reloaded dataset never sees
    another's results.
    """
    slot = (id(owner), key)
    with _LOCK:
        hit = _CACHE.get(slot)
        if hit is not None and hit[0]() is owner:
            value: T = hit[1]
            return value
    value = build()

    def forget(_ref: object, s: tuple[int, str] = slot) -> None:
        _CACHE.pop(s, None)

    with _LOCK:
        _CACHE[slot] = (weakref.ref(owner, forget), value)
    return value
