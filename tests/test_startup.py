"""A web worker's start-up: loading every URL must not pull in the statistics or plotting stacks
(scikit-learn, pandas, matplotlib: ~2.3 s and ~170 MB per worker); they load on first use."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import sys, django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
heavy = sorted(m for m in ("sklearn", "pandas", "matplotlib", "statsmodels", "torch") if m in sys.modules)
print("heavy:" + ",".join(heavy))
"""


def test_loading_the_urls_does_not_import_the_heavy_libraries():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "heavy:"
