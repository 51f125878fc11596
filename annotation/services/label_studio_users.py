"""Who made each imported annotation, as Standpoint users (see label_studio_import's docstring)."""

import re

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower

from ..models import Project, ProjectMembership, Role
from ..pseudonyms import annotator_pseudonym
from .label_studio_plan import Planned
from .label_studio_report import ImportSummary


class _Users:
    """Identities -> user ids, resolved as chunks of the file arrive: pseudonyms -> the member they
    stand for; e-mails and usernames -> the Standpoint user (made a member if need be); anyone else
    -> a placeholder, named by e-mail."""

    def __init__(self, project: Project, summary: ImportSummary):
        self.project, self.summary = project, summary
        self.members = set(ProjectMembership.objects.filter(project=project).values_list("user_id", flat=True))
        self.known = {f"pseudonym:{annotator_pseudonym(project.pk, uid)}": uid for uid in self.members}
        self.matched: set[int] = set()

    def resolve(self, planned: list[Planned]) -> dict[str, int]:
        User = get_user_model()
        wanted = {p.who for p in planned} - self.known.keys()
        plain = {w for w in wanted if not w.startswith(("pseudonym:", "ls:"))}
        if plain:
            rows = (
                User.objects.filter(is_active=True)
                .annotate(u=Lower("username"), e=Lower("email"))
                .filter(Q(u__in=plain) | Q(e__in=plain))
                .order_by("id")
                .values_list("id", "u", "e")
            )
            for uid, username, email in rows:
                for key in (username, email):
                    if key in plain and key not in self.known:
                        self.known[key] = uid
                        self.matched.add(uid)
        for who in sorted(wanted - self.known.keys()):
            label = who.split(":", 1)[1] if who.startswith(("pseudonym:", "ls:")) else who
            username = label if "@" in label else "ls-" + re.sub(r"[^\w.@+-]", "-", label)[:140]
            user, created = User.objects.get_or_create(
                username=username[:150], defaults={"is_active": False, "email": label if "@" in label else ""}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                self.summary.users_created.append(user.username)
            self.known[who] = user.pk
        new_members = {self.known[p.who] for p in planned} - self.members
        ProjectMembership.objects.bulk_create(
            [ProjectMembership(project=self.project, user_id=uid, role=Role.ANNOTATOR) for uid in sorted(new_members)],
            ignore_conflicts=True,
        )
        self.members |= new_members
        self.summary.users_matched = len(self.matched)
        return self.known
