"""Argument checks shared by the helpers: an early, clear error that names the bad value."""

from __future__ import annotations

import functools
import math
import numbers

import numpy as np

# One rule for every check, as in scikit-learn: a value of the wrong type (1.5 or "2" where an
# integer is expected, a str where a list of tokens is) is a TypeError; a value of the right type
# but out of range (C=0, a negative V) is a ValueError. Either way the message names the argument,
# what was expected and the value received. With an empty ``name`` the message starts at "must
# be ...": the command line (cli.py) puts "argument --dim:" in front of it.


def _must(name: str, meaning: str, expected: str, got) -> str:
    """``'C (the context half-size) must be at least 1, got 0'``; without a name, ``'must be ...'``."""
    label = f"{name} ({meaning}) " if name and meaning else f"{name} " if name else ""
    return f"{label}must be {expected}, got {got!r}"


def integer_at_least(name: str, value, minimum: int, meaning: str = "", why: str = "") -> int:
    """``value`` as an int if it is a whole number >= ``minimum``.

    A TypeError if it is not an integer (a bool, a float such as 2.0 or 1.5, a str such as
    ``"2"``); a ValueError if it is below ``minimum`` (``why``, if given, says why in brackets).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(_must(name, meaning, "an integer", value))
    if value < minimum:
        expected = f"at least {minimum}" + (f" ({why})" if why else "")
        raise ValueError(_must(name, meaning, expected, int(value)))
    return int(value)


def integer_from_to(name: str, value, low: int, high: int, why: str = "") -> int:
    """``value`` as an int if it is a whole number from ``low`` to ``high`` (``why``: why the bounds)."""
    value = integer_at_least(name, value, low)
    if value > high:
        expected = f"an integer from {low} to {high}" + (f" ({why})" if why else "")
        raise ValueError(_must(name, "", expected, value))
    return value


def positive_int(name: str, value, meaning: str = "") -> int:
    """``value`` as an int if it is a whole number >= 1 (a TypeError if not an integer, else a
    ValueError), naming ``name``."""
    return integer_at_least(name, value, 1, meaning)


def seed_value(name: str, value) -> int:
    """``value`` as an int if it is a whole number >= 0 (numpy's seeds), naming ``name``."""
    return integer_at_least(name, value, 0, "the random seed")


def _real(name: str, value, meaning: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(_must(name, meaning, "a number", value))
    return float(value)


def positive_number(name: str, value, meaning: str = "") -> float:
    """``value`` as a float if it is a finite real number > 0 (a TypeError if not a number, else a
    ValueError), naming ``name``."""
    number = _real(name, value, meaning)
    if not math.isfinite(number) or number <= 0:
        raise ValueError(_must(name, meaning, "a positive finite number", value))
    return number


def non_negative_number(name: str, value, meaning: str = "") -> float:
    """``value`` as a float if it is a finite real number >= 0 (a TypeError if not a number, else
    a ValueError), naming ``name``."""
    number = _real(name, value, meaning)
    if not math.isfinite(number) or number < 0:
        raise ValueError(_must(name, meaning, "a finite number >= 0", value))
    return number


def number_between(name: str, value, low: float, high: float, meaning: str = "") -> float:
    """``value`` as a float if it is a real number with low < value < high (a TypeError if not a
    number, else a ValueError), naming ``name``."""
    number = _real(name, value, meaning)
    if not low < number < high:
        raise ValueError(_must(name, meaning, f"between {low} and {high}", value))
    return number


def check_flag(name: str, value) -> bool:
    """``value`` as a bool if it is True or False (numpy's too); otherwise a TypeError naming ``name``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def context_half_size(C) -> int:
    """C, the number of context words on each side of the centre word: an integer >= 1."""
    return integer_at_least("C", C, 1, "the number of context words on each side")


def vocabulary_size(V, word2Ind) -> int:
    """V, the vocabulary size: an integer >= 1, and at least the number of words in ``word2Ind``."""
    V = integer_at_least("V", V, 1, "the vocabulary size")
    if len(word2Ind) > V:
        raise ValueError(
            f"V={V} is smaller than the vocabulary: word2Ind has {len(word2Ind)} words"
        )
    return V


# ----------------------------------------------------------------------------- tokens


def token_list(function: str, tokens) -> list:
    """``tokens`` as a list; a str (a text, not yet tokenized) is a TypeError saying what to do."""
    if isinstance(tokens, str):
        raise TypeError(
            f"{function} expects a list of tokens, got a str: call tokenize(text) first"
        )
    return list(tokens)


def _first_non_str(words):
    return next((w for w in words if not isinstance(w, str)), None)


def str_token_list(function: str, tokens) -> list:
    """``tokens`` as a list, if it is one of str (``token_list`` and ``str_tokens``, in one)."""
    tokens = token_list(function, tokens)
    str_tokens(tokens)
    return tokens


def str_tokens(tokens: list, collect=set):
    """``collect(tokens)`` (a set of the distinct tokens, or a Counter), if every token is a str.

    Otherwise a TypeError naming the first token that is not (an int, a list, ...). The types are
    checked on the distinct tokens only, which is much faster on a corpus.
    """
    try:
        distinct = collect(tokens)
        bad = _first_non_str(distinct)
    except TypeError:  # an unhashable token, such as a list
        distinct, bad = None, _first_non_str(tokens)
    if bad is not None:
        raise TypeError(
            f"tokens must be str, got {type(bad).__name__}: {bad!r:.60} (tokenize the text first)"
        )
    return distinct


# ----------------------------------------------------------------------------- model shapes


def batch_columns(batch_size, y: np.ndarray) -> int:
    """m, the batch size: an integer >= 1 that is the number of columns of ``y``."""
    batch_size = positive_int("batch_size", batch_size)
    columns = y.shape[1] if y.ndim == 2 else 1
    if columns != batch_size:
        raise ValueError(
            f"batch_size={batch_size} but the arrays have {columns} columns (examples)"
        )
    return batch_size


def model_shapes(x, W1, W2, b1, b2):
    """The input and weights of the CBOW model as float arrays, ``x`` as a (V, m) matrix.

    A ValueError, naming both shapes, unless W1 is (N, V), x (V, m), W2 (V, N), b1 (N, 1) and
    b2 (V, 1).
    """
    x, W1, W2, b1, b2 = (np.asarray(a, dtype=float) for a in (x, W1, W2, b1, b2))
    if x.ndim == 1:
        x = x[:, None]
    if W1.ndim != 2:
        raise ValueError(f"W1 must be a 2-D (N, V) array, got shape {W1.shape}")
    N, V = W1.shape
    expected = {"x": (V, None), "W2": (V, N), "b1": (N, 1), "b2": (V, 1)}
    for name, arr in (("x", x), ("W2", W2), ("b1", b1), ("b2", b2)):
        want = expected[name]
        if (
            arr.ndim != 2
            or arr.shape[0] != want[0]
            or (want[1] is not None and arr.shape[1] != want[1])
        ):
            shown = f"({want[0]}, m)" if want[1] is None else str(want)
            raise ValueError(
                f"{name} has shape {arr.shape} but W1 has shape {W1.shape} (N={N}, V={V}), "
                f"so {name} must have shape {shown}"
            )
    return x, W1, W2, b1, b2


# ----------------------------------------------------------------------------- memory


class NotEnoughMemoryError(ValueError, MemoryError):
    """A request would need more memory than the machine has available (raised before allocating).

    Not in the notebooks: ``train_cbow``, ``train_negative_sampling`` and ``load_vectors`` raise it.

    Both a ValueError (the size asked for is too large) and a MemoryError.
    """


def format_bytes(n: float) -> str:
    """``1536`` -> ``'1.5 KiB'``."""
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:,.0f} bytes" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def _read_int(path: str):
    try:
        with open(path, encoding="ascii") as f:
            text = f.read().strip()
    except (OSError, ValueError):
        return None
    return int(text) if text.isdigit() else None


def available_memory() -> int | None:
    """Bytes this process may still allocate: MemAvailable, or less under a cgroup (container) limit.

    None where it cannot be told (not Linux), and then no request is refused in advance.
    """
    found = []
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
                    break
    except (OSError, ValueError, IndexError):
        pass
    for limit_file, usage_file in (
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),  # cgroup v2
        (
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            "/sys/fs/cgroup/memory/memory.usage_in_bytes",
        ),  # v1
    ):
        limit, usage = _read_int(limit_file), _read_int(usage_file)
        if limit is not None and usage is not None and limit < 1 << 60:
            found.append(max(limit - usage, 0))
    return min(found) if found else None


def check_memory(needed: float, what: str, advice: str) -> None:
    """Raise NotEnoughMemoryError if ``needed`` bytes exceed the memory available."""
    available = available_memory()
    if available is not None and needed > available:
        raise NotEnoughMemoryError(
            f"{what} would need about {format_bytes(needed)} of memory, more than the "
            f"{format_bytes(available)} available; {advice}"
        )


# ----------------------------------------------------------------------------- negative sampling


def word_ids(name: str, ids, V: int, ndim: int) -> np.ndarray:
    """``ids`` as an ``ndim``-D integer array of word ids in 0 .. V-1."""
    ids = np.asarray(ids)
    if ids.ndim != ndim or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(
            f"{name} must be a {ndim}-D array of word ids, got dtype {ids.dtype} and shape {ids.shape}"
        )
    if ids.size and (ids.min() < 0 or ids.max() >= V):
        bad = ids[(ids < 0) | (ids >= V)].flat[0]
        raise ValueError(f"{name} holds the word id {bad}, outside 0 .. V-1 = {V - 1}")
    return ids


def negative_sampling_inputs(W1, W2, context, center, negatives):
    """W1 (N, V) and W2 (V, N) as float arrays, and the m windows' word ids, checked."""
    W1, W2 = np.asarray(W1, dtype=float), np.asarray(W2, dtype=float)
    if W1.ndim != 2:
        raise ValueError(f"W1 must be a 2-D (N, V) array, got shape {W1.shape}")
    N, V = W1.shape
    if W2.shape != (V, N):
        raise ValueError(
            f"W2 has shape {W2.shape} but W1 has shape {W1.shape}, so W2 must have shape {(V, N)}"
        )
    context = word_ids("context", context, V, 2)
    center = word_ids("center", center, V, 1)
    negatives = word_ids("negatives", negatives, V, 2)
    m = len(center)
    if context.shape[0] != m or negatives.shape[0] != m or m == 0:
        raise ValueError(
            f"context {context.shape}, center {center.shape} and negatives {negatives.shape} "
            "must describe the same m >= 1 windows (one row each)"
        )
    if context.shape[1] == 0:
        raise ValueError("context has no columns: a window needs at least one context word")
    return W1, W2, context, center, negatives


def word_counts(counts) -> np.ndarray:
    """``counts`` as a non-empty 1-D float64 array of positive finite counts."""
    counts = np.asarray(counts)
    if counts.ndim != 1 or counts.size == 0 or not np.issubdtype(counts.dtype, np.number):
        raise ValueError(
            f"counts must be a non-empty 1-D array of word counts, got shape {counts.shape}"
        )
    if not np.all(np.isfinite(counts)) or counts.min() <= 0:
        raise ValueError(
            f"every count must be a positive finite number, got a minimum of {counts.min()!r}"
        )
    return counts.astype(np.float64)


# ----------------------------------------------------------------------------- at the boundary


def checked_by(check):
    """Decorator: the course function ``f`` checks its arguments with ``check`` first.

    ``f(*args)`` calls ``check(*args)``, which raises a clear TypeError or ValueError for a bad
    argument and returns the arguments ready for the formula (as float arrays of the right
    shapes, plain ints); ``f``'s own body then holds only the formula. ``f.unchecked`` is that
    body alone, for callers whose arguments are right by construction (a training loop).

    ``check`` is looked up by name in ``f``'s module at each call (so a test can count its
    calls), falling back to the function given.
    """

    def decorate(formula):
        @functools.wraps(formula)
        def course_function(*args, **kwargs):
            current = formula.__globals__.get(check.__name__, check)
            return formula(*current(*args, **kwargs))

        course_function.unchecked = formula
        return course_function

    return decorate
