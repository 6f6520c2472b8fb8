"""How fast is ``tokenize``? Tokens per second and ratios, measured in one run.

    python benchmarks/bench_tokenize.py [--repeats 3] [--copies 16] [--copies-repeats 1]

Three tokenizers on the same text, interleaved:

- ``tokenize`` (this package): a space before every period that ends a sentence, then one nltk
  word-tokenizer call per piece of about a million characters;
- tokenizer 1, the one before it (kept here only to compare): one nltk call per piece, then a
  sentence-final period split off any word it is glued to (it lost the word before a clitic:
  "he's." gave nothing but '.');
- the notes' pipeline: nltk's sentence splitter (``PunktSentenceTokenizer()``, untrained), then
  nltk's word tokenizer on each sentence, then the same filter (on Shakespeare only: it is the
  slow one).

On all of Shakespeare (best of ``--repeats``), then on ``--copies`` copies of it in one text, the
large-corpus case (best of ``--copies-repeats``). The
wall-clock times depend on what else the machine runs; the ratios, measured side by side, less so.
"""

from __future__ import annotations

import argparse
import itertools
import re
import time

from nltk.tokenize import NLTKWordTokenizer, PunktSentenceTokenizer

from cbow_helpers import load_shakespeare, tokenize
from cbow_helpers.tokens import _PUNCTUATION_RUN, _keep, _pieces, _word_tokenize


def tokenize_v1(corpus: str) -> list[str]:
    """Tokenizer 1 (TOKENIZER_VERSION 1), for the comparison only."""
    tokens = []
    for piece in _pieces(corpus):
        for token in _word_tokenize(_PUNCTUATION_RUN.sub(".", piece), preserve_line=True):
            final = len(token) > 1 and token.endswith(".") and token.strip(".")
            tokens += [
                part.lower() for part in ((token[:-1], ".") if final else (token,)) if _keep(part)
            ]
    return tokens


def notes_pipeline(corpus: str) -> list[str]:
    """punkt (untrained) sentences, nltk's word tokenizer on each, the notes' filter.

    punkt gets the text in parts cut after a period and a line break between two words of two
    letters or more, where it always ends a sentence (its regular expressions stop after 5 s)."""
    text = _PUNCTUATION_RUN.sub(".", corpus)
    cuts = [0]
    for match in re.finditer(r"[^\W\d_]{2}\.\n(?=[^\W\d_])", text):
        if match.end() - cuts[-1] > 100_000:
            cuts.append(match.end())
    cuts.append(len(text))
    sentences, words = PunktSentenceTokenizer(), NLTKWordTokenizer()
    return [
        token.lower()
        for start, end in itertools.pairwise(cuts)
        for sentence in sentences.tokenize(text[start:end])
        for token in words.tokenize(sentence)
        if _keep(token)
    ]


def compare(label: str, text: str, contenders: dict, repeats: int) -> None:
    """Each contender once per round, ``repeats`` rounds; the best wall-clock and processor times."""
    print(f"\n{label}: {len(text):,} characters, best of {repeats}, interleaved")
    walls = {name: [] for name in contenders}
    cpus = {name: [] for name in contenders}
    counts = {}
    for _ in range(repeats):
        for name, function in contenders.items():
            wall, cpu = time.perf_counter(), time.process_time()
            counts[name] = len(function(text))
            walls[name].append(time.perf_counter() - wall)
            cpus[name].append(time.process_time() - cpu)
    new_wall, new_cpu = min(walls["tokenize"]), min(cpus["tokenize"])
    for name in contenders:
        wall, cpu = min(walls[name]), min(cpus[name])
        print(
            f"  {name:<15} {counts[name]:>11,} tokens {wall:7.2f} s"
            f" ({counts[name] / wall:>9,.0f} tokens/s), processor {cpu:7.2f} s;"
            f" its time / tokenize's: wall {wall / new_wall:.2f}, processor {cpu / new_cpu:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--copies", type=int, default=16)
    parser.add_argument("--copies-repeats", type=int, default=1)
    args = parser.parse_args()
    text = load_shakespeare()
    compare(
        "Shakespeare",
        text,
        {"tokenize": tokenize, "tokenizer 1": tokenize_v1, "notes' pipeline": notes_pipeline},
        args.repeats,
    )
    compare(
        f"Shakespeare x {args.copies}",
        "\n".join([text] * args.copies),
        {"tokenize": tokenize, "tokenizer 1": tokenize_v1},
        args.copies_repeats,
    )


if __name__ == "__main__":
    main()
