"""`python -m falv.docgen [--check] [--out DIR] [NAME …]`: write (or check) the generated docs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import DOCS, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m falv.docgen",
                                     description="写入（或检查）生成的参考文档：" + "、".join(DOCS))
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help="只处理这些文件（" + "、".join(DOCS) + "）；只给一个且不加 --out/--check 时输出到标准输出")
    parser.add_argument("--out", type=Path, default=None, help="目录（默认 ./docs）")
    parser.add_argument("--check", action="store_true", help="只检查：有不一致的文件时退出码为 1")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in DOCS]
    if unknown:
        parser.error("没有这个文档：" + "、".join(unknown))
    names = args.names or list(DOCS)
    if len(args.names) == 1 and args.out is None and not args.check:
        sys.stdout.write(generate(names[0]))
        return 0
    out = args.out or Path("docs")
    stale = []
    for name in names:
        text, path = generate(name), out / name
        if args.check:
            if not path.is_file() or path.read_text("utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, "utf-8")
            print(f"写入 {path}", file=sys.stderr)
    if stale:
        print("与代码不一致（运行 python -m falv.docgen 重新生成）：" + "、".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
