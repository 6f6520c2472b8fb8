"""What the command-line tests share: a small story to train on, and a run of the real command."""

import subprocess
import sys

# Enough text for a vocabulary with the plot's words, small enough to train in a fraction of a second.
STORY = (
    "The king loves the queen. The queen loves the king. The prince and the princess love the night. "
    "My father and my mother love the day. Her eye and his heart, the sword and the crown. "
) * 30


def run_cli(*args, **kwargs):
    """``python -m cbow_helpers ARGS`` as a user types it, in a new process (about 0.5 s each)."""
    return subprocess.run(
        [sys.executable, "-m", "cbow_helpers", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )
