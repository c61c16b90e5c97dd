"""User-facing messages of the domain layer, kept translatable without knowing any UI.

``parks`` never renders a sentence in a language itself: it returns a :class:`Message` (an
English gettext msgid with named ``%(placeholders)s`` and their values), and ``webapp`` or
``cli`` render it in the active language from the gettext catalogs
(``webapp/translations/<lang>/LC_MESSAGES/parks.po``). Values that name something the user
knows by a name, not an id (a park, an industry, a destination, a programme), are passed as
:class:`Name` so the renderer can show the human name in the right language.

Examples
--------
>>> m = Message("%(area)s m² short", {"area": 2100})
>>> m.english()
'2,100 m² short'
>>> Message("%(park)s admits it", {"park": Name("park", "inaho", en="Inaho")}).english()
'Inaho admits it'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any


def N_(msgid: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark ``msgid`` for extraction into the catalogs without translating it now."""
    return msgid


@dataclass(frozen=True)
class Name:
    """A reference to something the user knows by its name, never shown as ``id``.

    ``ja`` and ``en`` are filled when the domain knows the names (parks, destinations,
    programmes come with their names in the data); otherwise the renderer looks the
    ``(kind, id)`` pair up in its catalog of names (industries, statuses, zone kinds).
    """

    kind: str
    id: str
    ja: str | None = None
    en: str | None = None

    def in_lang(self, lang: str) -> str | None:
        """Return the name carried for ``lang``, or None when the renderer must look it up."""
        return self.ja if lang == "ja" else self.en


@dataclass(frozen=True)
class Message:
    """A translatable sentence: an English msgid with ``%(name)s`` placeholders and values.

    Parameter values are plain numbers, strings, dates, :class:`Name` references, nested
    :class:`Message` objects or lists of those (rendered as an enumeration).
    """

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def english(self) -> str:
        """Render in English without catalogs (logs, tests, the ``en`` fallback)."""
        return self.msgid % {k: english_value(v) for k, v in self.params.items()}

    def __str__(self) -> str:
        return self.english()


@dataclass(frozen=True)
class Problem:
    """What is wrong with one input and how to fix it: the input's path and a message.

    ``path`` holds the keys from the top of the input down to the value, e.g.
    ``("land_m2", "max")``; it is empty for a problem with the input as a whole. Forms
    show the message next to the field at that path, APIs return both.
    """

    path: tuple[str | int, ...]
    message: Message

    @property
    def field(self) -> str:
        """The path as dotted text (``land_m2.max``; '' for the whole input)."""
        return ".".join(str(p) for p in self.path)

    def english(self) -> str:
        """Render in English as ``$.path: message`` (logs, tests, the CLI)."""
        where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in self.path)
        return f"{where}: {self.message.english()}" if self.path else self.message.english()

    def __str__(self) -> str:
        return self.english()


def english_value(value: Any) -> str:
    """Render one parameter value in English (the fallback used when no catalog applies)."""
    if isinstance(value, Message):
        return value.english()
    if isinstance(value, Name):
        return value.en or value.id
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(english_value(v) for v in value)
    return str(value)
