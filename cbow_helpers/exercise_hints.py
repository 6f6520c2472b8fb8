"""What the exercise checks tell a student: the classic mistakes they recognise, and what an error
raised by the student's code most likely means.

A hint says what is wrong and where to look (which notebook, which step), never the corrected line:
the student writes that. The checks (``_exercise_checks``) decide which mistake a wrong answer is.
"""

from __future__ import annotations

import re

#: The classic mistakes the checks recognise: key -> the hint a student sees.
MISTAKES = {
    "forgot-return": "your function computes something but hands back None: a function without a "
    "return statement returns None. End it by returning the result.",
    "calls-the-course-function": "the exercise is to write the steps yourself: a function that "
    "hands its work to the course's own function of the same name passes every case while "
    "teaching nothing. Build it from the cells above the blank (numpy only, or your own earlier "
    "functions), without importing the function you are writing from cbow_helpers.",
    # 01 tokenize
    "tokenize-not-lowercased": "some tokens keep their capital letters: step 4 of notebook 01 lowercases "
    "every token.",
    "tokenize-keeps-numbers": "numbers such as '2020' survive: step 4 keeps only words, '.' and emoji "
    "(notebook 01).",
    "tokenize-punctuation-kept": "',', '!', '?', ';' or '-' reach the token list: step 1 turns every run "
    "of them into one '.' before anything else (notebook 01).",
    "tokenize-period-glued": "a word keeps the period after it (like 'opened.'): nltk's word tokenizer "
    "splits off only the period at the end of the text it is given, so step 2 cuts the text into "
    "sentences (PunktSentenceTokenizer) and step 3 tokenizes each sentence (notebook 01).",
    "tokenize-drops-emoji": "the emoji is gone: step 4 keeps emoji as tokens (emoji.is_emoji), next to "
    "words and '.' (notebook 01).",
    "tokenize-split-on-spaces": "quotes and punctuation stay glued to words: splitting on spaces is not "
    "enough; step 3 uses nltk's word tokenizer (NLTKWordTokenizer, notebook 01).",
    # 02 get_windows
    "window-includes-centre": "the context holds the centre word itself: it is the C words before and "
    "the C words after it, without it (notebook 02).",
    "window-off-by-one": "the last window is missing: an off-by-one at the end of your range; the last "
    "centre word is the one with exactly C words after it (notebook 02).",
    "window-one-side": "the context has only C words: it needs C words on each side of the centre "
    "word, 2C in all (notebook 02).",
    "window-short-right": "the context has one word too few after the centre word: the slice after it "
    "stops one short (a slice's end is not included), so it holds C - 1 words, not C (notebook 02).",
    "window-swapped": "each pair is (centre, context): the order is (context_words, center_word) "
    "(notebook 02).",
    "window-short-at-edges": "the first and last windows have fewer than 2C context words: a centre "
    "word needs a full context on both sides, so the first C and the last C words are never centre "
    "words (notebook 02).",
    "window-context-order": "the context words are out of order: keep them in text order, the C "
    "before the centre word first (notebook 02).",
    # 03 get_dict, one-hot, context, batches
    "dict-not-sorted": "the words are numbered in the order they appear: number them in sorted "
    "(alphabetical) order, so that every run gives the same ids (notebook 03).",
    "dict-counts-duplicates": "a word's id is its last position in the text: number each distinct "
    "word once, so the ids run from 0 to V-1 (notebook 03).",
    "dict-starts-at-one": "the ids start at 1: row 0 of every vector belongs to the first word, so "
    "they run from 0 to V-1 (notebook 03).",
    "dict-not-inverse": "Ind2word must map each id back to its word: Ind2word[word2Ind[w]] == w "
    "(notebook 03).",
    "one-hot-column": "your vector is a column (V, 1): word_to_one_hot_vector returns a flat vector "
    "of shape (V,) (notebook 03).",
    "one-hot-wrong-index": "the 1 is one row off: it goes in the row word2Ind gives for the word "
    "(notebook 03).",
    "one-hot-unknown-word": "a word that is not in word2Ind must stop the program with an error that "
    "names it (the KeyError that looking it up in word2Ind raises does): a default index or a zero "
    "vector would silently train on the wrong word (notebook 03).",
    "one-hot-returns-index": "you returned the word's index: the exercise asks for the vector of V "
    "zeros with a 1 in that row (notebook 03).",
    "context-summed": "the entries add up to 2C, not 1: x is the mean of the one-hot vectors, not "
    "their sum (notebook 03).",
    "context-unique-words": "a context word that appears twice counts only once in yours: average "
    "over all 2C context words, repeats included (notebook 03).",
    "context-divided-by-V": "you divided by V: the mean is over the context words, so divide by how "
    "many context words there are (notebook 03).",
    "context-not-averaged": "you returned the stacked one-hot vectors, one row per context word: x "
    "is their mean, one vector of shape (V,) (notebook 03).",
    "context-wrong-axis": "you averaged along the wrong axis of the stacked one-hots: the mean runs "
    "over the context words (one row each), leaving one entry per vocabulary word (notebook 03).",
    "batch-repeats-window": "a batch repeats a window: each batch continues where the previous one "
    "stopped, so that every batch holds batch_size distinct windows (notebook 03).",
    "batch-transposed": "your X and Y are batch_size × V: columns are examples, so they are "
    "V × batch_size (notebook 03).",
    "batch-drops-window": "a window is skipped: every window must appear before the batches wrap "
    "around to the start (notebook 03).",
    "batch-builds-everything": "your generator builds the vectors of every window before its "
    "first batch: on Shakespeare that is about 980,000 pairs of V-vectors, hundreds of gigabytes; "
    "build each batch's windows when it is asked for, and start the windows again at the end "
    "(notebook 03).",
    "batch-stops": "your generator stops after one pass over the windows: training asks for batches "
    "forever, so wrap around to the first window (notebook 03).",
    # 04 relu, softmax, loss, forward
    "relu-modifies-input": "relu changed the array it was given: the caller's z must stay as it was, "
    "so build the result in a new array (notebook 04).",
    "relu-derivative": "you returned 1 where z > 0 and 0 elsewhere: that is ReLU's derivative; ReLU "
    "itself keeps the positive values (notebook 04).",
    "relu-max-reduces": "np.max reduces along an axis (it returns the largest entry): ReLU compares "
    "each entry with 0 on its own, element by element (notebook 04).",
    "relu-python-max": "Python's max compares whole objects, and 'z > 0' of an array has no single "
    "truth value: use numpy's element-wise maximum (notebook 04).",
    "softmax-overflow": "softmax overflows on large logits (exp(710) is already inf): subtract each "
    "column's maximum before np.exp; the minimum or the mean does not keep every exponent at or "
    "below 0 (notebook 04).",
    "softmax-global-max": "one column came out as nan: you subtracted the maximum of the whole "
    "matrix, so a column whose logits all lie far below it underflows to 0 / 0. Each column needs "
    "its own maximum (notebook 04).",
    "softmax-modifies-input": "softmax changed the logits it was given (an in-place -= on z): the "
    "caller's z must stay as it was, so compute the shifted logits into a new array (notebook 04).",
    "softmax-rows": "you normalised along the wrong axis: softmax normalises each column (one "
    "column per example), and a 1-D vector has only axis 0 (notebook 04).",
    "softmax-whole-matrix": "the whole matrix sums to 1 instead of each column: normalise every "
    "column on its own (notebook 04).",
    "loss-sign": "your loss is negative: the loss is minus the log-probability, so it is positive "
    "(notebook 04).",
    "loss-not-weighted": "you summed the log of every probability: only the centre word's counts, "
    "which is what multiplying by y does (notebook 04).",
    "loss-averaged": "you averaged over the V rows: the loss is a sum over the rows (notebook 04).",
    "loss-divided-by-m": "you divided the batch's total by the number of examples: that is the cost "
    "(compute_cost, the mean over the batch); cross_entropy_loss is the sum (notebook 04).",
    "loss-swapped-arguments": "you computed -sum y_hat log y: the arguments are (y_hat, y), "
    "prediction first, as in the notes and in compute_cost(y_hat, y, batch_size) (notebook 04).",
    "loss-log-zero": "a probability of exactly 0 made log return -inf (and 0 * -inf is nan): clip "
    "y_hat to the smallest positive float, np.clip(y_hat, np.finfo(float).tiny, 1.0), before the "
    "log, as the helper does (notebook 04).",
    "forward-no-relu": "h has negative entries: the hidden layer is ReLU of the first layer's "
    "output (notebook 04).",
    "forward-softmax": "your z sums to 1 in each column: forward_prop returns the logits z2, and "
    "softmax is applied after it (notebook 04).",
    "forward-no-bias": "the biases are missing: both layers add theirs, b1 and b2 (notebook 04).",
    "forward-swapped": "the pair is (h, z): forward_prop returns (z, h) in that order (notebook 04).",
    "forward-relu-output": "z has no negative entries: ReLU belongs to the hidden layer only; the "
    "output layer's logits go to softmax as they are (notebook 04).",
    "forward-returns-z1": "the h you return has negative entries: you returned the first layer's "
    "output before ReLU (z1), not the hidden layer h (notebook 04).",
    "forward-bias-after-relu": "b1 is added after ReLU: the bias belongs inside, before ReLU "
    "(notebook 04).",
    "forward-transpose": "a matrix product whose shapes do not fit: W1 is N × V, x is V × m, W2 is "
    "V × N and h is N × m. Look for a transpose that should not be there (notebook 04).",
    # 05 numerical gradient, back_prop, gradient check
    "numgrad-forward-difference": "you used a one-sided difference (f(p + eps) - f(p)) / eps: the "
    "notebook's central difference looks at both sides and is far more accurate (notebook 05).",
    "numgrad-not-restored": "param is not as it was after your function: put every entry back to its "
    "old value after nudging it (notebook 05).",
    "numgrad-factor-two": "your gradient is twice too large: the two points p + eps and p - eps are "
    "2 eps apart (notebook 05).",
    "numgrad-nudges-copy": "your gradient is all zeros: f reads the very array param, so a nudge to a "
    "copy (of param, or of one entry taken out of it) never reaches f; nudge param[index] itself "
    "(notebook 05).",
    "numgrad-whole-array": "every entry of your gradient is the same: nudge one entry at a time "
    "(the index from np.ndindex), not the whole array at once (notebook 05).",
    "numgrad-precedence": "your gradient is tiny: a / 2 * eps is (a / 2) * eps in Python, so you "
    "multiplied by eps instead of dividing by 2 eps; mind the parentheses (notebook 05).",
    "backprop-relu-on-gradient": "that is the notes' formula, ReLU applied to the gradient: the "
    "chain rule multiplies by ReLU's derivative, 1 where the unit was on (notebook 05).",
    "backprop-no-mask": "the gradient of the hidden layer skips ReLU: units that were off (h = 0) "
    "must get no gradient, so multiply by ReLU's derivative (notebook 05).",
    "backprop-times-h": "you multiplied by h itself: ReLU's derivative is 1 where the unit was on "
    "and 0 where it was off, not the unit's value (notebook 05).",
    "backprop-not-averaged": "your gradients are batch_size times too large: the cost is the mean "
    "over the batch, so the gradient of the logits is divided by batch_size (notebook 05).",
    "backprop-divided-twice": "your gradients are batch_size times too small: you divided by "
    "batch_size twice; once, at the gradient of the logits, is enough (notebook 05).",
    "backprop-bias-not-summed": "a bias gradient has one column per example: sum it over the "
    "columns, so grad_b1 is N × 1 and grad_b2 is V × 1 (notebook 05).",
    "backprop-bias-keepdims": "a bias gradient is a flat vector: a sum over the columns drops the axis "
    "unless you keep it, and the bias it updates is a column of shape (N, 1) or (V, 1) "
    "(notebook 05).",
    "backprop-order": "the gradients are right but in another order: return them as (grad_W1, "
    "grad_W2, grad_b1, grad_b2), the order gradient_descent unpacks them in (notebook 05).",
    "backprop-bias-axis": "a bias gradient summed over the wrong axis: it sums over the examples "
    "(the columns), keeping one row per unit (notebook 05).",
    "backprop-bias-mean": "a bias gradient is batch_size times too small: it is the sum over the "
    "columns, not their mean (the division by batch_size is already in the gradient of the "
    "logits) (notebook 05).",
    "backprop-modifies-input": "back_prop changed an array it was given (an in-place -= or /= on "
    "y_hat, say): the caller's y_hat, y, h and weights must stay as they were; compute into new "
    "arrays (notebook 05).",
    "backprop-grad-transposed": "a weight gradient is transposed: grad_W2 has W2's shape (V × N) "
    "and grad_W1 has W1's shape (N × V) (notebook 05).",
    "backprop-missing-transpose": "a matrix product whose shapes do not fit: W2 is V × N, the "
    "gradient of the logits is V × m, x is V × m and h is N × m. Going backwards through a layer "
    "multiplies by a transposed matrix; look for a missing or extra transpose (notebook 05).",
    "gradcheck-formula": "your relative errors differ from ‖a − n‖ / (‖a‖ + ‖n‖) with norms over "
    "the whole tensor (np.linalg.norm of the difference, and of each gradient).",
    "gradcheck-cost-not-averaged": "with the course's back_prop your errors are large: your cost "
    "sums over the batch, while back_prop differentiates the mean over its m columns.",
    "gradcheck-cost-swapped-arguments": "your cost calls compute_cost with the arguments swapped, "
    "so it computed -sum y_hat log y, not -sum y log y_hat: the arguments are (y_hat, y, "
    "batch_size), prediction first, as in cross_entropy_loss(y_hat, y) (notebook 04).",
    "gradcheck-cost-ignores-param": "your numerical gradients are zero: the cost you hand to "
    "numerical_gradient must read the very arrays it nudges (W1, W2, b1, b2 themselves, not "
    "copies).",
    "gradcheck-yhat-is-logits": "with the course's back_prop your errors are large: back_prop wants "
    "the probabilities softmax(z), not the logits z.",
    "gradcheck-zero-norm": "an error is nan: both gradients are 0, so ‖a‖ + ‖n‖ is 0 and you divided "
    "0 by 0. Two zero gradients agree: divide by max(‖a‖ + ‖n‖, 1e-12), or return 0 when the sum "
    "is 0.",
    "gradcheck-mismatch": "your relative errors are right, and they show your back_prop and your "
    "numerical gradient disagree: go back to the check of back_prop, then of numerical_gradient.",
    # 06 gradient descent, capstone
    "gd-ascent": "the cost rises: a step goes against the gradient, subtracting alpha times it "
    "(notebook 05).",
    "gd-biases-not-updated": "b1 and b2 never change: update them like W1 and W2 (notebook 06).",
    "gd-same-batch": "every iteration uses the first batch: draw a new batch from the generator at "
    "each iteration (notebook 06).",
    "gd-cost-after-step": "your costs are those after each step: record the cost of the batch "
    "before the weights change (notebook 06).",
    "gd-cost-swapped-arguments": "your costs come from compute_cost with the arguments swapped "
    "(-sum y_hat log y): the arguments are (y_hat, y, batch_size), prediction first, as in "
    "cross_entropy_loss(y_hat, y) (notebook 04).",
    "capstone-settings": "your curve is the course's model trained with my_gradient_descent's "
    "default alpha or batch_size: hand alpha and batch_size (and C) on to it as my_train "
    "received them.",
    "capstone-own-functions": "your model does not learn like the course's with the same settings: "
    "one of your own functions (their checks are in the cell above), or how my_train hands them "
    "to my_gradient_descent, is wrong.",
    "capstone-unused-functions": "my_train must train with the forward_prop, softmax and back_prop it "
    "is given: hand each of them on to my_gradient_descent by name; left out, "
    "my_gradient_descent runs the course's own functions instead.",
    "capstone-wrong-matrix": "the costs follow the course's, but the matrix you return is not the "
    "trained W1 (N x V, the first matrix my_gradient_descent returns): the embeddings are its "
    "columns (notebook 06).",
    # 07 compute_pca
    "pca-not-centred": "the data is not centred: subtract each column's mean before the covariance "
    "(step 1 of notebook 07).",
    "pca-centred-wrong-axis": "you subtracted each row's mean: centring subtracts each column's (each "
    "feature's) mean over the points, so mind the axis of the mean (step 1 of notebook 07).",
    "pca-wrong-order": "np.linalg.eigh sorts eigenvalues in ascending order: the principal "
    "components are those with the largest eigenvalues (step 3 of notebook 07).",
    "pca-modifies-input": "compute_pca changed the data it was given: centre into a new array "
    "(notebook 07).",
    "pca-rows-not-columns": "eigh returns the eigenvectors as columns: you took rows of the "
    "eigenvector matrix (step 3 of notebook 07).",
    "pca-covariance-shape": "a matrix product whose shapes do not fit: the covariance of data with "
    "D columns is D × D, from the centred data's columns; look at the order of your product "
    "(step 2 of notebook 07).",
    # 09 negative_sampling_gradients
    "ns-labels-flipped": "every entry has the right size but the wrong sign: dJ/ds is the sigmoid minus "
    "the label (1 for the centre word, 0 for a negative), not the label minus the sigmoid "
    "(notebook 09, the gradient derived).",
    "ns-repeats-added-once": "a word that appears twice (a negative drawn twice, or a context word "
    "seen twice) got one of its terms only: fancy-index addition writes each index once; "
    "np.add.at adds every occurrence (notebook 09).",
    "ns-whole-error": "grad_W1 is n times too large (n context words): h is their mean, so each "
    "context column gets its share of dJ/dh, one n-th, per occurrence. Giving each the whole "
    "error is word2vec's update rule, not the gradient (notebook 09).",
}


_MATMUL = re.compile(r"matmul: Input operand \d has a mismatch in its core dimension")
_BROADCAST = re.compile(r"operands could not be broadcast together with shapes (.*)")
_AXIS = re.compile(r"AxisError: axis (-?\d+) is out of bounds for array of dimension (\d+)")


def error_hint(message: str) -> str | None:
    """What an error raised by the student's code most likely means (None if it is no classic one)."""
    if _MATMUL.search(message):
        return (
            "a matrix product whose shapes do not fit: in A @ B the columns of A must match the "
            "rows of B. Print the shapes of both operands; one of them likely needs a transpose, "
            "or has one too many."
        )
    broadcast = _BROADCAST.search(message)
    if broadcast:
        return (
            f"two arrays of shapes {broadcast.group(1).strip()} were combined element by element, "
            "and their shapes do not fit: a sum or mean without keepdims=True, or over the wrong "
            "axis, is the usual cause."
        )
    axis = _AXIS.search(message)
    if axis:
        return (
            f"axis {axis.group(1)} does not exist in an array with {axis.group(2)} dimension(s): "
            "a 1-D vector has only axis 0; count the axes of what you reduce."
        )
    if "NoneType" in message:
        return (
            "a value is None where your code expected a result: is a function you call still a "
            "blank, or missing its return?"
        )
    if "truth value of an array with more than one element is ambiguous" in message:
        return (
            "an array was used where Python needs one True or False (an if, and/or, Python's "
            "max or min): use numpy's element-wise functions instead."
        )
    return None
