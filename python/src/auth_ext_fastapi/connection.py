"""Connection options that depend on where a URL points: a transaction-mode pooler or the server.

A pooler in transaction mode (PgBouncer, Neon's ``-pooler`` endpoint, Supabase's port 6543)
hands each transaction to whichever server connection is free. psycopg prepares a statement it
has run ``prepare_threshold`` times (5) on the server connection it happens to hold, by name, and
later sends only the name: behind a pooler older than PgBouncer 1.21 (or one with
``max_prepared_statements = 0``) that name is missing on the next server connection and the query
fails (SQLSTATE 26000 or 42P05). ``prepare_threshold=None`` turns automatic preparation off,
which is correct behind any pooler and costs little for auth_ext's one-call statements.
"""

from __future__ import annotations

from typing import Any

from psycopg.conninfo import conninfo_to_dict

#: Ports of transaction-mode poolers by convention: PgBouncer's default, Supabase's transaction pooler.
POOLER_PORTS = frozenset({"6432", "6543"})


def is_pooled_url(conninfo: str) -> bool:
    """Whether ``conninfo`` (URL or ``key=value`` string) looks like a transaction-mode pooler.

    True for a host with a ``-pooler`` label (Neon's pooled connection string) or port 6432 /
    6543. Anything else is taken as a direct connection; pass ``pooled=True`` for a pooler this
    cannot recognise.
    """
    try:
        params = conninfo_to_dict(conninfo)
    except Exception:  # noqa: BLE001 - a malformed conninfo fails later, with libpq's own message
        return False
    hosts = str(params.get("host") or "").split(",")
    ports = str(params.get("port") or "").split(",")
    if any(label.endswith("-pooler") for host in hosts for label in host.lower().split(".")):
        return True
    return any(port.strip() in POOLER_PORTS for port in ports)


def connect_kwargs(conninfo: str, pooled: bool | None = None) -> dict[str, Any]:
    """Keyword arguments for psycopg connections to ``conninfo``.

    ``pooled``: True for a transaction-mode pooler, False for a direct connection, None to decide
    with :func:`is_pooled_url`. Behind a pooler: ``{"prepare_threshold": None}`` (no automatic
    prepared statements). Pass the result to ``psycopg.connect(conninfo, **kwargs)``, or as
    SQLAlchemy's ``create_engine(..., connect_args=kwargs)``.
    """
    if pooled is None:
        pooled = is_pooled_url(conninfo)
    return {"prepare_threshold": None} if pooled else {}
