"""The cold-start and memory baseline: a one-tool FastMCP server over stdio, nothing else."""

from fastmcp import FastMCP

mcp = FastMCP("minimal")


@mcp.tool
def echo(text: str) -> str:
    """Returns the text it was given."""
    return text


if __name__ == "__main__":
    mcp.run(show_banner=False)
