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

Fast: the checks run in Python against registries read once (`label_studio_plan`; the people are
resolved by `label_studio_users`); the writes go in batches (`label_studio_write`), a transaction per
batch. Idempotent: an annotation identical to the stored one is left alone (no history entry); a
changed one is an edit with its history entry.
"""

import contextlib
import gc
import queue
import threading

from ..label_studio_format import LabelStudioFormatError
from ..label_studio_read import load_tasks
from ..models import Project
from . import label_studio_write as write
from .label_studio_plan import _Context, _plan
from .label_studio_report import ImportSummary, Refused
from .label_studio_users import _Users

BATCH_TASKS = 1000


class LabelStudioImportError(LabelStudioFormatError):
    """A file that cannot be imported at all; `task` and `field` say where."""


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
    """One import: a planning thread checks chunk after chunk (_plan) while this thread resolves the
    people, refuses a second annotation by the same person on a task and writes each chunk.

    Kept as one function: the planner closure and the writing loop share the queue, the thread, the
    summary and the seen Label Studio ids, and the ``finally`` must drain the queue the planner fills."""
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
