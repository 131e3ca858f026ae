"""`python -m bench`: the performance and context figures of issue 11, as one table.

Every figure is a ratio or a count taken in the same run, against the sandbox fakes on 127.0.0.1, so the
machine's speed and noise cancel. `--quick` runs each row small (the test suite runs it so it cannot rot);
`--only NAME` runs one group of rows. See BENCHMARKS.md for a full run and how to read it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from bench import rows, speed
from bench.harness import fakes
from bench.load import machine

GROUPS = {
    "startup": rows.startup,
    "overhead": rows.overhead,
    "multipage": rows.multipage,
    "continuation": rows.continuation,
    "concurrency": rows.concurrency,
    "memory": rows.memory,
    "context": rows.context,
    "scaling": speed.scaling,
    "cpu": speed.group_quarter,
    "rowcap": speed.row_cap,
    "latency": speed.latency,
    "report_context": speed.report_chars,
}


def render(table: list[rows.Row]) -> str:
    header = ("row", "figure", "target", "detail")
    lines = [header] + [(r.name, r.figure, r.target, r.detail) for r in table]
    widths = [max(len(line[i]) for line in lines) for i in range(3)]
    out = [f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c:<{widths[2]}}  {d}" for a, b, c, d in lines]
    out.insert(1, "-" * (sum(widths) + 6 + len("detail")))
    return "\n".join(out)


async def run(names: list[str], quick: bool) -> list[rows.Row]:
    table: list[rows.Row] = []
    with fakes() as running:
        for name in names:
            start = time.perf_counter()
            try:
                table += await GROUPS[name](running, quick)
            except Exception as exc:  # one broken group must not hide the others' figures
                table.append(rows.Row(f"{name}: FAILED", "-", "-", f"{type(exc).__name__}: {exc}"[:300]))
            print(f"  ({name}: {time.perf_counter() - start:.1f} s)", file=sys.stderr, flush=True)
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small samples: a smoke run of every row (~30 s)")
    parser.add_argument("--only", choices=sorted(GROUPS), action="append", help="run this group of rows (repeatable)")
    args = parser.parse_args(argv)
    names = args.only or list(GROUPS)
    print(f"machine: {machine()}; {'quick' if args.quick else 'full'} run", flush=True)
    table = asyncio.run(run(names, args.quick))
    print(render(table))
    return 1 if any(r.name.endswith("FAILED") for r in table) else 0


if __name__ == "__main__":
    sys.exit(main())
