"""Drives pbxport's Odin sandbox with odins_spear, a public Odin API client.

Run by scripts/peer-odin.sh, which puts the client's checkout on PYTHONPATH and passes the
sandbox's API base and credentials in the environment (PEER_URL, PEER_USER, PEER_PASSWORD, the
password as odins_spear wants it: the NAME of an environment variable, PEER_SP, PEER_GROUP).
Each step prints "ok <step>: <what it showed>" or "FAIL <step>: <why>"; the exit code is the
number of failed steps.
"""
import os
import sys

from odins_spear import api as odin
from odins_spear.exceptions import OSApiResponseError

url, user = os.environ["PEER_URL"], os.environ["PEER_USER"]
sp, group = os.environ["PEER_SP"], os.environ["PEER_GROUP"]
failed = 0


def step(name, fn):
    global failed
    try:
        print(f"ok {name}: {fn()}")
    except Exception as e:  # a failed step is reported, and the next one still runs
        failed += 1
        print(f"FAIL {name}: {type(e).__name__}: {e}")


a = odin.Api(base_url=url, username=user, password="PEER_PASSWORD", rate_limit=True)


def login():
    a.authenticate()
    return f"POST /auth/token gave a token ({len(a.token)} characters); authorised={a.authorised}"


def create():
    r = a.post.user(sp, group, "spear1@example.com", "Zoë", "Spear", "0801", "Spear-pw-not-real-1",
                    payload={"emailAddress": "spear1@example.com", "aliases": ["spear.alias@example.com"]})
    assert r["userId"] == "spear1@example.com" and "password" not in r, r
    return f"POST /users answered the user: extension={r['extension']} callingLineIdFirstName={r['callingLineIdFirstName']} endpointType={r['endpointType']}"


def duplicate():
    try:
        a.post.user(sp, group, "spear1@example.com", "Zoë", "Spear", "0802", "Spear-pw-not-real-1", payload={})
    except OSApiResponseError as e:
        return f"refused as odins_spear prints it: {e}"
    raise AssertionError("a duplicate user id was accepted")


def listing():
    r = a.get.users(service_provider_id=sp, group_id=group)
    ids = [u["userId"] for u in r]
    assert "spear1@example.com" in ids, ids
    return f"GET /users?serviceProviderId&groupId gave {len(r)} users"


def by_id():
    r = a.get.user_by_id("spear1@example.com")
    assert r["firstName"] == "Zoë" and r["extension"] == "0801", r
    return f"GET /users?userId gave firstName={r['firstName']} aliases={r['aliases']} domain={r['domain']}"


def update():
    a.put.user(sp, group, "spear1@example.com", {"title": "Chef d'équipe"})
    r = a.get.user_by_id("spear1@example.com")
    assert r["title"] == "Chef d'équipe", r
    return f"PUT /users, read back title={r['title']}"


def refresh():
    before = a.token
    a.refresh_authorisation()
    assert a.token != before
    a.get.user_by_id("spear1@example.com")
    return "PUT /auth/token gave a new token, which works"


def filtered():
    r = a.get.users(service_provider_id=sp, group_id=group, filter="extension", filter_type="starts with", filter_value="08")
    return f"GET /users?extension=08* gave {[u['userId'] for u in r]}"


step("login", login)
step("POST /users", create)
step("duplicate userId", duplicate)
step("GET /users (group)", listing)
step("GET /users (userId)", by_id)
step("PUT /users", update)
step("PUT /auth/token", refresh)
step("GET /users (filter)", filtered)
sys.exit(failed)
