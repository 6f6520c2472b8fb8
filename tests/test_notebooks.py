"""The notebooks are saved executed, in order, with outputs: otherwise nbval would check nothing."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = [
    "00_word_embeddings", "01_tokenization", "02_sliding_windows", "03_one_hot_vectors",
    "04_cbow_architecture", "05_forward_backward", "06_training", "07_pca_visualisation",
    "08_evaluation_and_scale", "09_negative_sampling",
]


def test_the_course_is_complete():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_saved_executed_in_order_with_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert code, "no code cells"
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), "not run top to bottom in one kernel"
    assert sum(bool(c["outputs"]) for c in code) >= len(code) // 2, "too few cells have outputs"
    for c in code:
        tags = c.get("metadata", {}).get("tags", [])
        for out in c["outputs"]:
            if out["output_type"] == "error":
                assert "raises-exception" in tags, f"stored error in a cell not tagged raises-exception:\n{''.join(c['source'])}"
        source = "".join(c["source"])
        assert "nltk.download" not in source and "urlopen" not in source
        if "NBVAL_IGNORE_OUTPUT" in source:
            # A timing cell, or a cell that asserts what its prose claims about a result that varies by CPU.
            assert "perf_counter" in source or "%time" in source or "assert " in source, (
                "NBVAL_IGNORE_OUTPUT is for timing cells and for cells that assert what they show"
            )
        for out in c["outputs"]:
            if out.get("name") == "stderr":
                assert "Warning" not in out["text"], f"a warning in the outputs:\n{out['text']}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_ends_with_summary_exercises_and_caveats(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown").lower()
    for heading in ("summary", "exercises", "caveats"):
        assert heading in text, f"{path.name} has no {heading}"
