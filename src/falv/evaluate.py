"""`falv eval`: retrieval and answer-basis metrics over a JSONL evaluation set.

Input lines: {"id", "question", "gold_citations": [{"law", "article"}], "gold_citations_reliable"?}
(`../shared/eval/dev.jsonl`); the research set's spelling {"qid", "query", "gold": [{"law",
"article_no"}]} is read too. Items marked unreliable are left out of citation metrics. Gold
citations are normalised first — aliases, and old numbering such as pre-2026 网络安全法 articles —
so that a correct current article is not scored as a miss; where the item's reference answer
quotes a gold article's text under a number whose stored text is another (治安管理处罚法 of 2012,
第四十二条, is 第五十条 of the 2025 revision the store holds), the gold is the article the quote
holds (law/quotes.py quote_source, the check `falv verify` makes).

Items may carry labels of the reading (the blind sets: `kind`, `kind_also`, `actor`); then the
reading metrics are added (READING_KEYS): kind_accuracy (the answer's kind, or the second kind
it answers jointly, is the label's or one it accepts), actor_accuracy (personal-information kinds), confident_wrong (an answer that is not
the honest floor but rests on a kind the label contradicts, or routes to another actor than the
labelled one), floor (how many answers were the floor), pi_on_general (another area answered with
personal-information steps) and the basis precision/recall of the personal-information items.

Metrics: recall@5, recall@10, recall@100 (mean over items of |gold ∩ top-k| / |gold|; recall@100
is the candidate ceiling: no re-ranking of the top 100 can score above it), mrr@10 (first gold hit)
of `search` as users get it: the façade's Engine.search, the one `falv search`, the HTTP API and
MCP call, with its legal-knowledge bridges (answer/bridges.py). Search shows laws in one ranking and other kinds (司法解释, 行政法规, 部门规章) in groups
beside it, each ranked on its own (as 北大法宝 lists them); a gold article counts as found at k when
it is in the top k of the ranking or in the top k of its group, and its rank is its place in the
list it was found in (the best one). With no imported interpretations or regulations there are no
groups and the figures are those of the ranking alone; basis_precision and basis_recall of the `ask` answer's basis where the answer composer
exists (else null) — precision over the items that got a basis (a "no grounded answer" has none),
recall over all items; p50/p95 search latency in milliseconds (warm: the index is loaded first).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from .engine import Engine
from .errors import InputError
from .files import decode_text, read_bounded
from .law.models import VerdictKind
from .law.resolve import normalize_gold as resolve_gold
from .law.verify import verify_text
from .limits import MAX_EVAL_FILE_BYTES, MAX_REFERENCE_CHARS

DEPTH = 100  # hits fetched per question: recall@100 and the ranks --verbose shows
KEYS = ("recall@5", "recall@10", "recall@100", "mrr@10", "basis_precision", "basis_recall", "p50_ms", "p95_ms", "n")
# Reading metrics, over items labelled with the kind of problem (blind sets: kind, kind_also, actor)
READING_KEYS = ("labelled", "kind_accuracy", "actor_accuracy", "confident_wrong", "floor",
                "pi_on_general", "pi_basis_precision", "pi_basis_recall")
PI_KINDS = frozenset({"personal_info", "personality", "fraud"})  # answered by personal_info
# label actor ids (blind sets) that name the same actor as a frame's actor id
SAME_ACTOR = {"community": "government", "scammer": "stranger", "matchmaker": "agency",
              "spouse": "acquaintance"}  # the label schema's acquaintance takes in a spouse
SCAMMER = frozenset({"stranger", "acquaintance"})  # a scammer is read as a stranger or a contact


@dataclass
class Item:
    id: str
    question: str
    gold: list[tuple[str, str]]  # normalised (title, article_no)
    unresolved: list[dict] = field(default_factory=list)  # gold not in the store
    requoted: list[tuple[str, str]] = field(default_factory=list)  # (as written, as quoted) numbers
    label: dict = field(default_factory=dict)  # kind, kind_also, actor (labelled sets only)

    @property
    def all_gold(self) -> set[tuple[str, str]]:
        """Every gold citation, those the store lacks included (they count as misses)."""
        return set(self.gold) | {(g["law"], g["article"]) for g in self.unresolved}


@dataclass
class ItemResult:
    item: Item
    ranked: list[tuple[str, str]]
    ms: float
    basis: list[tuple[str, str]] | None = None
    groups: list[list[tuple[str, str]]] = field(default_factory=list)  # other kinds, each ranked
    lent: dict[tuple[str, str], str] = field(default_factory=dict)  # ranked key → bridge (rule, kb)
    reading: dict = field(default_factory=dict)  # the answer's kind, domain, actor, floor

    @property
    def kind_ok(self) -> bool:
        """The kind read (or the second kind answered jointly with it) is the label's or one it
        accepts."""
        lab = self.item.label
        read = {self.reading.get("kind"), self.reading.get("also")} - {None}
        return bool(read & {lab.get("kind"), *lab.get("kind_also", [])})

    @property
    def actor_ok(self) -> bool | None:
        """Whether the answer read the labelled actor (None: not scored — no actor in the label,
        or a kind the personal-information frame does not read actors for)."""
        lab = self.item.label
        if lab.get("kind") not in PI_KINDS or lab.get("actor") in (None, "", "none"):
            return None
        ours = self.reading.get("actor")
        if lab["actor"] == "scammer" and ours in SCAMMER:  # whoever the scammer posed as
            return True
        return ours is not None and SAME_ACTOR.get(ours, ours) == SAME_ACTOR.get(lab["actor"], lab["actor"])

    @property
    def confident_wrong(self) -> bool:
        """An answer whose steps rest on a reading the label contradicts: not a floor, and the
        kind is wrong, or the actor it routes to is another organisation than the labelled one."""
        if self.reading.get("floor", True):
            return False
        if not self.kind_ok:
            return True
        return self.actor_ok is False and self.reading.get("actor_routed", False)

    @property
    def pi_on_general(self) -> bool:
        """A question of another area answered with personal-information steps."""
        lab = self.item.label
        accepted = {lab.get("kind"), *lab.get("kind_also", [])}
        return (not self.reading.get("floor", True) and not accepted & PI_KINDS
                and self.reading.get("domain") == "personal_info")

    def found(self, k: int) -> set[tuple[str, str]]:
        """What a reader sees in the top k of the ranking and of each group."""
        out = set(self.ranked[:k])
        for members in self.groups:
            out.update(members[:k])
        return out

    def recall(self, k: int) -> float:
        gold = self.item.all_gold
        return len(gold & self.found(k)) / len(gold) if gold else 0.0

    def rank(self, key: tuple[str, str]) -> int | None:
        """1-based place of a gold article in the ranking, or in its group where it stands higher
        there (None: in neither's fetched top DEPTH)."""
        ranks = [hits.index(key) + 1 for hits in (self.ranked, *self.groups) if key in hits]
        return min(ranks) if ranks else None

    def rr(self, k: int = 10) -> float:
        gold = set(self.item.gold)
        best = 0.0
        for ranked in (self.ranked, *self.groups):
            for rank, key in enumerate(ranked[:k], 1):
                if key in gold:
                    best = max(best, 1.0 / rank)
                    break
        return best


def read_items(store, path: Path) -> tuple[list[Item], int]:
    """Items with reliable gold (normalised), and the number of items skipped as unreliable."""
    path = Path(path)
    text = decode_text(read_bounded(path, MAX_EVAL_FILE_BYTES), str(path))  # a clear error, never a traceback
    items, skipped = [], 0
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            question = obj["question"] if "question" in obj else obj["query"]
            gold = obj.get("gold_citations") or [  # research/depeval_queries.jsonl spelling
                {"law": g["law"], "article": g["article_no"]} for g in obj.get("gold") or []]
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"评测文件第 {lineno} 行无法解析：{exc}", location=f"{path}:{lineno}") from exc
        if obj.get("gold_citations_reliable") is False or not gold:
            skipped += 1
            continue
        keys, unresolved, requoted = [], [], []
        quoted_as = _renumbered_by_quote(store, obj.get("reference_answer"))
        for g in gold:
            found = normalize_gold(store, g.get("law", ""), g.get("article", ""))
            requoted += [(key[1], quoted_as[key][1]) for key in found if key in quoted_as]
            found = [quoted_as.get(key, key) for key in found]
            if not found:
                unresolved.append({"law": g.get("law"), "article": g.get("article")})
            for key in found:
                if key not in keys:
                    keys.append(key)
        label = {k: obj[k] for k in ("kind", "kind_also", "actor", "style") if k in obj}
        items.append(Item(str(obj.get("id", obj.get("qid", lineno))), question, keys, unresolved,
                          requoted, label))
    return items, skipped


def normalize_gold(store, law: str, article: str) -> list[tuple[str, str]]:
    """[(canonical title, current article number)] of a gold citation that the store holds as a
    current article; [] when it does not (the item then keeps it as an unmatched gold).

    falv.law.resolve.normalize_gold maps aliases, old numbering (pre-2026 网络安全法) and repealed
    articles with a successor; this keeps the candidates that are current articles."""
    out = []
    for title, number in resolve_gold(store, law, article):
        current = store.current_law(title)
        if current is not None and store.is_current(current) and store.get_article(title, number):
            out.append((title, number))
    return out


def _renumbered_by_quote(store, reference) -> dict[tuple[str, str], tuple[str, str]]:
    """(title, cited number) → (title, number whose text the reference answer quotes), for each
    citation of the reference whose quote is another stored article's text; {} without one."""
    if not isinstance(reference, str) or not reference.strip():
        return {}
    out = {}
    for c in verify_text(store, reference[:MAX_REFERENCE_CHARS], quotes=True):
        v = c.verdict
        if v.kind == VerdictKind.MISMATCH and v.replacement and v.law and v.article:
            number = v.replacement.rsplit("》", 1)[1]
            out[(v.law, v.article)] = (v.law, number)
    return out


def _composer_starts(engine: Engine) -> bool:
    """Whether `ask` answers at all (basis metrics are reported as null when it cannot start)."""
    try:
        engine.ask("个人信息泄露怎么办")
        return True
    except Exception:  # a composer that cannot start is reported as missing, not as a crash
        return False


def run(store, path: Path, k: int = 10, with_answers: bool = True, dense: bool | None = None,
        engine: Engine | None = None) -> tuple[dict, list[ItemResult], dict]:
    """Metrics (exactly KEYS), per-item results and notes (skipped items, missing composer).
    Every question goes through the façade, as `falv search` and `falv ask` do (Engine.search
    with its bridges, Engine.ask), over `engine` or a new one on `store`; `dense`: with the
    optional dense stage (default: FALV_DENSE)."""
    items, skipped = read_items(store, path)
    engine = engine if engine is not None else Engine(store, dense=dense)
    engine.search("个人信息")  # warm-up: latency figures are for a loaded index
    composer = with_answers and _composer_starts(engine)
    results = []
    for item in items:
        t0 = time.perf_counter()
        found = engine.search(item.question, top=max(k, DEPTH), per_group=max(k, DEPTH))
        ms = (time.perf_counter() - t0) * 1000
        res = ItemResult(item, [(h.law, h.article) for h in found.hits], ms,
                         groups=[[(h.law, h.article) for h in g.hits] for g in found.groups],
                         lent={(h.law, h.article): h.via for h in found.hits
                               if h.via in ("crime", "rule", "kb")})
        if composer:
            ans = engine.ask(item.question)
            res.basis = [(b.law, b.article) for b in ans.basis]
            res.reading = reading_of(ans)
        results.append(res)
    metrics = summarize(results, k, bool(composer))
    if composer and any(r.item.label.get("kind") for r in results):
        metrics.update(summarize_reading(results))
    notes = {"skipped_unreliable": skipped,
             "unresolved_gold": sum(len(r.item.unresolved) for r in results),
             "requoted_gold": sum(len(r.item.requoted) for r in results),
             "composer": bool(composer)}
    if not with_answers:
        notes["basis_note"] = "未评测回答的法律依据：basis_precision / basis_recall 记为 null"
    elif not composer:
        notes["basis_note"] = "回答生成不可用：basis_precision / basis_recall 记为 null"
    return metrics, results, notes


def reading_of(ans) -> dict:
    """What an answer read: kind, domain, whether it is a floor, the actor its steps route to."""
    r = ans.reading
    actor = ans.frame.actor
    return {"kind": r.kind, "also": r.also.kind if r.also else None,
            "domain": r.domain, "confident": r.confident,
            "floor": ans.floor, "actor": actor, "actor_routed": actor is not None}


def summarize_reading(results: list[ItemResult]) -> dict:
    """The reading metrics (READING_KEYS) over the items labelled with a kind of problem."""
    labelled = [r for r in results if r.item.label.get("kind")]

    def share(xs):
        return round(sum(xs) / len(xs), 4) if xs else None

    actors = [r.actor_ok for r in labelled if r.actor_ok is not None]
    pi = [r for r in labelled if r.item.label.get("kind") == "personal_info"]
    pi = [r for r in pi if r.item.all_gold]  # a set without gold articles has no basis to score
    precs = [len(r.item.all_gold & set(r.basis)) / len(r.basis) for r in pi if r.basis]
    recs = [len(r.item.all_gold & set(r.basis or [])) / len(r.item.all_gold) for r in pi]
    return {"labelled": len(labelled), "kind_accuracy": share([r.kind_ok for r in labelled]),
            "actor_accuracy": share(actors),
            "confident_wrong": sum(r.confident_wrong for r in labelled),
            "floor": sum(bool(r.reading.get("floor")) for r in labelled),
            "pi_on_general": sum(r.pi_on_general for r in labelled),
            "pi_basis_precision": share(precs) if pi else None,
            "pi_basis_recall": share(recs) if pi else None}


def summarize(results: list[ItemResult], k: int = 10, with_basis: bool = False) -> dict:
    n = len(results)

    def mean(xs):
        return round(sum(xs) / len(xs), 4) if xs else None

    times = sorted(r.ms for r in results)
    bp = br = None
    if with_basis and n:
        precs, recs = [], []
        for r in results:
            gold = r.item.all_gold
            basis = set(r.basis or [])
            if basis:  # an honest "no grounded answer" has no precision to score
                precs.append(len(gold & basis) / len(basis))
            recs.append(len(gold & basis) / len(gold) if gold else 0.0)
        bp, br = (mean(precs) if precs else 0.0), mean(recs)
    out = {
        "recall@5": mean([r.recall(5) for r in results]),
        "recall@10": mean([r.recall(10) for r in results]),
        "recall@100": mean([r.recall(100) for r in results]),
        "mrr@10": mean([r.rr(10) for r in results]),
        "basis_precision": bp,
        "basis_recall": br,
        "p50_ms": round(_pct(times, 50), 2) if times else None,
        "p95_ms": round(_pct(times, 95), 2) if times else None,
        "n": n,
    }
    if k not in (5, 10, 100):  # an extra cut-off asked for with --k
        out[f"recall@{k}"] = mean([r.recall(k) for r in results])
    return out


def _pct(sorted_values: list[float], p: float) -> float:
    if len(sorted_values) == 1:
        return sorted_values[0]
    pos = (len(sorted_values) - 1) * p / 100
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)
