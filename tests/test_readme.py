"""The README's first lines are the two commands a new user runs on a fresh machine, and they work
as written: the first (install + first answer) is run verbatim on a copy of the checkout; the
second (install + tests) is what CI runs (.ci/run), so a green CI is that command passing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def first_block() -> list[str]:
    text = (REPO / "README.md").read_text("utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block and text.index(block.group(0)) < 1200, "the commands come first"
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def test_the_readme_opens_with_the_two_commands():
    use, develop = first_block()
    assert use.startswith("python3 -m venv .venv && ") and ".venv/bin/falv ask " in use
    assert develop == ("python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && "
                       ".venv/bin/python -m pytest")


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    assert "python3 -m venv .venv" in ci and ".venv/bin/pip install -q -e '.[test]'" in ci
    assert ".venv/bin/python -m pytest" in ci


@pytest.mark.slow
def test_the_first_command_answers_on_a_fresh_copy(tmp_path):
    """pip install . in a new virtualenv, then the first question, on the embedded default data."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs a git checkout to copy its tracked files")
    copy = tmp_path / "falv"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        if (REPO / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name)
    use, _ = first_block()
    env = {**os.environ, "FALV_HOME": str(tmp_path / "home")}
    env.pop("VIRTUAL_ENV", None)
    # a bound that only ends a hang (installing every dependency takes a minute or two)
    out = subprocess.run(use, shell=True, cwd=copy, capture_output=True, env=env, timeout=1500)
    stdout = out.stdout.decode("utf-8", "replace")
    assert out.returncode == 0, out.stderr.decode("utf-8", "replace")[-3000:]
    assert "【法律分析】" in stdout and "【法律依据】" in stdout and "✔" in stdout
