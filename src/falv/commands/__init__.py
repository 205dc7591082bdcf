"""CLI command modules, one per area; each has a `register(app)` that falv.cli calls."""
