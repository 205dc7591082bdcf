"""LawRefBook (github.com/LawRefBook/Laws) as its maintainers publish it: what its layout says.

A LawRefBook file has no front matter. What falv needs besides the text comes from, in order:
  1. `db.sqlite3` (table `law`: level = category, publish, expired, valid_from; `category.folder`),
     matched by the file name without its date and the `(YYYY-MM-DD)` in it. The file comes from
     outside, so it is data, never code: its bytes are opened as an in-memory database (no file,
     no lock, no journal), only a real table `law` with the expected columns and declared types is
     read (not a view, a virtual table or a generated column), under an instruction budget
     (progress handler), a value-length limit and a row cap; the values are checked one by one
     (`expired` strictly: 0/1, 'true'/'false'). Anything else is "no metadata" with a warning;
  2. otherwise the folder name (司法解释 / 行政法规 / 部门规章 …), the `(YYYY-MM-DD)` in the file name
     and the dated lines before `<!-- INFO END -->` (`2017年5月8日 施行`).
Versions of one instrument are separate files; `assign_versions` makes the latest one in force the
current version and the others 历史版本 (expired ones 已废止 when no version is in force).
"""

from __future__ import annotations

import datetime as _dt
import re
import sqlite3
from dataclasses import dataclass

from ..errors import FalvError
from ..limits import MAX_META_ROWS, MAX_META_STEPS, MAX_META_VALUE_CHARS, MAX_NAME_CHARS
from .models import HISTORICAL, IN_FORCE, REPEALED

INFO_END = "<!-- INFO END -->"
_DATED_NAME = re.compile(r"^(?P<name>.+?)\((?P<date>\d{4}-\d{2}-\d{2})\)$")


@dataclass(frozen=True)
class Hints:
    """What the layout says about one file; every field optional (a header in the file wins)."""

    doc_type: str | None = None
    publish_date: str | None = None
    effective_date: str | None = None
    version: str | None = None
    expired: bool = False
    lawrefbook: bool = False  # LawRefBook layout: versions and statuses decided per batch
    origin: str | None = None  # where the hints came from, for the law's note


@dataclass(frozen=True)
class _Row:
    name: str
    level: str
    publish: str | None
    expired: bool
    valid_from: str | None


def split_filename(stem: str) -> tuple[str, str | None]:
    """'专利法实施细则(2023-12-11)' → ('专利法实施细则', '2023-12-11')."""
    m = _DATED_NAME.match(stem)
    return (m.group("name"), m.group("date")) if m else (stem, None)


Metadata = dict[str, list[_Row]]  # name → rows
SQLITE_HEADER = b"SQLite format 3\x00"
# the columns read, each with the declared types (affinity words) it may have
COLUMNS = {"name": ("TEXT", "CHAR", "CLOB"), "level": ("TEXT", "CHAR", "CLOB"),
           "publish": ("DATE", "TEXT", "CHAR"), "expired": ("INT", "BOOL"),
           "valid_from": ("DATE", "TEXT", "CHAR")}
PROGRESS_EVERY = 1000  # SQLite VM instructions between two calls of the budget check
_TRUE, _FALSE = ("1", "true", "yes", "是"), ("0", "false", "no", "否")


class NotMetadata(Exception):
    """The database is not usable as LawRefBook's metadata (the reason, in Chinese)."""


def read_metadata(meta) -> tuple[Metadata | None, str | None]:
    """(name → rows, None), or (None, a warning) when `meta` (sources.MetaSource: a name and a
    bounded reader) is not LawRefBook's metadata database: the import then goes on without it."""
    try:
        rows, bad = parse_metadata(meta.read())
    except FalvError as exc:
        return None, f"{meta.name}：{exc.message}，按无元数据导入（类别、日期取自目录与文件名）"
    except NotMetadata as exc:
        return None, f"{meta.name}：{exc}，按无元数据导入（类别、日期取自目录与文件名）"
    return rows, (f"{meta.name}：law 表有 {bad} 行无法使用（名称、类别或 expired 不合格式），已忽略"
                  if bad else None)


def parse_metadata(data: bytes) -> tuple[Metadata, int]:
    """(name → rows, rows left out) of the `law` table of a db.sqlite3's bytes, read as data
    (see the module docstring); NotMetadata when it cannot be used at all."""
    if not data.startswith(SQLITE_HEADER):
        raise NotMetadata("不是 SQLite 数据库")
    image = bytearray(data)
    if image[18:20] == b"\x02\x02":  # WAL mode: an in-memory copy reads as a rollback-journal file
        image[18:20] = b"\x01\x01"
    conn = sqlite3.connect(":memory:")
    calls = 0

    def budget() -> int:
        nonlocal calls
        calls += 1
        return 1 if calls * PROGRESS_EVERY > MAX_META_STEPS else 0  # non-zero interrupts SQLite

    try:
        conn.deserialize(bytes(image))
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_META_VALUE_CHARS)
        conn.set_progress_handler(budget, PROGRESS_EVERY)
        _check_table(conn)
        rows = conn.execute("SELECT name, level, publish, expired, valid_from FROM law LIMIT ?",
                            (MAX_META_ROWS + 1,)).fetchall()
    except sqlite3.Error as exc:
        if calls * PROGRESS_EVERY > MAX_META_STEPS:
            raise NotMetadata(f"读取超出工作量上限（{MAX_META_STEPS} 步）") from None
        raise NotMetadata(f"无法读取（{exc}）") from None
    finally:
        conn.close()
    if len(rows) > MAX_META_ROWS:
        raise NotMetadata(f"law 表超过 {MAX_META_ROWS} 行")
    out: Metadata = {}
    bad = 0
    for name, level, publish, expired, valid_from in rows:
        flag = parse_flag(expired)
        if not (isinstance(name, str) and 0 < len(name) <= MAX_NAME_CHARS and isinstance(level, str)
                and len(level) <= MAX_NAME_CHARS and flag is not None):
            bad += 1
            continue
        out.setdefault(name, []).append(_Row(name, level, _date(publish), flag, _date(valid_from)))
    if bad and not out:
        raise NotMetadata(f"law 表的 {bad} 行都无法使用（名称、类别或 expired 不合格式）")
    return out, bad


def _check_table(conn: sqlite3.Connection) -> None:
    """`law` is a plain table with the columns read, none of them generated."""
    kinds = conn.execute("SELECT type, sql FROM sqlite_master WHERE name = 'law'").fetchall()
    if not kinds:
        raise NotMetadata("没有 law 表")
    kind, sql = kinds[0]
    if kind != "table" or (sql or "").lstrip().upper().startswith("CREATE VIRTUAL"):
        raise NotMetadata(f"law 不是普通的表（{kind}）")
    cols = {row[1]: (str(row[2] or "").upper(), row[6]) for row in conn.execute("PRAGMA table_xinfo(law)")}
    for col, types in COLUMNS.items():
        if col not in cols:
            raise NotMetadata(f"law 表缺少 {col} 列")
        declared, hidden = cols[col]
        if hidden or not any(t in declared for t in types):
            raise NotMetadata(f"law 表的 {col} 列类型不符（{declared or '无类型'}）")


def parse_flag(value) -> bool | None:
    """A boolean from outside, strictly: 0/1 and true/false/yes/no (是/否) only; NULL is not
    expired; anything else (2, 'expired', 0.5) is None. bool('false') would be True."""
    if value is None:
        return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return None


def _date(value) -> str | None:
    return value if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None


def hints_for(filename: str, parts: tuple[str, ...], metadata: Metadata | None,
              known_doc_types: tuple[str, ...]) -> Hints:
    """Hints for one file from its name, its folders and the metadata (read_metadata) of its
    import root, if any."""
    stem = filename.rsplit(".", 1)[0]
    name, dated = split_filename(stem)
    folder_type = next((p for p in reversed(parts) if p in known_doc_types), None)
    row = None
    if metadata is not None:
        rows = metadata.get(name, [])
        if dated:
            row = next((r for r in rows if r.publish == dated), None)
        if row is None and len(rows) == 1:
            row = rows[0]
        if row is None and rows and not dated:  # an undated duplicate of a dated file
            row = max(rows, key=lambda r: r.publish or "")
    if row is not None:
        doc_type = row.level if row.level in known_doc_types else folder_type
        publish = dated or row.publish
        return Hints(doc_type, publish, row.valid_from, publish, row.expired, True, "db.sqlite3")
    lawrefbook = metadata is not None or dated is not None or folder_type is not None
    return Hints(folder_type, dated, None, dated, False, lawrefbook,
                 "目录与文件名" if lawrefbook else None)


_DATE_RE = re.compile(r"(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})")


def iso_dates(text: str | None) -> list[str]:
    """Every valid date in free text, as ISO strings, in order of appearance."""
    found = []
    for y, m, d in _DATE_RE.findall(text or ""):
        try:
            found.append(_dt.date(int(y), int(m), int(d)).isoformat())
        except ValueError:
            continue
    return found


def info_dates(lines: list[str]) -> tuple[str | None, str | None]:
    """(latest publication/revision date, effective date) from the dated lines before INFO END."""
    published, effective = [], []
    for line in lines:
        found = iso_dates(line)
        if not found:
            continue
        (effective if "施行" in line or "生效" in line else published).append(found[0])
    return (max(published) if published else None), (max(effective) if effective else None)


def assign_versions(laws, newer_stored=None) -> dict[str, str]:
    """Statuses of the versions of each LawRefBook instrument in one batch (in place): the latest
    version not marked expired is 现行有效, the others 历史版本; with every version expired the
    latest is 已废止 (LawRefBook's `expired`) and the rest 历史版本. `newer_stored(title, version)`
    names a newer version in force that the store already holds (from another source): the
    batch's versions are then all older ones. Returns title → version of each batch instrument
    whose current version the batch brings (older stored versions then become 历史版本)."""
    currents: dict[str, str] = {}
    groups: dict[str, list] = {}
    for law in laws:
        if law.hints is not None and law.hints.lawrefbook and not law.explicit_status:
            groups.setdefault(law.title, []).append(law)
    for versions in groups.values():
        current = _assign_group(versions, newer_stored)
        if current is not None:
            currents[current.title] = current.version or current.publish_date or ""
    return currents


def _assign_group(versions: list, newer_stored) -> object | None:
    """The statuses of one instrument's versions (see assign_versions); returns its current
    version (None: every version expired, or a newer one is stored)."""
    versions.sort(key=lambda l: l.version or l.publish_date or "")
    live = [l for l in versions if not l.hints.expired]
    current = live[-1] if live else None
    newer = newer_stored(versions[-1].title, versions[-1].version or "") if newer_stored else None
    if newer is not None:
        for law in versions:
            law.status = HISTORICAL
            law.add_note(f"时效性：库中已有现行版本（{newer}），本版本为历史版本")
        return None
    for law in versions:
        if law is current:
            law.status = IN_FORCE
        elif current is None and law is versions[-1]:
            law.status = REPEALED
            law.add_note("时效性：LawRefBook 标注为已失效，按已废止导入")
        else:
            law.status = HISTORICAL
            newer = current or versions[-1]
            law.add_note(f"时效性：已有新版本（{newer.version or newer.publish_date or '较新版本'}），"
                         "本版本为历史版本")
    return current
