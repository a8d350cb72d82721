"""The documentation site and the project's metadata.

- Every public name of dmft appears in the API pages (docs/api/*.md, one `::: name`
  line each): those pages are the one list of documented names.
- LICENSE, CITATION.cff and pyproject.toml agree (licence, version).
- On the built site (`mkdocs build --strict` into `site/`): no internal link is broken,
  and in headless Chromium the equations of the home page, one API page and one
  tutorial rendered (KaTeX elements present, no raw `$$`, `\\(` or `\\[` in the visible
  text); screenshots go to `docs-screenshots/`.

The site checks skip when `site/` or Chromium is absent, unless the environment sets
`DMFT_DOCS_CHECK=1` (as `.ci/run` does after building the site): then they must run.
"""

import functools
import html.parser
import http.server
import importlib
import os
import pathlib
import re
import shutil
import subprocess
import threading
import tomllib
import types
import urllib.parse

import pytest

import dmft


ROOT = pathlib.Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
SCREENSHOTS = ROOT / "docs-screenshots"
SUBPACKAGES = ("deep", "meanfield", "network", "training", "twotime", "plotting", "io")
MANDATORY = os.environ.get("DMFT_DOCS_CHECK") == "1"


def _public(module) -> dict[str, object]:
    return {
        name: value
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }


def public_names() -> set[str]:
    """`dmft.X` for every public top-level name, and `dmft.sub.X` for every public
    name of a subpackage that is not the same object as a top-level name."""
    top = _public(dmft)
    names = {f"dmft.{name}" for name in top}
    exported = {id(value) for value in top.values()}
    for sub in SUBPACKAGES:
        module = importlib.import_module(f"dmft.{sub}")
        for name, value in _public(module).items():
            if not (id(value) in exported and top.get(name) is value):
                names.add(f"dmft.{sub}.{name}")
    return names


def documented_names() -> list[str]:
    names = []
    for page in sorted((ROOT / "docs" / "api").glob("*.md")):
        names += re.findall(r"^::: (dmft\.[\w.]+)\s*$", page.read_text(), re.M)
    return names


def test_every_public_name_is_in_the_api_pages():
    documented = documented_names()
    duplicates = {n for n in documented if documented.count(n) > 1}
    assert not duplicates, f"documented twice: {sorted(duplicates)}"
    public = public_names()
    missing = sorted(public - set(documented))
    stale = sorted(set(documented) - public)
    assert not missing, f"public names missing from docs/api/*.md: {missing}"
    assert not stale, f"docs/api/*.md documents names that are not public: {stale}"


def test_every_api_page_and_tutorial_is_in_the_nav():
    config = (ROOT / "mkdocs.yml").read_text()
    pages = [*(ROOT / "docs" / "api").glob("*.md")]
    pages += [*(ROOT / "docs" / "tutorials").glob("*.py")]
    for page in pages:
        assert str(page.relative_to(ROOT / "docs")) in config, page


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_licence_citation_and_version_agree():
    project = _pyproject()["project"]
    licence = (ROOT / "LICENSE").read_text()
    assert "Apache License" in licence and "Version 2.0, January 2004" in licence
    assert "END OF TERMS AND CONDITIONS" in licence  # the full text, not a stub
    assert project["license"] == "Apache-2.0"
    cff = (ROOT / "CITATION.cff").read_text()
    fields = dict(re.findall(r"^([\w-]+): *(.*)$", cff, re.M))
    assert fields["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors", "version", "license", "type"):
        assert key in fields, key
    assert fields["version"] == project["version"] == dmft.__version__
    assert fields["license"] == project["license"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", project["version"])  # tagged vX.Y.Z


def test_pyproject_metadata_and_docs_extra():
    project = _pyproject()["project"]
    assert project["authors"] and project["classifiers"] and project["urls"]
    assert "Programming Language :: Python :: 3.11" in project["classifiers"]
    docs = project["optional-dependencies"]["docs"]
    for requirement in docs:
        assert ">=" in requirement, f"{requirement} has no lower bound"
    assert any(r.startswith("mkdocs-material") for r in docs)


# ---------------------------------------------------------------- the built site


def _need_site():
    if not (SITE / "index.html").exists():
        if MANDATORY:
            pytest.fail("DMFT_DOCS_CHECK=1 but site/ is not built (mkdocs build)")
        pytest.skip("site/ not built: run `mkdocs build --strict` first")


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if MANDATORY:
        pytest.fail("DMFT_DOCS_CHECK=1 but no chromium on PATH")
    pytest.skip("chromium not installed")


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for key in ("href", "src"):
            if attrs.get(key):
                self.links.append(attrs[key])


@functools.cache
def _parse(path: pathlib.Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(errors="replace"))
    return parser


def _target(page: pathlib.Path, link: str) -> tuple[pathlib.Path, str] | None:
    parts = urllib.parse.urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith(("mailto:", "data:")):
        return None  # external: CI's browser has no network, and none is needed
    path = urllib.parse.unquote(parts.path)
    target = page if not path else (page.parent / path).resolve()
    if target.is_dir():
        target = target / "index.html"
    return target, urllib.parse.unquote(parts.fragment)


def test_no_broken_internal_link():
    _need_site()
    broken = []
    pages = sorted(SITE.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        if page.name == "404.html":
            continue  # its links are relative to wherever the server shows it
        for link in _parse(page).links:
            found = _target(page, link)
            if found is None:
                continue
            target, fragment = found
            if not target.exists():
                broken.append(f"{page.relative_to(SITE)}: {link}")
            elif fragment and target.suffix == ".html":
                if fragment not in _parse(target).ids:
                    broken.append(f"{page.relative_to(SITE)}: {link} (no such anchor)")
    assert not broken, "\n".join(broken[:50])


class _VisibleText(html.parser.HTMLParser):
    """The text a reader sees, less code, scripts, KaTeX's hidden MathML source and
    mkdocs-jupyter's hidden copy of each cell's source (the copy button's text)."""

    HIDDEN = {"katex-mathml", "clipboard-copy-txt"}

    SKIP = {"script", "style", "code", "pre", "annotation", "noscript", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
    VOID |= {"source", "track", "wbr", "path", "line", "rect", "circle", "use"}

    def __init__(self):
        super().__init__()
        self.stack, self.text, self.katex = [], [], 0

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if "katex" in classes:
            self.katex += 1
        if tag in self.VOID:
            return
        hidden = "hidden" in dict(attrs) or bool(self.HIDDEN.intersection(classes))
        self.stack.append(tag in self.SKIP or hidden)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not any(self.stack):
            self.text.append(data)


@pytest.fixture(scope="module")
def server():
    _need_site()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _browser(chromium: str, url: str, *args: str) -> str:
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--hide-scrollbars",
        "--window-size=1280,900",
        "--virtual-time-budget=15000",
        *args,
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.parametrize(
    "page, shot",
    [
        ("", "home"),
        ("api/stationary/", "api-stationary"),
        ("tutorials/stationary_dmft/", "tutorial-stationary"),
    ],
)
def test_equations_render_in_chromium(server, page, shot):
    chromium = _chromium()
    url = f"{server}/{page}"
    dom = _browser(chromium, url, "--dump-dom")
    visible = _VisibleText()
    visible.feed(dom)
    text = "".join(visible.text)
    assert visible.katex > 0, f"no KaTeX output on {url}"
    for raw in ("$$", "\\(", "\\[", "$\\"):
        assert raw not in text, f"raw maths {raw!r} left on {url}: " + text[
            max(0, text.find(raw) - 80) : text.find(raw) + 80
        ].replace("\n", " ")
    SCREENSHOTS.mkdir(exist_ok=True)
    png = SCREENSHOTS / f"{shot}.png"
    _browser(chromium, url, f"--screenshot={png}")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
