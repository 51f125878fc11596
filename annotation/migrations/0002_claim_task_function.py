"""standpoint_claim_task(): the task claim as one PostgreSQL function call (annotation.services.assignment).

Next task is the call annotators make most. As separate statements, a claim was the look for a live
lease, BEGIN, the candidate lock, the re-count and lease, COMMIT: five round trips. As a function it
is one, with the same rules:

  * the annotator's own active (or reopened), unexpired lease in the project is resumed first, the
    newest if there are several (one they reopened: migration 0010 installs this);
  * candidates in article order (or most uncertain first, then unscored in article order), skipping
    tasks already at k (submitted + other annotators' live leases), done, skipped or reopened by this annotator,
    or tried in this call; FOR UPDATE SKIP LOCKED first, then, only if that finds none, waiting for a
    locked one rather than reporting that nothing is left. The waiting pass picks its candidate
    without a lock and then waits for that row by id: a FOR UPDATE that waits re-checks its WHERE on
    the row's new version but with the statement's old snapshot of annotation_assignment, so a
    submission committed meanwhile would be counted twice (in submitted_count and as the submitter's
    still-live lease) and the last task with room would be missed (migration 0004 installs this);
  * the re-count under the lock runs as its own statement, and in a VOLATILE function each statement
    takes a new snapshot (READ COMMITTED), so it sees leases committed by whoever held the lock before;
  * then the lease (or the annotator's own expired one, revived) and the draft annotation, committed
    without waiting for the WAL flush (a lease is soft state; submits keep synchronous commit).

Returns one row (task_id, assignment_id, leased_at, expires_at), or none when nothing is left.
On SQLite (the demo) nothing is created; the service uses its Python path there.
"""

from django.db import migrations

CLAIM_FUNCTION = r"""
CREATE OR REPLACE FUNCTION standpoint_claim_task(p_project bigint, p_user bigint, p_k integer, p_now timestamptz,
                                                 p_expires timestamptz, p_uncertainty_first boolean,
                                                 p_max_attempts integer)
RETURNS TABLE (task_id bigint, assignment_id bigint, leased_at timestamptz, expires_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $fn$
#variable_conflict use_column
DECLARE
    tried bigint[] := '{}';
    cand bigint;
    has_room boolean;
    has_row boolean;
    new_id bigint;
    waiting boolean;
BEGIN
    -- A lease is soft state: if PostgreSQL crashed in the moment after this commit, the annotator would
    -- just ask again. So this transaction does not wait for its WAL flush, which also frees the task's
    -- row lock sooner for whoever submits on it. (Submits keep synchronous commit: they are never lost.)
    PERFORM set_config('synchronous_commit', 'off', true);
    -- the annotator's own live lease in this project comes first (the newest: one they reopened)
    RETURN QUERY SELECT a.task_id, a.id, a.leased_at, a.expires_at
        FROM annotation_assignment a JOIN annotation_task t ON t.id = a.task_id
        WHERE a.annotator_id = p_user AND t.project_id = p_project AND a.status IN ('active', 'reopened')
          AND a.expires_at > p_now
        ORDER BY a.leased_at DESC LIMIT 1;
    IF FOUND THEN
        RETURN;
    END IF;
    FOR attempt IN 1..p_max_attempts LOOP
        cand := NULL;
        -- The four candidate queries differ only in their scope, order and SKIP LOCKED. They are
        -- generated from one template (CANDIDATE, below) into static SQL, because plpgsql caches the
        -- plan of static SQL only (dynamic SQL is planned on every call, ~1 ms) and each order must
        -- match its index.
        FOREACH waiting IN ARRAY ARRAY[false, true] LOOP
            EXIT WHEN cand IS NOT NULL;
            IF p_uncertainty_first THEN
                -- scored tasks, most uncertain first (index task_next_by_uncertainty)
                IF waiting THEN
                    @UNCERTAIN_WAIT@
                ELSE
                    @UNCERTAIN_SKIP@
                END IF;
                CONTINUE WHEN cand IS NOT NULL;
            END IF;
            -- article order (for uncertainty projects: the tasks without a score)
            IF waiting THEN
                @ARTICLE_WAIT@
            ELSE
                @ARTICLE_SKIP@
            END IF;
        END LOOP;
        IF cand IS NULL THEN
            RETURN;
        END IF;

        -- the re-count, in a new snapshot now that we hold the task's lock
        SELECT (t.submitted_count + (SELECT count(*) FROM annotation_assignment a WHERE a.task_id = t.id
                    AND a.status = 'active' AND a.expires_at > p_now AND a.annotator_id <> p_user) < p_k)
               AND NOT EXISTS (SELECT 1 FROM annotation_assignment m WHERE m.task_id = t.id
                    AND m.annotator_id = p_user AND m.status IN ('submitted', 'skipped', 'reopened')),
               EXISTS (SELECT 1 FROM annotation_assignment x WHERE x.task_id = t.id AND x.annotator_id = p_user)
          INTO has_room, has_row
          FROM annotation_task t WHERE t.id = cand;
        IF NOT coalesce(has_room, false) THEN  -- filled up (or gone) between our snapshot and our lock
            tried := tried || cand;
            CONTINUE;
        END IF;

        IF has_row THEN  -- an earlier lease of ours expired: take the same row again, keep the draft
            UPDATE annotation_assignment SET status = 'active', leased_at = p_now, expires_at = p_expires,
                   finished_at = NULL
             WHERE annotation_assignment.task_id = cand AND annotator_id = p_user
            RETURNING id INTO new_id;
            UPDATE annotation_annotation SET assignment_id = new_id
             WHERE annotation_annotation.task_id = cand AND annotator_id = p_user;
        ELSE
            INSERT INTO annotation_assignment (task_id, annotator_id, status, leased_at, expires_at)
            VALUES (cand, p_user, 'active', p_now, p_expires) RETURNING id INTO new_id;
        END IF;
        INSERT INTO annotation_annotation (task_id, annotator_id, assignment_id, status, no_statement, time_spent_ms,
                                           revision, created_at, updated_at)
        VALUES (cand, p_user, new_id, 'draft', false, 0, 0, p_now, p_now)
        ON CONFLICT ON CONSTRAINT annotation_unique_annotator DO NOTHING;
        task_id := cand;
        assignment_id := new_id;
        leased_at := p_now;
        expires_at := p_expires;
        RETURN NEXT;
        RETURN;
    END LOOP;
END
$fn$;
"""

# One candidate query: the next task that still needs this annotator, locked.
CANDIDATE = """SELECT t.id INTO cand FROM annotation_task t
WHERE t.project_id = p_project AND NOT t.is_complete AND {scope}
  AND t.submitted_count + (SELECT count(*) FROM annotation_assignment a WHERE a.task_id = t.id
      AND a.status = 'active' AND a.expires_at > p_now AND a.annotator_id <> p_user) < p_k
  AND NOT EXISTS (SELECT 1 FROM annotation_assignment m WHERE m.task_id = t.id
      AND m.annotator_id = p_user AND m.status IN ('submitted', 'skipped', 'reopened'))
  AND NOT (t.id = ANY(tried))
ORDER BY {order} LIMIT 1{lock}"""
SKIP_LOCK = " FOR UPDATE OF t SKIP LOCKED;"
WAIT_LOCK = """;
IF cand IS NOT NULL THEN
    PERFORM 1 FROM annotation_task t WHERE t.id = cand FOR UPDATE OF t;
END IF;"""
SCOPES = {
    "UNCERTAIN": ("t.uncertainty IS NOT NULL", 't.uncertainty DESC, t."order"'),
    "ARTICLE": ("(NOT p_uncertainty_first OR t.uncertainty IS NULL)", 't."order"'),
}


def candidate_queries(function: str) -> str:
    """The function's text with its four @SCOPE_WAIT@ / @SCOPE_SKIP@ slots filled from CANDIDATE."""
    for name, (scope, order) in SCOPES.items():
        for mode, lock in (("WAIT", WAIT_LOCK), ("SKIP", SKIP_LOCK)):
            slot = f"@{name}_{mode}@"
            indent = function[: function.index(slot)].rsplit("\n", 1)[1]
            query = CANDIDATE.format(scope=scope, order=order, lock=lock).replace("\n", "\n" + indent)
            function = function.replace(slot, query)
    return function


CLAIM_FUNCTION = candidate_queries(CLAIM_FUNCTION)

DROP_FUNCTION = (
    "DROP FUNCTION IF EXISTS standpoint_claim_task(bigint, bigint, integer, timestamptz, timestamptz, boolean, integer)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CLAIM_FUNCTION)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("annotation", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
