"""Mappers for users, API tokens, sessions and failed logins (one row each)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from skillgap.domain.users import ApiToken, Session, User, UserRole
from skillgap.errors import ConflictError
from skillgap.store import EXPIRED_ONLY
from skillgap.store import tables as t
from skillgap.store.mappers import Mapper, Where, insert_rows
from skillgap.store.references import Lookup, problem


class UserMapper(Mapper[User]):
    what, table, key = "user", t.users, "id"

    def insert(self, conn: Connection, items: Sequence[User]) -> None:
        insert_rows(conn, t.users, [_user_row(u) for u in items])

    def update(self, conn: Connection, item: User) -> None:
        table = t.users
        conn.execute(table.update().where(table.c.id == item.id).values(_user_row(item)))

    def load(self, conn: Connection, where: Where = None) -> list[User]:
        return [
            User(
                id=r.id,
                name=r.name,
                role=UserRole(r.role),
                password_hash=r.password_hash,
                created_at=r.created_at,
                person_id=r.person_id,
                active=r.active,
            )
            for r in self._parents(conn, where)
        ]


def _user_row(u: User) -> dict[str, Any]:
    return {
        "id": u.id,
        "name": u.name,
        "role": u.role.value,
        "password_hash": u.password_hash,
        "created_at": u.created_at,
        "person_id": u.person_id,
        "active": u.active,
    }


class ApiTokenMapper(Mapper[ApiToken]):
    what, table, key = "API token", t.api_tokens, "id"

    def insert(self, conn: Connection, items: Sequence[ApiToken]) -> None:
        insert_rows(conn, t.api_tokens, [_token_row(a) for a in items])

    def update(self, conn: Connection, item: ApiToken) -> None:
        table = t.api_tokens
        conn.execute(table.update().where(table.c.id == item.id).values(_token_row(item)))

    def load(self, conn: Connection, where: Where = None) -> list[ApiToken]:
        return [
            ApiToken(
                id=r.id,
                name=r.name,
                role=UserRole(r.role),
                secret_hash=r.secret_hash,
                created_at=r.created_at,
                created_by=r.created_by,
                person_id=r.person_id,
                revoked_at=r.revoked_at,
            )
            for r in self._parents(conn, where)
        ]


def _token_row(a: ApiToken) -> dict[str, Any]:
    return {
        "id": a.id,
        "name": a.name,
        "role": a.role.value,
        "secret_hash": a.secret_hash,
        "created_at": a.created_at,
        "created_by": a.created_by,
        "person_id": a.person_id,
        "revoked_at": a.revoked_at,
    }


#: Every page's request reads its session: built once, its compiled form is found at once
#: (building the SELECT and its cache key each time cost two to three times the read).
_FIND_SESSION = sa.select(t.sessions).where(t.sessions.c.id_hash == sa.bindparam("id_hash"))


class SqlSessions:
    """Sessions and failed logins are not keyed aggregates: these classes are the ports
    (``SessionRepository``, ``LoginFailures``) themselves."""

    def __init__(self, conn: Connection, lookup: Lookup) -> None:
        self._conn = conn
        self._lookup = lookup  # says what a refused session refers to

    def add(self, session: Session) -> None:
        if self.find(session.id_hash) is not None:
            raise ConflictError("that session already exists")
        row = {
            "id_hash": session.id_hash,
            "user_id": session.user_id,
            "csrf_token": session.csrf_token,
            "created_at": session.created_at,
            "expires_at": session.expires_at,
        }
        try:  # a savepoint keeps the transaction usable after a refused session
            with self._conn.begin_nested():
                self._conn.execute(t.sessions.insert().values(row))
        except IntegrityError as exc:
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            reason = problem(session, self._lookup)
            raise ConflictError(reason or f"cannot store the session ({detail})") from None

    def find(self, id_hash: str) -> Session | None:
        r = self._conn.execute(_FIND_SESSION, {"id_hash": id_hash}).first()
        if r is None:
            return None
        return Session(r.id_hash, r.user_id, r.csrf_token, r.created_at, r.expires_at)

    def remove(self, id_hash: str) -> None:
        self._delete(t.sessions.c.id_hash == id_hash)

    def remove_for_user(self, user_id: str) -> int:
        return self._delete(t.sessions.c.user_id == user_id)

    def remove_expired(self, now: datetime) -> int:
        """Forget the sessions that expire at or before ``now`` (this raises no revision:
        ``store.EXPIRED_ONLY``)."""
        return self._delete(t.sessions.c.expires_at <= now, expired_only=True)

    def _delete(self, where: sa.ColumnElement[bool], *, expired_only: bool = False) -> int:
        statement = t.sessions.delete().where(where)
        if expired_only:
            statement = statement.execution_options(**{EXPIRED_ONLY: True})
        return int(self._conn.execute(statement).rowcount)


class SqlLoginFailures:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def record(self, key: str, at: datetime) -> None:
        self._conn.execute(t.login_failures.insert().values(key=key, at=at))

    def count_since(self, key: str, since: datetime) -> int:
        c = t.login_failures.c
        query = sa.select(sa.func.count()).where(c.key == key, c.at >= since)
        return int(self._conn.execute(query).scalar_one())

    def clear(self, key: str) -> None:
        self._conn.execute(t.login_failures.delete().where(t.login_failures.c.key == key))

    def purge_before(self, at: datetime) -> int:
        done = self._conn.execute(t.login_failures.delete().where(t.login_failures.c.at < at))
        return int(done.rowcount)
