"""Label Studio interoperability: import a Label Studio JSON export back into a project, and push
tasks (with pre-labels) to / pull annotations from a Label Studio server.

The only module that talks to Label Studio through `label_studio_sdk`'s client. The task format
(config, regions, inverse parsing) is plain Python in `exports.builders.label_studio`, shared with
the dataset export, so what we export is exactly what we import.

Import is all-or-nothing: every task and annotation is parsed and checked first; the first
problem raises `LabelStudioImportError` naming the task and the field at fault, and nothing is
written. Annotations are then written through `annotation_submit` (same validation, history and
submission counts as the workspace) inside one transaction.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from exports.builders.label_studio import (LabelStudioFormatError, label_config, statements_from_result,
                                           task_for_row, validate_config)

from .models import Actor, Annotation, Claim, Prediction, Project, ProjectMembership, Role, StanceLabel, Task
from .services.annotations import annotation_submit
from .services.exceptions import ConflictError, StatementsInvalid

PUSH_BATCH = 500


class LabelStudioImportError(LabelStudioFormatError):
    """A Label Studio file that cannot be imported; `task` and `field` say where."""


class LabelStudioNotConfigured(Exception):
    pass


@dataclass
class ImportSummary:
    tasks: int = 0
    annotations: int = 0
    statements: int = 0
    skipped_ground_truth: int = 0
    skipped_cancelled: int = 0
    users_created: list[str] = field(default_factory=list)


@dataclass
class _Planned:
    task: Task
    who: str
    no_statement: bool
    statements: list[dict]


def project_label_config(project: Project) -> str:
    """The labelling config for a project's registries (same as the export's), validated by the SDK."""
    config = label_config(
        actors=list(Actor.objects.filter(project=project).order_by("name", "id").values_list("name", flat=True)),
        claims=list(Claim.objects.filter(project=project).order_by("text", "id").values_list("text", flat=True)),
        stances=list(StanceLabel.objects.filter(project=project).order_by("order", "id").values_list("value", flat=True)))
    validate_config(config)
    return config


def _load(source) -> list:
    if isinstance(source, Path):
        source = source.read_bytes()
    if isinstance(source, (bytes, str)):
        try:
            source = json.loads(source)
        except ValueError as exc:
            raise LabelStudioImportError("-", "(file)", f"not valid JSON: {exc}") from None
    if not isinstance(source, list):
        raise LabelStudioImportError("-", "(file)", "a Label Studio JSON export is a list of tasks")
    return source


def _who(completed_by) -> str:
    if isinstance(completed_by, dict):
        completed_by = completed_by.get("email") or completed_by.get("username") or completed_by.get("id")
    if completed_by is None or completed_by == "":
        raise ValueError("missing")
    return str(completed_by)


def _plan(project: Project, tasks: list, *, include_ground_truth: bool, summary: ImportSummary) -> list[_Planned]:
    by_task = {t.pk: t for t in Task.objects.filter(project=project).select_related("paragraph")}
    by_paragraph = {t.paragraph_id: t for t in by_task.values()}
    actors = dict(Actor.objects.filter(project=project).values_list("name", "id"))
    claims = dict(Claim.objects.filter(project=project).values_list("text", "id"))
    stances = set(StanceLabel.objects.filter(project=project).values_list("value", flat=True))
    planned: list[_Planned] = []
    for i, item in enumerate(tasks):
        ref = f"#{i}" + (f" (id {item.get('id')})" if isinstance(item, dict) and item.get("id") is not None else "")
        if not isinstance(item, dict) or not isinstance(item.get("data"), dict):
            raise LabelStudioImportError(ref, "data", "each task needs a 'data' object")
        data = item["data"]
        task = by_task.get(data.get("task_id")) if isinstance(data.get("task_id"), int) else None
        if task is None and isinstance(data.get("paragraph_id"), int):
            task = by_paragraph.get(data["paragraph_id"])
        if task is None:
            raise LabelStudioImportError(ref, "data.task_id", f"no task of project {project.name!r} has task_id "
                                         f"{data.get('task_id')!r} or paragraph_id {data.get('paragraph_id')!r}")
        text = task.paragraph.text
        if data.get("text") != text:
            raise LabelStudioImportError(ref, "data.text", "differs from the paragraph's text, so offsets cannot be trusted")
        annotations = item.get("annotations", [])
        if not isinstance(annotations, list):
            raise LabelStudioImportError(ref, "annotations", "must be a list")
        summary.tasks += 1
        for j, ann in enumerate(annotations):
            where = f"annotations[{j}]"
            if not isinstance(ann, dict):
                raise LabelStudioImportError(ref, where, "must be an object")
            if ann.get("was_cancelled"):
                summary.skipped_cancelled += 1
                continue
            if ann.get("ground_truth") and not include_ground_truth:
                summary.skipped_ground_truth += 1
                continue
            try:
                who = _who(ann.get("completed_by"))
            except ValueError:
                raise LabelStudioImportError(ref, f"{where}.completed_by", "missing annotator") from None
            try:
                no_statement, statements = statements_from_result(ann.get("result"), text=text, task=ref, where=where)
            except LabelStudioFormatError as exc:
                raise LabelStudioImportError(exc.task, exc.field, exc.message) from None
            resolved = []
            for k, s in enumerate(statements):
                here = f"{where}.result (statement {k})"
                if s["actor"] is not None and s["actor"] not in actors:
                    raise LabelStudioImportError(ref, f"{here}.actor_ref", f"unknown actor {s['actor']!r}")
                if s["claim"] not in claims:
                    raise LabelStudioImportError(ref, f"{here}.claim", f"unknown claim {s['claim']!r}")
                if s["stance"] not in stances:
                    raise LabelStudioImportError(ref, f"{here}.stance", f"unknown stance {s['stance']!r}")
                resolved.append({"actor_role": s["actor_role"], "actor": actors.get(s["actor"]),
                                 "actor_start": s["actor_start"], "actor_end": s["actor_end"],
                                 "claim": claims[s["claim"]], "stance": s["stance"],
                                 "evidence_start": s["evidence_start"], "evidence_end": s["evidence_end"],
                                 "note": s["note"]})
            if not resolved and not no_statement:
                raise LabelStudioImportError(ref, f"{where}.result", "no statement and no 'no statement' choice")
            planned.append(_Planned(task=task, who=who, no_statement=no_statement and not resolved, statements=resolved))
    return planned


def _user_for(project: Project, who: str, members: dict, summary: ImportSummary):
    """A project member whose username or email is `who`; otherwise a placeholder annotator account
    (inactive, no usable password) named after the Label Studio annotator."""
    if who in members:
        return members[who]
    User = get_user_model()
    username = "ls-" + re.sub(r"[^\w.@+-]", "-", who)[:140]
    user, created = User.objects.get_or_create(username=username, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        summary.users_created.append(username)
    ProjectMembership.objects.get_or_create(project=project, user=user, defaults={"role": Role.ANNOTATOR})
    members[who] = user
    return user


def label_studio_import(*, project: Project, source, user=None, include_ground_truth: bool = False) -> ImportSummary:
    """Import a Label Studio JSON export (list of tasks) made with our config as submitted annotations.

    Atomic: raises LabelStudioImportError (task and field named) and writes nothing on any problem.
    Idempotent: importing the same file again replaces each annotator's statements with the same ones.
    """
    summary = ImportSummary()
    tasks = _load(source)
    planned = _plan(project, tasks, include_ground_truth=include_ground_truth, summary=summary)
    members = {}
    for m in ProjectMembership.objects.filter(project=project).select_related("user"):
        members[m.user.username] = m.user
        if m.user.email:
            members.setdefault(m.user.email, m.user)
    with transaction.atomic():
        for item in planned:
            annotator = _user_for(project, item.who, members, summary)
            annotation, _ = Annotation.objects.get_or_create(task=item.task, annotator=annotator)
            try:
                annotation_submit(annotation=annotation, user=user or annotator, revision=None,
                                  statements=item.statements, no_statement=item.no_statement)
            except (StatementsInvalid, ConflictError) as exc:
                detail = exc.messages if isinstance(exc, StatementsInvalid) else [str(exc)]
                raise LabelStudioImportError(f"task_id {item.task.pk}", f"annotations (by {item.who})",
                                             "; ".join(detail)) from None
            summary.annotations += 1
            summary.statements += len(item.statements)
    return summary


# ------------------------------------------------------------------------------------------------
# Talking to a Label Studio server

def ls_client(*, url: str | None = None, api_key: str | None = None):
    url = url or getattr(settings, "LABEL_STUDIO_URL", None)
    api_key = api_key or getattr(settings, "LABEL_STUDIO_API_KEY", None)
    if not url or not api_key:
        raise LabelStudioNotConfigured("Set LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY (or pass --url and --api-key).")
    from label_studio_sdk.client import LabelStudio

    return LabelStudio(base_url=url.rstrip("/"), api_key=api_key)


def _task_rows(project: Project):
    """Every task of the project as an export-like row with its pre-labels, streamed in chunks."""
    actors = dict(Actor.objects.filter(project=project).values_list("id", "name"))
    claims = dict(Claim.objects.filter(project=project).values_list("id", "text"))
    stances = dict(StanceLabel.objects.filter(project=project).values_list("id", "value"))
    tasks = (Task.objects.filter(project=project).select_related("paragraph__article").order_by("order", "id")
             .iterator(chunk_size=PUSH_BATCH))
    batch = []
    for task in tasks:
        batch.append(task)
        if len(batch) >= PUSH_BATCH:
            yield from _rows_for(batch, actors, claims, stances)
            batch = []
    yield from _rows_for(batch, actors, claims, stances)


def _rows_for(tasks, actors, claims, stances):
    preds: dict[int, list] = {}
    for p in Prediction.objects.filter(task__in=tasks).order_by("task_id", "kind", "model_name", "start", "id"):
        preds.setdefault(p.task_id, []).append({
            "kind": p.kind, "model": p.model_name, "model_version": p.model_version, "score": p.score,
            "actor_id": p.actor_id, "actor": actors.get(p.actor_id), "start": p.start, "end": p.end,
            "surface": p.surface, "claim_id": p.claim_id, "claim": claims.get(p.claim_id),
            "stance": stances.get(p.stance_id)})
    for t in tasks:
        par, art = t.paragraph, t.paragraph.article
        yield {"id": par.pk, "task_id": t.pk, "text": par.text, "position": par.position, "split": "",
               "article": {"id": art.pk, "title": art.title}, "gold": {"method": None, "no_statement": False},
               "statements": [], "predictions": preds.get(t.pk, [])}


def label_studio_push(*, project: Project, client=None, ls_project_id: int | None = None) -> dict:
    """Create (or reuse) a Label Studio project with our config and import every task with its
    pre-labels as predictions, in batches. Returns {"ls_project_id", "tasks"}."""
    client = client or ls_client()
    if ls_project_id is None:
        created = client.projects.create(title=f"Standpoint: {project.name}"[:50], label_config=project_label_config(project),
                                         description=project.description or "")
        ls_project_id = created.id
    ids = iter(range(1, 1 << 62))
    sent, batch = 0, []
    for row in _task_rows(project):
        task = task_for_row(row, annotation_ids=ids)
        task.pop("id")
        task.pop("annotations")
        batch.append(task)
        if len(batch) >= PUSH_BATCH:
            client.projects.import_tasks(id=ls_project_id, request=batch)
            sent, batch = sent + len(batch), []
    if batch:
        client.projects.import_tasks(id=ls_project_id, request=batch)
        sent += len(batch)
    return {"ls_project_id": ls_project_id, "tasks": sent}


def label_studio_pull(*, project: Project, ls_project_id: int, client=None, user=None) -> ImportSummary:
    """Download the Label Studio project's JSON export and import its annotations (atomically)."""
    client = client or ls_client()
    chunks = b"".join(client.projects.exports.download_sync(id=ls_project_id, export_type="JSON",
                                                            download_all_tasks=False))
    return label_studio_import(project=project, source=chunks, user=user)
