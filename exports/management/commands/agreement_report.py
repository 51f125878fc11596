"""python manage.py agreement_report PROJECT [--out DIR] [--n-boot N] [--seed S]: write JSON + HTML."""

import json
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotation.models import Project
from exports.report_html import render_report_html
from exports.services.agreement import agreement_report_store


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


class Command(BaseCommand):
    help = "Compute a project's agreement report, store it, and write agreement-<id>.json and .html."

    def add_arguments(self, parser):
        parser.add_argument("project", help="Project id or exact name.")
        parser.add_argument("--out", default=".", help="Folder for the files (default: current folder).")
        parser.add_argument("--n-boot", type=int, default=1000, help="Bootstrap resamples for the 95%% intervals.")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, project, out, n_boot, seed, **options):
        found = Project.objects.filter(pk=int(project)).first() if project.isdigit() else None
        found = found or Project.objects.filter(name=project).first()
        if found is None:
            raise CommandError(f"No project with id or name {project!r}.")
        folder = Path(out)
        if not folder.is_dir():
            raise CommandError(f"Output folder {folder} does not exist.")
        report = agreement_report_store(project=found, n_boot=n_boot, seed=seed)
        stem = folder / f"agreement-project-{found.pk}"
        _atomic_write(stem.with_suffix(".json"), json.dumps(report.result, indent=2, sort_keys=True, default=str))
        _atomic_write(stem.with_suffix(".html"), render_report_html(report.result))
        for h in report.result["headline"]:
            value = "—" if h["value"] is None else f"{h['value']:.3f}"
            self.stdout.write(f"{h['name']}: {value} ({h['reading']})")
        self.stdout.write(self.style.SUCCESS(f"Wrote {stem}.json and {stem}.html (report {report.pk})"))
