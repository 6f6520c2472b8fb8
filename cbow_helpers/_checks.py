"""Argument checks shared by the helpers: an early, clear error that names the bad value."""

from __future__ import annotations

import math
import numbers


def positive_int(name: str, value, meaning: str = "") -> int:
    """``value`` as an int if it is a whole number >= 1 (not a bool); otherwise a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        label = f"{name} ({meaning})" if meaning else name
        raise ValueError(f"{label} must be a positive integer, got {value!r}")
    return int(value)


def positive_number(name: str, value, meaning: str = "") -> float:
    """``value`` as a float if it is a finite real number > 0; otherwise a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value <= 0:
        label = f"{name} ({meaning})" if meaning else name
        raise ValueError(f"{label} must be a positive finite number, got {value!r}")
    return float(value)


def token_list(function: str, tokens) -> list:
    """``tokens`` as a list; a str (a text, not yet tokenized) is a TypeError saying what to do."""
    if isinstance(tokens, str):
        raise TypeError(f"{function} expects a list of tokens, got a str: call tokenize(text) first")
    return list(tokens)
