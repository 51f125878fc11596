"""Which code built a version: `git describe` of the running checkout, else the export constant."""

import subprocess
from functools import lru_cache

from django.conf import settings

EXPORT_SCHEMA_VERSION = 1
EXPORT_CODE_VERSION = "standpoint-export-1"


@lru_cache(maxsize=1)
def code_version() -> str:
    """`git describe` of the running code when available, else the export code constant."""
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--tags", "--dirty"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        return f"{EXPORT_CODE_VERSION}+{out}"[:64] if out else EXPORT_CODE_VERSION
    except (OSError, subprocess.SubprocessError):
        return EXPORT_CODE_VERSION
