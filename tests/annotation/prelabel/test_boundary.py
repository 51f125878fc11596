"""The pre-labelling package stays plain Python: importing it loads neither Django nor Celery."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_importing_prelabel_loads_neither_django_nor_celery_nor_heavy_libraries():
    code = (
        "import sys\n"
        "import annotation.prelabel, annotation.prelabel.registry, annotation.prelabel.pipeline\n"
        "import annotation.prelabel.transformer, annotation.prelabel.gazetteer\n"
        "bad = [m for m in ('django', 'celery', 'rest_framework', 'torch', 'spacy', 'transformers', 'sklearn')"
        " if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_annotation_package_init_is_empty():
    assert (REPO / "annotation" / "__init__.py").read_text().strip() == ""
