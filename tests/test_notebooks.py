"""The notebooks are saved executed, in order, with outputs: otherwise nbval would check nothing."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = [
    "00_word_embeddings",
    "01_tokenization",
    "02_sliding_windows",
    "03_one_hot_vectors",
    "04_cbow_architecture",
    "05_forward_backward",
    "06_training",
    "07_pca_visualisation",
    "08_evaluation_and_scale",
    "09_negative_sampling",
    "10_inside_the_fast_trainer",
]


def test_the_course_is_complete():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_saved_executed_in_order_with_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    # what JupyterLab writes on opening: anything else marks the notebook changed at once
    assert nb["metadata"]["kernelspec"]["display_name"] == "Python 3 (ipykernel)"
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert code, "no code cells"
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), (
        "not run top to bottom in one kernel"
    )
    assert sum(bool(c["outputs"]) for c in code) >= len(code) // 2, "too few cells have outputs"
    for c in code:
        tags = c.get("metadata", {}).get("tags", [])
        for out in c["outputs"]:
            if out["output_type"] == "error":
                assert "raises-exception" in tags, (
                    f"stored error in a cell not tagged raises-exception:\n{''.join(c['source'])}"
                )
        source = "".join(c["source"])
        assert "nltk.download" not in source and "urlopen" not in source
        for line in source.splitlines():
            if (
                "NBVAL_" in line
            ):  # nbval only sees a marker alone on its line: a trailing remark disables it
                assert re.fullmatch(r"\s*# NBVAL_[A-Z_]+\s*", line), (
                    f"put the remark on its own line: {line!r}"
                )
        if "NBVAL_IGNORE_OUTPUT" in source:
            # a timing cell, or a cell whose output depends on the CPU and that asserts what its prose claims
            timing = "perf_counter" in source or "%time" in source
            assert timing or re.search(r"^\s*assert ", source, re.MULTILINE), (
                "NBVAL_IGNORE_OUTPUT is for timing cells and for cells that assert what they show:\n"
                + source
            )
        for out in c["outputs"]:
            text = json.dumps(out)
            assert not re.search(r"(/root/|/home/|/Users/|/tmp/|site-packages|[A-Z]:\\\\)", text), (
                f"an output shows a path of the recording machine:\n{text[:300]}"
            )
        for out in c["outputs"]:
            if out.get("name") == "stderr":
                assert "Warning" not in out["text"], f"a warning in the outputs:\n{out['text']}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_ends_with_summary_exercises_and_caveats(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    text = "\n".join(
        "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"
    ).lower()
    for heading in ("summary", "exercises", "caveats"):
        assert heading in text, f"{path.name} has no {heading}"


# Numbers in the prose that are facts or settings rather than outputs, with the reason.
NOT_OUTPUTS = {
    "00_word_embeddings": {"22,000": "notebook 01's 22,548 distinct words, rounded down"},
    "01_tokenization": {"2.0": "the emoji release that removed get_emoji_regexp"},
    "07_pca_visualisation": {"0.9": "a cosine the speaker notes put to the room as a question"},
}
# Numbers the prose quotes from another notebook, which must print them: number -> that notebook.
FROM_NOTEBOOK = {
    "00_word_embeddings": {"22,548": "01_tokenization"},
}
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+\.\d+%?|\d+%)(?!\w)")
# Plain integers are too often settings (5 epochs, 3 seeds); these are counts a cell measures.
COUNT = re.compile(
    r"(?<![\w.,])(\d+)(?= (?:covered |WordSim(?:-353)? )?(?:pairs|questions|dead|units)\b)"
    r"|(?<=V = )(\d+)(?![\w,])"
)


def _prose(markdown: str) -> str:
    """Markdown without formulas, inline code and image links: the sentences a reader reads."""
    markdown = re.sub(r"\$\$.*?\$\$", " ", markdown, flags=re.DOTALL)
    markdown = re.sub(r"\$[^$]*\$", " ", markdown)
    markdown = re.sub(r"`[^`]*`", " ", markdown)
    return re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", markdown)


def _plain(number: str) -> str:
    return number.replace(",", "").replace("_", "")


def _shown(path) -> str:
    """Every code cell's source and output of the notebook at ``path``, thousands separators removed."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    seen = []
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            seen.append("".join(c["source"]))
            for out in c["outputs"]:
                seen.append("".join(out.get("text", "")) + out.get("evalue", ""))
                seen += [
                    "".join(v) for k, v in out.get("data", {}).items() if k.startswith("text/")
                ]
    return _plain("\n".join(seen))


def _in(number: str, shown: str) -> bool:
    return re.search(r"(?<![\d.])" + re.escape(_plain(number)) + r"(?![\d])", shown) is not None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_numbers_in_the_prose_come_from_the_notebook(path):
    """A decimal, a percentage or a number with thousands separators quoted in the prose must appear
    in a code cell or an output of the same notebook (so it cannot drift from what the reader sees),
    or, for a number the prose says another notebook prints (FROM_NOTEBOOK), in that notebook's."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    seen_plain = _shown(path)
    allowed = NOT_OUTPUTS.get(path.stem, {})
    quoted = FROM_NOTEBOOK.get(path.stem, {})
    # the speaker notes (from slides/*.toml) too: an instructor reads them out
    texts = [_prose("".join(c["source"])) for c in nb["cells"] if c["cell_type"] == "markdown"]
    found = {n for text in texts for n in NUMBER.findall(text)}
    found |= {a or b for text in texts for a, b in COUNT.findall(text)}
    missing = sorted(found - set(allowed))
    missing = [
        n
        for n in missing
        if not _in(n, seen_plain)
        and not (n in quoted and _in(n, _shown(path.parent / f"{quoted[n]}.ipynb")))
    ]
    assert not missing, f"{path.name}: numbers in the prose that no cell shows: {missing}"
