"""cbow_helpers: every function of the CBOW course, in one place.

The notebooks build each idea in small cells, check it against the function
here, and import it from then on. Symbols follow the notes: C (context
half-size), N (embedding size), V (vocabulary size), m (batch size), x, W1,
b1, z1, h, W2, b2, z2, y_hat, J.
"""

from .corpus import load_shakespeare, tokenize_file, tokenize_shakespeare
from .engine.checks import NotEnoughMemoryError
from .engine.fast_cbow import FastCBOW, reference_step
from .engine.negative_sampling_step import negative_sampling_step
from .engine.training import TrainingDivergedError
from .evaluation import (
    analogy,
    analogy_kinds,
    evaluate_all,
    evaluate_analogies,
    evaluate_word_pairs,
    format_scores,
    nearest_neighbors,
    on_shared_words,
    similarity,
    spearman_interval,
)
from .gensim_notices import gensim_dot_notices_quiet
from .gradient_check import (
    GradientCheckError,
    check_gradients,
    format_gradient_report,
    numerical_gradient,
)
from .io import load_vectors, save_vectors
from .model import (
    back_prop,
    compute_cost,
    cross_entropy_loss,
    forward_prop,
    gradient_descent,
    initialize_model,
    relu,
    softmax,
)
from .negative_sampling import (
    check_negative_sampling_gradients,
    keep_probabilities,
    linear_decay,
    negative_sampling_gradients,
    negative_sampling_loss,
    noise_distribution,
    sample_negatives,
    sigmoid,
    subsample,
    unigram_table,
)
from .negative_sampling_trainer import (
    NegativeSamplingConfig,
    NegativeSamplingResult,
    train_negative_sampling,
)
from .pca import compute_pca
from .plotting import PALETTE, embeddings_pca, plot_embeddings_pca, plot_runs
from .reference import REFERENCE_CONFIG, load_model, load_reference_model, save_model
from .sweep_results import read_sweep, sweep_summary
from .tokens import tokenize
from .trainer import CBOWConfig, CBOWResult, train_cbow
from .vectors import (
    context_words_to_vector,
    get_batches,
    get_training_example,
    word_to_one_hot_vector,
)
from .vocabulary import UNK, build_vocabulary, corpus_ids, encode, get_dict
from .windows import context_windows, dynamic_contexts, get_windows, reduced_windows

__all__ = [
    "PALETTE",
    "REFERENCE_CONFIG",
    "UNK",
    "CBOWConfig",
    "CBOWResult",
    "FastCBOW",
    "GradientCheckError",
    "NegativeSamplingConfig",
    "NegativeSamplingResult",
    "NotEnoughMemoryError",
    "TrainingDivergedError",
    "analogy",
    "analogy_kinds",
    "back_prop",
    "build_vocabulary",
    "check_gradients",
    "check_negative_sampling_gradients",
    "compute_cost",
    "compute_pca",
    "context_windows",
    "context_words_to_vector",
    "corpus_ids",
    "cross_entropy_loss",
    "dynamic_contexts",
    "embeddings_pca",
    "encode",
    "evaluate_all",
    "evaluate_analogies",
    "evaluate_word_pairs",
    "format_gradient_report",
    "format_scores",
    "forward_prop",
    "gensim_dot_notices_quiet",
    "get_batches",
    "get_dict",
    "get_training_example",
    "get_windows",
    "gradient_descent",
    "initialize_model",
    "keep_probabilities",
    "linear_decay",
    "load_model",
    "load_reference_model",
    "load_shakespeare",
    "load_vectors",
    "nearest_neighbors",
    "negative_sampling_gradients",
    "negative_sampling_loss",
    "negative_sampling_step",
    "noise_distribution",
    "numerical_gradient",
    "on_shared_words",
    "plot_embeddings_pca",
    "plot_runs",
    "read_sweep",
    "reduced_windows",
    "reference_step",
    "relu",
    "sample_negatives",
    "save_model",
    "save_vectors",
    "sigmoid",
    "similarity",
    "softmax",
    "spearman_interval",
    "subsample",
    "sweep_summary",
    "tokenize",
    "tokenize_file",
    "tokenize_shakespeare",
    "train_cbow",
    "train_negative_sampling",
    "unigram_table",
    "word_to_one_hot_vector",
]
