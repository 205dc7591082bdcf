"""LawRefBook (github.com/LawRefBook/Laws) as its maintainers publish it: what its layout says.

A LawRefBook file has no front matter. What falv needs besides the text comes from, in order:
  1. `db.sqlite3` (table `law`: level = category, publish, expired, valid_from; `category.folder`),
     matched by the file name without its date and the `(YYYY-MM-DD)` in it;
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
from functools import lru_cache
from pathlib import Path

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


@lru_cache(maxsize=8)
def _metadata(path: str, mtime: float) -> dict[str, list[_Row]]:
    """db.sqlite3 → name → rows; {} when the file is not LawRefBook's database."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return {}
    try:
        rows = conn.execute("SELECT name, level, publish, expired, valid_from FROM law").fetchall()
    except sqlite3.Error:
        return {}
    finally:
        conn.close()
    out: dict[str, list[_Row]] = {}
    for name, level, publish, expired, valid_from in rows:
        if not isinstance(name, str):
            continue
        out.setdefault(name, []).append(
            _Row(name, str(level or ""), _date(publish), bool(expired), _date(valid_from)))
    return out


def _date(value) -> str | None:
    return value if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None


def hints_for(filename: str, parts: tuple[str, ...], meta_db: Path | None,
              known_doc_types: tuple[str, ...]) -> Hints:
    """Hints for one file from its name, its folders and the metadata database."""
    stem = filename.rsplit(".", 1)[0]
    name, dated = split_filename(stem)
    folder_type = next((p for p in reversed(parts) if p in known_doc_types), None)
    row = None
    if meta_db is not None:
        try:
            rows = _metadata(str(meta_db), meta_db.stat().st_mtime).get(name, [])
        except OSError:
            rows = []
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
    lawrefbook = meta_db is not None or dated is not None or folder_type is not None
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
        versions.sort(key=lambda l: l.version or l.publish_date or "")
        live = [l for l in versions if not l.hints.expired]
        current = live[-1] if live else None
        newer = newer_stored(versions[-1].title, versions[-1].version or "") if newer_stored else None
        if newer is not None:
            for law in versions:
                law.status = HISTORICAL
                law.add_note(f"时效性：库中已有现行版本（{newer}），本版本为历史版本")
            continue
        if current is not None:
            currents[current.title] = current.version or current.publish_date or ""
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
    return currents
