"""Set up a demo: users for every role, a corpus, a project with registries, tasks and pre-labels.

Safe to re-run: users, the corpus (content hashes), the project, claims and tasks are found rather
than duplicated, and pre-labelling runs only when the project has no prediction yet.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from annotation.models import PredictionSet, Project, Role
from annotation.services.gazetteer import gazetteer_load
from annotation.services.prelabel import prelabel_job_create
from annotation.services.projects import membership_set, project_create, tasks_sync
from annotation.services.registry import claim_create, normalize_text
from corpora.services.imports import corpus_import

PROJECT_NAME = "Demo: great-power relations"
USERS = [
    # username, password, role, staff
    ("manager", "manager-demo", Role.MANAGER, True),
    ("annotator1", "annotator-demo", Role.ANNOTATOR, False),
    ("annotator2", "annotator-demo", Role.ANNOTATOR, False),
    ("annotator3", "annotator-demo", Role.ANNOTATOR, False),
    ("mlengineer", "mlengineer-demo", Role.ML_ENGINEER, False),
]
CLAIMS = [
    ("Sanctions on Russia are working", "ECON"),
    ("Russia is becoming dependent on China", "ALIGN"),
    ("The Russia-China partnership threatens the West", "ALIGN"),
    ("The US should pull Russia away from China", "USPOL"),
    ("US foreign policy toward Russia has failed", "USPOL"),
    ("NATO expansion provoked Russia", "SEC"),
    ("Europe should spend more on defence", "SEC"),
    ("China is a neutral mediator in the Ukraine war", "MED"),
]
GUIDELINES = """\
## What to label

For each paragraph, record every **statement**: an *actor* who takes a position, the *claim* they
take a position on, and their *stance* toward it.

1. **Actor** — select the words naming the actor ("Beijing", "the Kremlin") and pick the canonical
   actor. When the position is the author's own, choose *Author* (no span).
2. **Claim** — pick the closest claim from the list; propose a new short proposition only if none fits.
3. **Stance** — *favor*, *against*, *neutral* (reports without taking a side) or *unclear*.

If the paragraph carries no stance-bearing statement, press **N**.
"""


class Command(BaseCommand):
    help = "Create demo users, import a corpus and set up a pre-labelled demo project (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--corpus",
            default=str(Path(settings.BASE_DIR) / "corpora" / "sample_corpus"),
            help="File, folder or zip to import (default: the sample corpus).",
        )
        parser.add_argument("--no-prelabel", action="store_true", help="Skip pre-labelling.")

    def handle(self, *args, corpus: str, no_prelabel: bool, **options):
        path = Path(corpus)
        if not path.exists():
            raise CommandError(f"No such corpus path: {path}")
        users = self._users()
        manager = users["manager"]

        self.stdout.write(f"Importing {path} ...")
        report = corpus_import(path=path, corpus_name=f"Demo: {path.resolve().name}", user=manager)
        self.stdout.write(
            f"  {len(report.imported)} files imported, {len(report.skipped)} skipped, "
            f"{len(report.failed)} failed; {report.articles} articles, {report.paragraphs} paragraphs"
        )
        for failed in report.failed:
            self.stdout.write(self.style.WARNING(f"  failed: {failed.name}: {failed.reason}"))

        project = self._project(manager, report.corpus_id)
        for username, _, role, _ in USERS:
            membership_set(project=project, user=users[username], role=role)
        gazetteer_load(project=project, user=manager)
        self._claims(project, manager)
        sync = tasks_sync(project=project)
        self.stdout.write(f"Project {project.name!r}: {sync.total} tasks ({sync.created} new).")

        if not no_prelabel and not PredictionSet.objects.filter(task__project=project).exists():
            where = "in-process" if settings.CELERY_IN_PROCESS else "on the Celery workers"
            self.stdout.write(f"Pre-labelling {sync.total} paragraphs {where} (loads the embedding model) ...")
            job = prelabel_job_create(project=project, user=manager)
            job.refresh_from_db()
            self.stdout.write(f"  pre-labelling job {job.pk}: {job.status}, {job.done}/{job.total} paragraphs")

        self.stdout.write(self.style.SUCCESS("\nDemo logins (username / password):"))
        for username, password, role, _ in USERS:
            self.stdout.write(f"  {username:<12} {password:<16} {role}")

    def _users(self) -> dict:
        User = get_user_model()
        users = {}
        for username, password, _, staff in USERS:
            user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
            user.is_staff = staff
            user.set_password(password)
            user.save()
            users[username] = user
        return users

    @transaction.atomic
    def _project(self, manager, corpus_id: int) -> Project:
        project = Project.objects.filter(name=PROJECT_NAME).first()
        if project is None:
            project = project_create(
                name=PROJECT_NAME,
                created_by=manager,
                guidelines=GUIDELINES,
                description="Who says what about Russia, China, the US and Europe.",
                annotators_per_task=3,
            )
        project.corpora.add(corpus_id)
        return project

    def _claims(self, project: Project, manager) -> None:
        existing = set(project.claims.values_list("normalized", flat=True))
        for text, code in CLAIMS:
            if normalize_text(text) not in existing:
                claim_create(project=project, text=text, category_code=code, user=manager, role=Role.MANAGER)
