"""Results of the toolkit verbs: route, severity, draft, and the lists of scenarios and letters."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..law.models import VerdictKind
from .answer import Frame, Reading, SeverityEstimate
from .base import Result, ResultList, absent


class CitedClause(Result):
    """An article or clause a step or a letter cites."""

    law: str = Field(description="the law")
    article: str = Field(description="the article or clause (第五条第一款第三项)")


class QuotedArticle(Result):
    """An article a card, a calculation or a letter cites, quoted from the store with its verdict."""

    law: str = Field(description="canonical title (as named where the store lacks it)")
    article: str = Field(description="第X条[之Y]")
    clause: str = Field(description="the clause meant (第五条第一款第三项), or the article")
    text: str | None = Field(description="the article's text from the store; null where the store lacks it")
    status: str = Field(description="the law's status, or 未导入 / 法规库中没有 / 版本不符")
    verdict: VerdictKind | None = Field(description="the verifier's verdict (null where the law is not imported)")
    detail: str | None = Field(description="the verdict in words")
    clause_text: str | None = absent("the clause's own text, where a clause is meant")
    placed: str | None = absent("why the article is quoted under another number than the rule names "
                                "(the store holds another version of the law)")
    replacement: str | None = absent("the current law/article for a repealed reference")


class Contact(Result):
    kind: Literal["hotline", "website", "how"] = Field(description="hotline · website · how")
    value: str = Field(description="the number, address or way")
    unconfirmed: bool = Field(description="cannot be confirmed offline: check before relying on it")
    note: str | None = Field(description="what to check")


class RouteChannel(Result):
    """A channel the steps name, in the steps' order."""

    id: str = Field(description="the channel id")
    body: str = Field(description="the authority or institution")
    contact: list[Contact] = Field(description="how to reach it")
    handles: str = Field(description="what it handles")
    prepare: list[str] = Field(description="what to bring")
    basis: list[QuotedArticle] = Field(description="the articles it acts under (and those the case adds)")
    order: int = Field(description="1, 2, … in the steps' order")


class RouteStep(Result):
    """One step of advice, in order of urgency."""

    id: str = Field(description="the rule id")
    text: str = Field(description="the step")
    channels: list[str] = Field(description="the channel ids it routes to")
    citations: list[CitedClause] = Field(description="the articles it rests on")


class RouteResult(Result):
    """Where to take a question, from the same case analysis `ask` uses."""

    question: str | None = Field(description="the question as given (null for a named scenario)")
    scenario: str | None = Field(description="the named scenario asked for, or null")
    reading: Reading = Field(description="the kind of problem (as in the answer)")
    floor: bool = Field(description="no rule fits with confidence: the kind's usual routes")
    frame: Frame = Field(description="the case frame (as in the answer)")
    channels: list[RouteChannel] = Field(description="the channels the steps name, each once, in order")
    steps: list[RouteStep] = Field(description="the steps, most urgent first")
    notes: list[str] = Field(description="remarks (nothing recognised, a floor answer)")
    severity: SeverityEstimate | None = absent("the 两高解释第五条 estimate where the question states counts or gains")


class Scenario(Result):
    id: str = Field(description="the scenario id (`route --scenario ID`)")
    name: str = Field(description="its name")
    routes: list[str] = Field(description="the channels its steps name, in order")


class ScenarioList(ResultList):
    """The named scenarios (preset case frames) `route --scenario` takes."""

    root: list[Scenario]


class SeverityRule(Result):
    clause: str = Field(description="the clause that fired (第五条第一款第三项)")
    level: Literal["serious", "especially_serious"] = Field(description="the level it gives")
    detail: str = Field(description="the numbers that reach it, in words")
    text: str | None = Field(description="the clause's text from the store (null when the interpretation is not imported)")


class AggregationTerm(Result):
    clause: str = Field(description="the clause of the category's threshold")
    categories: list[str] = Field(description="the information categories it covers")
    count: int = Field(description="records stated")
    threshold: str = Field(description="the threshold (halved for an insider)")
    ratio: str = Field(description="count / threshold")


class Aggregation(Result):
    """第五条第一款第六项: below each threshold, the ratios summed."""

    clause: str = Field(description="the clause")
    terms: list[AggregationTerm] = Field(description="each category's ratio")
    sum: str = Field(description="the ratios' sum")
    threshold: int = Field(description="the sum that reaches 情节严重")
    reached: bool = Field(description="the sum reaches it")


class SeverityInputs(Result):
    counts: dict[str, int] = Field(description="information category → records")
    gains: str = Field(description="illegal gains in yuan")
    insider: bool = Field(description="obtained while performing duties or providing a service")
    used_for_crime: bool = Field(description="whereabouts sold or provided were used for a crime")
    knowing: bool = Field(description="knew or should have known the buyer would commit a crime")
    prior: Literal["criminal", "admin"] | None = Field(description="a prior criminal penalty, or an administrative one within two years")
    grave_harm: bool = Field(description="death, serious injury, mental disorder, kidnapping or the like followed")
    major_loss: bool = Field(description="major economic loss or a bad social impact")
    business: bool = Field(description="bought or received for lawful business (第六条)")


class SeverityResult(Result):
    """The 情节 of 侵犯公民个人信息罪 under 两高解释第五条、第六条: a reference calculation, not a
    legal conclusion."""

    level: Literal["none", "serious", "especially_serious"] = Field(description="the level reached")
    label: str = Field(description="the level in words")
    rules: list[SeverityRule] = Field(description="the rules that fired")
    steps: list[str] = Field(description="the calculation, step by step")
    aggregation: Aggregation = Field(description="the aggregation of categories (第五条第一款第六项)")
    articles: list[QuotedArticle] = Field(description="the articles it rests on, quoted from the store")
    notes: list[str] = Field(description="what the calculation leaves to a court")
    inputs: SeverityInputs = Field(description="the facts as read")
    interpretation_imported: bool = Field(description="the 两高解释 is in the store (its text quoted and verified)")


class DraftResult(Result):
    """A letter with the values filled in and the cited articles quoted from the store."""

    kind: str = Field(description="the letter kind")
    title: str = Field(description="its title")
    format: Literal["markdown", "text"] = Field(description="the text's format")
    text: str = Field(description="the letter, with the values filled in and the cited articles quoted")
    fields: dict[str, str] = Field(description="field → what to fill in")
    missing: list[str] = Field(description="fields still empty (shown as 【字段】 in the text)")
    citations: list[QuotedArticle] = Field(description="the articles it cites, quoted from the store")
    prefilled: dict[str, str] | None = absent("with a question: the values read from it (the caller's own win)")


class DraftKind(Result):
    kind: str = Field(description="the letter kind (`falv draft KIND`)")
    title: str = Field(description="its title")
    aliases: list[str] = Field(description="other names it is found by")
    fields: dict[str, str] = Field(description="field → what to fill in")
    cites: list[CitedClause] = Field(description="the articles it cites")


class DraftKindList(ResultList):
    """The letter kinds and their fields."""

    root: list[DraftKind]
