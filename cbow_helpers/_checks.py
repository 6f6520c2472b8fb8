"""Argument checks shared by the helpers: an early, clear error that names the bad value."""

from __future__ import annotations

import math
import numbers

import numpy as np


def positive_int(name: str, value, meaning: str = "") -> int:
    """``value`` as an int if it is a whole number >= 1 (not a bool); otherwise a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        label = f"{name} ({meaning})" if meaning else name
        raise ValueError(f"{label} must be a positive integer, got {value!r}")
    return int(value)


def positive_number(name: str, value, meaning: str = "") -> float:
    """``value`` as a float if it is a finite real number > 0; otherwise a ValueError naming ``name``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or value <= 0
    ):
        label = f"{name} ({meaning})" if meaning else name
        raise ValueError(f"{label} must be a positive finite number, got {value!r}")
    return float(value)


def token_list(function: str, tokens) -> list:
    """``tokens`` as a list; a str (a text, not yet tokenized) is a TypeError saying what to do."""
    if isinstance(tokens, str):
        raise TypeError(
            f"{function} expects a list of tokens, got a str: call tokenize(text) first"
        )
    return list(tokens)


def seed_value(name: str, value) -> int:
    """``value`` as an int if it is a whole number >= 0 (numpy's seeds); otherwise an error naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} (the random seed) must be a non-negative integer, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} (the random seed) must be a non-negative integer, got {value!r}")
    return int(value)


# ----------------------------------------------------------------------------- memory


class NotEnoughMemoryError(ValueError, MemoryError):
    """A request would need more memory than the machine has available (raised before allocating).

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


def check_flag(name: str, value) -> bool:
    """``value`` as a bool if it is True or False (numpy's too); otherwise a TypeError naming ``name``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)
