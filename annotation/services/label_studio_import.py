"""Import a Label Studio export (JSON or JSON_MIN) into a project: annotations as submitted
annotations, predictions as prediction sets.

Per annotation, atomically: every annotation is parsed and checked on its own (task found, text
unchanged, registry names known, spans valid, no duplicate actor + claim); one that fails is refused
with the task, field and reason in the report, and the others are imported. A file that is not a
Label Studio JSON export at all is refused as a whole (LabelStudioImportError), nothing written.

Who made an annotation: the Standpoint pseudonym kept in the task's meta by our own export (mapped
back to the project member it stands for), else Label Studio's `completed_by`, resolved to an e-mail
(a pull passes Label Studio's users, from its API) and matched to a Standpoint user by e-mail or
username. Only people no Standpoint user matches get a placeholder account, named by their e-mail.

Fast: the checks run in Python against registries read once; the writes go in batches
(`label_studio_write`), a transaction per batch. Idempotent: an annotation identical to the stored
one is left alone (no history entry); a changed one is an edit with its history entry.
"""

import contextlib
import gc
import queue
import re
import threading
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower

from ..label_studio_format import GOLD, LabelStudioFormatError
from ..label_studio_read import load_tasks, parse_annotation, parse_prediction
from ..models import Actor, Claim, Project, ProjectMembership, RegistryStatus, Role, StanceLabel, Task
from ..pseudonyms import annotator_pseudonym
from . import label_studio_write as write
from .label_studio_report import ImportSummary, Refused

BATCH_TASKS = 1000


class LabelStudioImportError(LabelStudioFormatError):
    """A file that cannot be imported at all; `task` and `field` say where."""


@dataclass
class Planned:
    task_id: int
    who: str  # an identity key: "user:<id>", an e-mail, or "ls:<text>"
    ls_id: int | None
    no_statement: bool
    statements: list[dict]  # model fields: actor_role, actor_id, ..., stance_id, note
    where: str


@dataclass
class PlannedPredictions:
    task_id: int
    model_name: str
    model_version: str
    rows: list[dict]


class _Registries:
    def __init__(self, project: Project):
        self.actors = self._names(
            Actor.objects.filter(project=project).values_list("id", "name", "status", "merged_into_id")
        )
        self.claims = self._names(
            Claim.objects.filter(project=project).values_list("id", "text", "status", "merged_into_id")
        )
        self.stances = dict(StanceLabel.objects.filter(project=project).values_list("value", "id"))

    @staticmethod
    def _names(rows) -> dict[str, int]:
        """{name: surviving id}: a merged entry's name leads to the entry it was merged into."""
        rows = list(rows)
        into = {pk: target for pk, _, status, target in rows if status == RegistryStatus.MERGED and target}
        out = {}
        for pk, name, _, _ in rows:
            current, hops = pk, 0
            while current in into and hops < 20:
                current, hops = into[current], hops + 1
            out[name] = current
        return out


def _resolve(parsed, regs: _Registries, text: str) -> tuple[list[dict], tuple[str, str] | None]:
    """Names -> ids and the workspace's checks; (statements, None) or ([], (field, reason))."""
    out, seen = [], set()
    for k, s in enumerate(parsed.statements):
        here = f"result (statement {k})"
        if s["actor"] is not None and s["actor"] not in regs.actors:
            return [], (f"{here}.actor_ref", f"unknown actor {s['actor']!r}")
        if s["claim"] not in regs.claims:
            return [], (f"{here}.claim", f"unknown claim {s['claim']!r}")
        if s["stance"] not in regs.stances:
            return [], (f"{here}.stance", f"unknown stance {s['stance']!r}")
        for label, a, b in (
            ("actor", s["actor_start"], s["actor_end"]),
            ("evidence", s["evidence_start"], s["evidence_end"]),
        ):
            if a is not None and not text[a:b].strip():
                return [], (f"{here}.{label}", f"the {label} span {a}-{b} covers only whitespace")
        row = {
            "actor_role": s["actor_role"],
            "actor_id": regs.actors.get(s["actor"]) if s["actor"] else None,
            "actor_start": s["actor_start"],
            "actor_end": s["actor_end"],
            "claim_id": regs.claims[s["claim"]],
            "stance_id": regs.stances[s["stance"]],
            "stance": s["stance"],
            "evidence_start": s["evidence_start"],
            "evidence_end": s["evidence_end"],
            "note": s["note"] or "",
        }
        key = (row["actor_role"], row["actor_id"], row["actor_start"], row["actor_end"], row["claim_id"])
        if key in seen and not (row["actor_role"] == "implied" and row["actor_id"] is None):
            return [], (f"{here}.claim", "another statement already links this actor to this claim")
        seen.add(key)
        out.append(row)
    return out, None


def _identity(ann: dict, meta_who: dict, ls_users: dict[int, str]) -> str | None:
    # Our files key the task meta's pseudonyms by the annotation's `id`; Label Studio keeps that as
    # `import_id` and gives the annotation its own `id`, which must not be looked up (it could
    # collide with one of ours). An annotation made in Label Studio has `import_id` null.
    key = ann.get("import_id") if "import_id" in ann else ann.get("id")
    if key is not None and str(key) in meta_who:
        return f"pseudonym:{meta_who[str(key)]}"
    who = ann.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("id")
    if isinstance(who, bool) or who is None or who == "":
        return None
    if isinstance(who, int):
        return ls_users[who].strip().lower() if ls_users.get(who) else f"ls:{who}"
    return str(who).strip().lower()


def _task_of(item, ref, by_task, by_paragraph, project):
    data = item["data"]
    task = by_task.get(data.get("task_id")) if isinstance(data.get("task_id"), int) else None
    if task is None and isinstance(data.get("paragraph_id"), int):
        task = by_paragraph.get(data["paragraph_id"])
    if task is None:
        return None, (
            "data.task_id",
            f"no task of project {project.name!r} has task_id {data.get('task_id')!r} "
            f"or paragraph_id {data.get('paragraph_id')!r}",
        )
    if data.get("text") != task[1]:
        return None, ("data.text", "differs from the paragraph's text, so offsets cannot be trusted")
    return task, None


class _Context:
    """What planning needs from the database, read once before the (database-free) planning starts."""

    def __init__(self, project: Project):
        rows = Task.objects.filter(project=project).values_list("id", "paragraph_id", "paragraph__text")
        self.project = project
        self.by_task = {pk: (pk, text) for pk, _, text in rows}
        self.by_paragraph = {par: self.by_task[pk] for pk, par, _ in rows}
        self.regs = _Registries(project)


def _plan(ctx: _Context, tasks, offset: int, *, include_ground_truth, ls_users, summary, seen_ls_ids):
    """Plan a slice of the file's tasks (plain Python: it runs in the planning thread)."""
    project, by_task, by_paragraph, regs = ctx.project, ctx.by_task, ctx.by_paragraph, ctx.regs
    planned, predictions = [], []
    for i, item in enumerate(tasks, start=offset):
        ref = f"#{i}" + (f" (id {item.get('id')})" if isinstance(item, dict) and item.get("id") is not None else "")
        if not isinstance(item, dict) or not isinstance(item.get("data"), dict):
            summary.refused.append(Refused(ref, "data", "each task needs a 'data' object"))
            continue
        anns = item.get("annotations") or []
        task, problem = _task_of(item, ref, by_task, by_paragraph, project)
        if problem or not isinstance(anns, list):
            fld, reason = problem or ("annotations", "must be a list")
            summary.refused.append(
                Refused(ref, fld, reason + f" ({len(anns) if isinstance(anns, list) else 0} annotations not imported)")
            )
            continue
        summary.tasks += 1
        task_id, text = task
        meta = item.get("meta") if isinstance(item.get("meta"), dict) else {}
        meta_who = (meta.get("standpoint") or {}).get("annotators") or {}
        for j, ann in enumerate(anns):
            where = f"annotations[{j}]"
            if not isinstance(ann, dict):
                summary.refused.append(Refused(ref, where, "must be an object"))
                continue
            if isinstance(ann.get("id"), int):
                seen_ls_ids.add(ann["id"])
            if ann.get("was_cancelled"):
                summary.skipped_cancelled += 1
                continue
            who = _identity(ann, meta_who, ls_users)
            is_gold = who == f"pseudonym:{GOLD}" or (ann.get("ground_truth") and not meta_who)
            if is_gold and not include_ground_truth:
                summary.skipped_ground_truth += 1
                continue
            if ann.get("_refused"):
                summary.refused.append(Refused(ref, f"{where}.result", ann["_refused"]))
                continue
            if who is None:
                summary.refused.append(Refused(ref, f"{where}.completed_by", "missing annotator"))
                continue
            try:
                parsed = parse_annotation(ann.get("result"), text=text, task=ref, where=where)
            except LabelStudioFormatError as exc:
                summary.refused.append(Refused(ref, exc.field, exc.message))
                continue
            summary.ignored_regions += parsed.ignored_regions
            clean, problem = _resolve(parsed, regs, text)
            if problem:
                summary.refused.append(Refused(ref, f"{where}.{problem[0]}", problem[1]))
                continue
            if not clean and not parsed.no_statement:
                reason = (
                    "only untouched pre-label regions, no statement and no 'no statement' choice"
                    if parsed.ignored_regions
                    else "no statement and no 'no statement' choice"
                )
                summary.refused.append(Refused(ref, f"{where}.result", reason))
                continue
            planned.append(
                Planned(
                    task_id,
                    who,
                    ann.get("id") if isinstance(ann.get("id"), int) else None,
                    parsed.no_statement and not clean,
                    clean,
                    f"{ref} {where}",
                )
            )
        for j, pred in enumerate(item.get("predictions") or []):
            if isinstance(pred, int):  # Label Studio's own JSON export lists predictions by id only
                continue
            try:
                name, version, sugg = parse_prediction(pred, text=text, task=ref, where=f"predictions[{j}]")
            except LabelStudioFormatError as exc:
                summary.refused.append(Refused(ref, exc.field, exc.message))
                continue
            rows = []
            for s in sugg:
                if (
                    (s["actor"] and s["actor"] not in regs.actors)
                    or (s["claim"] and s["claim"] not in regs.claims)
                    or (s["stance"] and s["stance"] not in regs.stances)
                ):
                    summary.refused.append(
                        Refused(
                            ref,
                            f"predictions[{j}]",
                            "a suggestion names an actor, claim or stance this project does not have",
                        )
                    )
                    rows = None
                    break
                rows.append(
                    {
                        **s,
                        "actor_id": regs.actors.get(s["actor"]),
                        "claim_id": regs.claims.get(s["claim"]),
                        "stance_id": regs.stances.get(s["stance"]),
                    }
                )
            if rows:
                predictions.append(PlannedPredictions(task_id, name, version, rows))
    return planned, predictions


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


def label_studio_import(
    *,
    project: Project,
    source,
    user=None,
    include_ground_truth: bool = False,
    ls_users: dict[int, str] | None = None,
    ls_project_id: int | None = None,
    complete_export: bool = False,
    batch_tasks: int = BATCH_TASKS,
) -> ImportSummary:
    """Import a Label Studio export made with our config. Returns the report (see ImportSummary).

    `ls_users` ({Label Studio user id: e-mail}) resolves numeric `completed_by`. With `ls_project_id`
    (a pull) each imported annotation is linked to its Label Studio annotation, and with
    `complete_export` (every task of that project was exported) linked annotations missing from the
    file are deleted. Raises LabelStudioImportError, writing nothing, only for a file that is not a
    Label Studio JSON / JSON_MIN export.
    """
    # The file becomes hundreds of thousands of small dicts that live until the import ends: the cyclic
    # garbage collector would walk them again and again for nothing (they hold no cycles).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _import(
            project=project,
            source=source,
            user=user,
            include_ground_truth=include_ground_truth,
            ls_users=ls_users,
            ls_project_id=ls_project_id,
            complete_export=complete_export,
            batch_tasks=batch_tasks,
        )
    finally:
        if collecting:
            gc.enable()


def _import(
    *, project, source, user, include_ground_truth, ls_users, ls_project_id, complete_export, batch_tasks
) -> ImportSummary:
    summary = ImportSummary()
    if hasattr(source, "read_bytes"):
        source = source.read_bytes()
    try:
        # a list given by the caller is copied: the planner frees the tasks it has planned
        if isinstance(source, (bytes, str)):
            summary.format, tasks = load_tasks(source)
        else:
            tasks = list(source) if isinstance(source, list) else source
    except LabelStudioFormatError as exc:
        raise LabelStudioImportError(exc.task, exc.field, exc.message) from None
    if not isinstance(tasks, list):
        raise LabelStudioImportError("-", "(file)", "a Label Studio JSON export is a list of tasks")
    ctx, users, seen_ls_ids = _Context(project), _Users(project, summary), set()
    chunks: queue.Queue = queue.Queue(maxsize=2)

    def planner():
        """Plan chunk after chunk while the main thread writes the previous one (the database's work
        and this thread's parsing overlap: psycopg releases the GIL while it waits)."""
        try:
            for start in range(0, len(tasks), batch_tasks):
                chunk = tasks[start : start + batch_tasks]
                tasks[start : start + batch_tasks] = [None] * len(chunk)  # free the parsed JSON as we go
                chunks.put(
                    _plan(
                        ctx,
                        chunk,
                        start,
                        include_ground_truth=include_ground_truth,
                        ls_users=ls_users or {},
                        summary=summary,
                        seen_ls_ids=seen_ls_ids,
                    )
                )
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread, which raises it
            chunks.put(exc)
        finally:
            chunks.put(None)

    thread = threading.Thread(target=planner, name="label-studio-import-planner", daemon=True)
    thread.start()
    seen_pairs: set[tuple[int, int]] = set()
    try:
        while (item := chunks.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            planned, predictions = item
            known = users.resolve(planned)
            unique = []
            for p in planned:
                pair = (p.task_id, known[p.who])
                if pair in seen_pairs:
                    summary.refused.append(
                        Refused(
                            p.where,
                            "completed_by",
                            "a second annotation by the same person on this task; the first one is imported",
                        )
                    )
                    continue
                seen_pairs.add(pair)
                unique.append(p)
            write.write_batch(
                project=project,
                planned=unique,
                predictions=predictions,
                users=known,
                changed_by=user,
                ls_project_id=ls_project_id,
                summary=summary,
            )
    finally:
        while thread.is_alive():  # on an error, let the planner finish (it only ever blocks on put)
            with contextlib.suppress(queue.Empty):
                chunks.get(timeout=0.1)
        thread.join()
    if ls_project_id is not None and complete_export:
        summary.deleted = write.delete_unlinked(project=project, ls_project_id=ls_project_id, keep=seen_ls_ids)
    write.announce(project)
    return summary
