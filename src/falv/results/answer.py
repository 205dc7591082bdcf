"""The answer of `falv ask` (`POST /ask`, MCP `ask`): schema version 3.

Field names are English and stable; texts are Chinese. Every basis text is an article text read
from the statute store, never generated. The composer (answer/compose.py) builds these models
directly; docs/answer-schema.md is generated from them (falv.docgen).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PrivateAttr

from ..law.models import VerdictKind
from .base import Result, absent

SCHEMA_VERSION = 3  # 3: `reading` (the kind of problem) and `floor`; 2: `scenarios` gone


class CitedArticle(Result, frozen=True):
    """An article an analysis point rests on (hashable: points are compared by their citations)."""

    law: str = Field(description="the law as the rule or source names it (canonical title where known)")
    article: str = Field(description="第X条[之Y]")


class KbProvenance(Result):
    """Where a knowledge-base point comes from."""

    file: str = Field(description="the ingested document")
    entry: str = Field(description="the entry's marker in it (㈠ …)")
    line_start: int = Field(description="first line of the point in the document")
    line_end: int = Field(description="last line of the point in the document")


class RuleProvenance(Result):
    """The rule (or floor route) a point comes from."""

    rule: str = Field(description="the rule id; floor.<kind>.<n> for a route of a kind's floor")
    domain: str | None = absent("the domain whose rule it is (`floor` for a floor route)")


class ChannelCard(Result):
    """A routing card on an analysis point: who to turn to and how."""

    id: str = Field(description="the channel id (domain/data/channels.toml)")
    body: str = Field(description="the authority or institution")
    contact: str = Field(description="how to reach it; a contact that cannot be confirmed offline ends in “（待核实）”")
    handles: str = Field(description="what it handles")
    prepare: list[str] = Field(description="what to bring")


class AnalysisPoint(Result):
    """One 【法律分析】 point, in order."""

    text: str = Field(description="the point's wording (a stored answer's, a rule's or a floor route's)")
    source: Literal["kb", "rule", "floor"] = Field(
        description="`kb` = a stored Q&A answer, `rule` = a domain rule, `floor` = a route of the kind's floor")
    citations: list[CitedArticle] = Field(default_factory=list, description="the articles the point rests on")
    provenance: list[KbProvenance | RuleProvenance] = Field(
        default_factory=list, description="kb: file, entry, lines (every source that says it); rule: the rule id and its domain")
    channels: list[ChannelCard] = Field(default_factory=list, description="routing cards of the channels the step names")


class BasisArticle(Result):
    """An article quoted from the store, with the verifier's verdict (【法律依据】, and 相关法条)."""

    law: str = Field(description="canonical title")
    article: str = Field(description="第X条[之Y]")
    text: str = Field(description="verbatim from the store; empty when the store lacks the instrument")
    status: str = Field(description="the law's status: 现行有效 · 已被修改 · 已废止 · 历史版本 · 未收录")
    verdict: VerdictKind = Field(description="the verifier's verdict")
    detail: str = Field("", description="the verdict in words")
    replacement: str | None = Field(None, description="the current law/article for a repealed or renumbered reference")
    origin: Literal["analysis", "question", "search"] = Field(
        "analysis", description="`analysis` = cited by a point, `question` = cited in the question itself, "
                                "`search` = a search result (相关法条 only; search hits are never basis)")
    score: float | None = Field(None, description="the ranking score of a search result; null for a basis article (cited, not ranked)")
    chapter: str | None = Field(None, description="the chapter the article stands in")

    @classmethod
    def checked(cls, law: str, article: str, text: str, status: str, verdict, **extra) -> "BasisArticle":
        """A basis article with the verifier's Verdict on it (kind, detail, replacement)."""
        return cls(law=law, article=article, text=text, status=status, verdict=verdict.kind,
                   detail=verdict.detail or "", replacement=verdict.replacement, **extra)


class Note(Result):
    """One 【提示】."""

    kind: Literal["outdated", "verification", "version", "scope"] = Field(
        description="`outdated` = an old authority or repealed law met in the question or analysis, "
                    "`verification` = a basis article that is not plainly in force, `version` = a rule "
                    "written against another version of a law than the store holds, cited under the number "
                    "that holds its text there, `scope` = no grounded answer")
    text: str = Field(description="the note")
    term: str | None = Field(None, description="the outdated term (kind outdated)")
    replacement: str | None = Field(None, description="what replaces it")


class Fit(Result):
    """How well one domain's reading fits one kind of problem."""

    kind: str = Field(description="the kind of problem")
    label: str = Field(description="its name in Chinese")
    domain: str = Field(description="the domain that read it")
    score: float = Field(description="the evidence's weight")
    core: bool = Field(description="the evidence the domain needs to answer is there")
    evidence: list[str] = Field(description="the words behind the score (`dim.id：words`)")
    missing: str = Field(description="when not core: what the reading lacks, in words")


class Reading(Result):
    """【问题类型】 the kind of problem, decided before any rule fires."""

    kind: str = Field(description="personal_info · personality · fraud · labour · consumer · family · tenancy · "
                                  "lending · traffic · other")
    label: str = Field(description="the kind's name in Chinese")
    topic: str | None = Field(description="for `other`: what it seems to be about, or null")
    domain: str | None = Field(description="the domain whose rules answer, or null")
    confident: bool = Field(description="false → a floor answer")
    why: str = Field(description="why the reading is (not) confident")
    also: Fit | None = Field(description="a second kind answered jointly (data/kinds.toml `[[overlap]]`), or null")
    score: float = Field(description="the chosen reading's score")
    evidence: list[str] = Field(description="the words behind it")
    alternatives: list[Fit] = Field(description="each other reading, best first, with why it lost (`missing`)")


class StatedFacts(Result):
    """Counts and gains a question states (for the 两高解释第五条 estimate)."""

    counts: dict[str, int] = Field(description="information category → records")
    gains: str = Field(description="illegal gains in yuan, as an exact number text")
    insider: bool = Field(description="obtained while performing duties or providing a service")


class PersonalInfoFrame(Result):
    """The case frame of a personal-information question (vocabulary in
    domain/personal_info/data/frame.toml)."""

    actor: str | None = Field(description="the primary actor: express · takeaway · agency · property · bank · hospital · "
                                          "school · recruiter · employer · telecom · merchant · app · acquaintance · stranger …")
    summary: str = Field(description="【情形】 in words ('' when nothing was read)")
    actors: list[str] = Field(description="every actor read, primary first")
    info: list[str] = Field(description="the information concerned")
    sensitive: bool = Field(description="sensitive personal information (个人信息保护法第二十八条)")
    private: bool = Field(description="private information (民法典第一千零三十二条)")
    acts: list[str] = Field(description="what was done with it")
    harms: list[str] = Field(description="what harm followed")
    wishes: list[str] = Field(description="what the person wants")
    places: list[str] = Field(description="where it happened")
    rights: list[str] = Field(description="the rights the person names")
    cues: list[str] = Field(description="other cues the rules read")
    whose: str = Field(description="whose information it is")
    facts: StatedFacts | None = Field(description="stated counts/gains, or null")
    evidence: dict[str, list[str]] = Field(description="which words fired each slot (`dim.id` → words)")


class SlotFrame(Result):
    """The case frame of the other domains (labour, consumer, family, …) and of no domain: the
    entry ids of each dimension (absent where the domain reads none)."""

    domain: str = Field(description="the domain that read the frame (`none`: no domain)")
    actor: str | None = Field(description="the primary actor")
    summary: str = Field(description="【情形】: the issues read, in words")
    actors: list[str] | None = absent("every actor read")
    issue: list[str] | None = absent("the issues read")
    fact: list[str] | None = absent("the facts read")
    wish: list[str] | None = absent("what the person wants")
    evidence: dict[str, list[str]] = Field(description="which words fired each slot (`dim.id` → words)")


Frame = PersonalInfoFrame | SlotFrame


class SeverityEstimate(Result):
    """【情节参考】 the 两高解释第五条 level the stated counts or gains would reach."""

    facts: StatedFacts = Field(description="the counts and gains read from the question")
    level: str = Field(description="none · serious · especially_serious")
    label: str = Field(description="the level in words")
    rules: list[str] = Field(description="the 第五条 clauses that fired")
    estimate: bool = Field(description="always true: an estimate for a lay reader, not a legal conclusion")


class Letter(Result):
    """A letter the case calls for, filled with the question's facts."""

    kind: str = Field(description="the letter kind (delete · complaint · police · arbitration …)")
    title: str = Field(description="its title")
    fill: dict[str, str] = Field(description="field → value read from the question")
    text: str = Field(description="plain text, ready to copy")
    missing: list[str] = Field(description="fields left for the person to fill")


class MissingFact(Result):
    """【还需要确认】 a fact the question leaves open that changes the advice."""

    id: str = Field(description="the fact's id")
    ask: str = Field(description="the question to ask")


class MissingInstrument(Result):
    """【未收录的依据】 an instrument a step rests on that the store lacks, or whose stored version
    does not hold the text the step means."""

    law: str = Field(description="the instrument")
    articles: list[str] = Field(description="the articles the steps cite")
    hint: str = Field(description="how to import it, or which version the store holds")


class KbMatch(Result):
    """A matched knowledge-base entry."""

    id: str = Field(description="the entry number (`falv kb show ID`)")
    question: str = Field(description="the entry's question")
    score: float = Field(description="how well it matches (0.5: an entry matched by its kind of case)")


class Timings(Result):
    """Milliseconds per stage of one answer."""

    understand_ms: float = Field(description="the case analysis with its knowledge-base matches")
    search_ms: float = Field(description="the search ranking")
    verify_ms: float = Field(description="quoting and verifying the basis")
    total_ms: float = Field(description="the whole answer")


class Answer(Result):
    """The answer to a question: the analysis steps, the articles they rest on (quoted from the
    store and verified), what is still to be confirmed, and the letters the case calls for."""

    schema_version: Literal[3] = Field(SCHEMA_VERSION, description="`3`")
    question: str = Field(description="the question after normalisation (全角/半角, 繁→简, whitespace); "
                                      "the text output echoes the question as typed")
    grounded: bool = Field(description="`true` when a knowledge-base entry, a domain rule or an explicitly cited "
                                       "article answers the question; `false` = no grounded answer, see `related`")
    reading: Reading = Field(description="【问题类型】 the kind of problem, with its evidence and the readings that lost")
    floor: bool = Field(False, description="`true` when no rule fits with confidence: the steps are the kind's usual "
                                           "routes (【处理途径】, `source: floor`), not an analysis of this case, and the "
                                           "articles after them are search results")
    analysis: list[AnalysisPoint] = Field(default_factory=list, description="【法律分析】 points in order")
    basis: list[BasisArticle] = Field(default_factory=list, description="【法律依据】: only articles the store holds; an "
                                      "instrument the store lacks is listed in `missing_instruments` instead")
    notes: list[Note] = Field(default_factory=list, description="【提示】")
    related: list[BasisArticle] = Field(default_factory=list, description="相关法条: the best search hits not in the "
                                        "basis, labelled as search results (never the basis), verified like the basis")
    kb_entries: list[KbMatch] = Field(default_factory=list, description="matched knowledge-base entries")
    timings: Timings = Field(description="milliseconds per stage")
    frame: Frame = Field(description="the case frame read from the question (its shape depends on the domain)")
    missing: list[MissingFact] = Field(default_factory=list, description="【还需要确认】")
    missing_instruments: list[MissingInstrument] = Field(default_factory=list, description="【未收录的依据】")
    severity: SeverityEstimate | None = Field(None, description="【情节参考】 where counts or gains are stated, else null")
    letters: list[Letter] = Field(default_factory=list, description="letters this case calls for, filled with the question's facts")

    _asked: str | None = PrivateAttr(None)  # the question as typed (stripped), not part of the JSON

    @property
    def asked(self) -> str:
        """The question as the person typed it (full-width punctuation kept): what the text and
        Markdown outputs echo; `question` is the normalised text the answer was matched on."""
        return self._asked or self.question
