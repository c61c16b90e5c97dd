"""Run every benchmark module and print one JSON object per line.

Each ``benchmarks/bench_*.py`` defines ``run() -> Iterable[dict]`` yielding rows with
``name``, ``value``, ``unit``, ``peer`` and ``peer_value``; the ratio is added here as
``peer_value / value`` (above 1: we are faster or lighter than the peer), or
``value / peer_value`` for a row marked ``higher_is_better`` (throughput), so that above 1
always means we do better.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    """Run the benchmark modules named in argv (default: all)."""
    here = Path(__file__).parent
    names = argv or sorted(
        m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_")
    )
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        for row in module.run():
            value = float(row["value"])
            peer_value = row.get("peer_value")
            if row.get("higher_is_better"):
                ratio = None if not peer_value else value / float(peer_value)
            else:
                ratio = None if peer_value is None or value == 0 else float(peer_value) / value
            out = {
                "name": row["name"],
                "value": value,
                "unit": row["unit"],
                "peer": row.get("peer"),
                "peer_value": peer_value,
                "ratio": None if ratio is None else round(ratio, 3),
            }
            print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
