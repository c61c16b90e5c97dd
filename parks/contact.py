"""The city office a firm contacts (企業立地課): one record, read from ``contact.yaml``.

Pages, the pitch sheet and grant reasons that say "ask the city" all name the same office
with the same phone number, so the fact lives in one file with its sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from parks.facts import read_yaml
from parks.messages import Name

CONTACT_PATH = Path(__file__).with_name("contact.yaml")
"""The contact record shipped with the package."""


@dataclass(frozen=True)
class Contact:
    """The Corporate Location Division: its name, address, phone and web site.

    Only confirmed fields are here; ``contact.yaml`` keeps unconfirmed ones apart.
    """

    office: Name
    address_ja: str
    address_en: str
    phone: str
    url: str
    sources: tuple[str, ...]
    checked_on: str

    def __post_init__(self) -> None:
        missing = [
            name
            for name in ("address_ja", "address_en", "phone", "url")
            if not str(getattr(self, name)).strip()
        ]
        if not (self.office.ja and self.office.en):
            missing.append("office")
        if missing:
            msg = f"contact record lacks {', '.join(missing)}"
            raise ValueError(msg)

    def address(self, lang: str) -> str:
        """Return the postal address in ``lang`` (Japanese unless ``lang`` is 'en')."""
        return self.address_en if lang == "en" else self.address_ja


@cache
def load_contact(path: Path = CONTACT_PATH) -> Contact:
    """Read the contact record (cached).

    Raises
    ------
    DataNotFoundError
        If the file is missing or not a mapping.
    ValueError
        If a required field is empty.

    Examples
    --------
    >>> c = load_contact()
    >>> c.office.ja, c.phone
    ('金沢市 経済局 企業立地課', '076-220-2225')
    """
    data = read_yaml(path)
    office = data.get("office", {})
    address = data.get("address", {})
    sources = [str(address.get("source", ""))]
    sources += [str(s.get("url") or s.get("note")) for s in data.get("phone_sources", [])]
    return Contact(
        office=Name(
            "office", "corporate-location-division", ja=office.get("ja"), en=office.get("en")
        ),
        address_ja=str(address.get("ja", "")),
        address_en=str(address.get("en", "")),
        phone=str(data.get("phone", "")),
        url=str(data.get("url", "")),
        sources=tuple(s for s in sources if s),
        checked_on=str(data.get("checked_on", "")),
    )
