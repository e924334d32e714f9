"""Where the real corpus is read from: the one place this project refers to
anything outside its own checkout (tests/test_self_contained.py holds it to that).

The 48 real plans, decisions, letters and reports the real-corpus evaluation
runs on (tests/gold_real holds their hand-made annotations) are not this
project's to copy, so they are read where they are: the folder named by the
environment variable PLANS_REAL_CORPUS, by default `shared/corpus/real`
beside the checkout. The evaluation is optional: the tests that need the
corpus skip, and `.ci/run` says it skipped, when the folder is absent.

    python -m benchmarks.real_corpus    # prints the folder (.ci/run reads it)
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = "PLANS_REAL_CORPUS"
REAL_CORPUS = Path(os.environ.get(ENV) or ROOT.parent / "shared" / "corpus" / "real")

if __name__ == "__main__":
    print(REAL_CORPUS)
