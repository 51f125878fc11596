"""Dependencies by role (requirements/web.in, worker.in, test.in; README "Dependencies by role").

A web-only host installs requirements/web.txt: the web settings, URLconf and WSGI app must import
no pre-labelling library (torch, transformers, sentence-transformers, spaCy), and every third-party
distribution they do import must be in the web lock. The role locks pin exactly what the full lock
pins, and the apps' own code never needs a package only the tests install.
"""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PRELABEL_ONLY = {"torch", "transformers", "sentence_transformers", "spacy", "thinc", "tokenizers"}
# Imported only because they happen to be installed (the full venv has them for tests or workers):
OPTIONAL = {
    "markdown": "DRF's compat module renders Markdown in the browsable API when present",
    "greenlet": "celery probes for it when present",
}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            out[_norm(name)] = version.strip()
    return out


WEB_IMPORTS = r"""
import json, os, sys
AT_START = {m.split(".")[0] for m in sys.modules}  # what the interpreter loaded (site hooks), not the app
OPTIONAL = set(sys.argv[1:])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
import django
django.setup()
from django.urls import get_resolver
def walk(patterns):
    for p in patterns:
        walk(p.url_patterns) if hasattr(p, "url_patterns") else p.callback
walk(get_resolver().url_patterns)
import config.wsgi, config.celery
from importlib.metadata import packages_distributions
dists = packages_distributions()
top = {m.split(".")[0] for m in sys.modules} - AT_START - OPTIONAL
print(json.dumps({"modules": sorted(top), "dists": sorted({d for m in top for d in dists.get(m, [])})}))
"""


def test_the_web_tier_imports_no_prelabelling_library_and_only_what_the_web_lock_holds():
    done = subprocess.run(
        [sys.executable, "-c", WEB_IMPORTS, *OPTIONAL], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert "django" in seen["modules"] and "rest_framework" in seen["modules"]  # it did load the app
    assert PRELABEL_ONLY.isdisjoint(seen["modules"]), sorted(PRELABEL_ONLY & set(seen["modules"]))
    web = _pins(REPO / "requirements" / "web.txt")
    outside = sorted(d for d in seen["dists"] if _norm(d) not in web)
    assert outside == [], f"the web tier imports distributions missing from requirements/web.txt: {outside}"


def test_the_role_locks_pin_what_the_full_lock_pins_and_the_web_lock_has_no_torch():
    full = _pins(REPO / "requirements.txt")
    web, worker = _pins(REPO / "requirements" / "web.txt"), _pins(REPO / "requirements" / "worker.txt")
    assert len(web) > 50 and len(worker) > len(web)
    for lock in (web, worker):
        assert {n: v for n, v in lock.items() if full.get(n) != v} == {}
    assert set(web) <= set(worker) <= set(full)
    assert not [n for n in web if n in {"torch", "triton", "sentence-transformers", "spacy"} or n.startswith("nvidia")]
    assert "torch" in worker and "spacy" in worker


def _top_level_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_the_apps_need_no_package_that_only_the_tests_install():
    from importlib.metadata import packages_distributions

    dists = packages_distributions()
    worker = _pins(REPO / "requirements" / "worker.txt")
    needed = {
        m
        for app in ("corpora", "annotation", "exports", "config")
        for path in (REPO / app).rglob("*.py")
        for m in _top_level_imports(path)
    }
    third_party = {m: dists[m] for m in needed if m in dists}
    assert "django" in third_party and "torch" in third_party  # the walk sees real imports
    outside = sorted(m for m, ds in third_party.items() if not any(_norm(d) in worker for d in ds))
    assert outside == [], f"app code imports packages outside requirements/worker.txt: {outside}"
