"""docs/cli.md from the command registry: every command, its usage line, help, arguments and
options, in the words `falv COMMAND --help` shows (falv.clitext.help_rows)."""

from __future__ import annotations

import typer

from ..cli import app
from ..clitext import USAGE, help_rows, summary
from ..commands import REGISTRY
from .md import GENERATED, anchor, table

INTRO = f"""# `falv` command reference

{GENERATED.format(source="the command registry (src/falv/commands/)")} The texts are the
ones `falv COMMAND --help` prints.

Run the commands as `.venv/bin/falv …` (or activate the virtualenv first). A usage error — an
unknown command, a missing argument, a bad value — prints the usage line and `错误：…` on stderr
and exits with code 2 (docs/errors.md lists every error). Every command that prints a result
takes `--json`; the JSON of each is in [answer-schema.md](answer-schema.md).
"""


def commands() -> list[tuple[str, object, typer.Context]]:
    """(path, command, context) of the root, each command and each group's commands, in the
    order `falv --help` lists them."""
    root = typer.Context(app, info_name="falv")
    out = [("falv", app, root)]
    for name in REGISTRY:
        command = app.get_command(root, name)
        ctx = typer.Context(command, info_name=name, parent=root)
        out.append((f"falv {name}", command, ctx))
        for sub in getattr(command, "commands", {}):
            sub_cmd = command.get_command(ctx, sub)
            out.append((f"falv {name} {sub}", sub_cmd, typer.Context(sub_cmd, info_name=sub, parent=ctx)))
    return out


def _section(path: str, command, ctx) -> list[str]:
    level = "##" if path.count(" ") <= 1 else "###"
    usage = f"{USAGE}`{path} {' '.join(command.collect_usage_pieces(ctx))}`"
    out = [f"{level} {path}", "", usage, ""]
    if command.help:
        out += [" ".join(command.help.split()), ""]
    for title, rows in help_rows(command, ctx):
        if rows and title != "命令":
            out += table([title, "说明"], [(f"`{term}`", text) for term, text in rows]) + [""]
    return out


def cli_doc() -> str:
    listed = commands()
    index = table(["命令", "说明"], [(f"[`{path}`](#{anchor(path)})", summary(cmd.help))
                                    for path, cmd, _ in listed[1:]])
    body = []
    for path, command, ctx in listed:
        body += _section(path, command, ctx)
    return INTRO + "\n" + "\n".join(index) + "\n\n" + "\n".join(body).rstrip() + "\n"


__all__ = ["cli_doc", "commands"]
