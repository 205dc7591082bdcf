"""`falv route`, `falv severity`, `falv draft`: the personal-information toolkit on the command
line: each parses its flags, calls the façade (falv.engine) and renders what it returns; the
HTTP API and the MCP server make the same calls. Hints that name a flag live here, not below."""

from __future__ import annotations

from typing import Literal

import typer

from ..domain.basis import NOT_IMPORTED
from ..domain.drafts import FORMATS
from ..answer.routing import NO_SCENARIO
from ..domain.personal_info.severity import parse_counts
from ..defaults import DEFAULTS
from ..errors import InputError
from ..law.models import passes
from ..law.verdicts import label
from . import command
from .common import emit_json, engine


DraftFormat = Literal[FORMATS]  # markdown · text


def parse_fill(specs) -> dict[str, str]:
    """['姓名=张三', …] → {'姓名': '张三'}; malformed entries are an InputError."""
    fill: dict[str, str] = {}
    for spec in specs or []:
        if "=" not in spec:
            raise InputError(f"--fill 格式不对：{spec!r}", hint="应为 字段=内容，例如 姓名=张三")
        key, _, value = spec.partition("=")
        key = key.strip()
        if not key:
            raise InputError(f"--fill 缺少字段名：{spec!r}")
        fill[key] = value.strip()
    return fill


def _basis_line(q: dict) -> str:
    """One quoted basis: a passing verdict is a bare ✔, any other shows its label (verdicts.toml)."""
    clause = q.get("clause") or q["article"]
    if q["status"] == NOT_IMPORTED:
        return f"《{q['law']}》{clause} ？（{NOT_IMPORTED}）"
    verdict = q.get("verdict")
    mark = label(verdict, "mark" if passes(verdict) else "badge")
    return f"《{q['law']}》{clause} {mark}"


def route_cmd(
    question: str = typer.Argument(None, help="用中文描述遇到的问题"),
    scenario: str = typer.Option(None, "--scenario", "-s", help="直接指定场景（见 --list-scenarios）"),
    list_scenarios: bool = typer.Option(False, "--list-scenarios", help="列出所有场景"),
    as_json: bool = typer.Option(False, "--json", help="JSON 输出"),
) -> None:
    if list_scenarios:
        items = engine().scenarios()
        if as_json:
            emit_json(items)
        else:
            for s in items:
                typer.echo(f"{s.id}\t{s.name}\t{' → '.join(s.routes)}")
        return
    if not scenario and not (question and question.strip()):
        raise InputError("请给出问题或 --scenario", hint='例如 falv route "快递信息泄露了怎么办"')
    result = engine().route(question, scenario).to_dict()
    if as_json:
        emit_json(result)
        return
    _print_route(result)


# radon D (22): a route printed section by section (frame, notes, severity, steps, channels)
def _print_route(result: dict) -> None:
    frame = result["frame"]
    if result["scenario"]:
        typer.echo(f"场景：{result['scenario']}")
    if frame["summary"]:
        words = [w for ws in frame["evidence"].values() for w in ws]
        why = f"（依据：{'、'.join(dict.fromkeys(words))}）" if words else ""
        typer.echo(f"情形：{frame['summary']}{why}")
    for note in result["notes"]:
        typer.echo(f"提示：{note}" + ("（--scenario，见 --list-scenarios）" if note == NO_SCENARIO else ""))
    est = result.get("severity")
    if est:
        facts = est["facts"]
        stated = "、".join(f"{k} {v} 条" for k, v in facts["counts"].items())
        if facts["gains"] != "0":
            stated += ("、" if stated else "") + f"违法所得 {facts['gains']} 元"
        rules = "、".join(est["rules"]) or "无"
        typer.echo(f"情节估算（仅供参考，按问题中的 {stated}）：{est['label']}；适用：{rules}"
                   "（完整计算见 falv severity）")
    if result["steps"]:
        typer.echo("\n建议步骤：")
        for n, step in enumerate(result["steps"], 1):
            cites = "；".join(f"《{c['law']}》{c['article']}" for c in step["citations"])
            typer.echo(f"  {n}. {step['text']}" + (f"（{cites}）" if cites else ""))
    if result["channels"]:
        typer.echo("\n渠道（按顺序）：")
    for ch in result["channels"]:
        typer.echo(f"  {ch['order']}. {ch['body']}")
        for c in ch["contact"]:
            flag = "（待核实：" + c["note"] + "）" if c["unconfirmed"] else ""
            kind = {"hotline": "电话", "website": "网址", "how": "方式"}.get(c["kind"], c["kind"])
            typer.echo(f"     {kind}：{c['value']}{flag}")
        typer.echo(f"     受理：{ch['handles']}")
        typer.echo(f"     准备：{'；'.join(ch['prepare'])}")
        typer.echo(f"     依据：{'、'.join(_basis_line(q) for q in ch['basis'])}")


def severity_cmd(
    count: list[str] = typer.Option(None, "--count", "-c",
                                    help="类别=条数，可重复；类别：行踪轨迹 通信内容 征信 财产 住宿 通信记录 健康生理 交易 其他"),
    gains: str = typer.Option(DEFAULTS["severity"]["gains"], "--gains", help="违法所得（元）；与 --business 同用时为获利"),
    insider: bool = typer.Option(DEFAULTS["severity"]["insider"], "--insider", help="信息是在履行职责或提供服务过程中获得的"),
    used_for_crime: bool = typer.Option(DEFAULTS["severity"]["used_for_crime"], "--used-for-crime", help="出售或提供的行踪轨迹信息被他人用于犯罪"),
    knowing: bool = typer.Option(DEFAULTS["severity"]["knowing"], "--knowing", help="知道或应当知道对方利用信息实施犯罪"),
    prior: str = typer.Option(DEFAULTS["severity"]["prior"], "--prior", help="前科：criminal（曾受刑事处罚）| admin（二年内受过行政处罚）"),
    grave_harm: bool = typer.Option(DEFAULTS["severity"]["grave_harm"], "--grave-harm", help="造成被害人死亡、重伤、精神失常或被绑架等严重后果"),
    major_loss: bool = typer.Option(DEFAULTS["severity"]["major_loss"], "--major-loss", help="造成重大经济损失或恶劣社会影响"),
    business: bool = typer.Option(DEFAULTS["severity"]["business"], "--business", help="为合法经营活动而非法购买、收受（两高解释第六条）"),
    as_json: bool = typer.Option(False, "--json", help="JSON 输出"),
) -> None:
    counts = parse_counts(count)
    result = engine().severity(counts, gains, insider=insider, used_for_crime=used_for_crime,
                      knowing=knowing, prior=prior, grave_harm=grave_harm, major_loss=major_loss,
                      business=business).to_dict()
    if as_json:
        emit_json(result)
        return
    typer.echo(f"结论：{result['label']}")
    if result["steps"]:
        typer.echo("\n计算过程：")
        for step in result["steps"]:
            typer.echo(f"  · {step}")
    typer.echo("\n适用的规则：" if result["rules"] else "\n适用的规则：无")
    for r in result["rules"]:
        typer.echo(f"  · {r['clause']}：{r['detail']}")
        if r["text"]:
            typer.echo(f"    原文：{r['text']}")
    typer.echo("\n法律依据：")
    for q in result["articles"]:
        typer.echo(f"  {_basis_line(q)}")
        if q["text"]:
            for line in q["text"].splitlines():
                typer.echo(f"    {line}")
    for note in result["notes"]:
        typer.echo(f"\n提示：{note}")


def draft_cmd(
    kind: str = typer.Argument(None, help="文书类型或其别名，如 access（查阅复制）、delete（删除）、complaint（投诉举报信）、"
                                          "police（报案材料）、arbitration（劳动仲裁申请书）；全部类型见 --list"),
    fill: list[str] = typer.Option(None, "--fill", help="字段=内容，可重复，例如 --fill 姓名=张三"),
    question: str = typer.Option(None, "--question", "-q",
                                 help="按问题中的事实预先填写文书（--fill 的值优先），如 --question \"快递员把我的手机号卖了\""),
    fmt: DraftFormat = typer.Option(DEFAULTS["draft"]["fmt"], "--format", "-f", help="输出格式（text 为纯文本）"),
    list_kinds: bool = typer.Option(False, "--list", help="列出文书类型及其字段"),
    as_json: bool = typer.Option(False, "--json", help="JSON 输出（含引用条文与核验结果）"),
) -> None:
    if list_kinds or not kind:
        kinds = engine().draft_kinds()
        if as_json:
            emit_json(kinds)
            return
        if not kind and not list_kinds:
            raise InputError("请指定文书类型", hint="可用类型：" + "、".join(k.kind for k in kinds))
        for k in kinds:
            typer.echo(f"{k.kind}\t{k.title}\t别名：{'、'.join(k.aliases)}")
            typer.echo(f"\t字段：{'、'.join(k.fields)}")
        return
    result = engine().draft(kind, parse_fill(fill), fmt, question).to_dict()
    if as_json:
        emit_json(result)
        return
    typer.echo(result["text"], nl=False)


def register(app: typer.Typer) -> None:
    """Adds this module's commands to the `falv` app (falv.cli)."""
    command(app, "route")(route_cmd)
    command(app, "severity")(severity_cmd)
    command(app, "draft")(draft_cmd)
