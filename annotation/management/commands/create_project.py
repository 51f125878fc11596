"""Create a project (default stance labels, the manager as member) and optionally fill its task pool."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from annotation.models import Project
from annotation.services.projects import project_create, tasks_sync
from corpora.models import Corpus


class Command(BaseCommand):
    help = "Create an annotation project over one or more corpora; --sync also creates its tasks."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--manager", required=True, help="Username of the project's first manager.")
        parser.add_argument("--corpus", action="append", default=[], help="Corpus name or id (repeatable).")
        parser.add_argument("--k", type=int, default=3, help="Annotators per paragraph (default 3).")
        parser.add_argument("--lease-minutes", type=int, default=30)
        parser.add_argument("--task-order", choices=Project.TaskOrder.values, default=Project.TaskOrder.ARTICLE)
        parser.add_argument("--kinds", default="body", help="Comma-separated paragraph kinds that become tasks.")
        parser.add_argument("--guidelines-file", type=Path, help="Markdown file with the guidelines.")
        parser.add_argument("--sync", action="store_true", help="Create the tasks now.")

    def handle(self, *args, **opts):
        manager = get_user_model().objects.filter(username=opts["manager"]).first()
        if manager is None:
            raise CommandError(f"No user named {opts['manager']!r}.")
        corpora = []
        for ref in opts["corpus"]:
            corpus = Corpus.objects.filter(pk=int(ref)).first() if ref.isdigit() else None
            corpus = corpus or Corpus.objects.filter(name=ref).first()
            if corpus is None:
                raise CommandError(f"No corpus {ref!r} (give its name or id).")
            corpora.append(corpus)
        if opts["k"] < 1:
            raise CommandError("--k must be at least 1.")
        guidelines = opts["guidelines_file"].read_text(encoding="utf-8") if opts["guidelines_file"] else ""
        try:
            with transaction.atomic():
                project = project_create(
                    name=opts["name"],
                    created_by=manager,
                    annotators_per_task=opts["k"],
                    lease_minutes=opts["lease_minutes"],
                    task_order=opts["task_order"],
                    corpora=corpora,
                    paragraph_kinds=[k.strip() for k in opts["kinds"].split(",") if k.strip()],
                    guidelines=guidelines,
                )
                sync = tasks_sync(project=project) if opts["sync"] else None
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        self.stdout.write(
            f"Created project {project.pk} {project.name!r} (k={project.annotators_per_task})"
            + (f", {sync.total} tasks" if sync else "; run with --sync or POST tasks/sync to add tasks")
        )
