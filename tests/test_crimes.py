"""Crime names → 刑法 articles (law/crimes.py) and the crime bridge of search.

The texts below are made-up instruments in the three layouts of the real 罪名 instruments (甲乙罪
and the like are not crimes); the real ones are read from ../shared in test_lawrefbook.py."""

from __future__ import annotations

from falv.engine import Engine
from falv.law.crimes import CrimeNames, crime_names, parse

LISTED = "1．甲乙罪（第266条） 2．丙丁罪（第103条第1款） 3．戊戌、己亥罪（第114条、第115条第1款）"
TABLE = ("| 刑法条文 |罪名 |\n|-----|-----|\n"
         "| 第二百五十三条之一 （《刑法修正案（九）》第十七条） |庚辛罪 （取消壬癸罪和子丑、寅卯罪罪名） |\n"
         "| 第二百零一条 （《刑法修正案（七）》第3条） |辰巳罪；午未罪 |\n")
RENAMED = "将《中华人民共和国刑法》第一百六十九条（《刑法修正案（十二）》第三条）的罪名由“申酉罪”修改为“戌亥罪”。"


def test_the_three_layouts():
    got = dict(parse(LISTED + "\n" + TABLE + RENAMED))
    assert got["甲乙罪"] == ["第二百六十六条"]
    assert got["丙丁罪"] == ["第一百零三条"]
    assert got["戊戌、己亥罪"] == ["第一百一十四条", "第一百一十五条"]
    # the amendment named in brackets is not the article; cancelled names keep pointing to it
    for name in ("庚辛罪", "壬癸罪", "子丑、寅卯罪"):
        assert got[name] == ["第二百五十三条之一"], name
    assert got["辰巳罪"] == got["午未罪"] == ["第二百零一条"]
    assert got["戌亥罪"] == ["第一百六十九条"] and "申酉罪" not in got
    # the header row, 犯罪 and words around the table name nothing
    assert all(len(n) >= 3 and n.endswith("罪") and "罪名" not in n for n in got)


def test_longest_name_wins():
    names = CrimeNames({"诈骗罪": ("第二百六十六条",), "集资诈骗罪": ("第一百九十二条",)})
    found = names.find("这算集资诈骗罪还是诈骗罪？不构成犯罪吗")
    assert [(c.name, c.articles) for c in found] == [("集资诈骗罪", ("第一百九十二条",)),
                                                    ("诈骗罪", ("第二百六十六条",))]
    assert CrimeNames({}).find("诈骗罪") == []


def test_bundled_store_has_no_crime_names(store):
    """The bundled store holds no 罪名 instrument: nothing is lent for a crime's name."""
    assert len(crime_names(store)) == 0
    hits = Engine(store).search("是否构成诈骗罪", top=10).hits
    assert all(h.via != "crime" for h in hits)
