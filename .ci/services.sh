#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1; start them where this machine can.
set -u

pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
redis_ready() { [ "$( (exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && timeout 2 head -c 5 <&3) 2>/dev/null)" = "+PONG" ]; }

if ! pg_ready; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "PostgreSQL is down: starting it" >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
  fi
  pg_ready || { echo "PostgreSQL does not answer on 127.0.0.1:5432: start it (or set DATABASE_URL) and retry." >&2; exit 1; }
fi

if ! redis_ready; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "Redis is down: starting it" >&2
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    for _ in $(seq 1 30); do redis_ready && break; sleep 1; done
  fi
  redis_ready || { echo "Redis does not answer on 127.0.0.1:6379: start redis-server and retry." >&2; exit 1; }
fi
echo "PostgreSQL and Redis answer on 127.0.0.1." >&2
