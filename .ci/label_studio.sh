#!/usr/bin/env bash
# A real Label Studio server for the interoperability tests.
#   .ci/label_studio.sh install        install label-studio (pinned) into its own venv under var/ (once)
#   .ci/label_studio.sh run -- CMD...  start it on 127.0.0.1:$LS_PORT with a fixed user and token, run CMD
#                                      with LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY set, stop it afterwards
# Label Studio pins its own Django, so it never goes into .venv. It keeps its SQLite database in
# var/label-studio-data, so a second run skips its migrations.
set -uo pipefail
cd "$(dirname "$0")/.."

LS_VERSION=1.23.2
LS_VENV=${LS_VENV:-var/label-studio}
LS_DATA=var/label-studio-data
LS_PORT=${LS_PORT:-8089}
LS_USER=standpoint-ci@example.org
LS_PASSWORD=standpoint-ci-password
LS_TOKEN=standpoint-ci-token-0123456789abcdef0123
STAMP=$LS_VENV/.installed-$LS_VERSION

find_python() {
  for p in python3.12 python3.13 /root/.pyenv/versions/3.12*/bin/python3.12 /root/.pyenv/versions/3.13*/bin/python3.13; do
    command -v "$p" >/dev/null 2>&1 && "$p" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null \
      && { command -v "$p"; return; }
  done
}

install() {
  [ -e "$STAMP" ] && return 0
  local py; py=$(find_python)
  [ -n "$py" ] || { echo "Label Studio: no Python 3.10+ found to install label-studio==$LS_VERSION into $LS_VENV." >&2; exit 1; }
  rm -rf "$LS_VENV"
  "$py" -m venv "$LS_VENV" \
    && timeout 900 "$LS_VENV/bin/pip" install --quiet --disable-pip-version-check "label-studio==$LS_VERSION" \
       > var/label-studio-install.log 2>&1 \
    || { echo "Label Studio: could not install label-studio==$LS_VERSION into $LS_VENV (no package registry?); see var/label-studio-install.log." >&2; exit 1; }
  touch "$STAMP"
}

answers() {
  "$LS_VENV/bin/python" - "$LS_PORT" "$LS_TOKEN" 2>/dev/null <<'PY'
import sys, urllib.request
req = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/api/projects/", headers={"Authorization": f"Token {sys.argv[2]}"})
urllib.request.urlopen(req, timeout=5).read()
PY
}

run() {
  [ -e "$STAMP" ] || install
  if (exec 3<>"/dev/tcp/127.0.0.1/$LS_PORT") 2>/dev/null; then
    echo "Label Studio: port $LS_PORT on 127.0.0.1 is taken; set LS_PORT to a free port." >&2; exit 1
  fi
  mkdir -p "$LS_DATA"
  LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN=true LABEL_STUDIO_BASE_DATA_DIR="$PWD/$LS_DATA" \
  LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK=true DJANGO_DB=sqlite \
    "$LS_VENV/bin/label-studio" start --no-browser --internal-host 127.0.0.1 --port "$LS_PORT" \
      --data-dir "$PWD/$LS_DATA" --username "$LS_USER" --password "$LS_PASSWORD" --user-token "$LS_TOKEN" \
      --enable-legacy-api-token > var/label-studio.log 2>&1 &
  LS_PID=$!
  trap 'kill $LS_PID 2>/dev/null; wait $LS_PID 2>/dev/null' EXIT
  for _ in $(seq 1 240); do
    answers && break
    kill -0 $LS_PID 2>/dev/null || { echo "Label Studio exited while starting; see var/label-studio.log." >&2; exit 1; }
    sleep 1
  done
  answers || { echo "Label Studio did not answer on 127.0.0.1:$LS_PORT within 240 s; see var/label-studio.log." >&2; exit 1; }
  echo "Label Studio $LS_VERSION answers on http://127.0.0.1:$LS_PORT/." >&2
  LABEL_STUDIO_URL="http://127.0.0.1:$LS_PORT" LABEL_STUDIO_API_KEY="$LS_TOKEN" "$@"
}

case "${1:-}" in
  install) install ;;
  run) shift; [ "${1:-}" = "--" ] && shift; run "$@" ;;
  *) echo "usage: $0 install | run -- CMD..." >&2; exit 2 ;;
esac
