"""The lot inventory as a system of record: the store, the lot workflow, leads and accounts.

Entry points:

- :func:`open_store` opens (creating and filling on first use) the store;
- :class:`CurrentLayers` / :func:`current_layers`: the read API public code uses to see the
  lots as they are now (published baseline + every change since, public fields only);
- :mod:`parks.inventory.workflow`: status moves and edits with optimistic locking;
- :mod:`parks.inventory.leads`: confidential enquiries and the lots that fit them;
- :mod:`parks.inventory.users`: accounts (Argon2) and the audit log;
- :func:`layer_summary`: per-layer counts of the embedded dataset (``siting layers``).
"""

from __future__ import annotations

from parks.inventory.current import PUBLIC_COLUMNS, CurrentLayers, current_layers
from parks.inventory.store import Store, StoreError, open_store
from parks.inventory.summary import layer_summary

__all__ = [
    "PUBLIC_COLUMNS",
    "CurrentLayers",
    "Store",
    "StoreError",
    "current_layers",
    "layer_summary",
    "open_store",
]
