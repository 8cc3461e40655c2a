"""`Idempotency-Key` on every POST under /api: a retried request gets the first answer, not a second effect.

A client that saw a connection error cannot know whether its answer was stored; it sends the same
request again with the same key and gets the stored response (header ``Idempotent-Replayed: true``)
instead of a duplicate. Keys are scoped to the user the token belongs to, the method and the path,
and kept in the database (table ``idempotency_keys``), so they hold across workers and restarts.

- same key, same body, finished: the stored status and body are replayed;
- same key, same body, still running: ``409`` with ``Retry-After`` (try again in a moment);
- same key, different body: ``422`` (a key names one request, never two);
- a 5xx, a 401/403/409/429 or a crash is not stored: the retry runs afresh. A request that was
  cut off by a crash mid-way holds its key for ``LEASE_SECONDS``; after that a retry runs again.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,200}$")
#: a request still marked running after this long was cut off (crash, kill -9): its key is free again.
LEASE_SECONDS = 120
#: kept outcomes: success and the deterministic refusals; transient ones are retried for real.
KEEP = frozenset({400, 404, 413, 422})

metadata = sa.MetaData()
idempotency_t = sa.Table(
    "idempotency_keys", metadata,
    sa.Column("principal", sa.String(200), primary_key=True),
    sa.Column("method", sa.String(8), primary_key=True),
    sa.Column("path", sa.String(512), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("status", sa.Integer, nullable=True),  # null while the first request runs
    sa.Column("headers", sa.JSON, nullable=True),
    sa.Column("body", sa.LargeBinary, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
_ready: set[int] = set()
_ready_lock = threading.Lock()


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class KeyStore:
    """The ``idempotency_keys`` table on the app's own database engine."""

    def __init__(self, engine: sa.engine.Engine, ttl_hours: float = 24.0) -> None:
        self.engine = engine
        self.ttl = timedelta(hours=ttl_hours)
        with _ready_lock:
            if id(engine) not in _ready:
                metadata.create_all(engine, tables=[idempotency_t])
                _ready.add(id(engine))

    def _where(self, principal: str, method: str, path: str, key: str) -> Any:
        t = idempotency_t.c
        return sa.and_(t.principal == principal, t.method == method, t.path == path, t.key == key)

    def claim(self, principal: str, method: str, path: str, key: str, request_hash: str) -> dict | None:
        """Mark the key as running and return None, or return the existing row (as a dict)."""
        now = _now()
        where = self._where(principal, method, path, key)
        with self.engine.begin() as conn:
            conn.execute(idempotency_t.delete().where(idempotency_t.c.created_at < now - self.ttl))
            row = conn.execute(sa.select(idempotency_t).where(where)).mappings().first()
            if row is None:
                try:
                    with conn.begin_nested():
                        conn.execute(idempotency_t.insert().values(
                            principal=principal, method=method, path=path, key=key,
                            request_hash=request_hash, status=None, headers=None, body=None, created_at=now))
                    return None
                except IntegrityError:  # a concurrent first request won the race
                    row = conn.execute(sa.select(idempotency_t).where(where)).mappings().first()
            if row is None:
                return None
            row = dict(row)
            stale = row["status"] is None and _aware(row["created_at"]) < now - timedelta(seconds=LEASE_SECONDS)
            if stale and row["request_hash"] == request_hash:
                conn.execute(idempotency_t.update().where(where).values(created_at=now))
                return None
            return row

    def finish(self, principal: str, method: str, path: str, key: str, status: int,
               headers: list[tuple[str, str]], body: bytes) -> None:
        where = self._where(principal, method, path, key)
        with self.engine.begin() as conn:
            if 200 <= status < 300 or status in KEEP:
                conn.execute(idempotency_t.update().where(where).values(status=status, headers=headers, body=body))
            else:
                conn.execute(idempotency_t.delete().where(where))

    def release(self, principal: str, method: str, path: str, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(idempotency_t.delete().where(self._where(principal, method, path, key)))


async def _send_json(send: Send, status: int, payload: dict, extra: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps(payload).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *extra]})
    await send({"type": "http.response.body", "body": body})


class IdempotencyMiddleware:
    """Honours ``Idempotency-Key`` on POST /api/...; requests without the header pass untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._keys: KeyStore | None = None

    def _store(self, scope: Scope) -> Any:
        from aismm_assistant.api.auth import get_store

        class _Req:  # get_store reads request.app.state only
            app = scope["app"]

        return get_store(_Req())  # type: ignore[arg-type]

    def _key_store(self, store: Any, settings: Any) -> KeyStore:
        if self._keys is None or self._keys.engine is not store.engine:
            self._keys = KeyStore(store.engine, ttl_hours=getattr(settings, "idempotency_ttl_hours", 24.0))
        return self._keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        key = headers.get(HEADER.lower())
        if key is None:
            await self.app(scope, receive, send)
            return
        if not KEY_PATTERN.match(key):
            await _send_json(send, 400, {"error": f"{HEADER}: use 1 to 200 visible ASCII characters, e.g. a UUID"})
            return
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            await self.app(scope, receive, send)  # the route answers 401
            return
        store = self._store(scope)
        user = await run_in_threadpool(store.user_by_token, token.strip())
        if user is None:
            await self.app(scope, receive, send)
            return
        body, replay = await _read_body(receive)
        if body is None:
            return  # the client went away
        principal = getattr(user, "id", None) or user.name
        ident = (str(principal), "POST", scope["path"], key)
        keys = self._key_store(store, scope["app"].state.settings)
        digest = hashlib.sha256(scope.get("query_string", b"") + b"\0" + body).hexdigest()
        row = await run_in_threadpool(keys.claim, *ident, digest)
        if row is not None:
            await _answer_existing(send, row, digest)
            return

        status = 500
        out_headers: list[tuple[str, str]] = []
        chunks: list[bytes] = []
        finished = False

        async def capture(message: Message) -> None:
            nonlocal status, out_headers, finished
            if message["type"] == "http.response.start":
                status = message["status"]
                out_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", [])]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    # record the outcome before the client can see it: a client that got the answer and
                    # retries after a crash must be replayed, never run twice
                    await run_in_threadpool(keys.finish, *ident, status, out_headers, b"".join(chunks))
                    finished = True
            await send(message)

        try:
            await self.app(scope, replay, capture)
        except BaseException:
            if not finished:
                await run_in_threadpool(keys.release, *ident)
            raise
        if not finished:
            await run_in_threadpool(keys.finish, *ident, status, out_headers, b"".join(chunks))


async def _read_body(receive: Receive) -> tuple[bytes | None, Any]:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None, None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


async def _answer_existing(send: Send, row: dict, digest: str) -> None:
    if row["request_hash"] != digest:
        await _send_json(send, 422, {"error": f"this {HEADER} was used for a different request; "
                                              "use a new key for a new request"})
        return
    if row["status"] is None:
        await _send_json(send, 409, {"error": f"a request with this {HEADER} is still running; "
                                              "retry in a moment to get its answer"},
                         [(b"retry-after", b"1")])
        return
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in row["headers"] or []]
    headers.append((REPLAYED.lower().encode(), b"true"))
    await send({"type": "http.response.start", "status": row["status"], "headers": headers})
    await send({"type": "http.response.body", "body": row["body"] or b""})
