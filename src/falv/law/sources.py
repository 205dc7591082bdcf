"""What `falv statutes import PATH…` reads: files, folders (recursively) and downloaded archives.

Why a module of its own: a user hands the importer whatever they downloaded — one file, the
LawRefBook folder, or the repository's .zip / .tar.gz — and every one of them must be bounded
before any work is done on it (member count, member and total size, no path traversal, no links).
Archives are read in memory, never extracted to disk (a LawRefBook `db.sqlite3` inside one too:
law/lawrefbook.py opens its bytes as an in-memory database, so no temporary folder is left by a
killed import). Inputs that are not regular files (FIFOs, devices) are refused before reading.

Each input becomes a `Source`: a display name (`archive.zip!Laws/司法解释/x.md`), its path parts
relative to the import root (the folder names say the category), its bytes, and the LawRefBook
metadata database that belongs to it, if any — only ever the `db.sqlite3` of the import root the
user named (the folder itself, or inside the archive) or the one named with `metadata=`
(`--metadata`): never one found in a parent folder, which for an upload is the shared temp
folder that any local user can write (issue 22).
"""

from __future__ import annotations

import stat
import tarfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

from ..errors import ImportRejected, InputError
from ..files import check_regular, read_bounded

STATUTE_SUFFIXES = (".md", ".jsonl", ".ndjson")
ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar")
META_DB = "db.sqlite3"
MAX_FILES = 20_000  # files (or archive members) one import reads
MAX_FILE_BYTES = 32 * 1024 * 1024  # one statute file
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # all statute files of one import, uncompressed
MAX_META_BYTES = 64 * 1024 * 1024  # LawRefBook's db.sqlite3 (1.4 MB in 2025)
MAX_DEPTH = 32  # folder nesting
ROOT_FILE = "LawRefBook 根目录下的说明文件，不是法规"  # README.md, SOURCE.md, the template
META_HINT_PARENTS = 2  # a db.sqlite3 this many folders above a folder given is named in a note (not read)


@dataclass(eq=False)
class MetaSource:
    """A LawRefBook db.sqlite3 to read (law/lawrefbook.read_metadata): its name in messages, its
    bytes (bounded), and the folder it describes (its own files are not statutes)."""

    name: str
    read: Callable[[], bytes]
    folder: Path | None = None


@dataclass
class Source:
    name: str  # shown in reports: a path, or archive!member
    parts: tuple[str, ...]  # folders between the import root and the file (category folders)
    read: Callable[[], bytes]
    size: int
    meta_db: MetaSource | None = None  # LawRefBook db.sqlite3 for this file, when there is one

    @property
    def filename(self) -> str:
        return PurePosixPath(self.name.rsplit("!", 1)[-1]).name

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.filename).suffix.lower()


@dataclass
class Collected:
    sources: list[Source] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, why) not statute files
    notes: list[str] = field(default_factory=list)  # warnings for the report

    def close(self) -> None:
        """Nothing to release (archives are read in memory); kept for the callers' try/finally."""


def collect(paths, skip_names: frozenset[str] = frozenset(), skip_dirs: frozenset[str] = frozenset(),
            metadata: str | Path | None = None) -> Collected:
    """Every statute file under PATHs, in a stable order; ImportRejected when a path is unusable
    or an archive breaks a bound. Names starting with `_` or `.` (LawRefBook's `_index.md`) and
    `skip_names` / `skip_dirs` (its format template, its 案例 folder) are listed as skipped.
    `metadata`: a LawRefBook db.sqlite3 for every file (else each folder's or archive's own)."""
    out = Collected()
    explicit = _meta_file(Path(metadata)) if metadata is not None else None
    try:
        for raw in paths:
            path = Path(raw)
            if not path.exists():
                raise ImportRejected("无法读取：文件不存在", location=str(path))
            if path.is_dir():
                _walk(path, out, skip_names, skip_dirs, explicit)
            elif is_archive(path):
                _archive(path, out, skip_names, skip_dirs, explicit)
            else:
                _file(path, (path.resolve().parent.name,), explicit, out)
            if len(out.sources) > MAX_FILES:
                raise ImportRejected(f"文件过多（上限 {MAX_FILES} 个）", location=str(path))
        total = sum(s.size for s in out.sources)
        if total > MAX_TOTAL_BYTES:
            raise ImportRejected(f"待导入文件合计过大（{total} 字节，上限 {MAX_TOTAL_BYTES} 字节）")
    except BaseException:
        out.close()
        raise
    return out


def is_archive(path: Path) -> bool:
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


def _file(path: Path, parts: tuple[str, ...], meta: MetaSource | None, out: Collected) -> None:
    size = check_regular(path, error=ImportRejected).st_size  # a FIFO or device: refused here
    out.sources.append(Source(str(path), parts, lambda: _read_file(path), size, meta))


def _read_file(path: Path) -> bytes:
    """The file's bytes; a file over MAX_FILE_BYTES (or no longer a regular file) is rejected
    without being read."""
    return read_bounded(path, MAX_FILE_BYTES, error=ImportRejected)


def _meta_file(path: Path, folder: Path | None = None) -> MetaSource:
    return MetaSource(str(path), lambda: read_bounded(path, MAX_META_BYTES, error=ImportRejected), folder)


def _walk(root: Path, out: Collected, skip_names, skip_dirs, explicit: MetaSource | None = None) -> None:
    meta = explicit or _meta_in(root, out)
    stack = [(root, ())]
    found = []
    while stack:
        folder, parts = stack.pop()
        if len(parts) > MAX_DEPTH:
            raise ImportRejected(f"目录层级过深（上限 {MAX_DEPTH}）", location=str(folder))
        try:
            entries = sorted(folder.iterdir())
        except OSError as exc:
            raise ImportRejected(f"无法读取目录：{exc.strerror or exc}", location=str(folder)) from exc
        for entry in entries:
            if entry.name.startswith((".", "_")) or entry.is_symlink():
                continue
            if entry.is_dir():
                if entry.name in skip_dirs:
                    out.skipped.append((str(entry), "不是法规目录"))
                else:
                    stack.append((entry, parts + (entry.name,)))
            elif entry.name.lower().endswith(STATUTE_SUFFIXES):
                if meta is not None and meta.folder is not None and folder.resolve() == meta.folder:
                    out.skipped.append((str(entry), ROOT_FILE))
                elif entry.name in skip_names:
                    out.skipped.append((str(entry), "格式模板，不是法规"))
                else:
                    found.append((entry, parts))
            if len(found) > MAX_FILES:
                raise ImportRejected(f"目录中文件过多（上限 {MAX_FILES} 个）", location=str(root))
    # the folder name says the category; with the root itself a category folder, it counts too
    root_part = (root.name,) if root.name else ()
    for entry, parts in sorted(found, key=lambda x: str(x[0])):
        _file(entry, root_part + parts, meta, out)


def _meta_in(folder: Path, out: Collected) -> MetaSource | None:
    """LawRefBook's db.sqlite3 in the folder given, the import root. One in a folder above it
    (Laws/ when Laws/司法解释 is given) is not read — a parent folder is not the user's to vouch
    for (an upload's is the shared temp folder) — but named in a note with the option that reads
    it."""
    folder = folder.resolve()
    db_file = folder / META_DB
    if db_file.is_file():
        return _meta_file(db_file, folder)
    for parent in folder.parents[:META_HINT_PARENTS]:
        above = parent / META_DB
        note = (f"未读取 {above}：LawRefBook 元数据只从所给的目录或压缩包中读取"
                f"（如需使用，请加 --metadata {above}）")
        if above.is_file() and note not in out.notes:
            out.notes.append(note)
            break
    return None


# -- archives -------------------------------------------------------------------------------------

def _member_parts(name: str, location: str) -> tuple[str, ...]:
    """Archive member name → its folder parts; ImportRejected on absolute paths, `..`, or a name
    whose bytes are not UTF-8 (tarfile hands those over as lone surrogates)."""
    if any("\ud800" <= ch <= "\udfff" for ch in name):
        shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise ImportRejected(f"压缩包成员名不是有效的 UTF-8：{shown[:80]}", location=location,
                             hint="请用 UTF-8 文件名重新打包")
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise ImportRejected(f"压缩包成员路径不安全：{name}", location=location)
    parts = tuple(p for p in PurePosixPath(name).parts if p not in ("", "."))
    if ".." in parts:
        raise ImportRejected(f"压缩包成员路径不安全（含 ..）：{name}", location=location)
    if len(parts) > MAX_DEPTH:
        raise ImportRejected(f"压缩包成员目录层级过深：{name}", location=location)
    return parts


_Member = tuple[tuple[str, ...], int, Callable[[], bytes]]  # (path parts, size, reader)


def _archive(path: Path, out: Collected, skip_names, skip_dirs, explicit: MetaSource | None = None
             ) -> None:
    location = str(path)
    check_regular(path, error=ImportRejected)  # a FIFO named x.zip is not opened
    try:
        if path.name.lower().endswith(".zip"):
            members = _zip_members(path, location)
        else:
            members = _tar_members(path, location)
    except UnicodeDecodeError as exc:  # a zip member flagged UTF-8 whose name is not
        raise ImportRejected("压缩包成员名不是有效的 UTF-8", location=location,
                             hint="请用 UTF-8 文件名重新打包") from exc
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise ImportRejected(f"无法读取压缩包：{exc}", location=location) from exc
    _archive_sources(path, members, out, skip_names, skip_dirs, explicit)


def _zip_members(path: Path, location: str) -> list[_Member]:
    """A zip's regular members (read later, on demand); links are never followed."""
    zf = zipfile.ZipFile(path)
    infos = zf.infolist()
    if len(infos) > MAX_FILES * 4:
        raise ImportRejected(f"压缩包成员过多（{len(infos)} 个）", location=location)
    members: list[_Member] = []
    for info in infos:
        if info.is_dir():
            continue
        mode = info.external_attr >> 16
        if mode and stat.S_ISLNK(mode):
            continue  # links are never followed
        members.append((_member_parts(_zip_name(info, location), location), info.file_size,
                        _zip_reader(zf, info, location)))
    return members


def _tar_members(path: Path, location: str) -> list[_Member]:
    """A tar's statute files and db.sqlite3, read now: a compressed tar is a stream, so a member
    is read as it passes, not by seeking back later."""
    tf = tarfile.open(path, "r:*")
    members: list[_Member] = []
    count = total = 0
    for info in tf:
        count += 1
        if count > MAX_FILES * 4:
            raise ImportRejected(f"压缩包成员过多（超过 {MAX_FILES * 4} 个）", location=location)
        if not info.isfile():
            continue  # directories, links, devices
        parts = _member_parts(info.name, location)
        if not (parts and (parts[-1] == META_DB or parts[-1].lower().endswith(STATUTE_SUFFIXES))):
            continue
        limit = MAX_META_BYTES if parts[-1] == META_DB else MAX_FILE_BYTES
        if info.size > limit:
            raise ImportRejected(f"文件过大（{info.size} 字节，上限 {limit} 字节）",
                                 location=f"{location}!{info.name}")
        data = _read_tar(tf, info, location, limit)
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            raise ImportRejected(f"压缩包解压后过大（上限 {MAX_TOTAL_BYTES} 字节）", location=location)
        members.append((parts, len(data), (lambda d=data: d)))
    return members


def _archive_sources(path: Path, members: list[_Member], out: Collected, skip_names, skip_dirs,
                     explicit: MetaSource | None) -> None:
    """The archive's statute files as Sources, with its own db.sqlite3 (the shallowest one) as
    their metadata unless one was named; the files beside that db.sqlite3 are not statutes."""
    location = str(path)
    meta = explicit
    metas = [m for m in members if m[0][-1] == META_DB]
    if metas and explicit is None:
        parts, size, reader = min(metas, key=lambda m: len(m[0]))
        if size > MAX_META_BYTES:
            raise ImportRejected(f"压缩包中的 {META_DB} 过大（{size} 字节）", location=location)
        meta = MetaSource(f"{path}!{'/'.join(parts)}", reader)
    taken = 0
    meta_dir = min((m[0][:-1] for m in metas), key=len) if metas else None
    for parts, size, reader in sorted(members, key=lambda m: m[0]):
        name = parts[-1]
        if meta_dir is not None and parts[:-1] == meta_dir:
            if name.lower().endswith(STATUTE_SUFFIXES):
                out.skipped.append((f"{path}!{'/'.join(parts)}", ROOT_FILE))
            continue
        if not name.lower().endswith(STATUTE_SUFFIXES) or any(p.startswith((".", "_")) for p in parts):
            continue
        if any(p in skip_dirs for p in parts[:-1]):
            continue
        if name in skip_names:
            out.skipped.append((f"{path}!{'/'.join(parts)}", "格式模板，不是法规"))
            continue
        taken += 1
        if taken > MAX_FILES:
            raise ImportRejected(f"压缩包中法规文件过多（上限 {MAX_FILES} 个）", location=location)
        out.sources.append(Source(f"{path}!{'/'.join(parts)}", parts[:-1], reader, size, meta))


def _zip_name(info: zipfile.ZipInfo, location: str) -> str:
    """The member's name: zip tools that write UTF-8 names without the UTF-8 flag (Info-ZIP on
    Linux) leave Python decoding them as cp437; those are read back as UTF-8. A name that is
    not UTF-8 either (GBK from an old Windows tool) is refused: read as cp437 its folders would
    silently name no category."""
    if info.flag_bits & 0x800 or info.filename.isascii():
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        raise ImportRejected(f"压缩包成员名不是有效的 UTF-8：{info.filename[:80]}", location=location,
                             hint="请用 UTF-8 文件名重新打包") from None


def _zip_reader(zf: zipfile.ZipFile, info: zipfile.ZipInfo, location: str) -> Callable[[], bytes]:
    def read() -> bytes:
        limit = MAX_META_BYTES if info.filename.endswith(META_DB) else MAX_FILE_BYTES
        try:
            with zf.open(info) as fh:
                return _bounded_read(fh, f"{location}!{info.filename}", limit)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
            raise ImportRejected(f"无法读取压缩包：{exc}", location=f"{location}!{info.filename}") from exc
    return read


def _read_tar(tf: tarfile.TarFile, info: tarfile.TarInfo, location: str, limit: int) -> bytes:
    fh = tf.extractfile(info)
    if fh is None:
        raise ImportRejected("不是普通文件", location=f"{location}!{info.name}")
    return _bounded_read(fh, f"{location}!{info.name}", limit)


def _bounded_read(fh, name: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """Read at most `limit` bytes (+1 to notice more): a member's declared size may lie."""
    data = fh.read(limit + 1)
    if len(data) > limit:
        raise ImportRejected(f"文件过大（上限 {limit} 字节）", location=name)
    return data


def check_paths(paths) -> list[str]:
    paths = [str(p) for p in paths]
    if not paths:
        raise InputError("没有指定要导入的文件")
    return paths
