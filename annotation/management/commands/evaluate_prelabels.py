"""Score the pre-labelling models against a project's adjudicated or submitted statements.

    python manage.py evaluate_prelabels 3           # a summary, and the run stored for the page
    python manage.py evaluate_prelabels 3 --json    # the whole report as JSON
Runs in this process (it loads the embedding model); the page queues the same run on a worker.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from annotation.models import PrelabelEvaluation, Project
from annotation.prelabel.evaluation_summary import summary_rows
from annotation.services.evaluation import prelabel_evaluate_now


class Command(BaseCommand):
    help = "Evaluate pre-labelling (actors, claims, stance) with article-grouped cross-validation."

    def add_arguments(self, parser):
        parser.add_argument("project", type=int, help="Project id.")
        parser.add_argument("--json", action="store_true", help="Print the whole report as JSON.")

    def handle(self, *args, **opts):
        project = Project.objects.filter(pk=opts["project"]).first()
        if project is None:
            raise CommandError(f"No project with id {opts['project']}.")
        evaluation = prelabel_evaluate_now(project=project)
        if evaluation.status != PrelabelEvaluation.Status.COMPLETE:
            raise CommandError(evaluation.error or f"Evaluation {evaluation.pk} {evaluation.status}.")
        if opts["json"]:
            self.stdout.write(json.dumps(evaluation.report, indent=2, sort_keys=True))
            return
        report = evaluation.report
        self.stdout.write(
            f"Evaluation {evaluation.pk} of project {project.pk}: {report['statements']} statements, "
            f"{report['paragraphs']} paragraphs, {report['folds']}."
        )
        for what, value, baseline in summary_rows(report):
            self.stdout.write(f"  {what:<44} {value:>8}   baseline {baseline}")
        for row in report["stance_selection"]:
            self.stdout.write(f"  held out {row['held_out']}: {row['reason']}")
