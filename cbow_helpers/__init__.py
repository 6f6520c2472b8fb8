"""cbow_helpers: every function of the CBOW course, in one place.

The notebooks build each idea in small cells, check it against the function
here, and import it from then on. Symbols follow the notes: C (context
half-size), N (embedding size), V (vocabulary size), m (batch size), x, W1,
b1, z1, h, W2, b2, z2, y_hat, J.
"""

from .evaluation import (
    analogy,
    evaluate_all,
    evaluate_analogies,
    evaluate_word_pairs,
    format_scores,
    nearest_neighbors,
    similarity,
    spearman_interval,
)
from .io import load_vectors, save_vectors
from .model import (
    GradientCheckError,
    back_prop,
    check_gradients,
    compute_cost,
    cross_entropy_loss,
    format_gradient_report,
    forward_prop,
    gradient_descent,
    initialize_model,
    numerical_gradient,
    relu,
    softmax,
)
from .negative_sampling import (
    NegativeSamplingResult,
    check_negative_sampling_gradients,
    corpus_ids,
    dynamic_contexts,
    keep_probabilities,
    linear_decay,
    negative_sampling_gradients,
    negative_sampling_loss,
    noise_distribution,
    reduced_windows,
    sample_negatives,
    sigmoid,
    subsample,
    negative_sampling_step,
    train_negative_sampling,
    unigram_table,
)
from .pca import compute_pca
from ._checks import NotEnoughMemoryError
from .reference import REFERENCE_CONFIG, load_model, load_reference_model, save_model
from .text import get_dict, get_windows, load_shakespeare, tokenize, tokenize_file, tokenize_shakespeare
from .trainer import (
    UNK,
    CBOWResult,
    FastCBOW,
    TrainingDivergedError,
    build_vocabulary,
    context_windows,
    encode,
    train_cbow,
)
from .vectors import context_words_to_vector, get_batches, get_training_example, word_to_one_hot_vector

__all__ = [
    "analogy", "evaluate_all", "evaluate_analogies", "evaluate_word_pairs", "format_scores",
    "nearest_neighbors", "similarity", "spearman_interval",
    "CBOWResult", "FastCBOW", "GradientCheckError", "NotEnoughMemoryError", "REFERENCE_CONFIG",
    "TrainingDivergedError", "UNK",
    "back_prop", "build_vocabulary", "check_gradients", "compute_cost", "compute_pca",
    "context_windows", "context_words_to_vector", "encode", "cross_entropy_loss", "format_gradient_report", "forward_prop",
    "get_batches", "get_dict", "get_training_example", "get_windows", "gradient_descent",
    "initialize_model", "load_model", "load_reference_model", "load_shakespeare", "load_vectors",
    "numerical_gradient", "save_model", "relu", "save_vectors", "softmax", "tokenize", "tokenize_file",
    "tokenize_shakespeare", "train_cbow",
    "word_to_one_hot_vector",
    "NegativeSamplingResult", "check_negative_sampling_gradients", "corpus_ids", "dynamic_contexts",
    "keep_probabilities", "linear_decay", "negative_sampling_gradients", "negative_sampling_loss",
    "negative_sampling_step", "noise_distribution", "reduced_windows", "sample_negatives", "sigmoid",
    "subsample", "train_negative_sampling", "unigram_table",
]
