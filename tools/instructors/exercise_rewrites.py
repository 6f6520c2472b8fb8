"""The cells whose exercise version differs from the course notebook's, for make_exercises.py.

Each table maps a course notebook to {cell id: (its course source, its exercise source)}. The course
source is compared whole, so a change to the course cell stops the build until the table is brought
up to date.
"""

#: Course notebook -> {cell id: (its course source, its exercise source)}: a cell where the student
#: writes a value, not a function. The exercise version leaves the value blank and, once it is
#: written, asserts what the prose asks of it. The course source is compared whole, so a change to
#: the course cell stops the build until this is brought up to date.
ANSWERED = {
    "06_training": {
        "b1-try": (
            """spread = 0.05 / np.sqrt(3) / np.sqrt(4)  # the spread of W1 x at step 0, derived above
bound = 0.05  # the largest |W1 x| can be at step 0: a mean of entries of W1, each in [-0.05, 0.05)
b1_start = 0.1  # your answer: a start of b1 for every unit
W1x_0 = W1_0.T[context_part].mean(axis=1)  # W1 x at step 0: (windows, N)
print(f"W1 x at step 0: spread {spread:.4f}; largest |W1 x| over every window and unit {np.abs(W1x_0).max():.4f}, "
      f"bound {bound:g}")
least = {}
for start in (0.01, 0.02, 0.03, bound, b1_start):
    share = fire_share(W1_0, np.full_like(b1_0, start), context_part)
    least[start] = share.min()
    print(f"every b1 at {start:<4g}: the least busy unit fires on {share.min():4.0%} of windows, "
          f"the median unit on {np.median(share):4.0%}")
assert np.abs(W1x_0).max() < bound and least[0.03] < 1 == least[bound] == least[b1_start]""",
            """spread = 0.05 / np.sqrt(3) / np.sqrt(4)  # the spread of W1 x at step 0, derived above
b1_start = ...  # YOUR ANSWER: one number, the start of b1 for every unit
if b1_start is ...:
    print("b1_start: not written yet")
else:
    least = fire_share(W1_0, np.full_like(b1_0, b1_start), context_part).min()
    assert least == 1, (
        f"with b1 at {b1_start:g} the least busy unit fires on {least:.0%} of windows: every unit "
        f"must fire on every window at step 0. The spread {spread:.4f} is the typical size of W1 x, "
        f"not its largest: W1 x is a mean of entries of W1, each in [-0.05, 0.05), so start b1 at or "
        f"above the largest |W1 x|, 0.05"
    )
    bound = 0.05  # the largest |W1 x| can be at step 0: a mean of entries of W1, each in [-0.05, 0.05)
    W1x_0 = W1_0.T[context_part].mean(axis=1)  # W1 x at step 0: (windows, N)
    print(f"W1 x at step 0: spread {spread:.4f}; largest |W1 x| over every window and unit "
          f"{np.abs(W1x_0).max():.4f}, bound {bound:g}")
    for start in (0.01, 0.02, 0.03, bound, b1_start):
        share = fire_share(W1_0, np.full_like(b1_0, start), context_part)
        print(f"every b1 at {start:<4g}: the least busy unit fires on {share.min():4.0%} of windows, "
              f"the median unit on {np.median(share):4.0%}")""",
        )
    }
}

#: Course notebook -> {cell id: (its course source, its exercise source)}: a worked cell that computes,
#: word for word, a line of an exercise further down. The exercise version computes the same value
#: another way (one example, a column or a row at a time), so the student still writes the
#: exercise's lines; a Markdown cell here says so at the blank. Compared whole, as in ANSWERED.
REWORKED = {
    "04_cbow_architecture": {
        "z1": (
            """z1 = W1 @ x + b1
print("z1:", z1.shape)
z1""",
            """z1 = columns.mean(axis=1, keepdims=True) + b1  # W1 x + b1: the context's mean column, plus b1
print("z1:", z1.shape)
z1""",
        ),
        "scores": (
            """z2 = W2 @ h + b2
print(f"{'word':>9}   W2[k]·h      b2[k]       z2[k]")
for k in range(V):
    print(f"{Ind2word[k]:>9}   {W2[k] @ h[:, 0]:+.4f}  +  {b2[k, 0]:+.4f}  =  {z2[k, 0]:+.4f}")""",
            """z2 = np.zeros((V, 1))  # W2 h + b2, one word at a time: row k of W2 dotted with h, plus b2[k]
print(f"{'word':>9}   W2[k]·h      b2[k]       z2[k]")
for k in range(V):
    z2[k, 0] = W2[k] @ h[:, 0] + b2[k, 0]
    print(f"{Ind2word[k]:>9}   {W2[k] @ h[:, 0]:+.4f}  +  {b2[k, 0]:+.4f}  =  {z2[k, 0]:+.4f}")""",
        ),
        "ex-forward-prop-md": (
            """As a function (it returns the logits `z2` and `h`; softmax comes after):""",
            """As a function, for a whole batch: `x` is `V × m`, one column per window. The cells above
took one window and built `z1` from the mean of its context's columns and `z2` one word at a time;
your function does each layer for all `m` windows at once, with one matrix product each, as in the
formulas above (it returns the logits `z2` and `h`; softmax comes after):""",
        ),
        "1ab48dbb": (
            """## The forward pass

The steps in one call: `forward_prop` returns the scores `z2` (and `h`, which the backward pass
needs), and softmax turns the scores into `y_hat`:""",
            """## The forward pass

The steps in one call: `forward_prop` returns the scores `z2` (and `h`, which the backward pass
needs), and softmax turns the scores into `y_hat`. You write `forward_prop` next; the course's own,
run on the first window, comes after your check.""",
        ),
    }
}
