"""Reading a file that a user named: a regular file of bounded size, or a clear error before a
byte of it is read.

Why one function: `is_file()` then `read_bytes()` read a 300 MB FIFO whole before any size check,
and `falv kb ingest /dev/zero` ran out of memory (issue 22). Here the file is opened without
blocking (a FIFO with no writer would otherwise wait forever), what was opened is checked with
fstat (no race between a check and the read), and at most limit + 1 bytes are read even when the
file grows meanwhile. Every command that reads a file goes through here.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import FalvError, InputError

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def read_bounded(path: str | Path, limit: int, *, location: str | None = None,
                 error: type[FalvError] = InputError) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. A missing file, a directory, a FIFO
    or device, an unreadable or too large file is `error` (located at `location`, default the
    path), raised before anything is read."""
    where = location or str(path)
    try:
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        raise error("文件不存在", location=where) from None
    except IsADirectoryError:
        raise error("是目录，不是文件", hint="请给出其中的文件", location=where) from None
    except OSError as exc:
        raise error(f"无法读取文件：{exc.strerror or exc}", location=where) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error("是目录，不是文件", hint="请给出其中的文件", location=where)
        if not stat.S_ISREG(info.st_mode):
            raise error("不是普通文件（FIFO、设备或套接字），未读取", location=where)
        if info.st_size > limit:
            raise error(f"文件过大（{info.st_size} 字节，上限 {limit} 字节）", location=where)
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(limit + 1 - size, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise error(f"无法读取文件：{exc.strerror or exc}", location=where) from None
    finally:
        os.close(fd)
    if size > limit:  # it grew while it was read
        raise error(f"文件过大（超过 {limit} 字节）", location=where)
    return b"".join(chunks)


def check_regular(path: str | Path, *, location: str | None = None,
                  error: type[FalvError] = InputError) -> os.stat_result:
    """stat() of a path that must be a regular file (an archive opened by a library that seeks),
    with the same errors as read_bounded; links are followed, as open() would."""
    where = location or str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise error("文件不存在", location=where) from None
    except OSError as exc:
        raise error(f"无法读取文件：{exc.strerror or exc}", location=where) from None
    if stat.S_ISDIR(info.st_mode):
        raise error("是目录，不是文件", hint="请给出其中的文件", location=where)
    if not stat.S_ISREG(info.st_mode):
        raise error("不是普通文件（FIFO、设备或套接字），未读取", location=where)
    return info


def decode_text(data: bytes, where: str, error: type[FalvError] = InputError, bom: bool = True) -> str:
    """UTF-8 (a BOM allowed) or a clear error naming the line and byte of the first bad byte:
    UTF-16, GB18030 and binary files are refused rather than guessed."""
    try:
        return data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        hint = "这是 UTF-16 编码的文件，请先转换为 UTF-8" if data[:2] in (b"\xff\xfe", b"\xfe\xff") \
            else "请先转换为 UTF-8 编码"
        raise error(f"不是有效的 UTF-8 文本：第 {exc.start} 字节（0x{data[exc.start]:02x}）无法解码",
                    location=f"{where}:{line}", hint=hint) from None
