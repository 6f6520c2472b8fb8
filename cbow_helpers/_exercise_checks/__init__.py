"""The exercise checks, one module per notebook group, with their shared helpers in ``common``.

Private: ``cbow_helpers.exercises`` is the public face (``check``, ``run_check``, ``EXERCISES``).
"""
