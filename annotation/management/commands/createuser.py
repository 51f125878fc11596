"""Create an account, optionally a member of a project with a role. The password is read from a file
(--password-file, "-" for standard input) or asked for twice at a prompt; it is never an argument."""

import getpass
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotation.models import Project, Role
from annotation.services.people import user_create


class Command(BaseCommand):
    help = "Create a user (password checked by AUTH_PASSWORD_VALIDATORS); --project/--role make them a member."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--project", type=int, help="Id of the project to add the user to.")
        parser.add_argument(
            "--role", choices=Role.values, default=Role.ANNOTATOR, help="Their role in --project (default annotator)."
        )
        parser.add_argument("--password-file", help='File whose first line is the password; "-" reads standard input.')

    def handle(self, *args, **opts):
        project = None
        if opts["project"] is not None:
            project = Project.objects.filter(pk=opts["project"]).first()
            if project is None:
                raise CommandError(f"No project with id {opts['project']}.")
        password = self._password(opts["password_file"])
        try:
            user = user_create(
                username=opts["username"], password=password, email=opts["email"], project=project, role=opts["role"]
            )
        except ValidationError as exc:
            problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
            raise CommandError(problems) from None
        where = f", {opts['role']} in {project.name} (id {project.pk})" if project else ""
        self.stdout.write(f"Created user {user.get_username()}{where}.")

    def _password(self, path: str | None) -> str:
        if path == "-":
            return sys.stdin.readline().rstrip("\r\n")
        if path:
            try:
                lines = Path(path).read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CommandError(f"Cannot read the password file: {exc.strerror}.") from None
            return lines[0] if lines else ""
        if not sys.stdin.isatty():
            raise CommandError("No terminal to ask for the password: use --password-file FILE (or - for stdin).")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
