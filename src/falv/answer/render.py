"""Render an Answer as plain text, Markdown or JSON (HTML is the web page's job)."""

from __future__ import annotations

import json

from ..law.verdicts import label
from ..text import md_text
from ..results.answer import Answer, BasisArticle, MissingInstrument, SeverityEstimate


def badge(b: BasisArticle) -> str:
    text = label(b.verdict.value, "answer")
    if b.replacement:
        text += f" → {b.replacement}"
    return text


def _cites(point) -> str:
    if not point.citations:
        return ""
    return "（依据：" + "；".join(f"{_short(c.law)}{c.article}" for c in point.citations) + "）"


def _source(point) -> str:
    """Where a knowledge-base point comes from: file, entry and line (first provenance)."""
    if point.source != "kb" or not point.provenance:
        return ""
    p = point.provenance[0]
    name = p.file.rsplit("/", 1)[-1]
    more = f" 等 {len(point.provenance)} 处" if len(point.provenance) > 1 else ""
    return f" ［问答来源：{name} {p.entry} 第{p.line_start}行{more}］"


def _channel(card) -> str:
    """A routing card of a rule point: the body, with its contact when there is one."""
    return card.body + (f"（{card.contact}）" if card.contact else "")


def _short(title: str) -> str:
    return title.removeprefix("中华人民共和国")


def _kind(ans: Answer) -> str:
    """【问题类型】: the kind of problem read, and how sure."""
    r = ans.reading
    name = r.topic or r.label or ""
    if r.confident:
        return name
    return f"{name}（不确定：{r.why}）" if r.why else name


def _notes(ans: Answer) -> list:
    """【提示】: every note but the scope note (shown as 【说明】), each text once."""
    seen: set[str] = set()
    return [n for n in ans.notes if n.kind != "scope" and not (n.text in seen or seen.add(n.text))]


def _scope(ans: Answer) -> str:
    return next((n.text for n in ans.notes if n.kind == "scope"), "")


def _situation(ans: Answer) -> str:
    """What was read from the question: the case frame's summary ('' when nothing was read)."""
    return ans.frame.summary


RELATED_LABEL = "【相关法条】（检索结果，供参考，不是本回答的依据）"
MISSING_LABEL = "【还需要确认】"
INSTRUMENTS_LABEL = "【未收录的依据】"
SEVERITY_LABEL = "【情节参考】"


def _severity_line(sev: SeverityEstimate) -> str:
    rules = "、".join(sev.rules)
    return f"按问题中写明的数量/获利估算：{sev.label}" + (f"（{rules}）" if rules else "") + \
        "；仅供参考，以办案机关认定为准"


def _instrument_line(m: MissingInstrument) -> str:
    return f"《{m.law}》{'、'.join(m.articles)}：{m.hint}"


# radon D (24): one branch per section of the answer, in the order printed (as render_markdown)
def render_text(ans: Answer) -> str:
    out = [f"【问题】{ans.asked}"]  # as typed: full-width punctuation kept
    if _kind(ans):
        out.append("【问题类型】" + _kind(ans))
    if _situation(ans):
        out.append("【情形】" + _situation(ans))
    if ans.floor or not ans.grounded:
        out.append("【说明】" + (_scope(ans) or "未找到有充分依据的解答；以下仅列出检索到的最相近法条，供参考。"))
    if ans.analysis:
        out.append("【处理途径】" if not ans.grounded else "【法律分析】")
        for i, p in enumerate(ans.analysis, 1):
            out.append(f"  {i}. {p.text}{_cites(p)}{_source(p)}")
            out += [f"     · {_channel(ch)}" for ch in p.channels]
    if ans.basis:
        out.append("【法律依据】")
        for b in ans.basis:
            out.append(f"  《{b.law}》{b.article}  [{badge(b)}]")
            for line in b.text.splitlines():
                out.append(f"    {line}")
    if ans.missing_instruments:
        out.append(INSTRUMENTS_LABEL)
        out += [f"  · {_instrument_line(m)}" for m in ans.missing_instruments]
    if ans.severity:
        out += [SEVERITY_LABEL, f"  {_severity_line(ans.severity)}"]
    if ans.missing:
        out.append(MISSING_LABEL)
        out += [f"  · {m.ask}" for m in ans.missing]
    if ans.related:
        out.append(RELATED_LABEL)
        for b in ans.related:
            first = b.text.splitlines()[0] if b.text else ""
            out.append(f"  《{b.law}》{b.article} {first[:80]}{'…' if len(first) > 80 else ''}")
    notes = _notes(ans)
    if notes:
        out.append("【提示】")
        for n in notes:
            out.append(f"  · {n.text}")
    return "\n".join(out)


# radon D (23): render_text's sections in Markdown, one branch per section in the order printed
def render_markdown(ans: Answer) -> str:
    """Markdown; every text that comes from outside the template (the question, KB answers,
    stored articles, notes) goes through md_text, so HTML in it is shown, never run."""
    e = md_text
    out = [f"## {e(ans.asked)}", ""]
    if _kind(ans):
        out += ["**问题类型：** " + e(_kind(ans)), ""]
    if _situation(ans):
        out += ["**情形：** " + e(_situation(ans)), ""]
    if ans.floor or not ans.grounded:
        out += ["> " + e(_scope(ans) or "未找到有充分依据的解答；以下仅列出检索到的最相近法条，供参考。"), ""]
    if ans.analysis:
        out.append("### 【处理途径】" if not ans.grounded else "### 【法律分析】")
        for i, p in enumerate(ans.analysis, 1):
            out.append(f"{i}. {e(p.text)}{e(_cites(p))}{e(_source(p))}")
            out += [f"    - {e(_channel(ch))}" for ch in p.channels]
        out.append("")
    if ans.basis:
        out.append("### 【法律依据】")
        for b in ans.basis:
            out.append(f"- **《{e(b.law)}》{e(b.article)}** `{badge(b)}`")
            for line in b.text.splitlines():
                out.append(f"  > {e(line)}")
        out.append("")
    if ans.missing_instruments:
        out.append(f"### {INSTRUMENTS_LABEL}")
        out += [f"- {e(_instrument_line(m))}" for m in ans.missing_instruments]
        out.append("")
    if ans.severity:
        out += [f"### {SEVERITY_LABEL}", e(_severity_line(ans.severity)), ""]
    if ans.missing:
        out.append(f"### {MISSING_LABEL}")
        out += [f"- {e(m.ask)}" for m in ans.missing]
        out.append("")
    if ans.related:
        out.append(f"### {RELATED_LABEL}")
        for b in ans.related:
            out.append(f"- 《{e(b.law)}》{e(b.article)}：{e(b.text.splitlines()[0]) if b.text else ''}")
        out.append("")
    notes = _notes(ans)
    if notes:
        out.append("### 【提示】")
        out += [f"- {e(n.text)}" for n in notes]
    return "\n".join(out).rstrip() + "\n"


def render_json(ans: Answer) -> str:
    return json.dumps(ans.to_dict(), ensure_ascii=False, indent=2)


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
