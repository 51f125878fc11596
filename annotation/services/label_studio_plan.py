"""Planning a Label Studio import: each task and annotation of the file checked on its own (task
found, text unchanged, registry names known, spans valid, no duplicate actor + claim) and turned into
what label_studio_write stores, or a Refused entry in the report.

The registries and tasks are read once (_Context); the planning itself is plain Python, and runs in
label_studio_import's planning thread.
"""

from dataclasses import dataclass

from ..label_studio_format import GOLD, LabelStudioFormatError
from ..label_studio_read import parse_annotation, parse_prediction
from ..models import Actor, Claim, Project, RegistryStatus, StanceLabel, Task
from .label_studio_report import Refused


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
    planned, predictions = [], []
    for i, item in enumerate(tasks, start=offset):
        ref = f"#{i}" + (f" (id {item.get('id')})" if isinstance(item, dict) and item.get("id") is not None else "")
        if not isinstance(item, dict) or not isinstance(item.get("data"), dict):
            summary.refused.append(Refused(ref, "data", "each task needs a 'data' object"))
            continue
        anns = item.get("annotations") or []
        task, problem = _task_of(item, ref, ctx.by_task, ctx.by_paragraph, ctx.project)
        if problem or not isinstance(anns, list):
            fld, reason = problem or ("annotations", "must be a list")
            summary.refused.append(
                Refused(ref, fld, reason + f" ({len(anns) if isinstance(anns, list) else 0} annotations not imported)")
            )
            continue
        summary.tasks += 1
        meta = item.get("meta") if isinstance(item.get("meta"), dict) else {}
        meta_who = (meta.get("standpoint") or {}).get("annotators") or {}
        for j, ann in enumerate(anns):
            one = _plan_annotation(
                ann,
                f"annotations[{j}]",
                ref,
                task,
                ctx.regs,
                meta_who,
                include_ground_truth,
                ls_users,
                summary,
                seen_ls_ids,
            )
            if one is not None:
                planned.append(one)
        predictions += _plan_predictions(item, ref, task, ctx.regs, summary)
    return planned, predictions


def _plan_annotation(ann, where, ref, task, regs, meta_who, include_ground_truth, ls_users, summary, seen_ls_ids):
    """One annotation of a found task: Planned, or None when it is skipped or refused (counted in
    ``summary``)."""
    task_id, text = task
    if not isinstance(ann, dict):
        summary.refused.append(Refused(ref, where, "must be an object"))
        return None
    if isinstance(ann.get("id"), int):
        seen_ls_ids.add(ann["id"])
    if ann.get("was_cancelled"):
        summary.skipped_cancelled += 1
        return None
    who = _identity(ann, meta_who, ls_users)
    is_gold = who == f"pseudonym:{GOLD}" or (ann.get("ground_truth") and not meta_who)
    if is_gold and not include_ground_truth:
        summary.skipped_ground_truth += 1
        return None
    if ann.get("_refused"):
        summary.refused.append(Refused(ref, f"{where}.result", ann["_refused"]))
        return None
    if who is None:
        summary.refused.append(Refused(ref, f"{where}.completed_by", "missing annotator"))
        return None
    try:
        parsed = parse_annotation(ann.get("result"), text=text, task=ref, where=where)
    except LabelStudioFormatError as exc:
        summary.refused.append(Refused(ref, exc.field, exc.message))
        return None
    summary.ignored_regions += parsed.ignored_regions
    clean, problem = _resolve(parsed, regs, text)
    if problem:
        summary.refused.append(Refused(ref, f"{where}.{problem[0]}", problem[1]))
        return None
    if not clean and not parsed.no_statement:
        reason = (
            "only untouched pre-label regions, no statement and no 'no statement' choice"
            if parsed.ignored_regions
            else "no statement and no 'no statement' choice"
        )
        summary.refused.append(Refused(ref, f"{where}.result", reason))
        return None
    return Planned(
        task_id,
        who,
        ann.get("id") if isinstance(ann.get("id"), int) else None,
        parsed.no_statement and not clean,
        clean,
        f"{ref} {where}",
    )


def _plan_predictions(item, ref, task, regs, summary) -> list[PlannedPredictions]:
    """The task's predictions whose suggestions all name this project's actors, claims and stances;
    the others refused in ``summary``."""
    task_id, text = task
    out = []
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
            out.append(PlannedPredictions(task_id, name, version, rows))
    return out
