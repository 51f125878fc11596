"""Load the starter gazetteer (or another file in the same format) into a project's actor registry."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotation.models import Project
from annotation.services.gazetteer import gazetteer_load


class Command(BaseCommand):
    help = "Add states (with capitals as metonyms), international organisations and leaders to a project."

    def add_arguments(self, parser):
        parser.add_argument("project", type=int, nargs="?", help="Project id.")
        parser.add_argument("--project", type=int, dest="project_option", help="The same, as an option.")
        parser.add_argument("--file", help="A gazetteer JSON file; default: the shipped starter gazetteer.")

    def handle(self, *args, **opts):
        opts["project"] = opts["project"] if opts["project"] is not None else opts["project_option"]
        if opts["project"] is None:
            raise CommandError("Give the project id: load_gazetteer PROJECT [--file FILE].")
        project = Project.objects.filter(pk=opts["project"]).first()
        if project is None:
            raise CommandError(f"No project with id {opts['project']}.")
        try:
            result = gazetteer_load(project=project, path=opts["file"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(result.created)} actors added, {len(result.updated)} updated, "
                f"{result.aliases_added} aliases added to {project.name}."
            )
        )
