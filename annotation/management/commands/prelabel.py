"""Start a pre-labelling job and follow it with a progress bar.

    python manage.py prelabel 3                 # whole project 3, through the Celery workers
    python manage.py prelabel 3 --tasks 10 11   # a selection
    python manage.py prelabel 3 --no-wait       # queue it and return
    python manage.py prelabel --job 12          # follow an existing job
Without CELERY_BROKER_URL the tasks run in-process (eager) and the bar fills as batches finish.
"""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotation.models import PrelabelJob, Project
from annotation.services.prelabel import prelabel_job_create, prelabel_job_progress

FINISHED = {PrelabelJob.Status.COMPLETE, PrelabelJob.Status.FAILED, PrelabelJob.Status.CANCELLED}


class Command(BaseCommand):
    help = "Pre-label a project's tasks (actors, claims, stance) and show the job's progress."

    def add_arguments(self, parser):
        parser.add_argument("project", type=int, nargs="?", help="Project id: start a new job.")
        parser.add_argument("--project", type=int, dest="project_option", help="The same, as an option.")
        parser.add_argument("--job", type=int, help="Follow an existing job instead.")
        parser.add_argument("--tasks", type=int, nargs="+", help="Only these task ids.")
        parser.add_argument("--batch-size", type=int, default=64)
        parser.add_argument("--no-wait", action="store_true", help="Queue the job and return.")
        parser.add_argument("--timeout", type=float, default=24 * 3600, help="Stop following after this many seconds.")
        parser.add_argument("--poll", type=float, default=1.0)

    def handle(self, *args, **opts):
        if opts["project"] is None:
            opts["project"] = opts["project_option"]
        if (opts["project"] is None) == (opts["job"] is None):
            raise CommandError("Give a project id (prelabel PROJECT) or --job JOB, not both.")
        if opts["project"] is not None:
            project = Project.objects.filter(pk=opts["project"]).first()
            if project is None:
                raise CommandError(f"No project with id {opts['project']}.")
            try:
                job = prelabel_job_create(project=project, task_ids=opts["tasks"], batch_size=opts["batch_size"])
            except ValidationError as exc:
                raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
            self.stdout.write(f"Job {job.pk}: {job.total} tasks in batches of {job.batch_size}.")
        else:
            job = PrelabelJob.objects.filter(pk=opts["job"]).first()
            if job is None:
                raise CommandError(f"No pre-labelling job with id {opts['job']}.")
        if opts["no_wait"]:
            return
        self._follow(job, timeout=opts["timeout"], poll=opts["poll"])

    def _follow(self, job: PrelabelJob, *, timeout: float, poll: float) -> None:
        deadline = time.monotonic() + timeout
        with tqdm(total=job.total, unit="task", desc=f"job {job.pk}", file=self.stdout._out) as bar:
            while True:
                job.refresh_from_db()
                progress = prelabel_job_progress(job=job)
                bar.total = progress.total
                bar.update(progress.done - bar.n)
                bar.set_postfix(status=job.status)
                if job.status in FINISHED or time.monotonic() > deadline:
                    break
                time.sleep(poll)
        if job.status == PrelabelJob.Status.COMPLETE:
            rate = f", {progress.rate:.1f} tasks/s" if progress.rate else ""
            self.stdout.write(self.style.SUCCESS(f"Job {job.pk} complete: {progress.done}/{progress.total}{rate}."))
        elif job.status in FINISHED:
            raise CommandError(f"Job {job.pk} {job.status}: {job.error or 'no error recorded'}")
        else:
            raise CommandError(
                f"Stopped following job {job.pk} after the timeout; it is {job.status}, "
                f"{progress.done}/{progress.total} done."
            )
