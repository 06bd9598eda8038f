"""SQLModel models of the ``todo`` table (created by schema.sql, with its RLS policy) and the API's bodies."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import Column, DateTime, func
from sqlmodel import Field, SQLModel


class TodoBase(SQLModel):
    """Fields a client may set."""

    title: str = Field(min_length=1, max_length=500)


class Todo(TodoBase, table=True):
    """A row of ``public.todo``; which rows a session sees is decided by the database's policy."""

    __tablename__: ClassVar[str] = "todo"
    __mapper_args__: ClassVar[dict[str, bool]] = {"eager_defaults": True}  # server defaults via RETURNING

    id: int | None = Field(default=None, primary_key=True)
    user_id: str
    completed: bool = False
    created_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    )
    updated_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    )


class TodoCreate(TodoBase):
    """``POST /todos`` body."""

    completed: bool = False


class TodoUpdate(SQLModel):
    """``PATCH /todos/{id}`` body: only the fields given change."""

    title: str | None = Field(default=None, min_length=1, max_length=500)
    completed: bool | None = None


class TodoRead(TodoBase):
    """A todo as the API returns it."""

    id: int
    completed: bool
    created_at: datetime
    updated_at: datetime
