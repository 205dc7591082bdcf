"""falv served over HTTP (api.py, web/) and MCP (mcp.py); both call falv.engine.Engine."""
