"""The package stays readable in small pieces: no function over 50 code lines, no module over 500 lines.

A function's code lines are the lines of its body that hold code: not blank, not only a comment,
not its docstring. A module's lines are its physical lines.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cbow_helpers"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_FUNCTION_LINES = 50
MAX_MODULE_LINES = 500


def code_lines(function: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str]) -> int:
    body = function.body
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        body = body[1:]  # the docstring
    if not body:
        return 0
    text = lines[body[0].lineno - 1 : function.end_lineno]
    return sum(1 for line in text if line.strip() and not line.strip().startswith("#"))


def function_sizes(path: Path) -> dict[str, int]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    return {
        f"{node.name} (line {node.lineno})": code_lines(node, lines)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }


def test_code_lines_count_code_only():
    source = 'def f(x):\n    """Doc.\n\n    More doc."""\n    # a comment\n\n    y = x + 1\n    return (\n        y\n    )\n'
    (function,) = ast.parse(source).body
    assert code_lines(function, source.splitlines()) == 4


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_longer_than_500_lines(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_MODULE_LINES, f"{path.name} has {n} lines (at most {MAX_MODULE_LINES})"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_function_is_longer_than_50_code_lines(path):
    long = {n: size for n, size in function_sizes(path).items() if size > MAX_FUNCTION_LINES}
    assert not long, f"{path.name}: functions over {MAX_FUNCTION_LINES} code lines: {long}"
