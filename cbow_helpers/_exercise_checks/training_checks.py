"""The checks of notebooks 06 and 07: gradient_descent, the capstone, compute_pca."""

from __future__ import annotations

import numpy as np

from .. import _student_calls as calls
from .. import model, pca, vectors, vocabulary
from .common import TEXT, Failed, call, differs, refuse_course_function, run, show


def _gd_run(
    words,
    word2Ind,
    alpha_sign=1.0,
    update_biases=True,
    same_batch=False,
    cost_after=False,
    swapped=False,
):
    """The check's 6 steps (alpha 0.5, batches of 6), done with one of the classic slips."""
    V = len(word2Ind)
    W1, W2, b1, b2 = model.initialize_model(3, V, random_seed=3)
    batches = vectors.get_batches(words, word2Ind, V, 2, 6)
    costs = []
    X, Y = next(batches)
    for i in range(6):
        if i and not same_batch:
            X, Y = next(batches)
        z, h = model.forward_prop(X, W1, W2, b1, b2)
        y_hat = model.softmax(z)
        costs.append(
            model.compute_cost(Y, y_hat, 6) if swapped else model.compute_cost(y_hat, Y, 6)
        )
        g = model.back_prop(X, y_hat, Y, h, W1, W2, b1, b2, 6)
        W1, W2 = W1 - alpha_sign * 0.5 * g[0], W2 - alpha_sign * 0.5 * g[1]
        if update_biases:
            b1, b2 = b1 - alpha_sign * 0.5 * g[2], b2 - alpha_sign * 0.5 * g[3]
        if cost_after:
            z, _ = model.forward_prop(X, W1, W2, b1, b2)
            costs[-1] = model.compute_cost(model.softmax(z), Y, 6)
    return W1, W2, b1, b2, costs


def check_gradient_descent(function):
    words = (TEXT * 2)[:26]
    word2Ind, _ = vocabulary.get_dict(words)
    V = len(word2Ind)
    kwargs = dict(C=2, batch_size=6, random_seed=3)
    args = (words, word2Ind, 3, V, 6, 0.5)

    def compare(expected, got):
        if not (isinstance(got, (tuple, list)) and len(got) == 5):
            return f"expected (W1, W2, b1, b2, costs), got {type(got).__name__}: {show(got)}"
        difference = differs(np.asarray(expected[4]), np.asarray(got[4], dtype=float))
        if difference is not None:
            return f"costs: {difference}"
        for name, want, have in zip(("W1", "W2", "b1", "b2"), expected, got):
            difference = differs(want, have)
            if difference is not None:
                return f"{name}: {difference}"
        return None

    case = f"{len(words)} tokens, N = 3, V = {V}, 6 iterations, alpha = 0.5, batch_size = 6"
    run(
        lambda *a: call(function, *a, **kwargs),
        args,
        lambda *a: model.gradient_descent(*a, **kwargs),
        case,
        compare=compare,
        mistakes=[
            ("gd-ascent", lambda w, w2i, *_: _gd_run(w, w2i, alpha_sign=-1.0)),
            ("gd-biases-not-updated", lambda w, w2i, *_: _gd_run(w, w2i, update_biases=False)),
            ("gd-same-batch", lambda w, w2i, *_: _gd_run(w, w2i, same_batch=True)),
            ("gd-cost-after-step", lambda w, w2i, *_: _gd_run(w, w2i, cost_after=True)),
            ("gd-cost-swapped-arguments", lambda w, w2i, *_: _gd_run(w, w2i, swapped=True)),
        ],
    )
    return 1


def _capstone_corpus() -> list[str]:
    """1,440 tokens of short made-up sentences (seeded): a small corpus with some structure."""
    rng = np.random.default_rng(12)
    subjects = ["the king", "the queen", "my lord", "the prince", "a lady", "the duke"]
    verbs = ["loves", "fears", "sees", "calls", "hates", "serves"]
    objects = ["the sword", "the crown", "his father", "her mother", "the night", "the day"]
    sentences = [
        f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)} ." for _ in range(240)
    ]
    return " ".join(sentences).split()


def _counted(function, role: str, counts: dict):
    """``function``, counting its calls in ``counts[role]`` and naming it in the errors it raises."""
    tagged = calls.tag_errors(function, role)
    counts[role] = 0

    def counted(*args, **kwargs):
        counts[role] += 1
        return tagged(*args, **kwargs)

    return counted


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def check_capstone(train, forward_prop, softmax, back_prop):
    """The student's own model on a small corpus: it must call the step functions it is given, and
    its W1 and loss curve must be the course's."""
    tokens = _capstone_corpus()
    case = f"{len(tokens)} tokens, N = 8, 60 iterations, alpha = 1.0, batch_size = 32"
    counts: dict = {}
    steps = [("forward_prop", forward_prop), ("softmax", softmax), ("back_prop", back_prop)]
    given = {role: _counted(function, role, counts) for role, function in steps}
    try:
        got = call(train, list(tokens), 8, 60, 1.0, 32, **given)
    except Failed as failure:
        raise Failed(f'case "{case}": {failure}', failure.mistake, failure.hint) from None
    unused = [role for role, count in counts.items() if count == 0]
    if unused:
        raise Failed(
            f'case "{case}": my_train never called the {_and(unused)} it was given',
            "capstone-unused-functions",
        )
    word2Ind, Ind2word = vocabulary.get_dict(tokens)
    W1_course, *_, costs = model.gradient_descent(
        tokens, word2Ind, 8, len(word2Ind), 60, alpha=1.0, C=2, batch_size=32, random_seed=1
    )
    if not (isinstance(got, (tuple, list)) and len(got) == 3):
        raise Failed(f'case "{case}": expected (words, W1, costs), got {show(got)}')
    words, W1, got_costs = got
    expected_words = [Ind2word[k] for k in range(len(word2Ind))]
    if list(words) != expected_words:
        raise Failed(f'case "{case}": words: {differs(expected_words, list(words))}')
    _capstone_curve(case, tokens, word2Ind, costs, got_costs)
    difference = differs(W1_course, np.asarray(W1, dtype=float), rtol=1e-4, atol=1e-6)
    if difference is not None:
        raise Failed(f'case "{case}": W1: {difference}', "capstone-wrong-matrix")
    return 1


def _capstone_curve(case, tokens, word2Ind, costs, got_costs) -> None:
    """Fail unless ``got_costs`` follow the course's loss curve (means of 10 steps within 0.01)."""
    got_costs = np.asarray(got_costs, dtype=float).ravel()
    if got_costs.shape != (len(costs),):
        raise Failed(f'case "{case}": expected {len(costs)} costs, got {got_costs.size}')
    smooth = np.ones(10) / 10
    curve, course = np.convolve(got_costs, smooth, "valid"), np.convolve(costs, smooth, "valid")
    gap = float(np.max(np.abs(curve - course)))
    if not gap < 0.01:
        raise Failed(
            f'case "{case}": your first cost {got_costs[0]:.4f} (the course\'s {costs[0]:.4f}); your '
            f"loss curve (mean of 10 steps) is up to {gap:.3f} away from the course's, last 10 "
            f"steps: yours {curve[-1]:.4f}, the course's {course[-1]:.4f}",
            _capstone_mistake(tokens, word2Ind, got_costs),
        )


def _capstone_mistake(tokens, word2Ind, got_costs) -> str:
    """Name "capstone-settings" if a setting left at my_gradient_descent's default explains the curve."""
    V = len(word2Ind)
    for options in (dict(alpha=0.03, batch_size=32), dict(alpha=1.0, batch_size=128)):
        *_, costs = model.gradient_descent(
            tokens, word2Ind, 8, V, 60, C=2, random_seed=1, **options
        )
        if np.allclose(got_costs, costs, rtol=1e-6):
            return "capstone-settings"
    return "capstone-own-functions"


def _pca_compare(expected, got):
    """Equal up to the sign of each component."""
    if got is None:
        return "expected an array, got None"
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"expected an array, got {type(got).__name__}"
    if got.shape != expected.shape:
        return f"expected shape {expected.shape}, got shape {got.shape}"
    signs = np.where((expected * got).sum(axis=0) < 0, -1.0, 1.0)
    difference = differs(expected, got * signs, rtol=1e-6, atol=1e-8)
    return None if difference is None else f"{difference} (after matching the sign of each column)"


def _pca_not_centred(X, n):
    X = np.asarray(X, dtype=float)
    _, vecs = np.linalg.eigh(np.cov(X, rowvar=False))
    return X @ vecs[:, ::-1][:, :n]


def _pca_not_centred_covariance(X, n):
    X = np.asarray(X, dtype=float)
    _, vecs = np.linalg.eigh(X.T @ X / (len(X) - 1))
    return (X - X.mean(axis=0)) @ vecs[:, ::-1][:, :n]


def _pca_raw_second_moment(X, n):
    X = np.asarray(X, dtype=float)
    _, vecs = np.linalg.eigh(X.T @ X / (len(X) - 1))
    return X @ vecs[:, ::-1][:, :n]


def _pca_ascending(X, n):
    X = np.asarray(X, dtype=float)
    _, vecs = np.linalg.eigh(np.cov(X, rowvar=False))
    return (X - X.mean(axis=0)) @ vecs[:, :n]


def _pca_ascending_reversed(X, n):
    return _pca_ascending(X, n)[:, ::-1]


def _pca_rows_not_columns(X, n):
    X = np.asarray(X, dtype=float)
    values, vecs = np.linalg.eigh(np.cov(X, rowvar=False))
    return (X - X.mean(axis=0)) @ vecs[np.argsort(values)[::-1][:n]].T


def _pca_centred_rows(X, n):
    X = np.asarray(X, dtype=float)
    centred = X - X.mean(axis=1, keepdims=True)
    _, vecs = np.linalg.eigh(np.cov(centred, rowvar=False))
    return centred @ vecs[:, ::-1][:, :n]


_PCA_MISTAKES = [
    ("pca-centred-wrong-axis", _pca_centred_rows),
    ("pca-not-centred", _pca_not_centred),
    ("pca-not-centred", _pca_not_centred_covariance),
    ("pca-not-centred", _pca_raw_second_moment),
    ("pca-wrong-order", _pca_ascending),
    ("pca-wrong-order", _pca_ascending_reversed),
    ("pca-rows-not-columns", _pca_rows_not_columns),
]


def check_compute_pca(function):
    rng = np.random.default_rng(0)
    direction = np.array([2.0, 1.0, 0.5])
    data = (
        rng.normal(size=(8, 1)) * direction
        + 0.1 * rng.normal(size=(8, 3))
        + np.array([3.0, -2.0, 1.0])
    )
    wide = rng.normal(size=(10, 4)) * np.array([0.5, 3.0, 1.0, 0.2]) + 5.0
    cases = [
        ("8 points in 3-D, 2 components", data, 2),
        ("10 points in 4-D, 3 components", wide, 3),
    ]

    refuse_course_function(function, "compute_pca")
    for case, X, n in cases:
        _pca_case(function, case, X, n)
    return len(cases)


def _pca_case(function, case, X, n):
    """One case of check_compute_pca: the result against the course's, then the input untouched."""
    run(
        function,
        (X, n),
        pca.compute_pca,
        case,
        compare=_pca_compare,
        mistakes=_PCA_MISTAKES,
        errors=[("pca-covariance-shape", "matmul: Input operand")],
    )
    given = X.copy()
    call(function, given, n)
    if not np.array_equal(given, X):
        raise Failed(
            f'case "{case}": your compute_pca changed its input data', "pca-modifies-input"
        )
