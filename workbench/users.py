"""Who may do what: users, roles, password hashes and the actor every write is recorded under.

Three roles, each allowed what the ones before it are (as Weblate separates them):

* ``translator``: edit a segment's Chinese, take MT or official wording, import translations,
  process an article for review;
* ``reviewer``: also approve, reject and revert;
* ``admin``: also export, add corpus documents and terms, fine-tune and manage users.

Passwords are kept only as scrypt hashes (``hashlib.scrypt``, a memory-hard KDF, with a
random salt per password); they are never stored or logged in clear. The quick-start
credentials of ``--auth USER:PASSWORD`` are admins that live only in the running server.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.errors import InputError, PermissionDeniedError
from workbench.store import ROLES, Store, UserRecord

# scrypt cost: 16 MiB of memory and ~50 ms per check, so a stolen table is slow to attack.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_CHARS = 8

# What each kind of write needs; review actions are named as pipeline.ACTIONS names them.
REQUIRED_ROLE = {
    "edit": "translator",
    "accept_mt": "translator",
    "use_official": "translator",
    "insert_official": "translator",
    "import": "translator",
    "process": "translator",
    "approve": "reviewer",
    "reject": "reviewer",
    "revert": "reviewer",
    "export": "admin",
    "corpus": "admin",
    "terms": "admin",
    "finetune": "admin",
    "users": "admin",
}
WHAT = {"edit": "editing", "accept_mt": "accepting MT", "use_official": "using official wording",
        "insert_official": "inserting official wording", "import": "importing translations",
        "process": "processing an article", "approve": "approving", "reject": "rejecting", "revert": "reverting",
        "export": "exporting", "corpus": "adding corpus documents", "terms": "adding terms",
        "finetune": "fine-tuning", "users": "managing users"}


@dataclass(frozen=True)
class Actor:
    """The person a request acts for, decided by the server: the login, or the typed name without logins.

    ``role`` is None when the server runs without logins (everyone may do everything, as on
    a single reviewer's machine).
    """

    name: str
    role: str | None = None

    def may(self, permission: str) -> bool:
        """Whether this actor's role allows ``permission`` (a key of :data:`REQUIRED_ROLE`)."""
        if self.role is None:
            return True
        return ROLES.index(self.role) >= ROLES.index(REQUIRED_ROLE[permission])

    def require(self, permission: str) -> None:
        """Raise :class:`PermissionDeniedError`, naming the role needed, unless this actor may ``permission``."""
        if not self.may(permission):
            needed = REQUIRED_ROLE[permission]
            raise PermissionDeniedError(
                f"{self.name} is a {self.role}; {WHAT[permission]} needs the {needed} role "
                f"(an admin can grant it: workbench users set-role {self.name} {needed})")


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password``, self-describing: ``scrypt$N$r$p$salt$hash`` (base64)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return "$".join(("scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)))


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a hash made by :func:`hash_password` (constant-time compare)."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        expected = base64.b64decode(digest)
        found = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                               p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, expected)


def check_new_user(name: str, role: str, password: str) -> None:
    """Refuse a user name, role or password that cannot be used, saying what to change."""
    if not name or name != name.strip() or ":" in name or "," in name or len(name) > 64:
        raise InputError(f"user name {name!r} cannot be used; use up to 64 characters without spaces at the ends, "
                         "':' or ','")
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_CHARS:
        raise InputError(f"the password has {len(password)} characters; use at least {MIN_PASSWORD_CHARS}")


class Directory:
    """Everyone who may log in: the store's users plus the quick-start ``--auth`` pairs (admins)."""

    def __init__(self, store: Store, quick_start: Sequence[tuple[str, str]] = ()):
        self.store = store
        # Hashed at start, so not even the running server keeps a clear password.
        self._quick = {name: hash_password(password) for name, password in quick_start}

    @property
    def enabled(self) -> bool:
        """Whether logins are required (some user exists)."""
        return bool(self._quick) or bool(self.store.users())

    def authenticate(self, name: str, password: str) -> Actor | None:
        """The actor for correct credentials, else None."""
        record = self._quick_record(name) or self.store.user(name)
        if record is None:
            verify_password(password, _dummy_hash())  # the same time for unknown names as for wrong passwords
            return None
        return Actor(record.name, record.role) if verify_password(password, record.password_hash) else None

    def actor(self, name: str) -> Actor | None:
        """The actor a logged-in ``name`` is now (roles changed or users removed count at once)."""
        record = self._quick_record(name) or self.store.user(name)
        return Actor(record.name, record.role) if record else None

    def _quick_record(self, name: str) -> UserRecord | None:
        digest = self._quick.get(name)
        return UserRecord(name, "admin", digest, "") if digest else None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(8))
