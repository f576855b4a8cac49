"""Drives pbxport's OCI-P sandbox with nigelm/broadworks_ocip, a public OCI-P client.

Run by scripts/peer-ocip.sh, which puts the client's checkout on PYTHONPATH and passes the
sandbox's address and credentials in the environment (PEER_HOST, PEER_PORT, PEER_USER,
PEER_PASSWORD, PEER_SP, PEER_GROUP). Each step prints one line, "ok <step>: <what it showed>"
or "FAIL <step>: <why>"; the exit code is the number of failed steps.
"""
import os
import sys

from broadworks_ocip import BroadworksAPI
from broadworks_ocip.exceptions import OCIErrorResponse

host, port = os.environ["PEER_HOST"], int(os.environ["PEER_PORT"])
user, password = os.environ["PEER_USER"], os.environ["PEER_PASSWORD"]
sp, group = os.environ["PEER_SP"], os.environ["PEER_GROUP"]
failed = 0


def step(name, fn):
    global failed
    try:
        print(f"ok {name}: {fn()}")
    except Exception as e:  # a failed step is reported, and the next one still runs
        failed += 1
        print(f"FAIL {name}: {type(e).__name__}: {e}")


api = BroadworksAPI(host=host, port=port, username=user, password=password)


def login():
    api.connect()
    r = api.authenticate()
    return f"{r.type_} loginType={r.login_type} (AuthenticationRequest + LoginRequest14sp4, nonce-signed password)"


def add(user_id, extension, first, last):
    endpoint = api.get_type_object(
        "ConsolidatedAccessDeviceMultipleIdentityEndpointAndContactAdd22",
        access_device=api.get_type_object("AccessDevice", device_level="Group", device_name=f"dev-{extension}"),
        line_port=user_id,
        use_hotline=False,
    )
    r = api.command(
        "UserConsolidatedAddRequest22",
        service_provider_id=sp,
        group_id=group,
        user_id=user_id,
        last_name=last,
        first_name=first,
        calling_line_id_last_name=last,
        calling_line_id_first_name=first,
        extension=extension,
        password="Peer-pw-not-real-1",
        access_device_endpoint=endpoint,
    )
    return r.type_


def duplicate():
    try:
        add("peer1@example.com", "0901", "Zoë", "Peer")
    except OCIErrorResponse as e:
        return f"ErrorResponse as expected: {e.message}"
    raise AssertionError("a duplicate user id was accepted")


def listing():
    r = api.command("UserGetListInGroupRequest", service_provider_id=sp, group_id=group)
    ids = [row.user_id for row in r.user_table]
    assert "peer1@example.com" in ids, ids
    return f"{r.type_} with {len(ids)} rows, columns {list(r.user_table[0]._fields)[:4]}..."


def get():
    r = api.command("UserGetRequest22", user_id="peer1@example.com")
    assert r.first_name == "Zoë", r.first_name
    assert r.extension == "0901", r.extension
    assert r.access_device_endpoint.access_device.device_name == "dev-0901"
    return f"{r.type_} first_name={r.first_name} extension={r.extension} device={r.access_device_endpoint.access_device.device_name}"


def modify():
    r = api.command("UserModifyRequest22", user_id="peer1@example.com", title="Chef d'équipe")
    back = api.command("UserGetRequest22", user_id="peer1@example.com")
    assert back.title == "Chef d'équipe", back.title
    return f"{r.type_}; read back title={back.title}"


def bad_login():
    other = BroadworksAPI(host=host, port=port, username=user, password="wrong-password")
    try:
        other.command("UserGetRequest22", user_id="peer1@example.com")
    except OCIErrorResponse as e:
        return f"refused: {e.message}"
    finally:
        other.close(no_log=True)
    raise AssertionError("a wrong password was accepted")


step("login", login)
step("UserConsolidatedAddRequest22", lambda: add("peer1@example.com", "0901", "Zoë", "Peer"))
step("duplicate userId", duplicate)
step("UserGetListInGroupRequest", listing)
step("UserGetRequest22", get)
step("UserModifyRequest22", modify)
step("wrong password", bad_login)
api.close()
sys.exit(failed)
