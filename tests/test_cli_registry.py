"""falv.commands.REGISTRY is the CLI's one list of commands: it matches what each command module
registers, and a command loads only what it uses (`--help` no command module, `verify` neither
the HTTP/MCP layer nor numpy) — start-up cost checked by what is imported, not by a timer."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import import_module

import typer
from typer.main import get_group

from falv import cli
from falv.commands import REGISTRY

from conftest import REPO


def test_registry_matches_what_each_module_registers():
    modules = {entry.module for entry in REGISTRY.values()}
    registered = {}
    for module in modules:
        app = typer.Typer()
        import_module(f"falv.commands.{module}").register(app)
        for name, command in get_group(app).commands.items():
            registered[name] = (module, command.help)
    assert registered == {name: (e.module, e.help) for name, e in REGISTRY.items()}


def test_every_command_resolves_through_the_root_group():
    for name in REGISTRY:
        assert cli.app.get_command(None, name).help == REGISTRY[name].help
    assert cli.app.get_command(None, "nosuch") is None


def _loaded_after(argv: list[str]) -> set[str]:
    code = ("import json, sys\nfrom falv.cli import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
            "print(json.dumps(sorted(sys.modules)), file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def test_help_lists_every_command_without_loading_any():
    proc = subprocess.run([sys.executable, "-m", "falv.cli", "--help"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0
    for name in REGISTRY:
        assert f" {name} " in proc.stdout
    loaded = _loaded_after(["--help"])
    assert not {m for m in loaded if m.startswith("falv.commands.")}, loaded
    assert "falv.engine" not in loaded


def test_verify_loads_neither_the_service_layer_nor_numpy():
    loaded = _loaded_after(["verify", str(REPO / "tests" / "fixtures" / "seed.txt")])
    assert "falv.engine" in loaded and "falv.law.verify" in loaded  # it did run
    assert not {m for m in loaded if m.startswith(("falv.service", "numpy", "bm25s"))}
