"""The `falv` command in one language: click's own words (usage lines, help pages, usage errors)
in Chinese, unknown commands answered with a did-you-mean, flags shown as flags.

Why here and not in typer's settings: typer (and the click it carries) writes its messages in
English with no catalogue to swap. So falv draws its help pages itself — `help_rows`, the rows
docs/cli.md is generated from too (falv.docgen), so the reference says what `--help` says — and
words click's usage errors anew from what they carry (the parameter, pydantic's error type).
Every command and group of falv is made with the classes below (falv.cli's root group,
falv.commands' `command()` and `group()`).

This module sits between the command modules and the service layer (pyproject.toml): `falv
--help` loads it, and no command module.
"""

from __future__ import annotations

import difflib
import re
import shutil
import unicodedata
from pathlib import Path

import typer
from typer.core import TyperCommand, TyperGroup

from .errors import validation_reason

try:  # typer carries its own click since 0.2x
    from typer._click import exceptions as cx
except ImportError:  # pragma: no cover - an older typer on click
    from click import exceptions as cx

USAGE = "用法："
OPTIONS = "[选项]"
SUBCOMMAND = "命令 [参数]..."
HELP_OPTION = "显示此帮助并退出。"
SECTIONS = ("参数", "选项", "命令")
TYPES = {str: "文本", int: "整数", float: "数字", Path: "路径"}


# -- commands and groups ------------------------------------------------------------------------

def _zh(command) -> None:
    """What every command and group shows the same way: [选项] in the usage line."""
    if command.options_metavar:
        command.options_metavar = OPTIONS


class _Chinese:
    """The parts of click's Command that write words: the usage line, the help option, the page."""

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=USAGE)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option

    def format_help(self, ctx, formatter) -> None:
        write_help(self, ctx, formatter)


class Command(_Chinese, TyperCommand):
    """A falv command (`app.command(name, cls=Command)`)."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        _zh(self)


class Group(_Chinese, TyperGroup):
    """A falv group of commands: an unknown command gets a did-you-mean, in Chinese."""

    def __init__(self, *args, **kw):
        if kw.get("subcommand_metavar") is None:
            kw["subcommand_metavar"] = SUBCOMMAND
        super().__init__(*args, **kw)
        _zh(self)

    def resolve_command(self, ctx, args):
        name = args[0]
        if not name.startswith("-") and not ctx.resilient_parsing and self.get_command(ctx, name) is None:
            raise cx.UsageError(unknown_command(name, self.list_commands(ctx)), ctx)
        return super().resolve_command(ctx, args)


def unknown_command(name: str, known: list[str]) -> str:
    """没有这个命令：aks。您是不是要：ask"""
    near = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    if near:
        return f"没有这个命令：{name}。您是不是要：{'、'.join(near)}"
    return f"没有这个命令：{name}。可用的命令：{'、'.join(known)}"


# -- help pages ---------------------------------------------------------------------------------

def is_flag(param) -> bool:
    return bool(getattr(param, "is_flag", False))


def value_label(param) -> str:
    """What an option takes, in words ('' for a flag): 文本, 整数, text|markdown, 文本…（可重复）."""
    if is_flag(param):
        return ""
    desc = getattr(param, "type_descriptor", None)
    annotation = getattr(desc, "annotation", str)
    choices = getattr(desc, "choices", None)
    if choices:
        label = "|".join(str(getattr(c, "value", c)) for c in choices)
    else:
        if getattr(desc, "is_list", False):
            annotation = (getattr(annotation, "__args__", None) or (str,))[0]
        label = TYPES.get(annotation, getattr(annotation, "__name__", "文本"))
    if getattr(param, "multiple", False):
        label += "（可重复）"
    return label


def names(param) -> str:
    """How a parameter is written: `-f, --format`, `--dense / --no-dense`, or an argument's name."""
    if param.param_type_name == "argument":
        return param.metavar or param.name
    opts = sorted(param.opts, key=lambda o: (o.startswith("--"), o))
    text = ", ".join(opts)
    if param.secondary_opts:
        text += " / " + ", ".join(param.secondary_opts)
    return text


def default_text(param) -> str | None:
    """The default as help shows it (None when there is none worth showing)."""
    if not getattr(param, "show_default", True) or param.required:
        return None
    value = param.default
    if callable(value) or value is None or value == () or value == []:
        return None
    if is_flag(param):
        if param.secondary_opts:  # --quotes/--no-quotes: the one that is on
            return (param.opts if value else param.secondary_opts)[0]
        return None  # a plain flag is off unless given
    return str(getattr(value, "value", value))


def range_text(param) -> str | None:
    lo, hi = getattr(param, "min", None), getattr(param, "max", None)
    if lo is None and hi is None or is_flag(param):
        return None
    return f"{'' if lo is None else lo}–{'' if hi is None else hi}"


def param_row(param) -> tuple[str, str]:
    """(what to type, what it does) of one parameter, as the help page and docs/cli.md show it."""
    term = names(param)
    label = value_label(param) if param.param_type_name == "option" else ""
    if label:
        term += f" {label}"
    marks = []
    if range_text(param):
        marks.append(f"[范围：{range_text(param)}]")
    if default_text(param) is not None:
        marks.append(f"[默认：{default_text(param)}]")
    if param.required:
        marks.append("[必填]")
    return term, "  ".join(x for x in (param.help or "", *marks) if x)


def summary(text: str | None) -> str:
    """A command's help up to its first full stop (the line a group's listing shows)."""
    text = (text or "").strip()
    end = text.find("。")
    return text[:end + 1] if 0 <= end < len(text) - 1 else text


def help_rows(command, ctx) -> list[tuple[str, list[tuple[str, str]]]]:
    """The sections of a help page — (参数 | 选项 | 命令, [(term, text)]) — the same rows
    docs/cli.md is written from."""
    args, opts = [], []
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        (args if param.param_type_name == "argument" else opts).append(param_row(param))
    cmds = []
    if isinstance(command, TyperGroup):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                cmds.append((name, summary(sub.help)))
    return list(zip(SECTIONS, (args, opts, cmds)))


def width(text: str) -> int:
    """Columns a text takes on a terminal (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_TOKEN = re.compile(r"[\x21-\x7e]+|\s+|.")


def wrap(text: str, columns: int) -> list[str]:
    """Lines of at most `columns` columns: broken between Chinese characters or at spaces,
    never inside an ASCII word (--no-quotes, FALV_DENSE)."""
    lines, line = [], ""
    for token in _TOKEN.findall(text):
        if line and width(line) + width(token) > columns:
            lines.append(line.rstrip())
            line = "" if token.isspace() else token
        else:
            line += token
    return lines + [line.rstrip()] if line.strip() else lines or [""]


def write_help(command, ctx, formatter) -> None:
    """A help page: usage, the command's help, its arguments, options and commands — columns
    measured as a terminal shows Chinese (click counts characters)."""
    columns = max(60, min(100, shutil.get_terminal_size((80, 24)).columns)) - 2
    out = [f"{USAGE}{ctx.command_path} {' '.join(command.collect_usage_pieces(ctx))}"]
    if command.help:
        out += [""] + ["  " + line for line in wrap(command.help.strip(), columns - 2)]
    for title, rows in help_rows(command, ctx):
        if not rows:
            continue
        out += ["", f"{title}："]
        term_cols = min(30, max(width(term) for term, _ in rows))
        for term, text in rows:
            lines = wrap(text, max(20, columns - term_cols - 4))
            if width(term) > term_cols:
                out.append(f"  {term}")
                out += [" " * (term_cols + 4) + line for line in lines]
                continue
            out.append(f"  {term}{' ' * (term_cols - width(term) + 2)}{lines[0]}")
            out += [" " * (term_cols + 4) + line for line in lines[1:]]
    formatter.write("\n".join(out) + "\n")


# -- usage errors -------------------------------------------------------------------------------

def _shown(param) -> str:
    """A parameter as the user types it: --top (its longest option name) or its argument name."""
    if param is None:
        return "参数"
    if param.param_type_name == "option" and param.opts:
        return max(param.opts, key=len)
    return param.metavar or param.name or "参数"


_REQUIRES = re.compile(r"Option '(.+?)' requires (an argument|(\d+) arguments)")
_NO_VALUE = re.compile(r"Option '(.+?)' does not take a value")
_EXTRA = re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)")


# radon D (22): one case per kind of click usage error, a line or two each: a table read whole
def error_text(exc) -> str:
    """A usage error of click (typer) in Chinese, naming the parameter it concerns."""
    if isinstance(exc, cx.MissingParameter):
        param = exc.param
        what = "选项" if param is not None and param.param_type_name == "option" else "参数"
        about = f"（{param.help}）" if param is not None and param.help else ""
        return f"缺少{what} {_shown(param)}{about}"
    if isinstance(exc, cx.NoSuchOption):
        near = sorted(exc.possibilities or [])
        return f"没有这个选项：{exc.option_name}" + (f"。您是不是要：{'、'.join(near)}" if near else "")
    if isinstance(exc, cx.BadParameter):
        cause = exc.__cause__
        errors = cause.errors() if hasattr(cause, "errors") else []
        choices = getattr(getattr(exc.param, "type_descriptor", None), "choices", None)
        if choices:
            reason = f"取值不在允许范围内（可选：{'、'.join(str(getattr(c, 'value', c)) for c in choices)}）"
        elif errors:  # typer converts values with pydantic: the reason by the error's type
            reason = validation_reason(errors[0])
        else:  # a reason of falv's own (Chinese) as it is; click's English one in general words
            reason = exc.message if exc.message and not exc.message.isascii() else "取值无效"
        return f"{_shown(exc.param)} 的值无效：{reason}"
    message = getattr(exc, "message", None) or str(exc)
    m = _REQUIRES.match(message)
    if m:
        return f"选项 {m.group(1)} 需要{'一个值' if m.group(3) is None else m.group(3) + ' 个值'}"
    m = _NO_VALUE.match(message)
    if m:
        return f"选项 {m.group(1)} 不接受值"
    m = _EXTRA.match(message)
    if m:
        return f"多余的参数：{m.group(1)}"
    if message.startswith("Missing command"):
        return "缺少命令"
    return message


def show_error(exc) -> None:
    """A usage error on stderr: the usage line, the error, where to find help."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        typer.echo(ctx.get_usage(), err=True)
    typer.echo(f"错误：{error_text(exc)}", err=True)
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        typer.echo(f"查看帮助：{ctx.command_path} {ctx.help_option_names[0]}", err=True)


def run(app, args: list[str], prog_name: str) -> int:
    """The app run on args, click's own errors shown in Chinese; the exit code: 2 for a usage
    error, 1 when aborted, else what the command exits with."""
    try:
        code = app.main(args=args, prog_name=prog_name, standalone_mode=False)
    except cx.NoArgsIsHelpError as exc:  # a group without its command: its help page
        typer.echo(exc.format_message())
        return exc.exit_code
    except cx.UsageError as exc:
        show_error(exc)
        return exc.exit_code
    except cx.ClickException as exc:
        typer.echo(f"错误：{error_text(exc)}", err=True)
        return exc.exit_code
    except typer.Abort:
        typer.echo("已中止。", err=True)
        return 1
    return code if isinstance(code, int) else 0
