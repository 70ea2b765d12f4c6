"""Reads that may come from PostgreSQL's read replica (REPLICA_DATABASE_URL, the `replica`
alias): those of the insights pages, which count and chart over months and can be a few
seconds behind, so that they do not compete with the board and the phones for the primary.
Every write, every other read and every migration stays on `default`.

Two ways a read goes there: any model of an app labelled `insights`, and any query made by a
selector marked `@replica_reads` (a QuerySet it returns is bound to the replica, so it goes
there when it is evaluated later too). Without a replica both are reads like any other."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

REPLICA = "replica"
# App labels whose every read goes to the replica.
REPLICA_APPS = frozenset({"insights"})

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)

P = ParamSpec("P")
R = TypeVar("R")


def read_alias() -> str:
    """The alias the insights' reads use: the replica when there is one."""
    return REPLICA if REPLICA in connections else DEFAULT_DB_ALIAS


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Reads inside the block go to the replica (if there is one)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_reads(selector: Callable[P, R]) -> Callable[P, R]:
    """Mark a selector whose reads may be a few seconds behind: its queries go to the replica,
    and a QuerySet it returns stays bound to it."""

    @functools.wraps(selector)
    def read(*args: P.args, **kwargs: P.kwargs) -> R:
        with reading_from_replica():
            result = selector(*args, **kwargs)
        if isinstance(result, QuerySet):
            return result.using(read_alias())
        return result

    return read


class ReplicaRouter:
    """DATABASE_ROUTERS' router: see the module's docstring."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if REPLICA not in connections:
            return None
        if model._meta.app_label in REPLICA_APPS or _replica_reads.get():
            return REPLICA
        return None

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        # The replica is a copy of the same database: rows from either relate freely.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # The replica follows the primary's schema by replication, never by migrate.
        return db == DEFAULT_DB_ALIAS
