"""The grader's recording format: plain data (numbers, strings, lists, tuples, dicts, sets, arrays)
as JSON plus arrays, which cannot run code when read back. Used by ``cbow_helpers.grading``."""

from __future__ import annotations

import re

import numpy as np

LIMIT_NODES = 1_000_000  # values in one encoded tree; beyond, the value is recorded as too large


class Opaque:
    """A value the recording could not keep (a custom object, an object array): its type name and repr."""

    def __init__(self, shown: str):
        self.shown = shown

    def __repr__(self) -> str:
        return self.shown


def opaque_class(name: str) -> type:
    return type(re.sub(r"\W", "_", str(name))[:60] or "object", (Opaque,), {})


class Encoder:
    """Turns plain data (numbers, strings, lists, tuples, dicts, sets, arrays) into JSON and arrays."""

    def __init__(self):
        self.arrays: dict[str, np.ndarray] = {}
        self.nodes = 0

    def __call__(self, value, depth: int = 0):
        self.nodes += 1
        if depth > 50 or self.nodes > LIMIT_NODES:
            return {"opaque": type(value).__name__, "repr": "(too large to record)"}
        kind = type(value)
        if value is None or kind in (bool, int, str):
            return value
        if kind is float:
            return {"float": repr(value)}
        if isinstance(value, np.ndarray) and kind in (np.ndarray, np.matrix):
            if not value.dtype.hasobject:
                key = f"a{len(self.arrays)}"
                self.arrays[key] = np.array(value)  # a copy: the function may change it later
                return {"array": key, "matrix": kind is np.matrix}
        elif isinstance(value, np.generic) and not value.dtype.hasobject:
            key = f"a{len(self.arrays)}"
            self.arrays[key] = np.asarray(value)
            return {"scalar": key}
        elif kind in (list, tuple, set, frozenset):
            items = [self(item, depth + 1) for item in value]
            return items if kind is list else {kind.__name__: items}
        elif kind is dict:
            return {"dict": [[self(k, depth + 1), self(v, depth + 1)] for k, v in value.items()]}
        elif callable(value):
            return {"callable": True}
        try:
            shown = repr(value)[:200]
        except Exception:  # noqa: BLE001 - the student's __repr__ is not ours to trust
            shown = "?"
        return {"opaque": kind.__name__, "repr": shown}


def replayed_function(*args, **kwargs):
    """Stands in for a function the student's code passed on (the recording keeps no code)."""
    raise RuntimeError("a function of the student's code, not kept by the recording")


def decode(tree, arrays):
    """The value an encoded tree stands for (an ``Opaque`` where the recording kept only a name)."""
    if not isinstance(tree, (list, dict)):
        return tree
    if isinstance(tree, list):
        return [decode(item, arrays) for item in tree]
    if "float" in tree:
        return float(tree["float"])
    if "array" in tree:
        array = arrays[tree["array"]].copy()
        return np.asmatrix(array) if tree.get("matrix") else array
    if "scalar" in tree:
        return arrays[tree["scalar"]][()]
    for name, kind in (("tuple", tuple), ("set", set), ("frozenset", frozenset)):
        if name in tree:
            return kind(decode(item, arrays) for item in tree[name])
    if "dict" in tree:
        return {decode(k, arrays): decode(v, arrays) for k, v in tree["dict"]}
    if "callable" in tree:
        return replayed_function
    return opaque_class(tree.get("opaque", "object"))(str(tree.get("repr", "?")))


def same_tree(a, b, arrays_a, arrays_b) -> bool:
    """Whether two encoded trees hold the same values (arrays compared bit for bit)."""
    if isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b) and "array" in a:
        x, y = arrays_a[a["array"]], arrays_b.get(str(b["array"]))
        return (
            a.get("matrix") == b.get("matrix")
            and isinstance(y, np.ndarray)
            and (x.dtype, x.shape) == (y.dtype, y.shape)
            and x.tobytes() == y.tobytes()
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(same_tree(a[k], b[k], arrays_a, arrays_b) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_tree(x, y, arrays_a, arrays_b) for x, y in zip(a, b))
    return type(a) is type(b) and a == b
