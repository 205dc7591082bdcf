"""Article renumbering between versions of one instrument, derived from stored data only.

Three sources, never a hand-typed table:
* the amendments falv applied to a stored text (law/consolidate.py: 刑法修正案（十二） on the 2020
  刑法): the numbers stay, the text before them is a historical version;
* an amendment decision stored in the base DB (全国人民代表大会常务委员会关于修改《X》的决定):
  its items say 增加一条，作为第X条 / 将第X条改为第Y条 / 将第X条、第Y条合并，作为第Z条 / 删去第X条;
  the articles between those anchors keep their order, so the whole old→new map follows;
* two stored versions of the same title (快递暂行条例 2019 and 2025): articles are paired by text.
"""

from __future__ import annotations

import difflib
import re
import weakref
from dataclasses import dataclass, field

from ..text import ARABIC_NUMERAL, CN_NUMERAL, cn_to_int, fold_for_compare, format_article_no
from .models import QUOTED, Law

_N = rf"((?:{ARABIC_NUMERAL}|{CN_NUMERAL})+)"
ADD = re.compile(rf"增加一条，?作为第{_N}条(?!之)")
MOVE = re.compile(rf"^将第{_N}条改为第{_N}条")
MERGE = re.compile(rf"^将((?:第{_N[1:-1]}条(?:第[一二三四五六七八九十]+[项款])?[、和])+第{_N[1:-1]}条(?:第[一二三四五六七八九十]+[项款])?)合并，?作为第{_N}条")
MERGE_PART = re.compile(rf"第{_N}条(第[一二三四五六七八九十]+[项款])?")
DELETE = re.compile(rf"^删去第{_N}条(?!第)")


@dataclass
class Renumbering:
    """old article number → current number(s) of one instrument."""

    title: str
    old_label: str  # e.g. 2025年修改前 / 2019-03-02 版本
    kind: str  # amendment · decision · version
    old_to_new: dict[str, list[str]] = field(default_factory=dict)
    effective_date: str | None = None  # from when the new numbering applies
    source: str = ""  # the decision's title, or the two versions compared
    old_law: Law | None = None  # the stored old version, when there is one
    published: str | None = None  # when the new numbering was published (decision / new version)

    def changed(self, article_no: str) -> list[str] | None:
        """The current numbers of an old article whose number changed; None when unchanged."""
        new = self.old_to_new.get(article_no)
        if not new or new == [article_no]:
            return None
        return new


def parse_decision(items: list[str], new_count: int) -> dict[int, list[int]] | None:
    """The old→new map implied by an amendment decision's items. None when the items do not
    account for the current article count (a decision this parser does not understand)."""
    added, deleted, explicit, merged = _read_items(items)
    if not (added or explicit or merged or deleted):
        return None
    taken = added | set(explicit.values()) | {t for t, _, _ in merged.values()}
    # old count: every new article comes from one old article, except added ones and merges
    groups = {t for t, _, _ in merged.values()}
    whole_members = sum(1 for _, partial, _ in merged.values() if not partial)
    old_count = new_count - len(added) + len(deleted) + whole_members - len(groups)
    mapping: dict[int, list[int]] = {}
    pointer = 0
    for old in range(1, old_count + 1):
        if old in deleted:
            mapping[old] = []
        elif old in explicit:
            pointer = explicit[old]
            mapping[old] = [pointer]
        elif old in merged:
            mapping[old], pointer = _merged(merged[old], pointer, taken)
        else:
            pointer = _next_free(pointer, taken)
            mapping[old] = [pointer]
    if pointer != new_count:
        return None
    return mapping


def _read_items(items: list[str]) -> tuple[set[int], set[int], dict[int, int], dict[int, tuple[int, bool, bool]]]:
    """(added, deleted, moved old → new, merged old → (target, partial, last member)) as the
    decision's items state them."""
    added: set[int] = set()
    deleted: set[int] = set()
    explicit: dict[int, int] = {}
    merged: dict[int, tuple[int, bool, bool]] = {}  # old → (target, partial, last member)
    for raw in items:
        text = raw.strip()
        for m in ADD.finditer(text):
            added.add(cn_to_int(m.group(1)))
        m = MOVE.match(text)
        if m:
            explicit[cn_to_int(m.group(1))] = cn_to_int(m.group(2))
            continue
        m = MERGE.match(text)
        if m:
            target = cn_to_int(m.group(m.lastindex))
            parts = list(MERGE_PART.finditer(m.group(1)))
            for i, part in enumerate(parts):
                merged[cn_to_int(part.group(1))] = (target, bool(part.group(2)), i == len(parts) - 1)
            continue
        m = DELETE.match(text)
        if m:
            deleted.add(cn_to_int(m.group(1)))
    return added, deleted, explicit, merged


def _merged(merge: tuple[int, bool, bool], pointer: int, taken: set[int]) -> tuple[list[int], int]:
    """Where an old article merged into `target` goes, and the pointer after it: a partial merge
    leaves the rest of the article an article of its own."""
    target, partial, last = merge
    new = [target]
    if last and not partial:
        pointer = target
    if partial:  # the rest of the article stays an article of its own
        pointer = _next_free(pointer, taken | {target})
        new.append(pointer)
    return new, pointer


def _next_free(pointer: int, taken: set[int]) -> int:
    pointer += 1
    while pointer in taken:
        pointer += 1
    return pointer


def pair_versions(old_articles, new_articles, window: int = 30) -> dict[str, list[str]]:
    """Old article number → the new article with the most similar text (ratio above 0.5).

    Versions keep their order, so candidates are searched near the old article's position
    (an exact text match anywhere wins first)."""
    new_folded = [(a.article_no, fold_for_compare(a.text)) for a in new_articles]
    exact: dict[str, str] = {}  # folded text → first new article with it
    position: dict[str, int] = {}  # new article number → its index
    for j, (no, text) in enumerate(new_folded):
        exact.setdefault(text, no)
        position.setdefault(no, j)
    out: dict[str, list[str]] = {}
    shift = 0  # how far the numbering has moved so far
    for i, art in enumerate(old_articles):
        text = fold_for_compare(art.text)
        if text in exact:
            out[art.article_no] = [exact[text]]
            shift = position[exact[text]] - i
            continue
        sm = difflib.SequenceMatcher(None, autojunk=False)
        sm.set_seq2(text)
        best, best_ratio, best_j = None, 0.5, None
        lo, hi = max(0, i + shift - window), min(len(new_folded), i + shift + window)
        for j in range(lo, hi):
            no, cand = new_folded[j]
            sm.set_seq1(cand)
            if sm.real_quick_ratio() <= best_ratio or sm.quick_ratio() <= best_ratio:
                continue
            r = sm.ratio()
            if r > best_ratio:
                best, best_ratio, best_j = no, r, j
        if best:
            out[art.article_no] = [best]
            shift = best_j - i
    return out


_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def renumberings(store, title: str, include_versions: bool = True) -> list[Renumbering]:
    """Every known old numbering of `title`: from amendment decisions, and (include_versions)
    from older stored versions. Cached per store until it is reloaded."""
    key = store.generation
    per_store = _CACHE.get(store)
    if per_store is None or per_store[0] != key:
        per_store = (key, {})
        _CACHE[store] = per_store
    cache = per_store[1]
    if title not in cache:
        cache[title] = (_amendment_renumberings(store, title) + _decision_renumberings(store, title)
                        + _version_renumberings(store, title))
    found = cache[title]
    return found if include_versions else [r for r in found if r.kind == "decision"]


def _decision_renumberings(store, title: str) -> list[Renumbering]:
    current = store.current_law(title)
    if current is None:
        return []
    wanted = f"关于修改《{title}》的决定"
    out = []
    for law in store.laws():
        if not law.title.endswith(wanted):
            continue
        # the stored text must already include this amendment
        if (current.version or "") < (law.publish_date or law.version or ""):
            continue
        items = [a.text for a in store.articles(law.law_id)]
        parsed = parse_decision(items, len(store.articles(current.law_id)))
        if not parsed:
            continue
        mapping = {format_article_no(o): [format_article_no(n) for n in news]
                   for o, news in parsed.items()}
        year = (law.publish_date or "")[:4]
        out.append(Renumbering(title, f"{year}年修改前", "decision", mapping, law.effective_date,
                               law.title, published=law.publish_date or law.version))
    return out


def _amendment_renumberings(store, title: str) -> list[Renumbering]:
    """The stored text before the amendments falv applied to it (law/consolidate.py): numbers
    stay (an amendment adds 之一 articles and marks deleted ones 删去), the wording changed."""
    current = store.current_law(title)
    if current is None or not current.amendments:
        return []
    old_id = next((old for old, new in store.plan.originals.items() if new == current.law_id), None)
    old_law = store.law(old_id) if old_id else None
    if old_law is None:
        return []
    mapping = {a.article_no: [a.article_no] for a in store.articles(old_id)}
    names = "、".join(a.name for a in current.amendments)
    source = "；".join(f"{a.title}（{a.published}公布，{a.effective}起施行）"
                      for a in current.amendments)
    last = current.amendments[-1]
    return [Renumbering(title, f"{names}修改前", "amendment", mapping, last.effective, source,
                        old_law, published=last.published)]


def _version_renumberings(store, title: str) -> list[Renumbering]:
    versions = store.laws_by_title(title)
    if len(versions) < 2:
        return []
    current = versions[0]
    new_articles = store.articles(current.law_id)
    out = []
    for old in versions[1:]:
        if old.source == QUOTED or old.law_id in store.plan.originals:
            continue  # (a text falv amended: _amendment_renumberings)
        mapping = pair_versions(store.articles(old.law_id), new_articles)
        label = f"{old.version or old.publish_date or '旧'}版本"
        out.append(Renumbering(title, label, "version", mapping, current.version,
                               f"{title}（{old.version}）→（{current.version}）", old,
                               published=current.version or current.publish_date))
    return out
