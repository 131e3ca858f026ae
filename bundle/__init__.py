"""Packaging for the places people install MCP servers, kept out of the `mcp_server` package.

- `python -m bundle` builds the MCP bundle for Claude Desktop (`dist/connector-mcp-<version>.mcpb`).
- `python -m bundle --server-json` rewrites `server.json` (the MCP registry entry); `--check` only compares.

Both are derived from pyproject.toml (name, version, description, urls) and from one list of the settings a
user gives a client (bundle/inputs.py).
"""
