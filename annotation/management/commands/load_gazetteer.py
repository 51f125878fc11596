"""Load the starter gazetteer (or another file in the same format) into a project's actor registry."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotation.models import Project
from annotation.services.gazetteer import gazetteer_load


class Command(BaseCommand):
    help = "Add states (with capitals as metonyms), international organisations and leaders to a project."

    def add_arguments(self, parser):
        parser.add_argument("--project", type=int, required=True)
        parser.add_argument("--file", help="A gazetteer JSON file; default: the shipped starter gazetteer.")

    def handle(self, *args, **opts):
        project = Project.objects.filter(pk=opts["project"]).first()
        if project is None:
            raise CommandError(f"No project with id {opts['project']}.")
        try:
            result = gazetteer_load(project=project, path=opts["file"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"{len(result.created)} actors added, {len(result.updated)} updated, {result.aliases_added} aliases added "
            f"to {project.name}."))
