"""README.md works as pasted: its code blocks are extracted and run.

- ```python blocks run as scripts, in README order;
- ```bash blocks run line by line, in a fresh shell (`bash -c`) from a scratch folder;
  every `dmft` line carries `--json` and must print one JSON object.

A block preceded by `<!-- readme-test: skip (reason) -->` is not run (installs, GPU-only,
the docs build); the reason is required. `.venv/bin/` is README's venv: where the repo
has one (CI: `.ci/run` makes it exactly as README says) the lines run as written, with
their relative paths pointing at it; elsewhere `.venv/bin/dmft` becomes this Python's
`-m dmft.cli`. Running the blocks takes minutes of compilation, so that part is
`slow` (`.ci/run` runs it); the static checks are in the default suite.
"""

import json
import os
import pathlib
import re
import shlex
import subprocess
import sys

import pytest


ROOT = pathlib.Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
SKIP = re.compile(r"<!-- readme-test: skip \((?P<reason>[^)]+)\) -->\s*$")


def blocks() -> list[tuple[str, str, str | None]]:
    """(language, code, skip reason or None) for every fenced block, in order."""
    found = []
    for match in re.finditer(r"^```(\w+)\n(.*?)^```", README, re.M | re.S):
        before = README[: match.start()].rstrip().splitlines()[-1:]
        skip = SKIP.search(before[0]) if before else None
        found.append((match[1], match[2], skip["reason"] if skip else None))
    return found


def bash_lines() -> list[str]:
    lines = []
    for language, code, skip in blocks():
        if language == "bash" and skip is None:
            lines += [line for line in code.splitlines() if line.strip()]
    return lines


def python_blocks() -> list[str]:
    return [
        code for language, code, skip in blocks() if language == "python" and not skip
    ]


def test_readme_blocks_are_found_and_skips_give_reasons():
    assert len(python_blocks()) >= 2 and len(bash_lines()) >= 8
    for marker in re.finditer(r"<!-- readme-test:[^>]*-->", README):
        assert SKIP.match(marker[0]), f"a skip marker needs a (reason): {marker[0]}"
    assert 'pip install -U "jax[cuda12]"' in README


def test_every_command_names_the_venv():
    # Pasted into a fresh shell, a bare `dmft` is "command not found".
    for language, code, _ in blocks():
        if language != "bash":
            continue
        for line in code.splitlines():
            for command in re.split(r"&&|\|\||;", line.split("  #")[0]):
                words = command.split()
                if words and words[0] in ("dmft", "python", "pip", "mkdocs", "pytest"):
                    pytest.fail(f"{line!r}: name .venv/bin/{words[0]}")


def test_every_dmft_line_prints_json():
    for line in bash_lines():
        if ".venv/bin/dmft" in line:
            assert "--json" in line.split("#")[0], line


def test_python_blocks_compile():
    for code in python_blocks():
        compile(code, "README.md", "exec")


def _shell_line(line: str) -> str:
    line = line.split("  #")[0].strip()
    if (ROOT / ".venv" / "bin" / "dmft").exists():
        return line.replace(".venv/bin/", f"{ROOT}/.venv/bin/")
    python = shlex.quote(sys.executable)
    names = {"dmft": f"{python} -m dmft.cli", "python": python}
    return re.sub(r"\.venv/bin/(dmft|python)\b", lambda m: names[m[1]], line)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("readme")


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(bash_lines())))
def test_bash_line_runs(index, scratch):
    line = bash_lines()[index]
    done = subprocess.run(
        ["bash", "-c", _shell_line(line)],
        cwd=scratch,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"{line}\n{done.stderr[-3000:]}"
    if ".venv/bin/dmft" in line:
        assert isinstance(json.loads(done.stdout), dict), done.stdout[-2000:]


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(python_blocks())))
def test_python_block_runs(index, scratch):
    # After the bash lines (pytest runs this file's tests in order): the last block
    # reads the curve that `dmft solve --out dmft-output/solve` saved.
    script = scratch / f"block{index}.py"
    script.write_text(python_blocks()[index])
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=scratch,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
