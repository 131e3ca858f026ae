"""connector-mcp: an MCP server for LinkedIn Ads and TikTok Marketing."""

__version__ = "0.1.0"
