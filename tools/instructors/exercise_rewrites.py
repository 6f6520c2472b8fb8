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
    },
    "05_forward_backward": {
        "derive-mask-product-md": (
            r"""Both factors agree with their numbers. Their product, entry by entry, is `dJ/dz1`; the last line
puts the notes' version, ReLU applied to the gradient, next to it:""",
            r"""Both factors agree with their numbers. Their product, entry by entry, is `dJ/dz1`: multiply the
two lines above entry by entry (you write this product in `back_prop` below) and compare it with
the numerical `dJ/dz1` here. The last line puts the notes' version, ReLU applied to the gradient,
next to it:""",
        ),
        "derive-mask-product": (
            r"""z1_nudged = z1.copy()
num_dz1 = numerical_gradient(lambda: cross_entropy_loss(softmax(W2 @ relu(z1_nudged) + b2), y), z1_nudged)
print("numerical dJ/dz1:                 ", num_dz1.ravel())
print("W2^T (y_hat - y) * 1[z1 > 0]:     ", (W2.T @ (y_hat - y) * (z1 > 0)).ravel())
print("the notes' ReLU(W2^T (y_hat - y)):", relu(W2.T @ (y_hat - y)).ravel())""",
            r"""z1_nudged = z1.copy()
num_dz1 = numerical_gradient(lambda: cross_entropy_loss(softmax(W2 @ relu(z1_nudged) + b2), y), z1_nudged)
print("numerical dJ/dz1:                 ", num_dz1.ravel())
print("the notes' ReLU(W2^T (y_hat - y)):", relu(W2.T @ (y_hat - y)).ravel())""",
        ),
        "derive-shapes-md": (
            r"""The true `dJ/dz1` keeps the first two entries (units that were on) and zeroes the third (the unit
that was off). The notes' version does the opposite: it zeroes the two negative entries and keeps
the positive one, the unit that was off.

### Step 3: the weights and biases, from one entry to a matrix

Back to the entry we nudged by hand: `dJ/dW2[2,0] ≈ -0.28053384`. `W2[2, 0]` multiplies `h[0]`
into `z2[2]` and nowhere else, so the chain rule has a single term:
$\partial J/\partial W_2[2, 0] = \frac{\partial J}{\partial z_{2}}[2]\; h[0]$, with
$\partial J/\partial z_2 = \hat y - y$ from step 1:""",
            r"""The true `dJ/dz1` keeps the first two entries (units that were on) and zeroes the third (the unit
that was off). The notes' version does the opposite: it zeroes the two negative entries and keeps
the positive one, the unit that was off.

### Step 3: the weights and biases, from one entry to a matrix

Back to the entry we nudged by hand: `dJ/dW2[2,0] ≈ -0.28053384`. `W2[2, 0]` multiplies `h[0]`
into `z2[2]` and nowhere else, so the chain rule has a single term:
$\partial J/\partial W_2[2, 0] = \frac{\partial J}{\partial z_{2}}[2]\; h[0]$, with
$\partial J/\partial z_2 = \hat y - y$ from step 1. The cell that checks this product on the notes'
numbers, and every entry of `dJ/dW2` at once, comes after your `back_prop` below.""",
        ),
        "derive-outer-md": (
            r"""Every entry works the same way, $\partial J/\partial W_2[k, j] = \frac{\partial J}{\partial z_2}[k]\; h[j]$:
the table of all these products is the **outer product** $\frac{\partial J}{\partial z_2} h^\top$,
`(V × 1)(1 × N) = V × N`, the shape of `W2`.

For a batch, the cost is a sum over the columns, each already weighted by $1/m$ inside
$\partial J/\partial Z_2$, so the gradient adds up each column's outer product, and a sum of
outer products of columns is one matrix product: $\frac{\partial J}{\partial Z_2} H^\top$,
`(V × m)(m × N)`. `b2` is added to every column, so its gradient sums
$\partial J/\partial Z_2$ over the columns: a product with a column of `m` ones,
`(V × m)(m × 1) = V × 1`. The first layer is the same with `Z1`, `X` and `W1`:
$\frac{\partial J}{\partial Z_1} X^\top$ is `(N × m)(m × V) = N × V`. On the batch of two
windows (`V = 5`, `N = 3`, `m = 2`), first the batch cost that the numerical gradients
differentiate:""",
            r"""Every entry works the same way, $\partial J/\partial W_2[k, j] = \frac{\partial J}{\partial z_2}[k]\; h[j]$:
the table of all these products is the **outer product** $\frac{\partial J}{\partial z_2} h^\top$,
`(V × 1)(1 × N) = V × N`, the shape of `W2`.

For a batch, the cost is a sum over the columns, each already weighted by $1/m$ inside
$\partial J/\partial Z_2$, so the gradient adds up each column's outer product, and a sum of
outer products of columns is one matrix product: $\frac{\partial J}{\partial Z_2} H^\top$,
`(V × m)(m × N)`. `b2` is added to every column, so its gradient sums
$\partial J/\partial Z_2$ over the columns: a product with a column of `m` ones,
`(V × m)(m × 1) = V × 1`. The first layer is the same with `Z1`, `X` and `W1`:
$\frac{\partial J}{\partial Z_1} X^\top$ is `(N × m)(m × V) = N × V`. The cells after your
`back_prop` below check each of these formulas, on a batch of two windows (`V = 5`, `N = 3`,
`m = 2`), against the numerical gradient of the batch cost.""",
        ),
        "batch-dZ1-md": (
            r"""and the numerical `dJ/dZ1` that the first layer's formulas start from (nudging `Z1_b` itself):""",
            r"""The first layer's formulas start from `dJ/dZ1`, which those cells also take numerically (nudging
`Z1_b` itself) and compare with step 2's mask applied to every column,
$(W_2^\top\, \partial J/\partial Z_2) \odot \mathbf{1}[Z_1 > 0]$.""",
        ),
        "derive-shapes-compare-md": (
            r"""Now each formula, its shapes, and whether it equals the numerical gradient of `batch_cost` with
respect to its parameter:""",
            r"""Then they print each formula, its shapes, and whether it equals the numerical gradient of the
batch cost with respect to its parameter. Write the formulas in `back_prop` first, from the
derivation above; run those cells once its check prints ✓.""",
        ),
    },
    "09_negative_sampling": {
        # the cell that prints these numbers moves below the blank in the exercise version
        "ns-param-grads-md": (
            """From the scores to the parameters, with shapes (`N = 3`, `K + 1 = 3` targets, `n = 4` context
words). A score is `s_k = W2[t_k] · h` and `h` is the mean of the `n` context columns, so

    dJ/dW2[t_k]  = ds_k h                       (N,) per target: a (K+1, N) block added into grad_W2 (V, N)
    dJ/dh        = sum_k ds_k W2[t_k]           ds @ W2[targets]: (K+1,) @ (K+1, N) -> (N,)
    dJ/dW1[:, c] = dJ/dh / n                    (N,) per context word, added once per occurrence: grad_W1 (N, V)

On this window's numbers (the cell that computes `ds` prints them): the centre word `happy` has `ds = -0.5105`, so its row of `W2` gets
`-0.5105 h` and a gradient step moves it toward `h`; the negatives' rows get `+0.4439 h` and
`+0.4853 h` and move away. `i` occurs twice among the four context words, so its column gets `2/4`
of `dJ/dh`, the others `1/4` (fewer words and larger shares where the dynamic window, below,
shrinks a window). Every other row of `W2` and column of `W1` gets nothing. The cells that compute these gradients
on the toy window print which rows and columns get one.""",
            """From the scores to the parameters, with shapes (`N = 3`, `K + 1 = 3` targets, `n = 4` context
words). A score is `s_k = W2[t_k] · h` and `h` is the mean of the `n` context columns, so

    dJ/dW2[t_k]  = ds_k h                       (N,) per target: a (K+1, N) block added into grad_W2 (V, N)
    dJ/dh        = sum_k ds_k W2[t_k]           ds @ W2[targets]: (K+1,) @ (K+1, N) -> (N,)
    dJ/dW1[:, c] = dJ/dh / n                    (N,) per context word, added once per occurrence: grad_W1 (N, V)

On this window's numbers (the worked answer below the exercise prints them): the centre word `happy` has `ds = -0.5105`, so its row of `W2` gets
`-0.5105 h` and a gradient step moves it toward `h`; the negatives' rows get `+0.4439 h` and
`+0.4853 h` and move away. `i` occurs twice among the four context words, so its column gets `2/4`
of `dJ/dh`, the others `1/4` (fewer words and larger shares where the dynamic window, below,
shrinks a window). Every other row of `W2` and column of `W1` gets nothing. The cells that compute these gradients
on the toy window print which rows and columns get one.""",
        ),
    },
}
