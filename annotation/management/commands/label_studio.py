"""python manage.py label_studio import|push|pull PROJECT ...: Label Studio interoperability."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotation.label_studio import (
    LabelStudioImportError,
    LabelStudioNotConfigured,
    label_studio_import,
    label_studio_pull,
    label_studio_push,
    ls_client,
)
from annotation.models import Project


def _project(value: str) -> Project:
    project = Project.objects.filter(pk=int(value)).first() if value.isdigit() else None
    project = project or Project.objects.filter(name=value).first()
    if project is None:
        raise CommandError(f"No project with id or name {value!r}.")
    return project


class Command(BaseCommand):
    help = (
        "import FILE: a Label Studio JSON or JSON_MIN export made with our config (annotations and predictions; "
        "each annotation imported or refused on its own, with a report); push: send the project's tasks with "
        "submitted annotations and pre-labels to Label Studio; pull: import its annotations back."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import")
        imp.add_argument("project")
        imp.add_argument("file", type=Path)
        imp.add_argument(
            "--include-ground-truth",
            action="store_true",
            help="also import ground-truth (gold) annotations, as the user 'gold'",
        )
        for name in ("push", "pull"):
            p = sub.add_parser(name)
            p.add_argument("project")
            p.add_argument("--ls-project", type=int, required=name == "pull", help="Label Studio project id")
            p.add_argument("--url", help="default: LABEL_STUDIO_URL")
            p.add_argument("--api-key", help="default: LABEL_STUDIO_API_KEY")

    def handle(self, *args, **o):
        project = _project(o["project"])
        try:
            if o["action"] == "import":
                if not o["file"].is_file():
                    raise CommandError(f"No such file: {o['file']}")
                summary = label_studio_import(
                    project=project, source=o["file"], include_ground_truth=o["include_ground_truth"]
                )
            else:
                client = ls_client(url=o["url"], api_key=o["api_key"])
                if o["action"] == "push":
                    result = label_studio_push(project=project, client=client, ls_project_id=o["ls_project"])
                    self.stdout.write(
                        self.style.SUCCESS(
                            f"Sent {result['tasks']} new tasks ({result['updated']} already there, updated), "
                            f"{result['annotations']} annotations and {result['predictions']} predictions to Label "
                            f"Studio project {result['ls_project_id']}."
                        )
                    )
                    return
                summary = label_studio_pull(project=project, ls_project_id=o["ls_project"], client=client)
        except LabelStudioImportError as exc:
            raise CommandError(f"Nothing was imported: {exc}") from None
        except LabelStudioNotConfigured as exc:
            raise CommandError(str(exc)) from None
        if summary.refused and not (summary.annotations or summary.unchanged or summary.predictions or summary.deleted):
            more = f" (and {len(summary.refused) - 1} more refused)" if len(summary.refused) > 1 else ""
            raise CommandError(f"Nothing was imported: {summary.refused[0]}{more}")
        self.report(summary)

    def report(self, s):
        self.stdout.write(
            self.style.SUCCESS(
                f"{s.format}: imported {s.annotations} annotations ({s.statements} statements) on {s.tasks} tasks; "
                f"{s.unchanged} unchanged; {s.deleted} deleted (gone from Label Studio); "
                f"{s.predictions} predictions in {s.prediction_sets} prediction sets; "
                f"skipped {s.skipped_ground_truth} ground-truth and "
                f"{s.skipped_cancelled} cancelled; ignored {s.ignored_regions} untouched pre-label regions; "
                f"{s.users_matched} annotators matched by e-mail or username."
                + (f" New placeholder annotators: {', '.join(s.users_created)}." if s.users_created else "")
            )
        )
        if s.refused:
            self.stderr.write(self.style.WARNING(f"Refused {len(s.refused)} (over k: {s.over_k}):"))
            for r in s.refused[:50]:
                self.stderr.write(f"  {r}")
            if len(s.refused) > 50:
                self.stderr.write(f"  ... and {len(s.refused) - 50} more")
