"""The slide decks and the site, opened in a real browser with the network cut off.

Builds the site with tools/instructors/build_site.py (into build/site), then opens every deck, page
and the index in Debian's Chromium, driven by Playwright, with every request that is not file://
aborted, and checks what a person would see: no outside request, no console error, the slide count of the
notebook's metadata, every image loaded, every formula typeset, no slide taller than the screen,
and the keyboard moving to the next slide. Saves a screenshot of one slide per deck under
build/screenshots/.

Not part of the default `pytest` (marker `browser`, deselected in pyproject.toml); .ci/run runs it:

    pytest -m browser tests/test_browser.py

Skipped, with the reason, where /usr/bin/chromium, Playwright or Node.js/npm is missing; with
CBOW_REQUIRE_BROWSER=1 in the environment (as in .ci/run) a missing tool fails instead.
"""

import importlib.util
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from jupyterlab_session import open_untouched, save_in_jupyterlab, serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREEN = {"width": 1280, "height": 720}
SCREENSHOTS = ROOT / "build" / "screenshots"
STEMS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# The slide each deck's screenshot shows (index among all slides, 0-based): one with a figure,
# a formula or a code cell with its output, the things that must be readable at 1280x720.
SCREENSHOT_SLIDE = {
    "00_word_embeddings": 3,
    "01_tokenization": 11,
    "02_sliding_windows": 2,
    "03_one_hot_vectors": 5,
    "04_cbow_architecture": 0,
    "05_forward_backward": 9,
    "06_training": 3,
    "07_pca_visualisation": 15,
    "08_evaluation_and_scale": 12,
    "10_inside_the_fast_trainer": 33,
}


def missing_tool(need_node=True):
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is missing (Debian: apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the Python package playwright is missing (pip install -r requirements-ci.txt)"
    if need_node and (shutil.which("npm") is None or shutil.which("node") is None):
        return "Node.js/npm is missing: tools/instructors/build_site.py installs the web assets with npm ci"
    return None


def load_builder():
    spec = importlib.util.spec_from_file_location(
        "build_site", ROOT / "tools" / "instructors" / "build_site.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site():
    reason = missing_tool()
    if reason:
        if os.environ.get("CBOW_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    builder = load_builder()
    out = ROOT / "build" / "site"
    counts = builder.build(out)
    return out, counts


@pytest.fixture(scope="module")
def chromium():
    reason = missing_tool(need_node=False)
    if reason:
        if os.environ.get("CBOW_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def browser(site, chromium):
    return chromium


class Visit:
    """A page opened with the network cut off, recording what a person would not see."""

    def __init__(self, browser, path: Path, query: str = ""):
        self.context = browser.new_context(viewport=SCREEN)
        self.page = self.context.new_page()
        self.outside, self.failed, self.errors = [], [], []
        self.page.route("**/*", self._route)
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.as_uri() + query, wait_until="load")
        self.page.wait_for_function("() => window.MathJax && MathJax.Hub && MathJax.isReady")
        self.page.evaluate("() => new Promise(done => MathJax.Hub.Queue(() => done(true)))")
        self.page.evaluate("""() => Promise.all([...document.images].map(img => img.complete ? null :
            new Promise(done => { img.onload = img.onerror = done; })))""")

    def _route(self, route):
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def close(self):
        self.context.close()

    def check_offline_and_clean(self):
        assert self.outside == [], f"requests outside file://: {self.outside}"
        # A missing local asset shows up as a failed file:// request, not as an outside one.
        assert self.failed == [], f"failed requests: {self.failed}"
        assert self.errors == [], f"console errors: {self.errors}"

    def check_images(self):
        broken = self.page.evaluate(
            "() => [...document.images].filter(img => !(img.naturalWidth > 0)).map(img => img.src.slice(0, 80))"
        )
        assert broken == [], f"images that did not load: {broken}"
        return self.page.evaluate("() => document.images.length")

    def check_math(self):
        """Every formula typeset by MathJax, no TeX left in the text people read."""
        report = self.page.evaluate(r"""() => {
            const scripts = document.querySelectorAll('script[type^="math/tex"]').length;
            const typeset = document.querySelectorAll('.MathJax_CHTML').length;
            const errors = document.querySelectorAll('.MathJax_Error, .mjx-merror').length;
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            const raw = [];
            for (let node; (node = walker.nextNode());) {
                const parent = node.parentElement;
                if (parent.closest('script, style, pre, code, .MathJax_CHTML, .MathJax_Preview')) continue;
                if (/\$|\\frac|\\partial|\\hat|\\sum|\\mathrm/.test(node.textContent)) raw.push(node.textContent.trim().slice(0, 80));
            }
            return {scripts, typeset, errors, raw};
        }""")
        assert report["raw"] == [], f"raw TeX left in the text: {report['raw']}"
        assert report["errors"] == 0, f"{report['errors']} MathJax errors"
        assert report["typeset"] == report["scripts"], (
            f"{report['scripts']} formulas, {report['typeset']} typeset"
        )
        return report["typeset"]


def count_images(nb):
    figures = sum(
        "".join(c["source"]).count("![") for c in nb["cells"] if c["cell_type"] == "markdown"
    )
    plots = sum(
        "image/png" in o.get("data", {})
        for c in nb["cells"]
        if c["cell_type"] == "code"
        for o in c["outputs"]
    )
    return figures + plots


REVEAL = "require('../_static/reveal.js/dist/reveal.js')"
# Forward and back: arrows, a clicker's page keys, space.
KEYS = [("ArrowRight", "ArrowLeft"), ("PageDown", "PageUp"), ("Space", "Shift+Space")]


def count_fragments(nb):
    """Fragment steps of a deck: one per cell of slide type fragment."""
    return sum(
        c.get("metadata", {}).get("slideshow", {}).get("slide_type") == "fragment"
        for c in nb["cells"]
    )


def current_slide(page):
    return page.evaluate(
        f"() => {{ const R = {REVEAL}; return R.getSlides().indexOf(R.getCurrentSlide()); }}"
    )


def press(page, key, presses):
    """The slide shown (index among all slides) before and after each of `presses` presses of `key`."""
    visited = [current_slide(page)]
    for _ in range(presses):
        page.keyboard.press(key)
        visited.append(current_slide(page))
    return visited


def check_keys(page, slides, fragments):
    """A presenter's keys (and a clicker's, which sends arrows or page keys) go through every slide
    in order, one fragment or slide per press, sub-slides included, and back; Esc opens the
    overview (sections as columns, their slides below) and closes it again."""
    page.locator("body").click(position={"x": 5, "y": 5})
    steps = slides - 1 + fragments
    for forward, back in KEYS:
        page.evaluate(f"() => {REVEAL}.slide(0, 0, -1)")
        visited = press(page, forward, steps)
        assert visited == sorted(visited) and set(visited) == set(range(slides)), (
            f"{forward} from the first slide shows slides {visited} of {slides}"
        )
        visited = press(page, back, steps)
        assert visited == sorted(visited, reverse=True) and visited[-1] == 0, (
            f"{back} from the last slide shows slides {visited}"
        )
    page.keyboard.press("Escape")
    assert page.evaluate(f"() => {REVEAL}.isOverview()")
    page.keyboard.press("Escape")
    assert not page.evaluate(f"() => {REVEAL}.isOverview()")
    assert current_slide(page) == 0


@pytest.mark.parametrize("stem", STEMS)
def test_deck(browser, site, stem):
    out, counts = site
    visit = Visit(browser, out / "slides" / f"{stem}.slides.html")
    try:
        page = visit.page
        page.wait_for_function(f"() => window.require && {REVEAL} && {REVEAL}.isReady()")
        visit.check_offline_and_clean()
        visit.check_images()
        visit.check_math()
        nb = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
        expected = load_builder().expected_slide_count(nb)
        assert counts[stem] == expected
        assert page.evaluate(f"() => {REVEAL}.getTotalSlides()") == expected

        # Every slide fits the 1280x720 screen (reveal does not scroll: what is taller is cut off).
        # fit_slides.js shrinks a slide that is a little too tall; it must stay readable.
        fits = page.evaluate(f"""() => {{
            const R = {REVEAL}, height = R.getConfig().height, out = [];
            R.getSlides().forEach((s, i) => {{ const x = R.getIndices(s); R.slide(x.h, x.v);
                out.push([i, Math.round(s.getBoundingClientRect().height / R.getScale()), parseFloat(s.style.zoom || "1")]); }});
            R.slide(0, 0);
            return out;
        }}""")
        too_tall = [(i + 1, h) for i, h, _ in fits if h > SCREEN["height"] + 2]
        assert too_tall == [], f"slides taller than the screen (slide number, height): {too_tall}"
        shrunk = [(i + 1, z) for i, _, z in fits if z < 0.75]
        assert shrunk == [], f"slides shrunk below 75% to fit (slide number, zoom): {shrunk}"

        check_keys(page, expected, count_fragments(nb))

        # A screenshot of one slide, every fragment shown, for a person to look at.
        page.evaluate(f"""() => {{ const R = {REVEAL}, s = R.getSlides()[{SCREENSHOT_SLIDE.get(stem, 0)}];
            const i = R.getIndices(s); R.slide(i.h, i.v, s.querySelectorAll('.fragment').length); }}""")
        page.wait_for_timeout(300)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{stem}.png"))
        visit.check_offline_and_clean()
    finally:
        visit.close()


# In the ?print-pdf view reveal.js copies a slide once per fragment step, each copy a .pdf-page.
# For every formula of every copy: its size and whether it shows (a formula in a fragment that
# comes later on the slide is laid out but hidden on the earlier pages).
PRINTED_FORMULAS = r"""() => [...document.querySelectorAll('.pdf-page')].flatMap((page, number) =>
    [...page.querySelectorAll('script[type^="math/tex"]')].map(script => {
        const frame = page.querySelector('#' + CSS.escape(script.id + '-Frame'));
        const box = frame ? frame.getBoundingClientRect() : {width: 0, height: 0};
        const shown = !!frame && frame.checkVisibility({opacityProperty: true, visibilityProperty: true});
        return {id: script.id, tex: script.textContent.slice(0, 60), page: number + 1,
                width: box.width, height: box.height, shown};
    }))"""


def count_pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF written by Chromium (each page is an object of /Type /Page)."""
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))


@pytest.mark.parametrize("stem", STEMS)
def test_printed_deck(browser, site, stem):
    """The print view (?print-pdf): a page per slide and fragment step, every formula drawn on
    every page at its size and shown on at least one, and a PDF with no page more."""
    out, counts = site
    visit = Visit(browser, out / "slides" / f"{stem}.slides.html", "?print-pdf")
    try:
        page = visit.page
        page.wait_for_function(
            f"() => window.require && {REVEAL} && {REVEAL}.isReady()"
            " && document.documentElement.classList.contains('print-pdf')"
        )
        visit.check_offline_and_clean()
        nb = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
        pages = page.evaluate("() => document.querySelectorAll('.pdf-page').length")
        assert pages == counts[stem] + count_fragments(nb)

        formulas = page.evaluate(PRINTED_FORMULAS)
        empty = [
            (f["page"], f["tex"]) for f in formulas if not (f["width"] > 0 and f["height"] > 0)
        ]
        assert empty == [], f"formulas without a rendering (page, TeX): {empty}"
        shown = {f["id"] for f in formulas if f["shown"]}
        never = sorted({f["tex"] for f in formulas if f["id"] not in shown})
        assert never == [], f"formulas shown on no printed page: {never}"

        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        assert count_pdf_pages(pdf) == pages, "the PDF has pages beyond the slides' (a blank one?)"
    finally:
        visit.close()


@pytest.mark.parametrize("stem", STEMS)
def test_page(browser, site, stem):
    out, _ = site
    visit = Visit(browser, out / "notebooks" / f"{stem}.html")
    try:
        visit.check_offline_and_clean()
        nb = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
        assert visit.check_images() == count_images(nb), (
            "every figure of the notebook is on its page"
        )
        visit.check_math()
        links = visit.page.evaluate(
            "() => [...document.querySelectorAll('nav.cbow-page-nav a')].map(a => a.href)"
        )
        targets = [Path(link.removeprefix("file://")) for link in links]
        assert all(t.is_file() for t in targets), f"broken navigation links: {links}"
        i = STEMS.index(stem)
        names = {t.name for t in targets}
        assert "index.html" in names and f"{stem}.slides.html" in names
        if i > 0:
            assert f"{STEMS[i - 1]}.html" in names
        if i + 1 < len(STEMS):
            assert f"{STEMS[i + 1]}.html" in names
    finally:
        visit.close()


def test_index(browser, site):
    out, _ = site
    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()
    try:
        page.goto((out / "index.html").as_uri())
        links = page.evaluate("() => [...document.querySelectorAll('a')].map(a => a.href)")
        assert len(links) == 2 * len(STEMS)
        assert all(Path(link.removeprefix("file://")).is_file() for link in links)
    finally:
        context.close()


# --- JupyterLab: what opening a notebook untouched changes ------------------------------------
#
# JupyterLab (4.6.6) writes the kernel's language_info into the notebook's metadata when the
# kernel starts, and marks the notebook changed unless it equals what the file holds. ipykernel
# reports the Python version to the patch level (3.12.1), so a notebook recorded on one Python is
# marked changed on any other: no recorded value fits 3.11, 3.12 and 3.13 at once
# (docs/reproducibility.md). These tests pin down that this version is the only thing JupyterLab
# rewrites, on the Python that runs them (.ci/run runs them on 3.12 and 3.13 too).

NOTEBOOK_FOLDERS = ("notebooks", "exercises", "instructors")
ALL_NOTEBOOKS = sorted(p for d in NOTEBOOK_FOLDERS for p in (ROOT / d).glob("*.ipynb"))
HERE = ".".join(map(str, sys.version_info[:3]))  # what ipykernel reports on this Python


def recorded_version(path: Path) -> str:
    return json.loads(path.read_text(encoding="utf-8"))["metadata"]["language_info"]["version"]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """A JupyterLab server on this Python, on copies of the course's notebooks, with a configuration
    folder of its own (settings and workspaces); yields (base URL, folder of the copies)."""
    if importlib.util.find_spec("jupyterlab") is None:
        if os.environ.get("CBOW_REQUIRE_BROWSER") == "1":
            pytest.fail("jupyterlab is missing")
        pytest.skip("jupyterlab is missing")
    home = tmp_path_factory.mktemp("jupyterlab")
    work = home / "course"
    for folder in NOTEBOOK_FOLDERS:
        shutil.copytree(ROOT / folder, work / folder, ignore=shutil.ignore_patterns("*.py"))
    with serve(work, home) as base:
        yield base, work


def test_jupyterlab_rewrites_nothing_but_the_python_version(chromium, jupyterlab):
    """Every notebook, its recorded version replaced by this Python's, opens unchanged: nothing
    else (kernelspec, nbformat, cell ids, outputs) is rewritten."""
    base, work = jupyterlab
    changed = []
    for path in ALL_NOTEBOOKS:
        relative = path.relative_to(ROOT).as_posix()
        copy = work / relative
        nb = json.loads(copy.read_text(encoding="utf-8"))
        nb["metadata"]["language_info"]["version"] = HERE
        copy.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        shot = (
            SCREENSHOTS / f"jupyterlab-{HERE}-{path.stem}.png"
            if path.stem.startswith("05")
            else None
        )
        if open_untouched(chromium, base, relative, shot):
            changed.append(relative)
    assert changed == [], f"marked changed on Python {HERE}, its version recorded: {changed}"


def test_jupyterlab_marks_a_notebook_changed_only_on_another_python(chromium, jupyterlab):
    """The notebook as recorded: unchanged on the Python it was recorded with; on another, marked
    changed, and saving it changes language_info.version and nothing else."""
    base, work = jupyterlab
    path = ROOT / "notebooks" / "05_forward_backward.ipynb"
    # A name no other test opened in this server, so no earlier tab or model of it is around.
    relative = "notebooks/as_recorded_05_forward_backward.ipynb"
    (work / relative).write_bytes(path.read_bytes())
    dirty = open_untouched(
        chromium, base, relative, SCREENSHOTS / f"jupyterlab-{HERE}-as-recorded.png"
    )
    recorded = recorded_version(path)
    if recorded == HERE:
        assert not dirty, f"marked changed on the Python it was recorded with ({HERE})"
        return
    assert dirty, (
        f"recorded on {recorded}, opened on {HERE}: expected JupyterLab to mark it changed"
    )
    saved = save_in_jupyterlab(chromium, base, relative, work)
    original = json.loads(path.read_text(encoding="utf-8"))
    assert saved["metadata"]["language_info"]["version"] == HERE
    saved["metadata"]["language_info"]["version"] = recorded
    assert saved == original, "JupyterLab changed more than language_info.version"
