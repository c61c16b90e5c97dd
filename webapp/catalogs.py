"""Extract translatable strings per domain and update the ``.po`` catalogs (``make catalogs``).

A string is translatable when the code marks it: ``_()``/``gettext()``/``lazy_gettext()`` (or
``_l``) in webapp and cli, ``N_()`` or ``Message("…")`` in parks, ``{{ _('…') }}`` or
``{% trans %}`` in templates. Which files feed which domain is :data:`DOMAIN_SOURCES`; the first
pattern list that claims a file wins, so a file belongs to exactly one domain.

Run ``python -m webapp.catalogs`` (what ``make catalogs`` does): it merges new msgids into each
``webapp/translations/ja/LC_MESSAGES/<domain>.po`` with an empty translation to fill in and
drops msgids no code uses any more.
"""

from __future__ import annotations

import fnmatch
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from webapp.i18n import DOMAINS, TRANSLATIONS_DIR

ROOT = TRANSLATIONS_DIR.parent.parent
"""The repository root (catalog sources are matched relative to it)."""

KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "N_": None,
    "Message": None,
    "gettext_in": (2,),
}
"""Call names whose first argument is a msgid."""

DOMAIN_SOURCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("parks", ("parks/*.py", "parks/**/*.py")),
    (
        "map",
        (
            "webapp/maps.py",
            "webapp/map_*.py",
            "webapp/layers*.py",
            "webapp/templates/public/map.html",
            "webapp/templates/map/*",
        ),
    ),
    ("api", ("webapp/api.py", "webapp/api/*.py", "webapp/openapi*.py", "webapp/templates/api/*")),
    ("staff", ("webapp/staff*.py", "webapp/staff/*.py", "webapp/templates/staff/*")),
    ("planner", ("webapp/planner*.py", "webapp/planner/*.py", "webapp/templates/planner/*")),
    ("cli", ("cli/*.py",)),
    ("messages", ("webapp/*.py", "webapp/templates/*.html", "webapp/templates/**/*.html")),
)
"""Domain of each source file, by glob relative to the repository root; first match wins."""

LANGS_WITH_CATALOGS = ("ja",)
"""English is the msgid language, so only Japanese needs a catalog."""


def domain_of(relpath: str) -> str | None:
    """Return the domain a repository-relative file belongs to, or None."""
    for domain, patterns in DOMAIN_SOURCES:
        if any(fnmatch.fnmatch(relpath, p) for p in patterns):
            return domain
    return None


def _source_files() -> Iterator[tuple[str, Path]]:
    for top in ("parks", "webapp", "cli"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix not in {".py", ".html"} or "vendor" in path.parts:
                continue
            rel = path.relative_to(ROOT).as_posix()
            domain = domain_of(rel)
            if domain is not None:
                yield domain, path


def extract(domain: str) -> Catalog:
    """Return a template catalog of every msgid the sources of ``domain`` mark."""
    catalog = Catalog(domain=domain, project="kanazawa-siting", charset="utf-8")
    for file_domain, path in _source_files():
        if file_domain != domain:
            continue
        method = "python" if path.suffix == ".py" else "jinja2"
        options = {"extensions": "jinja2.ext.i18n"} if method == "jinja2" else {}
        rel = path.relative_to(ROOT).as_posix()
        for lineno, message, comments, context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=options
        ):
            if isinstance(message, str) and not message.strip():
                continue
            catalog.add(message, locations=[(rel, lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(lang: str, domain: str) -> Path:
    """Return the ``.po`` file of one language and domain."""
    return TRANSLATIONS_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def read_catalog(lang: str, domain: str) -> Catalog:
    """Read one ``.po`` catalog (an empty one if the file does not exist yet)."""
    path = po_path(lang, domain)
    if not path.exists():
        return Catalog(locale=lang, domain=domain, charset="utf-8")
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=domain)


def update(domain: str) -> tuple[int, int]:
    """Merge the msgids extracted for ``domain`` into each language's ``.po``.

    Returns ``(msgids, untranslated)`` over the Japanese catalog.
    """
    template = extract(domain)
    untranslated = 0
    for lang in LANGS_WITH_CATALOGS:
        catalog = read_catalog(lang, domain)
        created = catalog.creation_date  # keep the header stable: no churn, no merge conflicts
        catalog.update(template, no_fuzzy_matching=True)
        catalog.creation_date = created
        path = po_path(lang, domain)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(
                fh, catalog, sort_output=True, width=100, ignore_obsolete=True, include_lineno=False
            )
        untranslated += sum(1 for m in catalog if m.id and not m.string)
    return len(template), untranslated


def main() -> int:
    """Update every domain; print what needs translating."""
    for domain in DOMAINS:
        total, missing = update(domain)
        print(f"{domain}: {total} msgids, {missing} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
