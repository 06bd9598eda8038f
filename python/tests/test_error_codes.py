"""One error table, auth_ext.error_codes(): the generated ``_error_codes.py`` is what the installed
extension returns, and the package answers every code of it with the table's status, code and
message, from real errors the database raises. The Better Auth plugin checks its side against the
same table, and the real Better Auth's answers for each code
(packages/better-auth-auth-ext/test/error-codes.test.mjs), so the three agree.
"""

import psycopg
import pytest

from auth_ext_fastapi import from_database_error
from auth_ext_fastapi._error_codes import ERROR_CODES


def test_the_generated_table_is_the_extensions(owner_dsn: str) -> None:
    with psycopg.connect(owner_dsn) as conn:
        rows = conn.execute(
            "SELECT code, sqlstate, http_status, message FROM auth_ext.error_codes() WITH ORDINALITY ORDER BY ordinality"
        ).fetchall()
    assert list(ERROR_CODES) == rows, "_error_codes.py is stale: run scripts/gen-error-codes.sh"


def _raised(conn: psycopg.Connection, statement: str, *params: str) -> psycopg.Error:
    with pytest.raises(psycopg.Error) as info:
        conn.execute(statement, params or None)
    return info.value


@pytest.mark.parametrize(("code", "sqlstate", "status", "message"), ERROR_CODES, ids=[f"{c}-{s}" for c, s, *_ in ERROR_CODES])
def test_every_code_is_answered_with_the_tables_status(owner_dsn: str, code: str, sqlstate: str, status: int, message: str) -> None:
    with psycopg.connect(owner_dsn, autocommit=True) as conn:
        if len(sqlstate) == 5:
            error = _raised(conn, "SELECT auth_ext._raise(%s)", code)
            assert error.diag.constraint_name == code  # the code in the CONSTRAINT field
        else:  # a SQLSTATE class: a server going away
            error = _raised(conn, f"DO $$ BEGIN RAISE EXCEPTION 'going away' USING ERRCODE = '{sqlstate}000'; END $$")
    mapped = from_database_error(error)
    assert mapped is not None
    if code == "RATE_LIMITED":  # Better Auth's 429 has its message but no code, and X-Retry-After
        assert (mapped.status_code, mapped.code, mapped.message) == (status, None, message)
        assert mapped.headers["X-Retry-After"].isdigit()
        return
    assert (mapped.status_code, mapped.code, mapped.message) == (status, code, message)


def test_codes_of_an_older_server_and_lookalikes(owner_dsn: str) -> None:
    with psycopg.connect(owner_dsn, autocommit=True) as conn:
        # auth_ext 0.1.0: the code in the message only
        old = _raised(conn, "DO $$ BEGIN RAISE EXCEPTION 'USER_NOT_FOUND: User not found' USING ERRCODE = 'P0002'; END $$")
        # a code with another SQLSTATE, and an application's constraint: not auth_ext's codes
        wrong_state = _raised(conn, "DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = '22023', CONSTRAINT = 'INVALID_EMAIL_OR_PASSWORD'; END $$")
        app = _raised(conn, "DO $$ BEGIN RAISE EXCEPTION 'dup' USING ERRCODE = '23505', CONSTRAINT = 'user_email_key'; END $$")
        field = _raised(conn, "SELECT auth_ext.sign_up_email('field@example.com', 'password123', NULL)")
    assert (m := from_database_error(old)) is not None and (m.status_code, m.code) == (400, "USER_NOT_FOUND")
    assert (m := from_database_error(wrong_state)) is not None and (m.status_code, m.code) == (400, "VALIDATION_ERROR")
    assert (m := from_database_error(app)) is not None and (m.status_code, m.code) == (422, "CONFLICT")
    assert (m := from_database_error(field)) is not None
    assert (m.status_code, m.code, m.message) == (400, "VALIDATION_ERROR", "Name is required")
