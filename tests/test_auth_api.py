"""With credentials configured, every route that reads or writes documents needs them.

The app runs in a subprocess (``start_app`` from tests/fixtures/browser.py) and is called
the way a script would call it, not through the page: raw HTTP with ``httpx`` for each of
Gradio's API routes, and ``gradio_client`` for a logged-in review. The server binds to the
loopback address unless told otherwise.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import httpx
import pytest

from tests.fixtures.store import sample_document
from workbench.store import Store

USER, PASSWORD = "ana.li", "s3cret"


@pytest.fixture
def seeded_db(tmp_path):
    """A database holding the three-sentence sample document, not yet reviewed."""
    db = tmp_path / "seeded.db"
    with Store(db) as store:
        store.add_document(sample_document())
    return db


def api_names(config: dict) -> dict[str, str]:
    """API endpoint name of each event handler, by the elem_id of the component that triggers it."""
    elem_ids = {c["id"]: c.get("props", {}).get("elem_id") for c in config["components"]}
    names = {}
    for dependency in config["dependencies"]:
        for target, trigger in dependency.get("targets", []):
            names[elem_ids.get(target) or trigger] = dependency["api_name"]
    return names


def logged_in_api_names(base: str) -> dict[str, str]:
    """:func:`api_names` of the app at ``base``, read after logging in."""
    with httpx.Client(base_url=base, timeout=30) as http:
        assert http.post("login", data={"username": USER, "password": PASSWORD}).status_code == 200
        return api_names(http.get("config").json())


def status_without_login(base: str, endpoint: dict[str, str]) -> dict[str, int]:
    """Status of every route that reads or writes documents, called without logging in."""
    def call(button: str, *data) -> tuple[str, str, dict]:
        return "POST", f"gradio_api/call/{endpoint[button]}", {"data": [*data, {}]}

    calls = {
        "config": ("GET", "config", None),
        "api info": ("GET", "gradio_api/info", None),
        "openapi": ("GET", "gradio_api/openapi.json", None),
        "list documents": call("load"),
        "open a document": call("open-document", "doc-sample"),
        "process an article": call("process", "Talks were held.", None),
        "save an edit": call("save", "译文", None, "x"),
        "approve": call("approve-next", "译文", None, "x"),
        "import translations": call("import", None),
        "queue join": ("POST", "gradio_api/queue/join", {"data": [{}], "fn_index": 0, "session_hash": "s"}),
        "queue data": ("GET", "gradio_api/queue/data?session_hash=s", None),
        "run predict": ("POST", "gradio_api/run/predict", {"data": [{}], "fn_index": 0}),
        "upload": ("POST", "gradio_api/upload", None),
        "file": ("GET", "gradio_api/file=seeded.db", None),
    }
    with httpx.Client(base_url=base, timeout=30) as http:
        status = {}
        for name, (method, path, body) in calls.items():
            files = {"files": ("a.txt", b"Talks were held.")} if name == "upload" else None
            status[name] = http.request(method, path, json=body, files=files).status_code
    return status


@pytest.mark.slow
def test_with_credentials_no_document_route_answers_without_them(start_app, seeded_db):
    app = start_app("--auth", f"{USER}:{PASSWORD}", "--no-mt", "--db", str(seeded_db))
    endpoint = logged_in_api_names(app.url)
    answered = {name: code for name, code in status_without_login(app.url, endpoint).items() if code != 401}
    assert answered == {}, f"routes answering without login: {answered}"
    with httpx.Client(base_url=app.url, timeout=30) as http:
        assert http.post("login", data={"username": USER, "password": "wrong"}).status_code == 400
        assert http.get("config").status_code == 401
    with Store(seeded_db, read_only=True) as store:
        assert store.count_revisions() == 0 and [d.id for d in store.list_documents()] == ["doc-sample"]


@pytest.mark.slow
def test_logged_in_client_reads_and_saves_as_the_login_name(start_app, seeded_db):
    from gradio_client import Client

    app = start_app("--auth", f"{USER}:{PASSWORD}", "--no-mt", "--db", str(seeded_db))
    with pytest.raises(Exception, match="(?i)auth|401|login"):
        Client(app.url, verbose=False, download_files=False)
    client = Client(app.url, auth=(USER, PASSWORD), verbose=False, download_files=False)
    endpoint = api_names(client.config)
    loaded = client.predict({}, api_name=f"/{endpoint['load']}")
    assert loaded[0] == USER  # the reviewer box is filled with the login name
    assert "doc-sample" in str(loaded[1])
    opened = client.predict("doc-sample", {}, api_name=f"/{endpoint['open-document']}")
    assert any(SAMPLE_FIRST_SENTENCE in str(panel) for panel in opened)  # the English panel shows it
    # The reviewer typed into the box does not matter: saves carry the login name.
    saved = client.predict("中方将依法审批出口申请。", None, "someone else", None, {}, api_name=f"/{endpoint['save']}")
    assert "Saved revision 1" in saved[-1]
    with Store(seeded_db, read_only=True) as store:
        first = store.segments("doc-sample")[0]
        [revision] = store.revisions(first.id)
    assert (revision.text, revision.reviewer, revision.action) == ("中方将依法审批出口申请。", USER, "edit")


@pytest.mark.slow
def test_the_server_binds_to_loopback_by_default(start_app):
    app = start_app("--no-mt")
    assert "Running on local URL:  http://127.0.0.1:" in app.log.read_text()  # not 0.0.0.0
    address = _outward_address()
    if address is None or address.startswith("127."):
        pytest.skip("this machine has no non-loopback address to try the port on")
    with socket.socket() as sock:
        sock.settimeout(2)
        assert sock.connect_ex((address, urlsplit(app.url).port)) != 0, f"the app answers on {address}"


def _outward_address() -> str | None:
    """This machine's address on its default route (a UDP "connect" sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere
            return sock.getsockname()[0]
        except OSError:
            return None


SAMPLE_FIRST_SENTENCE = sample_document().segments[0].text
