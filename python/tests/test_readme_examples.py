"""The code blocks of python/README.md and examples/fastapi-todo/README.md, taken from the READMEs
and run: the SQL on a new database as its owner, the Python against it (the quick start's app
signs users up, keeps their notes apart and rate limits sign-in), the shell commands checked
(syntax, and every file, module, app factory, setting and route they name exists). ``text``
blocks are diagrams. A block in another language fails the test until it is run here.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import shlex
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from auth_ext_fastapi import AsyncAuthExt

from .conftest import _url

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_README = ROOT / "python" / "README.md"
EXAMPLE_README = ROOT / "examples" / "fastapi-todo" / "README.md"
FENCE = re.compile(r"^```(\S*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
DATABASE = "auth_ext_readme_quick_start"
OWNER = "auth_ext_readme_owner"
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Block:
    readme: Path
    line: int
    language: str
    code: str

    def compile(self) -> Any:
        return compile(self.code, f"{self.readme.relative_to(ROOT)}:{self.line}", "exec")


def blocks(readme: Path, language: str | None = None) -> list[Block]:
    text = readme.read_text(encoding="utf-8")
    found = [Block(readme, text.count("\n", 0, m.start()) + 1, m.group(1), m.group(2)) for m in FENCE.finditer(text)]
    return [b for b in found if language is None or b.language == language]


def test_every_block_is_one_this_file_runs() -> None:
    for readme in (PACKAGE_README, EXAMPLE_README):
        for block in blocks(readme):
            assert block.language in ("python", "sql", "sh", "text"), f"{readme.name}:{block.line}: {block.language!r}"
    assert [b.language for b in blocks(PACKAGE_README)] == ["sh", "sql", "python", "python"]


@pytest.fixture(scope="module")
def quick_start_database() -> Iterator[str]:
    """The package README's SQL, run as the owner (not a superuser) of a new database; the URL of
    the application role it creates."""
    (sql,) = blocks(PACKAGE_README, "sql")
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.execute("DROP ROLE IF EXISTS my_app")
        if admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (OWNER,)).fetchone() is None:
            admin.execute(f'CREATE ROLE "{OWNER}" LOGIN CREATEROLE')
        admin.execute(f'CREATE DATABASE "{DATABASE}" OWNER "{OWNER}"')
    with psycopg.connect(_url(DATABASE, OWNER), autocommit=True) as owner:
        owner.execute(sql.code.encode())  # the whole block, as psql would run it
    yield _url(DATABASE, "my_app")
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.execute("DROP ROLE IF EXISTS my_app")


def run_block(block: Block, database_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("REPLICA_DATABASE_URL", raising=False)
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    exec(block.compile(), namespace)
    return namespace


async def test_the_quick_start_app_runs(quick_start_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = run_block(blocks(PACKAGE_README, "python")[0], quick_start_database, monkeypatch)["app"]
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as c:
        tokens = {}
        for name in ("alice", "bob"):
            r = await c.post("/auth/sign-up/email", json={"email": f"{name}@example.com", "password": PASSWORD, "name": name})
            assert r.status_code == 200, r.text
            tokens[name] = {"Authorization": f"Bearer {r.json()['token']}"}
            me = await c.get("/me", headers=tokens[name])
            assert me.json() == {"id": r.json()["user"]["id"], "email": f"{name}@example.com"}
            created = await c.post("/notes", json={"body": f"{name}'s note"}, headers=tokens[name])
            assert created.status_code == 201 and created.json()["owner"] == me.json()["id"]
        for name in ("alice", "bob"):
            listed = (await c.get("/notes", headers=tokens[name])).json()
            assert [note["body"] for note in listed] == [f"{name}'s note"]
        assert (await c.get("/notes")).status_code == 401
        wrong = {"email": "alice@example.com", "password": "not alice's password"}
        statuses = [(await c.post("/auth/sign-in/email", json=wrong)).status_code for _ in range(4)]
        assert statuses == [401, 401, 401, 429], "the example's rate limit stops the fourth guess"


async def test_the_pooler_block_builds_a_working_client(quick_start_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    auth = run_block(blocks(PACKAGE_README, "python")[1], quick_start_database, monkeypatch)["auth"]
    assert isinstance(auth, AsyncAuthExt) and auth.replica_pool is None and auth.pool.timeout == 10.0
    async with auth:
        assert await auth.get_session("no-such-session") is None


def _words(block: Block) -> list[list[str]]:
    """Each command of a shell block (lines, and commands joined by ``&&``), split as the shell would."""
    commands: list[list[str]] = []
    for line in block.code.replace("\\\n", " ").splitlines():
        command: list[str] = []
        for word in [*shlex.split(line, comments=True), "&&"]:
            if word == "&&":
                commands += [command] if command else []
                command = []
            else:
                command.append(word)
    return commands


def _routes() -> set[tuple[str, str]]:
    from todo_api.config import Settings
    from todo_api.main import create_app

    app = create_app(Settings())
    return {(method, route.path) for route in app.routes for method in getattr(route, "methods", ())}


@pytest.mark.parametrize("readme", [PACKAGE_README, EXAMPLE_README], ids=["package", "example"])
def test_shell_blocks_name_what_exists(readme: Path) -> None:
    config = (ROOT / "examples" / "fastapi-todo" / "todo_api" / "config.py").read_text(encoding="utf-8")
    routes = _routes()
    for block in blocks(readme, "sh"):
        where = f"{readme.name}:{block.line}"
        checked = subprocess.run(["bash", "-n"], input=block.code, capture_output=True, text=True, check=False)
        assert checked.returncode == 0, f"{where}: {checked.stderr}"
        cwd = ROOT
        for words in _words(block):
            command, args = words[0], words[1:]
            if command == "cd":
                cwd = cwd / args[0]
                assert cwd.is_dir(), f"{where}: cd {args[0]}"
            elif command in ("source", ".") and args[0] != ".venv/bin/activate":
                assert (cwd / args[0]).is_file(), f"{where}: {args[0]}"
            elif command == "pip":
                for path in [a for a in args if not a.startswith("-") and a != "install"]:
                    assert (cwd / path / "pyproject.toml").is_file(), f"{where}: pip install {path}"
            elif command in ("python", "python3") and args[:1] == ["-m"] and args[1] not in ("venv", "pip"):
                assert importlib.util.find_spec(args[1]) is not None, f"{where}: python -m {args[1]}"
            elif command == "uvicorn":
                module, _, factory = next(a for a in args if ":" in a).partition(":")
                assert callable(getattr(importlib.import_module(module), factory)), f"{where}: {module}:{factory}"
            elif command == "export":
                name = args[0].partition("=")[0]
                assert f'"{name}"' in config, f"{where}: the example reads no {name}"
            elif command == "node":
                assert (ROOT / args[0]).is_file(), f"{where}: node {args[0]}"
            elif command == "curl":
                url = next(a for a in args if "localhost:8000" in a)
                method = "POST" if "-d" in args else "GET"
                path = url.split("localhost:8000", 1)[1].split("?")[0]
                assert (method, path) in routes, f"{where}: {method} {path} is no route of the example"
