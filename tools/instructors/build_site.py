"""Build the course's slide decks and browsable site, for offline use.

    python tools/instructors/build_site.py [--out build/site]

writes, into an ignored folder:

    build/site/index.html                  the course index: every notebook, its page and its deck
    build/site/notebooks/NN_name.html      one page per notebook (code, outputs, figures, math)
    build/site/slides/NN_name.slides.html  one reveal.js deck per notebook, from the cells'
                                           ``metadata.slideshow`` (see slides/ and tools/instructors/apply_slide_plan.py)
    build/site/images/                     the figures the notebooks show (they link ../images/)
    build/site/_static/                    reveal.js, MathJax, require.js, jQuery and course.css

Every file a page needs is in that folder: opening a deck or a page fetches nothing from the
network. The web assets come from the npm registry at build time, pinned to exact versions by
tools/instructors/web/package.json and tools/instructors/web/package-lock.json (``npm ci``), so the build needs Node.js
and npm; it says so in one line and stops when they are missing.

The build is atomic: it writes a temporary folder beside the target and swaps it in at the end,
so a failed build leaves the previous site untouched and nothing half-written.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
IMAGES = ROOT / "images"
WEB = Path(__file__).resolve().parent / "web"
TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_OUT = ROOT / "build" / "site"
NPM_DIR = ROOT / "build" / "web"  # package.json + lock are copied here; node_modules lives here

# What the decks and pages load, relative to a file in notebooks/ or slides/.
STATIC = "../_static"
MATHJAX_CONFIG = "TeX-AMS_CHTML-full,Safe"
# reveal's design size: a 16:9 screen, so that 1280x720 shows the slide at scale 1.
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720

# The parts of each npm package the site uses (MathJax ships 70 MB of alternatives: other output
# processors, fonts and unpacked sources; a deck uses the CommonHTML output and the TeX woff fonts).
ASSETS = {
    "reveal.js": ["dist", "plugin/notes", "LICENSE"],
    "mathjax": [
        "MathJax.js",
        "config",
        "extensions",
        "jax/input/TeX",
        "jax/element",
        "jax/output/CommonHTML",
        "fonts/HTML-CSS/TeX/woff",
        "localization/en",
        "LICENSE",
    ],
    "requirejs": ["require.js"],
    "jquery": ["dist/jquery.min.js", "LICENSE.txt"],
}


class BuildError(Exception):
    """A problem the user can fix; reported as one line, without a traceback."""


def notebook_paths() -> list[Path]:
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        raise BuildError(f"no notebooks found in {NOTEBOOKS}")
    return paths


def read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def notebook_title(nb: dict, fallback: str) -> str:
    """The first Markdown heading of the notebook (``# 5 · Forward pass`` -> ``5 · Forward pass``)."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def expected_slide_count(nb: dict) -> int:
    """How many slides reveal.js shows for this notebook: one per cell that starts a slide or a
    sub-slide, plus the first visible cell, which nbconvert always turns into a slide."""
    types = [
        cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") for cell in nb["cells"]
    ]
    visible = [t for t in types if t not in ("notes", "skip")]
    if not visible:
        return 0
    return 1 + sum(t in ("slide", "subslide") for t in visible[1:])


# --------------------------------------------------------------------------- web assets


def require_node() -> str:
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise BuildError(
            "Node.js and npm are needed to install the pinned web assets (reveal.js, MathJax, "
            "require.js, jQuery from tools/instructors/web/package-lock.json); install them "
            "(Debian: apt-get install nodejs npm) and run this again"
        )
    return npm


def installed_matches_lock(lock: dict, node_modules: Path) -> bool:
    for key, entry in lock.get("packages", {}).items():
        if not key.startswith("node_modules/"):
            continue
        manifest = node_modules.parent / key / "package.json"
        if not manifest.is_file():
            return False
        if json.loads(manifest.read_text(encoding="utf-8")).get("version") != entry.get("version"):
            return False
    return True


def install_assets() -> Path:
    """``npm ci`` the pinned packages into build/web (skipped when they are already installed)."""
    lock_text = (WEB / "package-lock.json").read_text(encoding="utf-8")
    package_text = (WEB / "package.json").read_text(encoding="utf-8")
    NPM_DIR.mkdir(parents=True, exist_ok=True)
    node_modules = NPM_DIR / "node_modules"
    same_files = (
        (NPM_DIR / "package-lock.json").is_file()
        and (NPM_DIR / "package-lock.json").read_text(encoding="utf-8") == lock_text
        and (NPM_DIR / "package.json").read_text(encoding="utf-8") == package_text
    )
    if same_files and installed_matches_lock(json.loads(lock_text), node_modules):
        return node_modules
    npm = require_node()
    (NPM_DIR / "package.json").write_text(package_text, encoding="utf-8")
    (NPM_DIR / "package-lock.json").write_text(lock_text, encoding="utf-8")
    print("installing the pinned web assets with npm ci ...", flush=True)
    proc = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
        cwd=NPM_DIR,
        check=False,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip() or proc.stdout.strip() or "no output").splitlines()[-1]
        raise BuildError(f"npm ci failed in {NPM_DIR} (exit {proc.returncode}): {last}")
    if not installed_matches_lock(json.loads(lock_text), node_modules):
        raise BuildError(
            f"npm ci in {NPM_DIR} did not install the versions of tools/instructors/web/package-lock.json"
        )
    return node_modules


def copy_assets(node_modules: Path, static: Path) -> None:
    for package, parts in ASSETS.items():
        for part in parts:
            source = node_modules / package / part
            target = static / package / part
            if source.is_dir():
                shutil.copytree(source, target)
            elif source.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
            else:
                raise BuildError(
                    f"{source} is missing: the npm package {package} is not the pinned one"
                )
    for name in ("course.css", "fit_slides.js"):
        shutil.copy2(TEMPLATES / name, static / name)


# --------------------------------------------------------------------------- pages and decks


def drop_blank_streams(nb):
    """Without the stream outputs that hold only whitespace (a progress bar's closing newline),
    which would show as an empty box."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.outputs if not (o.output_type == "stream" and not o.text.strip())
            ]
    return nb


def exporters():
    from nbconvert import HTMLExporter, SlidesExporter

    common = dict(
        extra_template_basedirs=[str(TEMPLATES)],
        mathjax_url=f"{STATIC}/mathjax/MathJax.js?config={MATHJAX_CONFIG}",
        require_js_url=f"{STATIC}/requirejs/require.js",
        jquery_url=f"{STATIC}/jquery/dist/jquery.min.js",
        # Mermaid is never loaded (the templates drop its import); these keep any URL local anyway.
        mermaid_js_url=f"{STATIC}/none.mjs",
    )
    page = HTMLExporter(template_name="cbow_page", **common)
    from nbconvert.preprocessors import TagRemovePreprocessor

    deck = SlidesExporter(
        template_name="cbow_slides",
        reveal_url_prefix=f"{STATIC}/reveal.js",
        reveal_theme="white",  # white's fonts ship with reveal; 7 of 4.0.2's 11 themes pull Google Fonts
        reveal_transition="none",
        reveal_number="c/t",
        reveal_width=str(SLIDE_WIDTH),
        reveal_height=str(SLIDE_HEIGHT),
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        **common,
    )
    # Cells tagged by the slide plan show only their output in a deck (a figure without its code).
    deck.register_preprocessor(
        TagRemovePreprocessor(remove_input_tags={"slides-hide-input"}), enabled=True
    )
    return page, deck


def coalesce_streams(nb):
    """A progress bar is saved as many stream outputs joined by carriage returns: keep its last state."""
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
    return nb


def links(index: int, stems: list[str], titles: list[str], kind: str) -> dict:
    suffix = ".html" if kind == "page" else ".slides.html"
    prev_stem = stems[index - 1] if index > 0 else None
    next_stem = stems[index + 1] if index + 1 < len(stems) else None
    return {
        "static": STATIC,
        "index": "../index.html",
        "page": f"../notebooks/{stems[index]}.html",
        "slides": f"../slides/{stems[index]}.slides.html",
        "prev": f"{prev_stem}{suffix}" if prev_stem else "",
        "next": f"{next_stem}{suffix}" if next_stem else "",
        "prev_title": titles[index - 1] if prev_stem else "",
        "next_title": titles[index + 1] if next_stem else "",
    }


def write_index(site: Path, stems: list[str], titles: list[str], slide_counts: list[int]) -> None:
    rows = "\n".join(
        f'<tr><td><a href="notebooks/{stem}.html">{html.escape(title)}</a></td>'
        f'<td><a href="slides/{stem}.slides.html">slides</a> ({count})</td></tr>'
        for stem, title, count in zip(stems, titles, slide_counts)
    )
    (site / "index.html").write_text(
        f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Word embeddings from scratch: CBOW in numpy</title>
<link rel="stylesheet" href="_static/course.css">
</head>
<body class="cbow-index">
<main>
<h1>Word embeddings from scratch: CBOW in numpy</h1>
<p>Each lecture as a page (every cell, output and figure, with the instructor's notes folded
away) and as a reveal.js slide deck. In a deck, <kbd>&rarr;</kbd>, <kbd>&darr;</kbd>,
<kbd>Page Down</kbd> or <kbd>Space</kbd> shows the next step (the next fragment, else the next
slide: every slide, in order, as a clicker needs), <kbd>&larr;</kbd>, <kbd>&uarr;</kbd> or
<kbd>Page Up</kbd> goes back, <kbd>S</kbd> opens the speaker view with the notes, <kbd>F</kbd> is
full screen, <kbd>Esc</kbd> the overview (sections as columns, <kbd>Esc</kbd> again to return).
Add <code>?print-pdf</code> to a deck's address to print it, one page per step.
Everything here works offline.</p>
<table>
<thead><tr><th>notebook</th><th>deck (slides)</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</main>
</body>
</html>
""",
        encoding="utf-8",
    )


def build(out: Path) -> dict:
    paths = notebook_paths()
    node_modules = install_assets()
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        copy_assets(node_modules, tmp / "_static")
        shutil.copytree(
            IMAGES, tmp / "images", ignore=shutil.ignore_patterns("*.py", "__pycache__")
        )
        (tmp / "notebooks").mkdir()
        (tmp / "slides").mkdir()
        import nbformat

        page, deck = exporters()
        notebooks = [nbformat.read(p, as_version=4) for p in paths]
        stems = [p.stem for p in paths]
        titles = [notebook_title(nb, stem) for nb, stem in zip(notebooks, stems)]
        counts = []
        for i, (path, nb) in enumerate(zip(paths, notebooks)):
            counts.append(expected_slide_count(nb))
            if counts[-1] < 2:
                raise BuildError(
                    f"{path.name} has no slide metadata: run python tools/instructors/apply_slide_plan.py"
                )
            nb = drop_blank_streams(coalesce_streams(nb))
            resources = {"metadata": {"name": titles[i], "path": str(NOTEBOOKS)}}
            body, _ = page.from_notebook_node(
                nb, resources={**resources, "cbow": links(i, stems, titles, "page")}
            )
            (tmp / "notebooks" / f"{path.stem}.html").write_text(body, encoding="utf-8")
            body, _ = deck.from_notebook_node(
                nb, resources={**resources, "cbow": links(i, stems, titles, "slides")}
            )
            (tmp / "slides" / f"{path.stem}.slides.html").write_text(body, encoding="utf-8")
        write_index(tmp, stems, titles, counts)
        (tmp / "slide_counts.json").write_text(
            json.dumps(dict(zip(stems, counts)), indent=1) + "\n", encoding="utf-8"
        )
        old = None
        if out.exists():
            old = out.parent / f".{out.name}-old-{os.getpid()}"
            out.rename(old)
        tmp.rename(out)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dict(zip(stems, counts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output folder (default: build/site)"
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        counts = build(args.out)
    except BuildError as error:
        print(f"build_site: error: {error}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - start
    out = args.out.resolve()
    print(
        f"built {len(counts)} decks ({sum(counts.values())} slides) and {len(counts)} pages in {seconds:.1f} s"
    )
    for stem, count in counts.items():
        print(f"  {count:3d} slides  slides/{stem}.slides.html")
    print(f"open {out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
