"""The workspace's ES modules load as deployed: collectstatic, then gunicorn with DEBUG off, where
WhiteNoise serves the collected files (the `make up` path), under the strict Content-Security-Policy.

Module imports are relative ("./offsets.js"), so they work only if the collected files keep their names
and folder and are served as JavaScript; this test fails if a storage renames them or a module is missing.
"""

import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.processes import REPO, VENV_BIN, free_port, gunicorn_web, process_env

from .builders import build_scene
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MODULES = REPO / "annotation" / "static" / "annotation" / "workspace"
IMPORT = re.compile(r"""^import\s[^;]*?from\s+"(\.[^"]+)";""", re.M | re.S)


def test_every_relative_import_of_the_workspace_names_a_module_that_exists():
    names = {p.name for p in MODULES.glob("*.js")}
    assert "main.js" in names
    for module in MODULES.glob("*.js"):
        for spec in IMPORT.findall(module.read_text()):
            assert (module.parent / spec).resolve().is_file(), f"{module.name} imports {spec}"


def test_the_workspace_modules_load_from_collected_static_files_under_gunicorn(
    transactional_db, page, tmp_path, worker_logs
):
    env = {"STANDPOINT_VAR_DIR": str(tmp_path), "DEBUG": "0"}
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=REPO,
        env=process_env(env),
        check=True,
    )
    collected = Path(tmp_path) / "static" / "annotation" / "workspace"
    assert sorted(p.name for p in collected.glob("*.js")) == sorted(p.name for p in MODULES.glob("*.js"))

    scene = build_scene(paragraphs=["🌍 Beijing backs the pipeline deal."])
    port = free_port()
    web = gunicorn_web(worker_logs, env, port=port)
    try:
        scripts = {}
        page.on(
            "response",
            lambda r: (
                scripts.__setitem__(r.url.rsplit("/", 1)[-1], (r.status, r.headers.get("content-type", "")))
                if "/static/annotation/workspace/" in r.url
                else None
            ),
        )
        base = f"http://127.0.0.1:{port}"
        log_in(page, SimpleNamespace(url=base), "ann", next_url=f"/projects/{scene.project.pk}/annotate/")
        expect(page.locator("#paragraph")).to_have_text(scene.texts[0])
        assert page.evaluate("() => window.StandpointWorkspace.toCodePoints('🌍 B', 3)") == 2
        assert set(scripts) == {p.name for p in MODULES.glob("*.js")}, scripts
        assert all(status == 200 and ctype.startswith("text/javascript") for status, ctype in scripts.values()), scripts
        assert not page.errors, page.errors
    finally:
        web.stop()
