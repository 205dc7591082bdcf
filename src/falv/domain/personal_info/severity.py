"""侵犯公民个人信息罪的情节 calculator: the 2017 两高解释 第五条 (and 第六条) as rules.

Thresholds are data (data/thresholds.toml); the articles are quoted from the store. When the
interpretation has not been imported the calculation still runs and says 未导入. Exact fractions
keep the boundaries exact (49/50 is not 0.98000001). This is a reference calculation for a lay
user, not a legal conclusion: 第五条第一款第十项 and 第二款第四项 (其他情节) need a court.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

from ...errors import InputError
from ...limits import MAX_AMOUNT, MAX_COUNT, LimitExceeded, parse_amount
from ...limits import parse_count as bounded_count
from ...text import cn_to_int, normalize, to_halfwidth
from ..basis import NOT_IMPORTED, Basis, clause_text, find_article, load_toml, parse_clause, quote

NONE, SERIOUS, ESPECIALLY = "none", "serious", "especially_serious"
PRIORS = {"criminal": "criminal", "admin": "admin", "刑事": "criminal", "行政": "admin"}


@lru_cache(maxsize=1)
def table() -> dict:
    return load_toml("thresholds.toml", __package__)


def categories() -> list[str]:
    return [c for tier in table()["tier"] for c in tier["categories"]]


@dataclass(frozen=True)
class Rule:
    clause: str  # 第五条第一款第三项
    level: str  # serious · especially_serious
    detail: str  # our explanation with the numbers

    def basis(self) -> Basis:
        return parse_clause(table()["source"]["law"], self.clause)


@dataclass
class Assessment:
    level: str
    rules: list[Rule]
    steps: list[str]
    aggregation: dict
    notes: list[str] = field(default_factory=list)
    inputs: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return table()["levels"][self.level]


# -- input parsing ------------------------------------------------------------------------------

def parse_count(spec: str) -> tuple[str, int]:
    """'行踪轨迹=60' → ('行踪轨迹', 60); anything else is an InputError naming the problem."""
    text = to_halfwidth(spec or "").strip()
    if "=" not in text:
        raise InputError(f"数量格式不对：{spec!r}", hint="应为 类别=条数，例如 行踪轨迹=60")
    key, _, value = (p.strip() for p in text.partition("="))
    _check_category(key)
    return key, _count(value, key)


def parse_counts(specs) -> dict[str, int]:
    counts: dict[str, int] = {}
    for spec in specs or []:
        key, value = parse_count(spec)
        counts[key] = counts.get(key, 0) + value
    return counts


def _check_category(key) -> None:
    if not isinstance(key, str) or key not in categories():
        raise InputError(f"未知的信息类别：{key!r}", hint="可用类别：" + " ".join(categories()))


def _count(value, key: str) -> int:
    """Bounded before int() (limits.parse_count): ², ①, --5, true and 5,000 digits are refused."""
    return bounded_count(to_halfwidth(value) if isinstance(value, str) else value, key)


def parse_gains(value) -> Fraction:
    """Illegal gains in yuan: a non-negative finite number (int, float or numeric text), checked
    for length, exponent and range before Fraction expands it (limits.parse_amount)."""
    if value is None or value == "":
        return Fraction(0)
    if isinstance(value, bool):
        raise InputError(f"违法所得必须是数字：{value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"违法所得必须是有限的数字：{value!r}")
    if isinstance(value, (int, float)):
        amount = Fraction(value)  # a float is exact and bounded; an int is range-checked below
        if amount > MAX_AMOUNT:
            raise LimitExceeded(f"违法所得过大（上限 {MAX_AMOUNT}）")
    elif isinstance(value, str):
        text = to_halfwidth(value).strip().replace(",", "")
        negative = text.startswith("-")
        amount = parse_amount(text[1:] if negative else text)
        if negative and amount:
            raise InputError(f"违法所得不能为负数：{value}")
    else:
        raise InputError(f"违法所得必须是数字（元）：{type(value).__name__}")
    if amount < 0:
        raise InputError(f"违法所得不能为负数：{value}")
    return amount


# -- the rules ----------------------------------------------------------------------------------

def _num(x: Fraction) -> str:
    if x.denominator == 1:
        return str(x.numerator)
    text = f"{float(x):.4f}".rstrip("0").rstrip(".")
    return text if Fraction(text) == x else "≈" + text


def assess(counts: dict | None = None, gains=0, *, insider: bool = False,
           used_for_crime: bool = False, knowing: bool = False, prior: str | None = None,
           grave_harm: bool = False, major_loss: bool = False,
           business: bool = False) -> Assessment:
    """Apply 第五条 (or 第六条 for purchases in lawful business) to the facts."""
    t = table()
    if counts is not None and not isinstance(counts, dict):
        raise InputError("条数应为 类别→条数 的映射，例如 {\"行踪轨迹\": 60}")
    _check_flags(insider=insider, used_for_crime=used_for_crime, knowing=knowing,
                 grave_harm=grave_harm, major_loss=major_loss, business=business)
    counts = _checked_counts(counts)
    gains = parse_gains(gains)
    prior = _checked_prior(prior)
    inputs = {"counts": counts, "gains": _num(gains), "insider": insider,
              "used_for_crime": used_for_crime, "knowing": knowing, "prior": prior,
              "grave_harm": grave_harm, "major_loss": major_loss, "business": business}

    rules: list[Rule] = []
    notes: list[str] = []
    steps: list[str] = []

    tiers = [(tier, sum(counts.get(c, 0) for c in tier["categories"])) for tier in t["tier"]]
    business_only = business and _business_kinds_only(t, tiers)
    if business and not business_only:
        notes.append("第六条只适用于第五条第一款第三项、第四项以外的信息；本案含有这两项的信息，已按第五条计算")
    if business_only:
        return _business(counts, gains, prior, inputs, tiers)

    agg_terms, ratio_sum, aggregation = _quantity(t, tiers, insider, rules, steps)
    gain_limit = t["gains"]["threshold"] * _factor(t, insider)
    if gains > 0 and gains >= gain_limit:
        rules.append(Rule(_via(t, insider, t["gains"]["clause"]), SERIOUS,
                          f"违法所得 {_num(gains)} 元，达到 {_num(gain_limit)} 元"
                          + ("（第七项标准的一半，履职或提供服务中获得）" if insider else "")))
    _conduct(t, counts, used_for_crime, knowing, prior, rules, notes)
    # 第二款: 情节特别严重.
    rules += _harm(t, grave_harm, major_loss)
    tenfold = _tenfold(t, tiers, insider, len(agg_terms), ratio_sum, gains, gain_limit)
    if tenfold:
        rules.append(Rule(t["tenfold"]["clause"], ESPECIALLY, "；".join(tenfold)
                          + ("（以第八项的一半标准为基数）" if insider else "")))
        steps.append(f"十倍检验（{t['tenfold']['clause']}）：" + "；".join(tenfold))

    level = ESPECIALLY if any(r.level == ESPECIALLY for r in rules) else \
        SERIOUS if rules else NONE
    notes.append(f"未计入的兜底情形：{t['other_serious']['clause']}（其他情节严重）、"
                 f"{t['other_especially']['clause']}（其他情节特别严重）需由司法机关综合判断")
    return Assessment(level, rules, steps, aggregation, notes, inputs)


def _business_kinds_only(t: dict, tiers: list) -> bool:
    """Whether only information 第六条 covers was bought (none of 第五条第一款第三项、第四项)."""
    return all(n == 0 for tier, n in tiers if set(tier["categories"]) - set(t["business"]["categories"]))


def _harm(t: dict, grave_harm: bool, major_loss: bool) -> list[Rule]:
    """第二款第一项、第二项: the grave consequences stated."""
    rules = []
    if grave_harm:
        rules.append(Rule(t["grave_harm"]["clause"], ESPECIALLY, "造成被害人死亡、重伤、精神失常或者被绑架等严重后果"))
    if major_loss:
        rules.append(Rule(t["major_loss"]["clause"], ESPECIALLY, "造成重大经济损失或者恶劣社会影响"))
    return rules


def _check_flags(**flags) -> None:
    for name, flag in flags.items():
        if not isinstance(flag, bool):
            raise InputError(f"{name} 应为 true 或 false：{flag!r}")


def _checked_counts(counts: dict | None) -> dict[str, int]:
    checked = {}
    for key, value in (counts or {}).items():
        _check_category(key)
        checked[key] = _count(value, key)
    return checked


def _checked_prior(prior) -> str | None:
    if prior is not None and prior not in PRIORS:
        raise InputError(f"未知的前科类型：{prior!r}", hint="应为 criminal（曾受刑事处罚）或 admin（二年内受过行政处罚）")
    return PRIORS.get(prior) if prior else None


def _factor(t: dict, insider: bool) -> Fraction:
    """The share of each threshold that counts: half for insiders (第八项), else all."""
    ins = t["insider"]
    return Fraction(ins["numerator"], ins["denominator"]) if insider else Fraction(1)


def _via(t: dict, insider: bool, clause: str) -> str:
    """The clause a serious circumstance rests on: 第八项 for insiders, else its own."""
    return t["insider"]["clause"] if insider else clause


def _quantity(t: dict, tiers: list, insider: bool, rules: list[Rule],
              steps: list[str]) -> tuple[list[dict], Fraction, dict]:
    """第三项至第五项, each group alone; 第六项, proportional sum; all halved for insiders (第八项).
    Appends the rules that fire and the steps of the calculation; returns the terms of the sum,
    the sum and the aggregation as reported."""
    factor = _factor(t, insider)
    agg_terms, ratio_sum, fired_tier = [], Fraction(0), False
    for tier, n in tiers:
        limit = tier["threshold"] * factor
        if n == 0:
            continue
        ratio = Fraction(n) / limit
        ratio_sum += ratio
        group = "、".join(tier["categories"])
        agg_terms.append({"clause": tier["clause"], "categories": tier["categories"], "count": n,
                          "threshold": _num(limit), "ratio": _num(ratio)})
        steps.append(f"{group}：{n} 条 ÷ {_num(limit)} 条（{tier['clause']}"
                     + ("标准的一半" if insider else "") + f"）= {_num(ratio)}")
        if n >= limit:
            fired_tier = True
            rules.append(Rule(_via(t, insider, tier["clause"]), SERIOUS,
                              f"{group}信息 {n} 条，达到 {_num(limit)} 条"
                              + (f"（{tier['clause']}标准 {tier['threshold']} 条的一半，履职或提供服务中获得）" if insider else "")))
    if len(agg_terms) > 1:
        steps.append(f"比例合计：{' + '.join(a['ratio'] for a in agg_terms)} = {_num(ratio_sum)}"
                     + ("，达到 1（第六项按相应比例合计达到数量标准）" if ratio_sum >= 1 else "，未达到 1"))
    aggregation = {"clause": t["aggregate"]["clause"], "terms": agg_terms, "sum": _num(ratio_sum),
                   "threshold": t["aggregate"]["sum_threshold"],
                   "reached": ratio_sum >= t["aggregate"]["sum_threshold"]}
    if not fired_tier and len(agg_terms) > 1 and ratio_sum >= t["aggregate"]["sum_threshold"]:
        rules.append(Rule(_via(t, insider, t["aggregate"]["clause"]), SERIOUS,
                          f"各类信息均未单独达到标准，按相应比例合计为 {_num(ratio_sum)}，达到 1"
                          + ("（按一半标准计算，履职或提供服务中获得）" if insider else "")))
    return agg_terms, ratio_sum, aggregation


def _conduct(t: dict, counts: dict[str, int], used_for_crime: bool, knowing: bool, prior: str | None,
             rules: list[Rule], notes: list[str]) -> None:
    """The serious circumstances of conduct (用于犯罪, 明知, 前科): appends their rules and notes."""
    if used_for_crime:
        u = t["used_for_crime"]
        if counts.get(u["category"], 0) > 0:
            rules.append(Rule(u["clause"], SERIOUS, "出售或者提供的行踪轨迹信息被他人用于犯罪"))
        else:
            notes.append(f"{u['clause']}只针对行踪轨迹信息被用于犯罪；其他信息被用于犯罪的，"
                         f"如知道或者应当知道对方利用信息实施犯罪，适用{t['knowing']['clause']}"
                         f"，否则由司法机关依{t['other_serious']['clause']}综合判断")
    if knowing:
        rules.append(Rule(t["knowing"]["clause"], SERIOUS,
                          "知道或者应当知道他人利用公民个人信息实施犯罪，仍向其出售或者提供"))
    if prior:
        rules.append(Rule(t["prior"]["clause"], SERIOUS, t["prior"]["values"][prior] + "，又实施本行为"))


def _tenfold(t: dict, tiers: list, insider: bool, terms: int, ratio_sum: Fraction, gains: Fraction,
             gain_limit: Fraction) -> list[str]:
    """What reaches ten times a standard (第二款第三项): a group's count, else the proportional
    sum of several groups, and the gains."""
    ten = t["tenfold"]["multiplier"]
    factor = _factor(t, insider)
    tenfold = []
    for tier, n in tiers:
        limit = tier["threshold"] * factor * ten
        if n and n >= limit:
            tenfold.append(f"{'、'.join(tier['categories'])}信息 {n} 条，达到 {_num(limit)} 条（{ten} 倍）")
    if not tenfold and terms > 1 and ratio_sum >= ten:
        tenfold.append(f"按相应比例合计为 {_num(ratio_sum)}，达到 {ten}（{ten} 倍）")
    if gains > 0 and gains >= gain_limit * ten:
        tenfold.append(f"违法所得 {_num(gains)} 元，达到 {_num(gain_limit * ten)} 元（{ten} 倍）")
    return tenfold


def _business(counts, gains, prior, inputs, tiers) -> Assessment:
    b = table()["business"]
    rules, steps = [], []
    n = sum(count for _, count in tiers)
    steps.append(f"为合法经营活动非法购买、收受第五条第一款第三项、第四项以外的信息 {n} 条：按{b['clause']}，"
                 "数量不单独定罪，看获利和前科")
    if gains >= b["profit_threshold"]:
        rules.append(Rule(b["profit_clause"], SERIOUS,
                          f"利用非法购买、收受的信息获利 {_num(gains)} 元，达到 {b['profit_threshold']} 元"))
    else:
        steps.append(f"获利 {_num(gains)} 元，未达到 {b['profit_threshold']} 元")
    if prior:
        rules.append(Rule(b["prior_clause"], SERIOUS, table()["prior"]["values"][prior] + "，又非法购买、收受"))
    notes = [f"将购买、收受的信息又出售或者提供的，按第五条计算（{b['resale_clause']}），不适用第六条",
             "第六条第一款第三项（其他情节严重）需由司法机关综合判断"]
    agg = {"clause": table()["aggregate"]["clause"], "terms": [], "sum": "0", "threshold": 1,
           "reached": False}
    return Assessment(SERIOUS if rules else NONE, rules, steps, agg, notes, inputs)


# -- JSON for CLI / API / MCP ---------------------------------------------------------------------

FLAGS = ("insider", "used_for_crime", "knowing", "prior", "grave_harm", "major_loss", "business")


def severity(counts: dict | None = None, gains=0, store=None, **flags) -> dict:
    """JSON-ready assessment: level, label, fired rules (with the clause text from the store),
    aggregation steps, the articles quoted from the store (or 未导入), notes."""
    unknown = [k for k in flags if k not in FLAGS]
    if unknown:
        raise InputError(f"未知的参数：{'、'.join(unknown)}", hint="可用参数：" + "、".join(FLAGS))
    a = assess(counts, gains, **flags)
    t = table()
    src = t["source"]
    article_bases = [Basis(src["law"], "第五条")]
    if flags.get("business"):
        article_bases.append(Basis(src["law"], "第六条"))
    article_bases.append(Basis(src["crime_law"], src["crime_article"]))
    below = t.get("below_threshold")
    if a.level == NONE and below:
        article_bases.append(parse_clause(below["law"], below["article"]))
    articles = [quote(store, b) for b in article_bases]
    imported = articles[0]["status"] != NOT_IMPORTED
    rules = []
    for r in a.rules:
        b = r.basis()
        text = None
        if store is not None and imported:
            art = find_article(store, b)
            text = clause_text(art.text, b.paragraph, b.item) if art else None
        rules.append({"clause": r.clause, "level": r.level, "detail": r.detail, "text": text})
    notes = list(a.notes)
    if a.level == NONE and below:
        notes.insert(0, f"未达情节严重不等于合法：出售、提供或非法获取个人信息仍可能受治安管理处罚"
                        f"（《{below['law']}》{below['article']}），民事责任也不受影响")
    if not imported:
        notes.insert(0, f"《{src['law']}》未导入：阈值取自 falv 内置数据，原文无法引用核验；"
                        "导入该司法解释的文本后即可引用核验")
    return {"level": a.level, "label": a.label, "rules": rules, "steps": a.steps,
            "aggregation": a.aggregation, "articles": articles, "notes": notes,
            "inputs": a.inputs, "interpretation_imported": imported}


# -- facts from a question ------------------------------------------------------------------------

_NUM = (r"(?<![第零一二两三四五六七八九十百千万0-9.])"  # a whole number, never an article number
        r"([0-9]{1,12}(?:\.[0-9]{1,6})?|[零一二两三四五六七八九十百千万]{1,12})\s*(万)?\s*(?:多|余)?")
_COUNT_RE = re.compile(_NUM + r"条")
_MONEY_RE = re.compile(_NUM + r"元")
_PRICE_AFTER = re.compile(r"(信息|记录)?(才|只|就)?(要|卖|值)?[几0-9一二三四五六七八九十两]+(毛|分|块|元)")


def _amount(digits: str, wan: str | None) -> Fraction:
    value = Fraction(digits) if digits[0].isdigit() else Fraction(cn_to_int(digits))
    return value * 10000 if wan else value


def facts_from_text(text: str) -> dict | None:
    """Counts per category, gains and the insider flag as a question states them ("卖了 3000 条
    行踪轨迹信息，获利 2 万元"), ready for severity(); None when the question states no count or
    amount. Heuristic by design: the composer shows the result as an estimate."""
    text = normalize(text or "")
    t = table()
    words = t.get("category_words", {})
    counts: dict[str, int] = {}
    for m in _COUNT_RE.finditer(text):
        try:
            n = _amount(m.group(1), m.group(2))
        except (InputError, ValueError, ZeroDivisionError):
            continue
        if n.denominator != 1 or n <= 0:
            continue
        if _PRICE_AFTER.match(text, m.end()):  # 一条几毛钱: a price per record, not a count
            continue
        window = text[max(0, m.start() - 12):m.end() + 12]
        category = next((c for c, ws in words.items() if any(w in window for w in ws)), "其他")
        counts[category] = min(MAX_COUNT, counts.get(category, 0) + int(n))
    gains = Fraction(0)
    fw = t.get("fact_words", {})
    for m in _MONEY_RE.finditer(text):
        window = text[max(0, m.start() - 10):m.start()]
        if any(w in window for w in fw.get("gains", [])):
            try:
                gains = min(Fraction(MAX_AMOUNT), gains + _amount(m.group(1), m.group(2)))
            except (InputError, ValueError, ZeroDivisionError):
                continue
    if not counts and not gains:
        return None
    insider = any(w in text for w in fw.get("insider", []))
    return {"counts": counts, "gains": _num(gains), "insider": insider}
