"""What bounds the missed targets of `python -m bench` (BENCHMARKS.md, "What bounds them").

`python -m bench.bounds` prints three breakdowns:
- imports: `python -X importtime` of `import mcp_server.server` vs the minimal server's `import fastmcp`;
  the modules only ours imports, by top-level group, and the slowest of them (self time);
- call: a cProfile of N in-memory `tiktok_marketing_execute` ads list calls (limit 25) against the TikTok fake
  on a socket, own time split into buckets by where the code lives, in µs per call;
- context: per tool, the bytes of its description, input schema and annotations in tools/list, and the
  bytes of the parts that carry facts an agent needs (entity enums, ads_report's arguments).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

from bench.harness import BENCH, base_env, direct_settings, environ

# --- imports ---


HANDSHAKE = "".join(json.dumps(m) + "\n" for m in (
    {"jsonrpc": "2.0", "id": 1, "method": "initialize",
     "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "0"}}},
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
))  # fmt: skip


def import_times(argv: list[str]) -> dict[str, tuple[int, int]]:
    """module -> (self µs, cumulative µs) from `python -X importtime argv`, served initialize + tools/list over
    stdio then end of input: every import a cold start up to the tools/list answer makes."""
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen([sys.executable, "-X", "importtime", *argv], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=log, text=True, env=base_env())  # fmt: skip
        proc.stdin.write(HANDSHAKE)
        proc.stdin.flush()
        while (line := proc.stdout.readline()) and '"id":2' not in line.replace(" ", ""):
            pass
        proc.stdin.close()
        proc.wait(30)
        log.seek(0)
        stderr = log.read()
    assert line, stderr[-2000:]
    times = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        self_us, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        times[name] = (int(self_us), int(cumulative))
    return times


def imports(rounds: int) -> None:
    best: dict[str, dict[str, tuple[int, int]]] = {}
    for key, argv in (("ours", ["-m", "mcp_server"]), ("minimal", [str(BENCH / "minimal_server.py")]), ("demo", ["-m", "mcp_server", "--demo"])):
        runs = [import_times(argv) for _ in range(rounds)]
        # per module, the smallest self time over the runs (the noise only ever adds)
        best[key] = {m: min((r[m] for r in runs if m in r), key=lambda t: t[0]) for m in runs[0]}
    total = {k: sum(s for s, _ in v.values()) for k, v in best.items()}
    print(f"imports up to the tools/list answer over stdio (sum of self times, best of {rounds} per module): "
          f"python -m mcp_server {total['ours'] / 1000:.0f} ms, --demo {total['demo'] / 1000:.0f} ms, minimal {total['minimal'] / 1000:.0f} ms")  # fmt: skip
    extra = {m: t for m, t in best["ours"].items() if m not in best["minimal"]}
    groups: dict[str, int] = defaultdict(int)
    for module, (self_us, _) in extra.items():
        top = module.split(".")[0]
        groups[".".join(module.split(".")[:2]) if top == "mcp_server" else top] += self_us
    print(f"  only in ours: {len(extra)} modules, {sum(s for s, _ in extra.values()) / 1000:.0f} ms; by group:")
    for group, us in sorted(groups.items(), key=lambda g: -g[1])[:12]:
        print(f"    {group:40} {us / 1000:6.1f} ms")
    print("  slowest modules only in ours (self time):")
    for module, (self_us, cumulative) in sorted(extra.items(), key=lambda m: -m[1][0])[:12]:
        print(f"    {module:55} {self_us / 1000:6.1f} ms  (cumulative {cumulative / 1000:.1f})")
    sandbox = {m: t for m, t in best["demo"].items() if m not in best["ours"]}
    print(f"  --demo adds the sandbox fakes: {len(sandbox)} modules, {sum(s for s, _ in sandbox.values()) / 1000:.0f} ms")


# --- call overhead ---

BUCKETS = (  # first match wins: (bucket, path fragments)
    ("client (fastmcp.Client, mcp client session)", ("fastmcp/client/", "mcp/client/")),
    ("vendor HTTP (httpx, httpcore, h11: the raw GET pays this too)", ("httpx/", "httpcore/", "h11/", "ssl")),
    ("our code (executor, params, shaping, backends)", ("mcp_server/",)),
    ("FastMCP / MCP dispatch (server, session, memory streams)", ("fastmcp/", "mcp/")),
    ("pydantic (validation and dumps, Python side)", ("pydantic/", "pydantic_core/")),
    ("asyncio / anyio event loop", ("asyncio/", "anyio/", "selectors", "sniffio/")),
)
BUILTINS = (  # C functions cProfile files under "~", by name
    ("JSON serialisation (json, pydantic to_json / dump_json)", ("json", "dumps", "loads", "to_json", "dump_", "from_json", "encode", "decode")),
    ("pydantic validation (C)", ("validate",)),
    ("pydantic serialisation to Python (C)", ("to_python", "serialize")),
    ("asyncio / anyio event loop", ("select", "poll", "epoll", "socket", "recv", "send", "_run", "sleep")),
)


def bucket(path: str, name: str) -> str:
    if path == "~" and "poll" in name:
        return "waiting in epoll (the fake's thread answering, GIL hand-over)"
    if path == "~":
        for label, words in BUILTINS:
            if any(w in name for w in words):
                return label
        return "other C builtins"
    if "/json/" in path:
        return "JSON serialisation (json, pydantic to_json / dump_json)"
    for label, fragments in BUCKETS:
        if any(f in path for f in fragments):
            return label
    return "other Python (stdlib: logging, typing, contextvars...)"


async def call_profile(calls: int) -> None:
    from fastmcp import Client

    from mcp_server.connectors import REGISTRY
    from mcp_server.sandbox.serve import serve_in_thread
    from mcp_server.server import build_server
    from mcp_server.settings import ServerSettings

    tiktok = REGISTRY["tiktok-marketing"]
    arguments = {"entity": "ads", "action": "list", "limit": 25}
    with serve_in_thread(tiktok.sandbox_app()) as url:
        urls = {c.id: url for c in REGISTRY.values()}
        with environ(base_env(**direct_settings(urls), CONNECTOR_MCP_CONNECTORS="tiktok-marketing")):
            async with Client(build_server(ServerSettings())) as client:
                for _ in range(20):
                    await client.call_tool(tiktok.tool_name, arguments)
                start = time.perf_counter()
                for _ in range(calls):
                    await client.call_tool(tiktok.tool_name, arguments)
                plain = (time.perf_counter() - start) / calls
                profile = cProfile.Profile()
                profile.enable()
                for _ in range(calls):
                    await client.call_tool(tiktok.tool_name, arguments)
                profile.disable()
    # the fake runs in a thread of this process: its own time is not the server's, leave it out
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    totals: dict[str, float] = defaultdict(float)
    members: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for (path, line, name), (_cc, _nc, tottime, _ct, _callers) in stats.items():
        label = bucket(path, name)
        totals[label] += tottime
        members[label].append((tottime, f"{path.rsplit('site-packages/', 1)[-1].rsplit('python3.11/', 1)[-1]}:{line}({name})"))
    profiled = sum(totals.values())
    print(f"\ncall: {calls} in-memory calls, TikTok ads limit 25 (fake on a socket, in a thread); {plain * 1e6:,.0f} µs a call "
          f"unprofiled, {profiled / calls * 1e6:,.0f} µs under cProfile (it inflates Python code most); own time per bucket:")  # fmt: skip
    for label, seconds in sorted(totals.items(), key=lambda t: -t[1]):
        top = "; ".join(f"{where} {t / calls * 1e6:.0f}" for t, where in sorted(members[label], reverse=True)[:3])
        print(f"    {label:62} {seconds / calls * 1e6:7,.0f} µs  {seconds / profiled:5.1%}   top: {top}")
    ours = sorted(((k, v) for k, v in stats.items() if "mcp_server/" in k[0] and "/sandbox/" not in k[0]), key=lambda kv: -kv[1][2])
    print("  our slowest functions (own time):")
    for (path, line, name), (_cc, ncalls, tottime, cumtime, _callers) in ours[:8]:
        where = path.split("mcp_server/", 1)[1]
        print(f"    {where}:{line} {name:32} {tottime / calls * 1e6:6.0f} µs own, {cumtime / calls * 1e6:7.0f} µs with callees, {ncalls / calls:.0f}x a call")


# --- context bytes ---


def size(value: object) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def find_enums(schema: object, path: str = "") -> list[tuple[str, list]]:
    found = []
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "enum" and isinstance(value, list):
                found.append((path, value))
            else:
                found += find_enums(value, f"{path}.{key}" if path else key)
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            found += find_enums(value, f"{path}[{i}]")
    return found


async def context() -> None:
    from fastmcp import Client

    from mcp_server.server import build_server
    from mcp_server.settings import ServerSettings

    async with Client(build_server(ServerSettings(demo=True))) as client:
        listing = await client.list_tools_mcp()
    tools = [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in listing.tools]
    print(f"\ncontext: tools/list {len(listing.model_dump_json(by_alias=True, exclude_none=True).encode()):,} B "
          f"(compact JSON); per tool, bytes:")  # fmt: skip
    print(f"    {'tool':28} {'whole':>6} {'descr.':>6} {'input schema':>12} {'annot.':>6} {'other':>6}  enums in the schema")
    for tool in tools:
        description = len(tool.get("description", "").encode())
        schema, annotations = size(tool.get("inputSchema", {})), size(tool.get("annotations", {}))
        whole = size(tool)
        enums = find_enums(tool.get("inputSchema", {}))
        listed = ", ".join(f"{p.split('.')[-1]} {len(v)} values {size(v)} B" for p, v in enums)
        print(f"    {tool['name']:28} {whole:6,} {description:6,} {schema:12,} {annotations:6,} {whole - description - schema - annotations:6,}  {listed}")
    for tool in tools:
        properties = tool.get("inputSchema", {}).get("properties", {})
        parts = ", ".join(f"{name} {size(value)}" for name, value in properties.items())
        print(f"    {tool['name']} input schema properties, bytes: {parts}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bounds", description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5, help="importtime runs (best per module)")
    args = parser.parse_args(argv)
    os.environ.setdefault("FASTMCP_CHECK_FOR_UPDATES", "off")
    imports(args.rounds)
    asyncio.run(call_profile(args.calls))
    asyncio.run(context())


if __name__ == "__main__":
    main()
