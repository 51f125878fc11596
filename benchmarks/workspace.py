"""Annotation workspace under load: a real gunicorn server on PostgreSQL, driven over HTTP.

1. Builds sp_bench_workspace: one project with 100,000 paragraph tasks and k = 3 (articles and
   paragraphs by COPY, tasks by the real tasks_sync service), 216 annotators with API tokens.
2. Starts gunicorn (5 sync workers) on 127.0.0.1 and a separate load process (threads, one HTTP
   client each, token auth; a sync worker closes the connection after each response) that runs:
   a. realistic load: 200 annotators looping next-task -> submit with 1-3 s think time, 60 s
      (each starts at a random moment within the first 3 s);
   b. saturation: 16 annotators, no think time, 30 s;
   c. reference, same run: GET /api/projects/{id}/ by 16 threads, the floor of one API round trip.
3. Checks every invariant in the database (no task over k, no annotator twice on a task,
   submitted_count equals the real count, every acknowledged submit stored, none extra) and fails
   on any violation. Prints one JSON line at the end.

Run from the repo root: .venv/bin/python benchmarks/workspace.py
"""

import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection, RemoteDisconnected
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "sp_bench_workspace" + os.environ.get("BENCH_DB_SUFFIX", "")  # a suffix keeps parallel runs apart
DB_URL = f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}"
N_ARTICLES, PER_ARTICLE, K = 10_000, 10, 3
REALISTIC_USERS, REALISTIC_SECONDS = 200, float(os.environ.get("BENCH_REALISTIC_SECONDS", 60))
SATURATION_USERS, SATURATION_SECONDS = 16, float(os.environ.get("BENCH_SATURATION_SECONDS", 30))
REFERENCE_SECONDS = 8.0
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", 5))
THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", 1))
# sync workers: each request is accepted by whichever worker is free. gthread keeps each client's
# keep-alive connection on one worker, so 16 or 200 connections spread unevenly over 5 workers queue
# behind each other (measured: p50 16 ms but p95 180 ms at the same throughput).
WORKER_CLASS = os.environ.get("BENCH_GUNICORN_CLASS", "sync")
TARGETS = {"realistic_next_task_p95_ms": 50, "realistic_submit_p95_ms": 80, "saturation_pairs_per_s": 150}

ENV = {
    **os.environ,
    "DATABASE_URL": DB_URL,
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-not-secret",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DB_CONN_MAX_AGE": "600",
    "LOG_LEVEL": "WARNING",
}
ENV.pop("CELERY_BROKER_URL", None)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    idx = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[idx]


# ----------------------------------------------------------------------------- database and fixtures


def admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(sql)


def setup_django() -> None:
    os.environ.update(
        {
            k: v
            for k, v in ENV.items()
            if k in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DB_CONN_MAX_AGE", "LOG_LEVEL")
        }
    )
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build_fixtures() -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from annotation.models import Actor, ApiToken, Claim, ProjectMembership
    from annotation.models.token import token_key_hash
    from annotation.services.projects import project_create, tasks_sync
    from corpora.models import Corpus

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    t_migrate = time.perf_counter() - t0

    t0 = time.perf_counter()
    corpus = Corpus.objects.create(name="bench")
    text = (
        "Beijing said on Monday that the pipeline deal is good for Russia, while officials in Kyiv said "
        "the project would weaken European energy security and called for new sanctions."
    )
    with connection.cursor() as cur:
        raw = cur.connection
        with raw.cursor().copy(
            "COPY corpora_article (corpus_id, title, author, source_url, source_name, format, "
            "text, content_hash, language, encoding, created_at) FROM STDIN"
        ) as copy:
            for i in range(N_ARTICLES):
                copy.write_row(
                    (
                        corpus.pk,
                        f"Article {i}",
                        "",
                        "",
                        f"bench/{i}.txt",
                        "txt",
                        text,
                        f"h{i:064d}"[-64:],
                        "en",
                        "utf-8",
                        "2026-11-01T00:00:00Z",
                    )
                )
        cur.execute("SELECT id FROM corpora_article WHERE corpus_id = %s ORDER BY id", [corpus.pk])
        article_ids = [r[0] for r in cur.fetchall()]
        with raw.cursor().copy(
            "COPY corpora_paragraph (article_id, position, kind, kind_source, kind_reason, text, "
            "start, \"end\", text_hash, language, is_repeated) FROM STDIN"
        ) as copy:
            for aid in article_ids:
                for pos in range(PER_ARTICLE):
                    copy.write_row(
                        (
                            aid,
                            pos,
                            "body",
                            "auto",
                            "",
                            f"{text} ({aid}.{pos})",
                            0,
                            len(text),
                            f"{aid}-{pos}",
                            "en",
                            False,
                        )
                    )
        cur.execute("ANALYZE corpora_article; ANALYZE corpora_paragraph")
    t_copy = time.perf_counter() - t0

    User = get_user_model()
    password = make_password("pw")
    n_users = REALISTIC_USERS + SATURATION_USERS
    users = User.objects.bulk_create(User(username=f"a{i:03d}", password=password) for i in range(n_users))
    boss = User.objects.create(username="boss", password=password, is_staff=True)
    project = project_create(
        name="Workspace benchmark", created_by=boss, annotators_per_task=K, corpora=[corpus], lease_minutes=30
    )
    ProjectMembership.objects.bulk_create(ProjectMembership(project=project, user=u, role="annotator") for u in users)
    keys = [secrets.token_hex(20) for _ in range(len(users) + 1)]
    ApiToken.objects.bulk_create(
        ApiToken(user=u, name="benchmark", key_hash=token_key_hash(k), prefix=k[:8], created_at=timezone.now())
        for u, k in zip(users + [boss], keys, strict=True)
    )
    actor = Actor.objects.create(project=project, name="China", type="state")
    claim = Claim.objects.create(
        project=project, text="The pipeline deal is good", normalized="the pipeline deal is good"
    )

    t0 = time.perf_counter()
    result = tasks_sync(project=project)
    t_sync = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE annotation_task")
    assert result.total == N_ARTICLES * PER_ARTICLE, result
    return {
        "project": project.pk,
        "actor": actor.pk,
        "claim": claim.pk,
        "tokens": keys[:n_users],
        "boss": keys[-1],
        "text_len": len(text),
        "migrate_s": t_migrate,
        "copy_s": t_copy,
        "sync_s": t_sync,
        "tasks": result.total,
    }


# ----------------------------------------------------------------------------- the load process


class Client:
    def __init__(self, port: int, token: str):
        self.port, self.headers = (
            port,
            {"Authorization": f"Token {token}", "Content-Type": "application/json", "Connection": "keep-alive"},
        )
        self.conn = HTTPConnection("127.0.0.1", port, timeout=30)

    def reset(self) -> None:
        self.conn.close()
        self.conn = HTTPConnection("127.0.0.1", self.port, timeout=30)

    def call(self, method: str, path: str, body=None) -> tuple[int, dict | None, float]:
        """One request on the kept-alive connection. Reconnects once if the server had closed it; a
        timeout is not retried (a submit may have gone through), it raises."""
        data = json.dumps(body).encode() if body is not None else None
        for attempt in (1, 2):
            t0 = time.perf_counter()
            try:
                self.conn.request(method, path, body=data, headers=self.headers)
                resp = self.conn.getresponse()
                raw = resp.read()
            except (RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                self.conn = HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
                continue
            elapsed = (time.perf_counter() - t0) * 1000
            if resp.getheader("Connection", "").lower() == "close":
                self.conn.close()
            return resp.status, (json.loads(raw) if raw else None), elapsed
        raise AssertionError("unreachable")


def annotator_loop(client: Client, fx: dict, stop_at: float, think: tuple[float, float], out: dict, lock) -> None:
    rnd = random.Random()
    pid = fx["project"]
    local = {"next": [], "submit": [], "acks": [], "errors": [], "conflicts": 0, "empty": 0}

    def settle(annotation_id: int) -> None:
        """After a 409 or a timeout on submit, ask the server whether our submit went through."""
        check, row, _ = client.call("GET", f"/api/annotations/{annotation_id}/")
        if check == 200 and row["status"] == "submitted":
            local["acks"].append(row["id"])

    # Ramp-up: annotators start at random moments within one think time, as people do, instead of all
    # 200 asking for a task in the same millisecond (a burst no real team produces).
    time.sleep(rnd.uniform(0, think[1]))

    while time.perf_counter() < stop_at:
        try:
            status, ws, ms = client.call("POST", f"/api/projects/{pid}/next-task/")
        except TimeoutError:
            local["errors"].append("next-task timed out (30 s)")
            client.reset()
            continue
        if status == 204:
            local["empty"] += 1
            break
        if status != 200:
            local["errors"].append(f"next-task {status} {str(ws)[:200]}")
            break
        local["next"].append(ms)
        if think[1]:
            time.sleep(rnd.uniform(*think))
        ann = ws["annotation"]
        if rnd.random() < 0.5:
            body = {"revision": ann["revision"], "no_statement": True, "statements": [], "time_spent_ms": 2000}
        else:
            body = {
                "revision": ann["revision"],
                "time_spent_ms": 2000,
                "statements": [
                    {
                        "actor_role": "mention",
                        "actor": fx["actor"],
                        "actor_start": 0,
                        "actor_end": 7,
                        "claim": fx["claim"],
                        "stance": rnd.choice(["favor", "against", "neutral"]),
                    }
                ],
            }
        try:
            status, res, ms = client.call("POST", f"/api/annotations/{ann['id']}/submit/", body)
        except TimeoutError:
            local["errors"].append("submit timed out (30 s)")
            client.reset()
            settle(ann["id"])
            continue
        if status == 200:
            local["submit"].append(ms)
            local["acks"].append(res["id"])
        elif status == 409:
            local["conflicts"] += 1
            settle(ann["id"])
        else:
            local["errors"].append(f"submit {status} {str(res)[:200]}")
            break
    with lock:
        for key in ("next", "submit", "acks", "errors"):
            out[key].extend(local[key])
        out["conflicts"] += local["conflicts"]
        out["empty"] += local["empty"]


def cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by the server (gunicorn), PostgreSQL and this load process, from /proc:
    per-pair CPU is steadier than throughput on a shared machine."""
    out = {"server": 0.0, "postgres": 0.0, "load": 0.0}
    hz = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        used = (int(fields[11]) + int(fields[12])) / hz
        role = (
            "load"
            if int(pid) == os.getpid()
            else "server"
            if "gunicorn" in cmd
            else "postgres"
            if cmd.startswith("postgres") or "/postgres" in cmd
            else None
        )
        if role:
            out[role] += used
    return out


def run_phase(fx: dict, port: int, tokens: list[str], seconds: float, think: tuple[float, float]) -> dict:
    out = {"next": [], "submit": [], "acks": [], "errors": [], "conflicts": 0, "empty": 0}
    lock = threading.Lock()
    cpu_before = cpu_seconds()
    clients = [Client(port, t) for t in tokens]
    stop_at = time.perf_counter() + seconds
    t0 = time.perf_counter()
    threads = [
        threading.Thread(target=annotator_loop, args=(c, fx, stop_at, think, out, lock), daemon=True) for c in clients
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    out["wall_s"] = time.perf_counter() - t0
    cpu_after = cpu_seconds()
    out["cpu_s"] = {role: cpu_after[role] - cpu_before[role] for role in cpu_after}
    return out


def run_reference(fx: dict, port: int, tokens: list[str], seconds: float) -> dict:
    lat: list[float] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def loop(token):
        client, mine = Client(port, token), []
        while time.perf_counter() < stop_at:
            status, _, ms = client.call("GET", f"/api/projects/{fx['project']}/")
            assert status == 200, status
            mine.append(ms)
        with lock:
            lat.extend(mine)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(t,), daemon=True) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 30)
    return {"lat": lat, "wall_s": time.perf_counter() - t0}


def summary(lat: list[float]) -> dict:
    return {
        "n": len(lat),
        "p50": round(percentile(lat, 50), 1),
        "p95": round(percentile(lat, 95), 1),
        "p99": round(percentile(lat, 99), 1),
        "median": round(statistics.median(lat), 1) if lat else None,
    }


def load_main(fx_path: str, port: int, out_path: str) -> None:
    """Entry point of the separate load process."""
    fx = json.loads(Path(fx_path).read_text())
    tokens = fx["tokens"]
    results = {}
    print(f"  realistic: {REALISTIC_USERS} annotators, think 1-3 s, {REALISTIC_SECONDS:.0f} s", flush=True)
    results["realistic"] = run_phase(fx, port, tokens[:REALISTIC_USERS], REALISTIC_SECONDS, (1.0, 3.0))
    print(f"  saturation: {SATURATION_USERS} annotators, no think time, {SATURATION_SECONDS:.0f} s", flush=True)
    results["saturation"] = run_phase(fx, port, tokens[REALISTIC_USERS:], SATURATION_SECONDS, (0.0, 0.0))
    print(f"  reference: GET project detail, {SATURATION_USERS} threads, {REFERENCE_SECONDS:.0f} s", flush=True)
    results["reference"] = run_reference(fx, port, tokens[REALISTIC_USERS:], REFERENCE_SECONDS)
    Path(out_path).write_text(json.dumps(results))


# ----------------------------------------------------------------------------- server and checks


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    cmd = [
        str(ROOT / ".venv/bin/gunicorn"),
        "workspace_wsgi:application",
        "--pythonpath",
        f"{ROOT},{ROOT / 'benchmarks' / 'support'}",
        "--preload",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--worker-class",
        WORKER_CLASS,
        "--threads",
        str(THREADS),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
        "--timeout",
        "60",
        "--worker-tmp-dir",
        "/dev/shm",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=ENV, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            conn = HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/projects/")  # cheap: 403 without a token
            if conn.getresponse().status in (200, 401, 403):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("gunicorn did not start within 120 s")


def check_invariants(project_id: int, acks: set[int]) -> list[str]:
    from django.db import connection

    problems = []
    with connection.cursor() as cur:
        cur.execute(
            """SELECT count(*) FROM annotation_task t WHERE t.project_id = %s AND t.submitted_count >
                       (SELECT annotators_per_task FROM annotation_project WHERE id = %s)""",
            [project_id, project_id],
        )
        if n := cur.fetchone()[0]:
            problems.append(f"{n} tasks over k")
        cur.execute(
            """SELECT count(*) FROM annotation_task t LEFT JOIN (SELECT task_id, count(*) n FROM
                       annotation_annotation WHERE status = 'submitted' GROUP BY task_id) a ON a.task_id = t.id
                       WHERE t.project_id = %s AND (t.submitted_count <> coalesce(a.n, 0)
                       OR t.is_complete <> (t.submitted_count >= %s))""",
            [project_id, K],
        )
        if n := cur.fetchone()[0]:
            problems.append(f"{n} tasks whose submitted_count/is_complete disagree with their annotations")
        cur.execute(
            """SELECT max(n) FROM (SELECT count(*) n FROM annotation_annotation a JOIN annotation_task t
                       ON t.id = a.task_id WHERE t.project_id = %s GROUP BY a.task_id, a.annotator_id) x""",
            [project_id],
        )
        if (cur.fetchone()[0] or 0) > 1:
            problems.append("an annotator has two annotations on one task")
        cur.execute(
            """SELECT a.id FROM annotation_annotation a JOIN annotation_task t ON t.id = a.task_id
                       WHERE t.project_id = %s AND a.status = 'submitted'""",
            [project_id],
        )
        stored = {r[0] for r in cur.fetchall()}
    if lost := acks - stored:
        problems.append(f"{len(lost)} acknowledged submissions are not stored as submitted")
    if extra := stored - acks:
        problems.append(f"{len(extra)} submitted annotations nobody was told about")
    return problems


def main() -> int:
    print(
        f"== workspace benchmark: {N_ARTICLES * PER_ARTICLE:,} tasks, k = {K}, "
        f"gunicorn {WORKERS}x{THREADS} {WORKER_CLASS}"
    )
    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {DB_NAME}")
    if os.environ.get("BENCH_LOG_SLOW_MS"):  # diagnosis: PostgreSQL logs statements slower than this
        admin_sql(f"ALTER DATABASE {DB_NAME} SET log_min_duration_statement = {int(os.environ['BENCH_LOG_SLOW_MS'])}")
    server = None
    try:
        setup_django()
        fx = build_fixtures()
        from django.db import connection

        connection.close()
        print(
            f"  fixtures: migrate {fx['migrate_s']:.1f} s, COPY {N_ARTICLES:,} articles + "
            f"{fx['tasks']:,} paragraphs {fx['copy_s']:.1f} s, tasks_sync {fx['sync_s']:.1f} s "
            f"({fx['tasks'] / fx['sync_s']:,.0f} tasks/s)",
            flush=True,
        )
        port = free_port()
        server = start_server(port)
        tmp = ROOT / "var" / "bench"
        tmp.mkdir(parents=True, exist_ok=True)
        fx_path, out_path = tmp / "workspace_fixtures.json", tmp / "workspace_results.json"
        fx_path.write_text(json.dumps(fx))
        load = subprocess.run(
            [sys.executable, __file__, "--load", str(fx_path), str(port), str(out_path)],
            cwd=ROOT,
            timeout=REALISTIC_SECONDS + SATURATION_SECONDS + REFERENCE_SECONDS + 300,
        )
        if load.returncode != 0:
            raise RuntimeError(f"load process failed with {load.returncode}")
        res = json.loads(out_path.read_text())
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    real, sat, ref = res["realistic"], res["saturation"], res["reference"]
    acks = set(real["acks"]) | set(sat["acks"])
    problems = check_invariants(fx["project"], acks)
    errors = real["errors"] + sat["errors"]
    pairs_s = len(sat["submit"]) / sat["wall_s"]
    figures = {
        "tasks": fx["tasks"],
        "k": K,
        "gunicorn": f"{WORKERS}x{THREADS} {WORKER_CLASS}",
        "fixture_copy_s": round(fx["copy_s"], 1),
        "tasks_sync_s": round(fx["sync_s"], 1),
        "realistic_annotators": REALISTIC_USERS,
        "realistic_pairs": len(real["submit"]),
        "realistic_pairs_per_s": round(len(real["submit"]) / real["wall_s"], 1),
        "realistic_next_task_ms": summary(real["next"]),
        "realistic_submit_ms": summary(real["submit"]),
        "saturation_annotators": SATURATION_USERS,
        "saturation_pairs": len(sat["submit"]),
        "saturation_pairs_per_s": round(pairs_s, 1),
        "saturation_requests_per_s": round((len(sat["next"]) + len(sat["submit"])) / sat["wall_s"], 1),
        "saturation_next_task_ms": summary(sat["next"]),
        "saturation_submit_ms": summary(sat["submit"]),
        "saturation_cpu_ms_per_pair": {
            role: round(used * 1000 / max(len(sat["submit"]), 1), 2) for role, used in sat["cpu_s"].items()
        },
        "reference_get_project_ms": summary(ref["lat"]),
        "reference_get_project_per_s": round(len(ref["lat"]) / ref["wall_s"], 1),
        "conflicts_409": real["conflicts"] + sat["conflicts"],
        "errors": len(errors),
        "invariant_violations": problems,
    }
    ok = (
        not problems
        and not errors
        and figures["realistic_next_task_ms"]["p95"] <= TARGETS["realistic_next_task_p95_ms"]
        and figures["realistic_submit_ms"]["p95"] <= TARGETS["realistic_submit_p95_ms"]
        and pairs_s >= TARGETS["saturation_pairs_per_s"]
    )
    for line in errors[:5]:
        print("  error:", line)
    print(
        f"  realistic : {figures['realistic_pairs_per_s']} pairs/s; next-task {figures['realistic_next_task_ms']}; "
        f"submit {figures['realistic_submit_ms']}"
    )
    print(
        f"  saturation: {pairs_s:.1f} pairs/s, {figures['saturation_requests_per_s']} req/s; next-task "
        f"{figures['saturation_next_task_ms']}; submit {figures['saturation_submit_ms']}"
    )
    print(f"  CPU per saturation pair (ms): {figures['saturation_cpu_ms_per_pair']}")
    print(
        f"  reference : GET project {figures['reference_get_project_ms']} "
        f"({figures['reference_get_project_per_s']} req/s)"
    )
    print(f"  invariants: {problems or 'all hold'}")
    if not os.environ.get("BENCH_KEEP_DB"):
        admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    print(json.dumps({"benchmark": "workspace", "figures": figures, "targets": TARGETS, "ok": ok}))
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--load":
        load_main(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(main())
