"""Todo API example: FastAPI + SQLModel on Better Auth users, isolated by RLS through auth_ext."""
