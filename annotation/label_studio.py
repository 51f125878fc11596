"""Label Studio interoperability: push a project's tasks (with submitted annotations and pre-labels)
to a Label Studio server, pull its annotations back, and import Label Studio export files.

The only module that talks to Label Studio through `label_studio_sdk`'s client. The task format is
plain Python (`label_studio_format` writes, `label_studio_read` reads), shared with the dataset
export; the import itself is `services.label_studio_import`.

Users: Label Studio identifies people by numeric id and e-mail. A push sends an annotation as its
Standpoint author's Label Studio id when a Label Studio user has that person's e-mail, and otherwise
as the pushing user's, with the author's pseudonym in the task's meta; a pull resolves Label
Studio's ids to e-mails through its users API and matches them to Standpoint users by e-mail.
"""

import html

import orjson
from django.conf import settings

from .label_studio_format import LabelStudioFormatError, label_config, task_for_row, validate_config
from .models import Actor, Annotation, Claim, Prediction, Project, StanceLabel, Statement, Task
from .pseudonyms import annotator_pseudonym
from .services.label_studio_import import ImportSummary, LabelStudioImportError, Refused, label_studio_import

__all__ = [
    "ImportSummary",
    "LabelStudioFormatError",
    "LabelStudioImportError",
    "LabelStudioNotConfigured",
    "Refused",
    "label_studio_import",
    "label_studio_pull",
    "label_studio_push",
    "ls_client",
    "project_label_config",
]

PUSH_BATCH = 500


class LabelStudioNotConfigured(Exception):
    pass


def project_label_config(project: Project) -> str:
    """The labelling config for a project's registries (same as the export's), validated by the SDK."""
    config = label_config(
        actors=list(
            Actor.objects.filter(project=project)
            .exclude(status="merged")
            .order_by("name", "id")
            .values_list("name", flat=True)
        ),
        claims=list(
            Claim.objects.filter(project=project)
            .exclude(status="merged")
            .order_by("text", "id")
            .values_list("text", flat=True)
        ),
        stances=list(
            StanceLabel.objects.filter(project=project).order_by("order", "id").values_list("value", flat=True)
        ),
    )
    validate_config(config)
    return config


def ls_client(*, url: str | None = None, api_key: str | None = None):
    url = url or getattr(settings, "LABEL_STUDIO_URL", None)
    api_key = api_key or getattr(settings, "LABEL_STUDIO_API_KEY", None)
    if not url or not api_key:
        raise LabelStudioNotConfigured("Set LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY (or pass --url and --api-key).")
    from label_studio_sdk.client import LabelStudio

    return LabelStudio(base_url=url.rstrip("/"), api_key=api_key)


def ls_users(client) -> dict[int, str]:
    """{Label Studio user id: e-mail}, from its users API."""
    return {u.id: (u.email or "") for u in client.users.list()}


def _export(client, ls_project_id: int) -> list:
    """Every task of the Label Studio project with its annotations (its own JSON export)."""
    raw = b"".join(client.projects.exports.download_sync(id=ls_project_id, export_type="JSON", download_all_tasks=True))
    return orjson.loads(raw or b"[]")


# ------------------------------------------------------------------------------------------------ push


def _statement_rows(annotation_ids, actors, claims, stances):
    out: dict[int, list] = {}
    for s in Statement.objects.filter(annotation_id__in=annotation_ids).order_by("annotation_id", "position", "id"):
        out.setdefault(s.annotation_id, []).append(
            {
                "actor_role": s.actor_role,
                "actor": actors.get(s.actor_id),
                "actor_start": s.actor_start,
                "actor_end": s.actor_end,
                "claim": claims.get(s.claim_id),
                "stance": stances.get(s.stance_id),
                "evidence_start": s.evidence_start,
                "evidence_end": s.evidence_end,
                "note": s.note,
            }
        )
    return out


def _rows(project: Project, tasks: list[Task], regs) -> list[dict]:
    """Export-like rows for these tasks: submitted annotations and pre-labels (no gold: that stays ours)."""
    actors, claims, stances = regs
    preds: dict[int, list] = {}
    for p in Prediction.objects.filter(task__in=tasks).order_by("task_id", "kind", "model_name", "start", "id"):
        preds.setdefault(p.task_id, []).append(
            {
                "kind": p.kind,
                "model": p.model_name,
                "model_version": p.model_version,
                "score": p.score,
                "actor_id": p.actor_id,
                "actor": actors.get(p.actor_id),
                "start": p.start,
                "end": p.end,
                "surface": p.surface,
                "claim_id": p.claim_id,
                "claim": claims.get(p.claim_id),
                "stance": stances.get(p.stance_id),
            }
        )
    anns: dict[int, list] = {}
    submitted = list(
        Annotation.objects.filter(task__in=tasks, status=Annotation.Status.SUBMITTED)
        .select_related("annotator")
        .order_by("task_id", "id")
    )
    statements = _statement_rows([a.pk for a in submitted], actors, claims, stances)
    for a in submitted:
        anns.setdefault(a.task_id, []).append(a)
    rows = []
    for t in tasks:
        par, art = t.paragraph, t.paragraph.article
        rows.append(
            (
                {
                    "id": par.pk,
                    "task_id": t.pk,
                    "text": par.text,
                    "position": par.position,
                    "split": "",
                    "article": {"id": art.pk, "title": art.title},
                    "gold": {"method": None, "no_statement": False},
                    "statements": [],
                    "annotations": [],
                    "predictions": preds.get(t.pk, []),
                },
                [(a, statements.get(a.pk, [])) for a in anns.get(t.pk, [])],
            )
        )
    return rows


def _ls_annotations(project: Project, row: dict, annotations, emails: dict[str, int]) -> list[dict]:
    from .label_studio_format import result_for_statements

    out = []
    for a, statements in annotations:
        body = {
            "id": a.pk,
            "ground_truth": False,
            "was_cancelled": False,
            "result": result_for_statements(row["text"], statements, a.no_statement),
        }
        ls_id = emails.get((a.annotator.email or "").lower())
        if ls_id is not None:
            body["completed_by"] = ls_id
        out.append(body)
    return out


def _guidelines_html(project: Project) -> str:
    """Label Studio shows `expert_instruction` as HTML: send the Markdown as escaped, preformatted text."""
    return f'<div style="white-space: pre-wrap">{html.escape(project.guidelines or "")}</div>'


def label_studio_push(*, project: Project, client=None, ls_project_id: int | None = None) -> dict:
    """Create (or update) the Label Studio project: our config, k as `maximum_annotations`, the
    guidelines as its instructions; then send every task with its submitted annotations and
    pre-labels. A task already in that Label Studio project (same `task_id`) is not sent again: its
    data and meta are updated, and only annotations and pre-label models it lacks are added.
    Returns {"ls_project_id", "tasks" (new), "updated", "annotations", "predictions"}."""
    client = client or ls_client()
    settings_ = {
        "label_config": project_label_config(project),
        "maximum_annotations": project.annotators_per_task,
        "expert_instruction": _guidelines_html(project),
        "show_instruction": bool(project.guidelines),
        "description": project.description or "",
    }
    if ls_project_id is None:
        ls_project_id = client.projects.create(title=f"Standpoint: {project.name}"[:50], **settings_).id
        existing = {}
    else:
        client.projects.update(id=ls_project_id, **settings_)
        existing = {
            t["data"].get("task_id"): t for t in _export(client, ls_project_id) if isinstance(t.get("data"), dict)
        }
        versions: dict[int, set] = {}
        for p in client.predictions.list(project=ls_project_id):  # the export lists predictions by id only
            versions.setdefault(p.task, set()).add(p.model_version)
        for t in existing.values():
            t["prediction_versions"] = versions.get(t["id"], set())
    emails = {e.lower(): i for i, e in ls_users(client).items() if e}
    regs = (
        dict(Actor.objects.filter(project=project).values_list("id", "name")),
        dict(Claim.objects.filter(project=project).values_list("id", "text")),
        dict(StanceLabel.objects.filter(project=project).values_list("id", "value")),
    )
    counts = {"ls_project_id": ls_project_id, "tasks": 0, "updated": 0, "annotations": 0, "predictions": 0}
    tasks = Task.objects.filter(project=project).select_related("paragraph__article").order_by("order", "id")
    batch: list[dict] = []
    ids = iter(range(1, 1 << 62))
    for start in range(0, tasks.count(), PUSH_BATCH):
        for row, annotations in _rows(project, list(tasks[start : start + PUSH_BATCH]), regs):
            task = task_for_row(row, annotation_ids=ids)
            task.pop("id")
            task["annotations"] = _ls_annotations(project, row, annotations, emails)
            task["meta"] = {
                "standpoint": {
                    "annotators": {str(a.pk): annotator_pseudonym(project.pk, a.annotator_id) for a, _ in annotations},
                    "gold_method": None,
                }
            }
            old = existing.get(row["task_id"])
            if old is None:
                batch.append(task)
                counts["annotations"] += len(task["annotations"])
                counts["predictions"] += len(task.get("predictions", []))
            else:
                _update_task(client, old, task, counts)
        if len(batch) >= PUSH_BATCH:
            client.projects.import_tasks(id=ls_project_id, request=batch)
            counts["tasks"], batch = counts["tasks"] + len(batch), []
    if batch:
        client.projects.import_tasks(id=ls_project_id, request=batch)
        counts["tasks"] += len(batch)
    return counts


def _update_task(client, old: dict, task: dict, counts: dict) -> None:
    """Re-push of a task Label Studio has: update its data and meta, add what it lacks."""
    meta = dict(old.get("meta") or {})
    known = dict((meta.get("standpoint") or {}).get("annotators") or {})
    known.update(task["meta"]["standpoint"]["annotators"])
    meta["standpoint"] = {"annotators": known, "gold_method": None}
    client.tasks.update(id=str(old["id"]), data=task["data"], meta=meta)
    olds = old.get("annotations") or []
    have = {a.get("import_id") for a in olds} | {a.get("id") for a in olds}
    for ann in task["annotations"]:
        if ann["id"] in have:
            continue
        client.annotations.create(
            id=old["id"],
            result=ann["result"],
            ground_truth=False,
            import_id=ann["id"],
            **({"completed_by": ann["completed_by"]} if "completed_by" in ann else {}),
        )
        counts["annotations"] += 1
    for pred in task.get("predictions", []):
        if pred["model_version"] not in old["prediction_versions"]:
            client.predictions.create(
                task=old["id"], result=pred["result"], score=pred["score"], model_version=pred["model_version"]
            )
            counts["predictions"] += 1
    counts["updated"] += 1


# ------------------------------------------------------------------------------------------------ pull


def label_studio_pull(*, project: Project, ls_project_id: int, client=None, user=None) -> ImportSummary:
    """Import the Label Studio project's annotations (its JSON export of every task), its users
    resolved by e-mail. Annotations deleted there since the last pull are deleted here."""
    client = client or ls_client()
    return label_studio_import(
        project=project,
        source=orjson.dumps(_export(client, ls_project_id)),
        user=user,
        ls_users=ls_users(client),
        ls_project_id=ls_project_id,
        complete_export=True,
    )
