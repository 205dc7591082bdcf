"""CLI command modules, one per area (see falv.cli.COMMAND_MODULES)."""
