"""Small builders for tests (after eyecite's test_factories): a store of a handful of laws, a
made-up law or article, a knowledge-base document — so that a unit test that reads a few articles
does not open, index or import the whole base database.

Statute text is data: a builder either copies it from laws.db (`base_db`, `quoted`) or takes the
made-up text a test names (甲乙丙测试物品 …); it never types real statute text.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Iterable, Sequence

PIPL = "中华人民共和国个人信息保护法"
CIVIL = "中华人民共和国民法典"
MADE_UP_TEXT = "本规定所称甲乙丙测试物品，是指专供测试使用的物品。"


# -- stores ---------------------------------------------------------------------------------------

def base_db(path: Path, titles: Iterable[str]) -> Path:
    """A base DB at `path` with laws.db's schema and these laws — every version of each, so
    repealed and historical rows are there too. Article texts are copied from laws.db."""
    from falv.config import base_db_path

    titles = tuple(titles)
    src = sqlite3.connect(f"file:{base_db_path()}?mode=ro", uri=True)
    dst = sqlite3.connect(path)
    try:
        for (sql,) in src.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"):
            dst.execute(sql)
        marks = ",".join("?" * len(titles))
        for table in ("laws", "articles"):
            cols = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
            rows = src.execute(f"SELECT {','.join(cols)} FROM {table} WHERE law_name IN ({marks})",
                               titles).fetchall()
            dst.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(cols))})", rows)
        dst.commit()
    finally:
        dst.close()
        src.close()
    return path


def statute_store(folder: Path, titles: Iterable[str] = (PIPL,)):
    """A StatuteStore over a base DB of these few laws (base_db) and an empty own store, both in
    `folder`. Close it (or use it in a with block)."""
    from falv.law.store import StatuteStore

    folder.mkdir(parents=True, exist_ok=True)
    return StatuteStore(store_path=folder / "falv.db", base_path=base_db(folder / "laws.db", titles))


def add_law(store, title: str, texts: Sequence[str] = (MADE_UP_TEXT,), doc_type: str = "部门规章",
            status: str = "现行有效", law_id: str | None = None) -> str:
    """One made-up law written straight into the store's own tables, as an import stores it
    (article i is 第i条), then the store reloaded; returns its law_id."""
    from falv import db
    from falv.text import format_article_no

    law_id = law_id or "test-" + hashlib.sha256(title.encode()).hexdigest()[:12]
    with db.write_transaction(store.own) as conn:
        conn.execute("INSERT INTO laws (law_id, title, doc_type, status, source, content_hash)"
                     " VALUES (?, ?, ?, ?, 'import', ?)", (law_id, title, doc_type, status, f"h-{law_id}"))
        conn.executemany("INSERT INTO articles (law_id, ordinal, article_no, number, suffix, text)"
                         " VALUES (?, ?, ?, ?, 0, ?)",
                         [(law_id, i, format_article_no(i), i, text) for i, text in enumerate(texts, 1)])
        db.bump_revision(conn)
    store.reload()
    return law_id


def law_file(path: Path, title: str, texts: Sequence[str], doc_type: str = "行政法规",
             status: str = "现行有效", **fields) -> Path:
    """One law as a JSONL file for the importer (article i is 第i条); `fields`: more header
    fields (publish_date, version …)."""
    law = {"title": title, "doc_type": doc_type, "status": status, **fields,
           "articles": [{"article_no": i, "text": text} for i, text in enumerate(texts, 1)]}
    path.write_text(json.dumps(law, ensure_ascii=False) + "\n", "utf-8")
    return path


def quoted(store, title: str = PIPL, count: int = 5) -> list[str]:
    """The first `count` article texts of a stored law (to build files from real text)."""
    law = store.current_law(title)
    return [a.text for a in store.articles(law.law_id)[:count]]


# -- values ---------------------------------------------------------------------------------------

def article(text: str = MADE_UP_TEXT, title: str = "测试用暂行规定", number: int = 1,
            doc_type: str = "部门规章", status: str = "现行有效", chapter: str | None = None):
    """An Article value (law.models) of a made-up law, without a store."""
    from falv.law.models import Article, Law
    from falv.text import format_article_no

    law = Law(f"test-{title}", title, doc_type, status, source="import")
    return Article(law, format_article_no(number), number, 0, text, chapter, None, number)


# -- knowledge base -------------------------------------------------------------------------------

def seed_document(path: Path, entries: Iterable[tuple[str, str, Sequence[str], Sequence[tuple]]]) -> Path:
    """A seed-format Q&A file. Each entry: (marker ㈠, question, analysis lines, basis), a basis
    line being (law, article number, quoted text) — quote what the store holds (store.get_article)
    or, for an instrument the store lacks, made-up text."""
    lines = []
    for marker, question, analysis, basis in entries:
        lines.append(f"{marker} {question}")
        lines.append("法律分析:" + analysis[0])
        lines.extend(analysis[1:])
        lines.append("法律依据:")
        lines.extend(f"《{law}》{no} {text}" for law, no, text in basis)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def store_rows(conn) -> list[tuple]:
    """Every row of every kb table and of the statute tables of falv's own store: a test compares
    them before and after a write that must change nothing."""
    out = []
    for table in ("kb_sources", "kb_entries", "kb_answers", "kb_points", "kb_point_sources",
                  "kb_citations", "kb_annotations", "kb_quoted_laws", "kb_quoted_articles"):
        out += [(table, *r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
    out += [("laws", *r) for r in conn.execute("SELECT * FROM laws ORDER BY law_id")]
    out += [("articles", *r) for r in conn.execute(
        "SELECT law_id, article_no, text FROM articles ORDER BY law_id, article_no")]
    return out


# -- answering ------------------------------------------------------------------------------------

def composer(store):
    """A Composer over `store` handed the parts the façade's context would give it: the searcher
    of the store's content and the KB matcher of its knowledge base (the composer loads none)."""
    from falv.answer.compose import Composer
    from falv.answer.kbmatch import KbMatcher
    from falv.search.retrieve import Searcher

    return Composer(store, Searcher(store), KbMatcher.load(store))
