#!/usr/bin/env bash
# Drives `pbxport sandbox odin` with a public Odin API client, Jordan-Prescott/odins_spear, to show
# the sandbox answers as Odin does for the calls real clients make (not only pbxport's).
#
#   scripts/peer-odin.sh CHECKOUT
#
# CHECKOUT is a clone of https://github.com/Jordan-Prescott/odins_spear kept OUTSIDE this
# repository (nothing of it is ever committed). It runs with the system python3 and Debian's
# packages, since Python's package registry is not reachable:
#   apt-get install python3-requests python3-tqdm python3-graphviz python3-pandas
# (graphviz and pandas are imported by its report modules when the package loads). `ratelimit`,
# which Debian does not ship, is stood in for by scripts/peers/shims/ratelimit.py, which keeps
# odins_spear's 5 calls per second.
#
# It starts the sandbox on a free port, runs scripts/peers/odin_peer.py (POST /auth/token,
# POST /users, a duplicate refused with Odin's error body, GET /users for the group and by user
# id, PUT /users, PUT /auth/token, a filtered GET /users), prints one line per step, stops the
# sandbox and exits with the number of failed steps.
set -euo pipefail
checkout=$(cd "${1:?usage: scripts/peer-odin.sh CHECKOUT (a clone of Jordan-Prescott/odins_spear)}" && pwd)
repo=$(cd "$(dirname "$0")/.." && pwd)
py=/usr/bin/python3
shims="$repo/scripts/peers/shims"
for m in requests tqdm graphviz pandas; do
  "$py" -c "import $m" 2>/dev/null || { echo "missing Python module $m: apt-get install python3-requests python3-tqdm python3-graphviz python3-pandas" >&2; exit 2; }
done
work=$(mktemp -d)
sandbox=""
cleanup() {
  if [ -n "$sandbox" ]; then kill "$sandbox" 2>/dev/null || true; wait "$sandbox" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
(cd "$repo" && exec npx pbxport sandbox odin --profile "$work/profile.json") >"$work/sandbox.log" 2>&1 &
sandbox=$!
for _ in $(seq 1 150); do [ -s "$work/profile.json" ] && break; sleep 0.2; done
[ -s "$work/profile.json" ] || { echo "the sandbox did not start:" >&2; cat "$work/sandbox.log" >&2; exit 2; }
eval "$("$py" - "$work/profile.json" <<'PY'
import json, os, shlex, sys
p = json.load(open(sys.argv[1]))
pw = open(os.path.join(os.path.dirname(sys.argv[1]), p["passwordFile"])).read().rstrip("\n")
for k, v in {"PEER_URL": p["url"], "PEER_USER": p["username"], "PEER_PASSWORD": pw, "PEER_SP": p["serviceProviderId"], "PEER_GROUP": p["groupId"]}.items():
    print(f"export {k}={shlex.quote(str(v))}")
PY
)"
set +e
PYTHONPATH="$checkout:$shims" "$py" "$repo/scripts/peers/odin_peer.py"
exit $?
