"""A hostile client against the running server: impersonation, open doors, other users' events.

The app runs in a subprocess (``start_app``) with users in its store; every probe goes
through a real client: ``gradio_client`` for the API, ``httpx`` for raw routes. Each test
is one finding of the probe that found them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import httpx
import pytest

from tests.fixtures.store import sample_document
from workbench.store import Store
from workbench.users import hash_password

PASSWORDS = {"alice": "alice-passw0rd", "bob": "bob-passw0rd", "tom": "tom-passw0rd"}
ROLES = {"alice": "admin", "bob": "reviewer", "tom": "translator"}
MALLORY = "mallory"
# Every endpoint the UI registers, by the elem_id of what triggers it: a new one must be sorted here.
WRITES = {"save", "reject", "approve-next", "revert", "corpus-search-insert", "import", "process", "export",
          "audit-csv", "add-term", "offer-apply", "comment", "replace", "deliverable"}
READS = {"on_load", "open-document", "filter", "order", "jump-to-go", "prev", "next", "next-pending", "qa-check-go",
         "revisions", "offer-find", "find", "reviewer", "corpus-search-run", "corpus-search-query",
         "corpus-search-results", "cancel-process", "audit-show", "restore_reviewer", "reading-show", "reading-tab"}


@pytest.fixture
def users_db(tmp_path):
    """The sample document and three users, one per role."""
    db = tmp_path / "users.db"
    with Store(db) as store:
        store.add_document(sample_document())
        for name, role in ROLES.items():
            store.add_user(name, role, hash_password(PASSWORDS[name]))
    return db


def api_names(config: dict) -> dict[str, str]:
    """API name of each event handler, by the elem_id of its trigger (the handler's name when it has none)."""
    elem_ids = {c["id"]: c.get("props", {}).get("elem_id") for c in config["components"]}
    names = {}
    for dependency in config["dependencies"]:
        for target, _trigger in dependency.get("targets", []):
            names[elem_ids.get(target) or dependency["api_name"]] = dependency["api_name"]
    return names


def fn_index(config: dict, api_name: str) -> int:
    return next(i for i, d in enumerate(config["dependencies"]) if d["api_name"] == api_name)


def client_for(url: str, user: str):
    from gradio_client import Client

    return Client(url, auth=(user, PASSWORDS[user]), verbose=False, download_files=False)


def select_row(client, api_name: str, row: int, value: str) -> None:
    """Fire a table's select event (which needs event data, so not through ``predict``) on the client's session."""
    index = fn_index(client.config, api_name)
    with httpx.Client(base_url=client.src, cookies=client.cookies, timeout=60) as http:
        joined = http.post("gradio_api/queue/join", json={
            "data": [None], "event_data": {"index": [row, 1], "value": value, "selected": True},
            "fn_index": index, "trigger_id": None, "session_hash": client.session_hash})
        assert joined.status_code == 200, joined.text
        with http.stream("GET", f"gradio_api/queue/data?session_hash={client.session_hash}") as stream:
            for line in stream.iter_lines():
                if '"process_completed"' in line:
                    assert '"success": true' in line or '"success":true' in line, line
                    return


def login(http: httpx.Client, user: str, password: str | None = None) -> httpx.Response:
    return http.post("login", data={"username": user, "password": password or PASSWORDS[user]})


def test_every_write_endpoint_stores_the_login_whatever_name_the_client_sends(start_app, users_db, tmp_path):
    from gradio_client import handle_file

    app = start_app("--no-mt", "--db", str(users_db), "--output-dir", str(tmp_path / "exports"))
    client = client_for(app.url, "alice")
    endpoint = api_names(client.config)
    assert set(endpoint) == WRITES | READS, "sort every new endpoint into WRITES or READS"

    def call(name: str, *args):
        return client.predict(*args, api_name=f"/{endpoint[name]}")

    call("on_load", {"doc_id": "doc-sample", "reviewer": MALLORY})
    call("reviewer", MALLORY)  # typing another name into the reviewer box changes nothing
    call("open-document", "doc-sample", {"doc_id": "doc-sample", "reviewer": MALLORY})
    shown = {}
    shown["save"] = call("save", "中方将依法审批。", None, MALLORY, None, {"reviewer": MALLORY})
    shown["reject"] = call("reject", "中方将依法审批。", None, f"{MALLORY} says no", "accuracy", {})
    shown["revert"] = call("revert", MALLORY, 1, MALLORY, None, {})  # back to revision 1
    asked = call("approve-next", "中方将依法审批出口申请。", None, MALLORY, None, {})  # QA errors: asks first
    assert "Approve anyway?" in str(asked[-1])
    shown["approve-next"] = call("approve-next", "中方将依法审批出口申请。", None, MALLORY, None, {})
    call("corpus-search-run", "奉陪到底", "any", "", "")
    select_row(client, endpoint["corpus-search-results"], 0, "奉陪到底")
    shown["corpus-search-insert"] = call("corpus-search-insert", MALLORY, {})
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"id": "1", "source": sample_document().segments[1].text, "translation": "译文",
                                 "reviewer": MALLORY}, ensure_ascii=False) + "\n", encoding="utf-8")
    shown["import"] = call("import", handle_file(str(batch)), {})
    shown["export"] = call("export", "jsonl", False)
    shown["audit-csv"] = call("audit-csv")
    shown["process"] = call("process", f"{MALLORY} processed this article. It has two sentences.", None, {})
    statuses = {name: str(result[-1] if name not in ("export", "audit-csv") else result[1])
                for name, result in shown.items()}
    assert "Saved revision 1" in statuses["corpus-search-insert"], statuses  # approve moved on to segment 2
    assert "Imported 1 translation(s)" in statuses["import"] and "Exported" in statuses["export"], statuses

    with Store(users_db, read_only=True) as store:
        first, second = (s.id for s in store.segments("doc-sample")[:2])
        history = [(r.reviewer, r.action) for r in store.revisions(first)]
        history_second = [(r.reviewer, r.action) for r in store.revisions(second)]
        trail = store.audit_trail("doc-sample")
        processed = [d.id for d in store.list_documents() if d.id != "doc-sample"]
        processed_trail = store.audit_trail(processed[0])
    assert history == [("alice", "edit"), ("alice", "reject"), ("alice", "revert"), ("alice", "approve")]
    assert history_second == [("alice", "insert_official")]
    assert {(e.actor, e.action) for e in trail if e.segment is None} == {("alice", "import translations"),
                                                                         ("alice", "export")}
    assert [(e.actor, e.action) for e in processed_trail] == [("alice", "import article")]
    assert [e.detail.get("reason") for e in trail if e.action == "reject"] == [f"{MALLORY} says no"]


def test_every_route_but_the_login_refuses_without_a_session(start_app, users_db):
    app = start_app("--no-mt", "--db", str(users_db))
    with httpx.Client(base_url=app.url, timeout=30) as http:
        page = http.get("", headers={"accept": "text/html"})
        assert (page.status_code, page.headers["location"]) == (303, "/login")
        login_page = http.get("login")
        assert login_page.status_code == 200 and "gradio_api_info" not in login_page.text
        assert "window.gradio_config" not in login_page.text
        probes = {
            "root page": ("GET", "", None), "config": ("GET", "config", None),
            "api info": ("GET", "gradio_api/info", None), "cancel": (
                "POST", "gradio_api/cancel", {"session_hash": "s", "fn_index": 0, "event_id": "e"}),
            "reset": ("POST", "gradio_api/reset", {"session_hash": "s", "fn_index": 0, "event_id": "e"}),
            "heartbeat": ("GET", "gradio_api/heartbeat/s", None), "queue join": (
                "POST", "gradio_api/queue/join", {"data": [], "fn_index": 0, "session_hash": "s"}),
            "queue data": ("GET", "gradio_api/queue/data?session_hash=s", None),
            "call": ("POST", "gradio_api/call/on_load", {"data": [{}]}), "upload": ("POST", "gradio_api/upload", None),
            "file": ("GET", f"gradio_api/file={users_db}", None), "theme": ("GET", "theme.css", None),
            "assets": ("GET", "assets/index.js", None), "user": ("GET", "gradio_api/user", None),
            "startup events": ("GET", "gradio_api/startup-events", None), "manifest": ("GET", "manifest.json", None),
        }
        answered = {}
        for name, (method, path, body) in probes.items():
            files = {"files": ("a.txt", b"Talks were held.")} if name == "upload" else None
            code = http.request(method, path, json=body, files=files).status_code
            if code != 401:
                answered[name] = code
    assert answered == {}, f"routes answering without a login: {answered}"


def test_failed_logins_are_limited_per_address_with_a_clear_message(start_app, users_db):
    app = start_app("--no-mt", "--db", str(users_db))
    with httpx.Client(base_url=app.url, timeout=30) as http:
        codes = [login(http, "alice", f"guess-{i}").status_code for i in range(100)]
        refused = login(http, "alice")  # even the right password, while the address is locked out
    assert (codes.count(400), codes.count(429)) == (5, 95)
    assert refused.status_code == 429
    assert "too many failed logins from 127.0.0.1; wait" in refused.json()["detail"]


def test_a_session_expires_after_the_idle_limit(start_app, users_db):
    app = start_app("--no-mt", "--db", str(users_db), "--session-minutes", "0.05")
    with httpx.Client(base_url=app.url, timeout=30) as http:
        assert login(http, "bob").status_code == 200
        assert http.get("config").status_code == 200
        time.sleep(4)
        assert http.get("config").status_code == 401


def test_one_user_cannot_read_or_cancel_another_users_events(start_app, users_db):
    app = start_app("--no-mt", "--db", str(users_db))
    with httpx.Client(base_url=app.url, timeout=30) as alice, httpx.Client(base_url=app.url, timeout=30) as bob:
        assert login(alice, "alice").status_code == 200 and login(bob, "bob").status_code == 200
        event_id = alice.post("gradio_api/call/on_load", json={"data": [{}]}).json()["event_id"]
        assert bob.get(f"gradio_api/call/on_load/{event_id}").status_code == 404
        mine = alice.get(f"gradio_api/call/on_load/{event_id}")
        assert mine.status_code == 200 and "event: complete" in mine.text
        joined = alice.post("gradio_api/queue/join", json={"data": [{}], "fn_index": 0, "session_hash": "alice-tab"})
        assert joined.status_code == 200
        stolen = {"session_hash": "alice-tab", "fn_index": 0, "event_id": joined.json()["event_id"]}
        assert bob.post("gradio_api/cancel", json=stolen).status_code == 404
        assert bob.post("gradio_api/reset", json=stolen).status_code == 404
        assert bob.get("gradio_api/queue/data?session_hash=alice-tab").status_code == 404
        assert bob.get("gradio_api/heartbeat/alice-tab").status_code == 404


def test_each_role_is_refused_what_it_may_not_do_with_the_role_named(start_app, users_db):
    app = start_app("--no-mt", "--db", str(users_db))
    tom = client_for(app.url, "tom")
    endpoint = api_names(tom.config)
    tom.predict({}, api_name=f"/{endpoint['on_load']}")
    tom.predict("doc-sample", {}, api_name=f"/{endpoint['open-document']}")
    edited = tom.predict("中方将依法审批。", None, "", None, {}, api_name=f"/{endpoint['save']}")
    approved = tom.predict("中方将依法审批。", None, "", None, {}, api_name=f"/{endpoint['approve-next']}")
    exported = tom.predict("jsonl", False, api_name=f"/{endpoint['export']}")
    assert "Saved revision 1" in edited[-1]
    assert ("tom is a translator; approving needs the reviewer role (an admin can grant it: workbench users "
            "set-role tom reviewer)") in approved[-1]
    assert "exporting needs the admin role" in exported[1] and exported[0] is None
    with Store(users_db, read_only=True) as store:
        assert store.count_revisions() == 1


def test_a_wrong_typed_parameter_is_one_line_not_a_python_error(start_app, users_db):
    from gradio_client.exceptions import AppError

    app = start_app("--no-mt", "--db", str(users_db))
    bob = client_for(app.url, "bob")
    endpoint = api_names(bob.config)
    bob.predict({}, api_name=f"/{endpoint['on_load']}")
    bob.predict("doc-sample", {}, api_name=f"/{endpoint['open-document']}")
    with pytest.raises(AppError) as raised:
        bob.predict("译文", None, "", None, "not an object", api_name=f"/{endpoint['save']}")
    message = str(raised.value)
    assert "parameter 'remembered' must be an object, not str" in message and "TypeError" not in message


def test_a_non_utf8_import_names_the_encoding(start_app, users_db, tmp_path):
    from gradio_client import handle_file

    app = start_app("--no-mt", "--db", str(users_db))
    bob = client_for(app.url, "bob")
    endpoint = api_names(bob.config)
    bob.predict({}, api_name=f"/{endpoint['on_load']}")
    bob.predict("doc-sample", {}, api_name=f"/{endpoint['open-document']}")
    batch = tmp_path / "latin.jsonl"
    batch.write_bytes('{"source": "Café déjà vu à Genève", "translation": "x"}\n'.encode("latin-1"))
    status = bob.predict(handle_file(str(batch)), {}, api_name=f"/{endpoint['import']}")[-1]
    assert "latin.jsonl: is not valid UTF-8" in status and "re-save it as UTF-8" in status
    assert "codec" not in status


def test_a_non_loopback_address_without_logins_is_refused_in_one_line(tmp_path):
    done = subprocess.run([sys.executable, "app.py", "--no-mt", "--host", "0.0.0.0", "--db", str(tmp_path / "x.db")],
                          capture_output=True, text=True, timeout=120)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert lines[0].startswith("workbench: error: refusing to serve on 0.0.0.0 without logins")
    assert "--insecure-no-auth" in lines[0]
