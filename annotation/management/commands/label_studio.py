"""python manage.py label_studio import|push|pull PROJECT ...: Label Studio interoperability."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotation.label_studio import (LabelStudioImportError, LabelStudioNotConfigured, label_studio_import,
                                     label_studio_pull, label_studio_push, ls_client)
from annotation.models import Project


def _project(value: str) -> Project:
    project = Project.objects.filter(pk=int(value)).first() if value.isdigit() else None
    project = project or Project.objects.filter(name=value).first()
    if project is None:
        raise CommandError(f"No project with id or name {value!r}.")
    return project


class Command(BaseCommand):
    help = ("import FILE: a Label Studio JSON export made with our config, as annotations (all or nothing); "
            "push: send the project's tasks with pre-labels to Label Studio; pull: import its annotations back.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import")
        imp.add_argument("project")
        imp.add_argument("file", type=Path)
        imp.add_argument("--include-ground-truth", action="store_true",
                         help="also import ground-truth (gold) annotations, as the user 'gold'")
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
                summary = label_studio_import(project=project, source=o["file"],
                                              include_ground_truth=o["include_ground_truth"])
            else:
                client = ls_client(url=o["url"], api_key=o["api_key"])
                if o["action"] == "push":
                    result = label_studio_push(project=project, client=client, ls_project_id=o["ls_project"])
                    self.stdout.write(self.style.SUCCESS(
                        f"Sent {result['tasks']} tasks to Label Studio project {result['ls_project_id']}."))
                    return
                summary = label_studio_pull(project=project, ls_project_id=o["ls_project"], client=client)
        except LabelStudioImportError as exc:
            raise CommandError(f"Nothing was imported: {exc}") from None
        except LabelStudioNotConfigured as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Imported {summary.annotations} annotations ({summary.statements} statements) on {summary.tasks} tasks; "
            f"skipped {summary.skipped_ground_truth} ground-truth and {summary.skipped_cancelled} cancelled."
            + (f" New placeholder annotators: {', '.join(summary.users_created)}." if summary.users_created else "")))
