"""Two hosts on one machine for the several-hosts tests: each a network namespace (``ip netns``) joined
to this one by a veth pair, reaching PostgreSQL and Redis through a TCP relay on this side's veth
address (the servers listen on 127.0.0.1 only). Needs root; ``namespaces_unavailable()`` says why not."""

import os
import secrets
import select
import shutil
import socket
import socketserver
import subprocess
import threading
from dataclasses import dataclass


def _ip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=20)


def namespaces_unavailable() -> str:
    """ "" when namespaces and veth pairs can be made here, else the reason in one line."""
    if shutil.which("ip") is None:
        return "the ip command (iproute2) is not installed"
    if os.geteuid() != 0:
        return "network namespaces need root (ip netns add); this test runs as an unprivileged user"
    name = f"spp{secrets.token_hex(3)}"  # interface names have at most 15 characters
    made = _ip("netns", "add", name)
    if made.returncode != 0:
        return f"ip netns add failed: {(made.stderr or made.stdout).strip()[:200]}"
    try:
        veth = _ip("link", "add", f"{name}-o", "type", "veth", "peer", "name", f"{name}-i")
        if veth.returncode != 0:
            return f"a veth pair cannot be made: {(veth.stderr or veth.stdout).strip()[:200]}"
        _ip("link", "del", f"{name}-o")
    finally:
        _ip("netns", "del", name)
    return ""


@dataclass
class Host:
    """A network namespace with one veth link: ``address`` inside it, ``gateway`` on this side."""

    name: str
    address: str
    gateway: str

    def command(self, *argv: str) -> list[str]:
        return ["ip", "netns", "exec", self.name, *argv]


class _Relay(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, listen: tuple[str, int], target: tuple[str, int]):
        self.target = target
        super().__init__(listen, _Pump)


class _Pump(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        upstream = socket.create_connection(self.server.target, timeout=10)
        upstream.settimeout(None)
        peers = {self.request: upstream, upstream: self.request}
        try:
            while True:
                ready, _, _ = select.select(list(peers), [], [], 60)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)
        except OSError:
            return
        finally:
            upstream.close()


class TwoHosts:
    """``web`` and ``worker`` namespaces; PostgreSQL and Redis relayed to each one's gateway address."""

    PORTS = {"postgres": 5432, "redis": 6379}

    def __init__(self):
        tag = secrets.token_hex(2)
        subnet = f"10.{200 + secrets.randbelow(50)}.{secrets.randbelow(250)}"
        self.hosts = {
            "web": Host(f"sp-web-{tag}", f"{subnet}.2", f"{subnet}.1"),
            "worker": Host(f"sp-wrk-{tag}", f"{subnet}.6", f"{subnet}.5"),
        }
        self.relays: list[_Relay] = []

    @property
    def web(self) -> Host:
        return self.hosts["web"]

    @property
    def worker(self) -> Host:
        return self.hosts["worker"]

    def __enter__(self) -> "TwoHosts":
        try:
            for host in self.hosts.values():
                outside, inside = f"{host.name}-o", f"{host.name}-i"
                for args in (
                    ("netns", "add", host.name),
                    ("link", "add", outside, "type", "veth", "peer", "name", inside),
                    ("link", "set", inside, "netns", host.name),
                    ("addr", "add", f"{host.gateway}/30", "dev", outside),
                    ("link", "set", outside, "up"),
                    ("-n", host.name, "addr", "add", f"{host.address}/30", "dev", inside),
                    ("-n", host.name, "link", "set", inside, "up"),
                    ("-n", host.name, "link", "set", "lo", "up"),
                ):
                    done = _ip(*args)
                    if done.returncode != 0:
                        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")
                for port in self.PORTS.values():
                    relay = _Relay((host.gateway, port), ("127.0.0.1", port))
                    threading.Thread(target=relay.serve_forever, daemon=True).start()
                    self.relays.append(relay)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        for relay in self.relays:
            relay.shutdown()
            relay.server_close()
        for host in self.hosts.values():
            _ip("link", "del", f"{host.name}-o")  # deletes its peer in the namespace too
            _ip("netns", "del", host.name)
