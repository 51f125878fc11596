"""`manage.py check --deploy` with production settings: passes with the HTTPS variables set (README
"Running behind HTTPS"), fails without them. Only the
security checks: drf-spectacular's schema warnings (views it cannot describe) are another matter."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "k7#Qv!2pZr9Lm0xW4tYb8Nc6Hs3Jd1Fg5Ae-Ui_Oo+Rr=Tt@Ll^Kk&Mm*Pp"  # 50+ characters, varied

HTTPS = {
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SESSION_COOKIE_SECURE": "1",
    "CSRF_COOKIE_SECURE": "1",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def _check(extra: dict) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE: set for the browser tests (tests/browser_support.py), never in a deployment.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in HTTPS and k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DEBUG": "0",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "standpoint.example.org",
            **extra,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_the_https_settings():
    done = _check(HTTPS)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_check_deploy_fails_without_them():
    done = _check({})
    assert done.returncode != 0
    output = done.stdout + done.stderr
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in output, output[-3000:]
