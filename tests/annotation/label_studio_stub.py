"""A tiny Label Studio stand-in for the error paths: a real HTTP server on 127.0.0.1 speaking the
endpoints our client calls (users, create project, import tasks, JSON export), checking the token
header like the real one. What Label Studio itself accepts is tested against a real server
(tests/annotation/test_label_studio_server.py)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

TOKEN = "stub-legacy-token-123"


class StubLabelStudio:
    def __init__(self):
        self.projects: dict[int, dict] = {}
        self.tasks: dict[int, list] = {}
        self.requests: list[tuple[str, str]] = []
        self.annotate = None  # callable(task) -> list of LS annotations, set by a test
        self.users = [{"id": 1, "email": "ci@example.org"}]
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, code, body):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self):
                if self.headers.get("Authorization") != f"Token {TOKEN}":
                    self._send(401, {"detail": "Authentication credentials were not provided."})
                    return False
                return True

            def _body(self):
                return json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")

            def do_POST(self):  # noqa: N802
                path = urlparse(self.path).path
                stub.requests.append(("POST", path))
                if not self._authorised():
                    return
                body = self._body()
                if path == "/api/projects/":
                    pid = len(stub.projects) + 1
                    stub.projects[pid] = {"id": pid, **body}
                    stub.tasks[pid] = []
                    return self._send(201, stub.projects[pid])
                parts = path.strip("/").split("/")
                if len(parts) == 4 and parts[:2] == ["api", "projects"] and parts[3] == "import":
                    pid = int(parts[2])
                    if pid not in stub.projects:
                        return self._send(404, {"detail": "Not found."})
                    for task in body:
                        if "text" not in task.get("data", {}):
                            return self._send(400, {"detail": "data.text is required by the label config"})
                        stub.tasks[pid].append({"id": 1000 + len(stub.tasks[pid]), **task})
                    return self._send(
                        201,
                        {
                            "task_count": len(body),
                            "annotation_count": 0,
                            "prediction_count": sum(len(t.get("predictions", [])) for t in body),
                        },
                    )
                self._send(404, {"detail": "Not found."})

            def do_GET(self):  # noqa: N802
                parsed = urlparse(self.path)
                stub.requests.append(("GET", parsed.path + ("?" + parsed.query if parsed.query else "")))
                if not self._authorised():
                    return
                parts = parsed.path.strip("/").split("/")
                if parsed.path == "/api/users/":
                    return self._send(200, stub.users)
                if len(parts) == 4 and parts[:2] == ["api", "projects"] and parts[3] == "export":
                    pid = int(parts[2])
                    out = []
                    for task in stub.tasks.get(pid, []):
                        annotations = stub.annotate(task) if stub.annotate else []
                        if annotations or "download_all_tasks=true" in parsed.query:
                            out.append({**task, "annotations": annotations})
                    return self._send(200, out)
                self._send(404, {"detail": "Not found."})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
