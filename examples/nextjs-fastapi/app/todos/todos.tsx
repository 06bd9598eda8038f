"use client";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, apiToken, signOut } from "@/lib/api";

type Todo = { id: number; title: string; completed: boolean };

export function Todos({ apiUrl, user }: { apiUrl: string; user: { name: string; email: string } }) {
  const [todos, setTodos] = useState<Todo[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const call = useCallback(
    async (path: string, init?: RequestInit) => {
      const res = await api(apiUrl, path, init);
      if (res.status === 401) {
        window.location.assign("/sign-in");
        throw new Error("signed out");
      }
      if (!res.ok) {
        const body = await res.json().catch(() => null);
        throw new Error(body?.message ?? body?.detail ?? `The todo API answered ${res.status}`);
      }
      return res.status === 204 ? null : res.json();
    },
    [apiUrl],
  );

  const run = useCallback(async (work: () => Promise<void>) => {
    try {
      setError(null);
      await work();
    } catch (e) {
      if ((e as Error).message !== "signed out") setError((e as Error).message);
    }
  }, []);

  useEffect(() => {
    void run(async () => setTodos(await call("/todos?limit=100")));
    void apiToken().catch(() => {}); // starts the silent refresh even before the first call
  }, [call, run]);

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const title = String(new FormData(form).get("title")).trim();
    if (!title) return;
    await run(async () => {
      const todo: Todo = await call("/todos", { method: "POST", body: JSON.stringify({ title }) });
      setTodos((list) => [...(list ?? []), todo]);
      form.reset();
    });
  }

  const toggle = (todo: Todo) =>
    run(async () => {
      const updated: Todo = await call(`/todos/${todo.id}/toggle`, { method: "POST" });
      setTodos((list) => (list ?? []).map((t) => (t.id === todo.id ? updated : t)));
    });

  const remove = (todo: Todo) =>
    run(async () => {
      await call(`/todos/${todo.id}`, { method: "DELETE" });
      setTodos((list) => (list ?? []).filter((t) => t.id !== todo.id));
    });

  return (
    <main>
      <header style={{ display: "flex", justifyContent: "space-between", alignItems: "center" }}>
        <h1>{user.name}&apos;s todos</h1>
        <button
          onClick={async () => {
            await signOut();
            window.location.assign("/sign-in");
          }}
        >
          Sign out
        </button>
      </header>
      <p data-testid="who">{user.email}</p>
      <form onSubmit={add} style={{ display: "flex", gap: 8 }}>
        <input name="title" placeholder="What needs doing?" aria-label="New todo" maxLength={500} />
        <button type="submit">Add</button>
      </form>
      {error && (
        <p role="alert" data-testid="error" style={{ color: "crimson" }}>
          {error}
        </p>
      )}
      {todos === null ? (
        <p>Loading…</p>
      ) : (
        <ul data-testid="todos" data-loaded="true" style={{ listStyle: "none", padding: 0 }}>
          {todos.map((todo) => (
            <li key={todo.id} data-testid="todo" data-completed={todo.completed} style={{ display: "flex", gap: 8 }}>
              <input
                type="checkbox"
                checked={todo.completed}
                onChange={() => toggle(todo)}
                aria-label={`Complete ${todo.title}`}
              />
              <span style={{ textDecoration: todo.completed ? "line-through" : "none", flex: 1 }}>{todo.title}</span>
              <button onClick={() => remove(todo)} aria-label={`Delete ${todo.title}`}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
