"""Keeping a false alarm of gensim's compiled word2vec loop out of the notebooks' output.

gensim 4.4's ``word2vec_inner`` calls BLAS's ``sdot`` through a pointer declared to return -1
on error. So when a dot product comes out at exactly -1.0, its compiled code takes the result
for an error, although no exception was raised: it writes ``Exception ignored in:
'gensim.models.word2vec_inner.our_dot_float'`` to ``sys.stderr`` and uses 0 for that one
product. Python's default hook writes the line straight to ``sys.stderr`` (there is no
exception to hand to ``sys.unraisablehook``), so only replacing ``sys.stderr`` catches it.

Which products come out at exactly -1.0 depends on the CPU. On x86, with the pinned scipy's
OpenBLAS, gensim reads the result as a double whose low half holds the float result's bits, so
it is not exactly -1.0 in practice; on ARM (aarch64) gensim reads the float itself, and among
millions of float32 products a few land on -1.0. So the line shows on ARM and not on x86.
"""

import contextlib
import sys
import threading

#: The lines gensim's loop writes for a dot product of exactly -1.0 (its float and double paths).
GENSIM_DOT_NOTICES = tuple(
    f"Exception ignored in: 'gensim.models.word2vec_inner.our_dot_{kind}'\n"
    for kind in ("float", "double")
)


class _NoticeFilter:
    """A stand-in for ``sys.stderr`` that drops ``GENSIM_DOT_NOTICES`` and passes the rest on.

    Python writes such a line in pieces (``"Exception ignored in: "``, the name, ``"\\n"``), from
    gensim's worker thread, so text that may still become a notice is held back, per thread,
    until it either completes one (dropped) or cannot (passed on at once).
    """

    def __init__(self, target):
        self.target = target
        self._held = {}  # thread id -> text that is the start of a notice
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            thread = threading.get_ident()
            held = self._held.pop(thread, "") + text
            while held.startswith(GENSIM_DOT_NOTICES):
                held = held[len(next(n for n in GENSIM_DOT_NOTICES if held.startswith(n))) :]
            if any(notice.startswith(held) for notice in GENSIM_DOT_NOTICES):
                self._held[thread] = held  # maybe a notice: wait for the rest
            else:
                self.target.write(held)
        return len(text)

    def release(self) -> None:
        """Pass on what was held back (text that never became a notice)."""
        with self._lock:
            for text in self._held.values():
                self.target.write(text)
            self._held.clear()

    def flush(self) -> None:
        self.target.flush()

    def __getattr__(self, name):
        return getattr(self.target, name)


@contextlib.contextmanager
def gensim_dot_notices_quiet():
    """Drop gensim's ``Exception ignored in: '...our_dot_float'`` lines while the block runs.

    Introduced in notebook 08 (gensim's word2vec on the same tokens).

    Everything else written to ``sys.stderr`` (warnings, gensim's log if configured) passes
    through unchanged; ``sys.stderr`` is restored when the block ends. The notice is a false
    alarm of gensim 4.4 on ARM (see this module's docstring), and the training result is gensim's
    own either way: wrap only the call that trains.
    """
    original = sys.stderr
    quiet = _NoticeFilter(original)
    sys.stderr = quiet
    try:
        yield
    finally:
        sys.stderr = original
        quiet.release()
