"""The benchmarks: `python -m bench` (or `make bench`) runs them all, one after the other;
`python -m bench document|web|scheduler` runs the ones named. Each runs on SQLite and, with
BENCH_DATABASE_URL set (postgresql+psycopg://USER:PW@HOST:PORT/DB, a role with CREATEDB), again
on a throw-away database of that PostgreSQL server (see bench/databases.py).

Each prints its figures as ratios against a baseline measured in the same run, the target and
PASS/MISS (or ok/MISS) per line, and returns 1 when a target is missed. The exit status is 1
when any benchmark missed a target.
"""

from __future__ import annotations

import sys
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BENCHMARKS = ("document", "web", "scheduler")


def main(argv: list[str] | None = None) -> int:
    """Run the named benchmarks (all when none is named); 1 if any target was missed."""
    names = list(argv if argv is not None else sys.argv[1:]) or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}",
              file=sys.stderr)
        return 2
    from bench.databases import kinds, label

    status = 0
    for kind in kinds():
        for name in names:
            print(f"\n== bench {name} on {label(kind)}", flush=True)
            status |= import_module(f"bench.{name}").main(kind) or 0
    return status


if __name__ == "__main__":
    sys.exit(main())
