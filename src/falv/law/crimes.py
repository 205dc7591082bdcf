"""Crime names → the 刑法 articles that define them, read from the store's 罪名 instruments.

A question that names a crime (是否能以诈骗罪定罪处罚) asks about one article, but 刑法 never
writes its crimes' names: 第二百六十六条 says 诈骗公私财物，数额较大的…, and in a long question
its one shared word loses to articles that share many (集资诈骗, 信用卡诈骗). The names are
fixed by judicial instruments — 最高人民检察院关于适用刑法分则规定的犯罪的罪名的意见 and the
确定罪名的补充规定 (一)…(八) that follow each 刑法修正案 — which LawRefBook users import. This
module reads them as the store holds them (one 全文 text each), in their three layouts:

* the 意见's list: 188．诈骗罪（第266条） 189．抢夺罪（第267条第1款）
* the supplements' tables: | 第二百五十三条之一 （《刑法修正案（九）》第十七条） |侵犯公民个人信息罪 （取消出售、非法提供公民个人信息罪和非法获取公民个人信息罪罪名） |
* a supplement's sentence: 将…第一百六十九条（…）的罪名由“甲罪”修改为“乙罪”

A name the later instruments cancelled (取消…罪名) still points to its article: people keep
using old names. Nothing is known without such instruments: the bundled store has none.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

from ..errors import FalvError
from ..text import cn_to_int, format_article_no

CRIMINAL_LAW = "中华人民共和国刑法"
# instruments that assign crime names (titles as LawRefBook and the official texts spell them)
_SOURCE_TITLE = re.compile(r"罪名")
_NUM = r"[0-9０-９零〇一二三四五六七八九十百千两]+"
_ARTICLE = re.compile(rf"第({_NUM})条(?:之({_NUM}))?")
_NAME = r"[\u4e00-\u9fff、“”]{2,60}?罪"
# 188．诈骗罪（第266条）  ·  3．煽动分裂国家罪（第103条第2款）
_LISTED = re.compile(rf"(?P<name>[\u4e00-\u9fff][\u4e00-\u9fff、]{{0,59}}罪)（(?P<arts>第[^（）]{{1,80}})）")
# | 刑法条文 | 罪名 |
_ROW = re.compile(r"^\|(?P<arts>[^|\n]+)\|(?P<names>[^|\n]+)\|", re.M)
# 将…第一百六十九条（…）的罪名由“甲罪”修改为“乙罪”
_RENAMED = re.compile(rf"第({_NUM})条(?:之({_NUM}))?(?:（[^“”]{{0,80}}?）)?的罪名由“[^”]{{1,60}}”修改为“(?P<name>[^”]{{1,60}}罪)”")
_CANCELLED = re.compile(r"取消([^）)]{2,200}?)罪名")
_PAREN = re.compile(r"（[^（）]*(?:（[^（）]*）[^（）]*)*）|\([^()]*\)")
MIN_NAME = 3  # 诈骗罪: shorter strings ending in 罪 (犯罪, 无罪) are not names


@dataclass(frozen=True)
class NamedCrime:
    name: str  # as the question writes it (诈骗罪)
    articles: tuple[str, ...]  # 刑法 article numbers (第二百六十六条)
    span: tuple[int, int]


class CrimeNames:
    """The store's crime-name table; `find` returns the crimes a text names, longest name first
    (集资诈骗罪 is not also 诈骗罪)."""

    def __init__(self, table: dict[str, tuple[str, ...]]):
        self.table = table
        names = sorted(table, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, names))) if names else None

    def __len__(self) -> int:
        return len(self.table)

    def find(self, text: str) -> list[NamedCrime]:
        if self._pattern is None:
            return []
        return [NamedCrime(m.group(), self.table[m.group()], m.span())
                for m in self._pattern.finditer(text)]

    @classmethod
    def from_store(cls, store) -> "CrimeNames":
        table: dict[str, list[str]] = {}
        for law in store.laws():
            if _SOURCE_TITLE.search(law.title) and store.is_current(law):
                for art in store.articles(law.law_id):
                    for name, numbers in parse(art.text):
                        merged = table.setdefault(name, [])
                        merged += [n for n in numbers if n not in merged]
        # only numbers the stored 刑法 holds (a repealed or renumbered article names nothing)
        held = {n for numbers in table.values() for n in numbers
                if store.get_article(CRIMINAL_LAW, n) is not None}
        return cls({name: tuple(n for n in numbers if n in held)
                    for name, numbers in table.items() if held.intersection(numbers)})


def parse(text: str) -> list[tuple[str, list[str]]]:
    """(crime name, [article numbers]) pairs in one 罪名 instrument's text, in its order."""
    out: list[tuple[str, list[str]]] = []
    for row in _ROW.finditer(text):
        numbers = _numbers(_PAREN.sub("", row.group("arts")))
        if not numbers:
            continue  # the header row and its |---| line
        cell = row.group("names")
        for cancelled in _CANCELLED.findall(cell):
            out += [(n, numbers) for n in _names(cancelled)]
        out += [(n, numbers) for n in _names(_PAREN.sub("", cell))]
    for m in _LISTED.finditer(text):
        numbers = _numbers(m.group("arts"))
        if numbers:
            out += [(n, numbers) for n in _names(m.group("name"))]
    for m in _RENAMED.finditer(text):
        out.append((m.group("name"), [_number(m.group(1), m.group(2))]))
    return [(name, numbers) for name, numbers in out if len(name) >= MIN_NAME]


def _names(cell: str) -> list[str]:
    """罪名 in a table cell or a cancelled list: separated by ；, 和 or spaces; each ends in 罪."""
    parts = re.split(r"[；;\s]+|罪和", cell.strip())
    names = []
    for p in parts:
        p = p.strip("，。、 ")
        if not p:
            continue
        if not p.endswith("罪"):
            p += "罪"
        if re.fullmatch(r"[\u4e00-\u9fff、]+罪", p) and "取消" not in p and "罪名" not in p:
            names.append(p)
    return names


def _numbers(text: str) -> list[str]:
    out = []
    for m in _ARTICLE.finditer(text):
        n = _number(m.group(1), m.group(2))
        if n and n not in out:
            out.append(n)
    return out


def _number(number: str, suffix: str | None) -> str | None:
    try:
        return format_article_no(cn_to_int(number), cn_to_int(suffix) if suffix else 0)
    except FalvError:  # a numeral the parser refuses names no article
        return None


_TABLES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def crime_names(store) -> CrimeNames:
    """The table for the store as loaded; read again after it is reloaded (an import)."""
    cached = _TABLES.get(store)
    if cached is None or cached[0] != store.generation:
        cached = _TABLES[store] = (store.generation, CrimeNames.from_store(store))
    return cached[1]
