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
b1_start = 0.1  # your answer: a start of b1 for every unit
print(f"spread of W1 x {spread:.4f}; with every b1 at {b1_start:g} at step 0, the least busy unit fires on "
      f"{fire_share(W1_0, np.full_like(b1_0, b1_start), context_part).min():.0%} of windows")""",
            """spread = 0.05 / np.sqrt(3) / np.sqrt(4)  # the spread of W1 x at step 0, derived above
b1_start = ...  # YOUR ANSWER: one number, the start of b1 for every unit
if b1_start is ...:
    print("b1_start: not written yet")
else:
    least = fire_share(W1_0, np.full_like(b1_0, b1_start), context_part).min()
    assert least == 1, (
        f"with b1 at {b1_start:g} the least busy unit fires on {least:.0%} of windows: every unit "
        f"must fire on every window at step 0: start b1 well above the spread {spread:.4f}"
    )
    print(f"spread of W1 x {spread:.4f}; with every b1 at {b1_start:g} every unit fires on every window")""",
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
