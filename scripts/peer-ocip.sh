#!/usr/bin/env bash
# Drives `pbxport sandbox broadworks` with a public OCI-P client, nigelm/broadworks_ocip, to show
# the sandbox speaks OCI-P as real clients do (not only as pbxport does).
#
#   scripts/peer-ocip.sh CHECKOUT
#
# CHECKOUT is a clone of https://github.com/nigelm/broadworks_ocip kept OUTSIDE this repository
# (nothing of it is ever committed). Python's package registry is not needed: the client runs
# with the system python3 and Debian's packages:
#   apt-get install python3-lxml python3-attr python3-yaml            # to run the client
#   apt-get install python3-xmlschema python3-toposort                # once, to generate its classes
# The clone lacks the generated requests.py and responses.py (too large for the repository's
# snapshot); the script generates them with the client's own utilities/process_schema.py from its
# own ocip_schema/, once. Three small Python packages Debian does not ship (null_object,
# markdownTable, ratelimit) are stood in for by scripts/peers/shims/.
#
# It starts the sandbox on a free port, runs scripts/peers/ocip_peer.py (login with a nonce,
# UserConsolidatedAddRequest22, a duplicate refused, UserGetListInGroupRequest, UserGetRequest22,
# UserModifyRequest22, a wrong password refused), prints one line per step, stops the sandbox and
# exits with the number of failed steps.
set -euo pipefail
checkout=$(cd "${1:?usage: scripts/peer-ocip.sh CHECKOUT (a clone of nigelm/broadworks_ocip)}" && pwd)
repo=$(cd "$(dirname "$0")/.." && pwd)
py=/usr/bin/python3
shims="$repo/scripts/peers/shims"
for m in lxml attr yaml; do
  "$py" -c "import $m" 2>/dev/null || { echo "missing Python module $m: apt-get install python3-lxml python3-attr python3-yaml" >&2; exit 2; }
done
if [ ! -f "$checkout/broadworks_ocip/requests.py" ]; then
  for m in xmlschema toposort; do
    "$py" -c "import $m" 2>/dev/null || { echo "generating the client's classes needs $m: apt-get install python3-xmlschema python3-toposort" >&2; exit 2; }
  done
  echo "generating broadworks_ocip's request and response classes from its schema (about a minute, once)"
  (cd "$checkout" && PYTHONPATH="$shims" "$py" utilities/process_schema.py --schema ocip_schema/OCISchemaAS.xsd >/dev/null)
fi
work=$(mktemp -d)
sandbox=""
cleanup() {
  if [ -n "$sandbox" ]; then kill "$sandbox" 2>/dev/null || true; wait "$sandbox" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
(cd "$repo" && exec npx pbxport sandbox broadworks --profile "$work/profile.json") >"$work/sandbox.log" 2>&1 &
sandbox=$!
for _ in $(seq 1 150); do [ -s "$work/profile.json" ] && break; sleep 0.2; done
[ -s "$work/profile.json" ] || { echo "the sandbox did not start:" >&2; cat "$work/sandbox.log" >&2; exit 2; }
eval "$("$py" - "$work/profile.json" <<'PY'
import json, os, shlex, sys
p = json.load(open(sys.argv[1]))
pw = open(os.path.join(os.path.dirname(sys.argv[1]), p["passwordFile"])).read().rstrip("\n")
for k, v in {"PEER_HOST": p["host"], "PEER_PORT": p["port"], "PEER_USER": p["username"], "PEER_PASSWORD": pw, "PEER_SP": p["serviceProviderId"], "PEER_GROUP": p["groupId"]}.items():
    print(f"export {k}={shlex.quote(str(v))}")
PY
)"
set +e
PYTHONPATH="$checkout:$shims" "$py" "$repo/scripts/peers/ocip_peer.py"
status=$?
exit $status
