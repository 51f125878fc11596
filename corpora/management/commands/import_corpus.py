"""python manage.py import_corpus PATH --corpus NAME: import files, a folder or a zip, with a progress bar."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from corpora.import_jobs import encoding_check
from corpora.import_report import ImportProgress
from corpora.services.imports import corpus_import


class Command(BaseCommand):
    help = (
        "Import .txt/.md/.html/.jsonl files, a folder of them, or a .zip into a corpus (created if "
        "missing). Re-importing skips articles already there. Exit status 1 if any file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a file, a folder (read recursively) or a .zip")
        parser.add_argument("--corpus", required=True, help="corpus name (created if it does not exist)")
        parser.add_argument(
            "--owner",
            default="",
            help="username who owns a new corpus (without one, only "
            "superusers and managers of projects using it see it)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (e.g. in logs)")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="processes that read and classify the next files while this one writes "
            "(default 1; 0: all in this process)",
        )
        parser.add_argument(
            "--encoding",
            default="",
            help="the files' encoding (e.g. cp1252, latin-1, utf-16, shift_jis); by default each "
            "file's is detected, and a file that cannot be decoded with confidence is refused",
        )

    def handle(
        self,
        *args,
        path: str,
        corpus: str,
        no_progress: bool,
        workers: int,
        owner: str = "",
        encoding: str = "",
        **options,
    ):
        try:
            encoding = encoding_check(encoding)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        user = None
        if owner:
            user = get_user_model().objects.filter(username=owner).first()
            if user is None:
                raise CommandError(f"No user named {owner!r}.")
        bar = tqdm(total=0, unit="file", disable=no_progress, file=self.stderr._out, dynamic_ncols=True)

        def progress(event: ImportProgress) -> None:
            bar.total = event.files_total
            bar.n = event.files_done
            bar.set_postfix_str(f"{event.paragraphs} paragraphs  {event.current[-40:]}", refresh=False)
            bar.refresh()

        try:
            report = corpus_import(
                path=path,
                corpus_name=corpus,
                user=user,
                progress=progress,
                workers=max(workers, 0),
                encoding=encoding or None,
            )
        finally:
            bar.close()
        for i, line in enumerate(report.lines()):
            style = (
                self.style.SUCCESS
                if i == 0 and not report.failed
                else (self.style.ERROR if "  failed" in line else (lambda s: s))
            )
            self.stdout.write(style(line))
        if report.failed:
            raise CommandError(f"{len(report.failed)} file(s) failed; see the report above.")
