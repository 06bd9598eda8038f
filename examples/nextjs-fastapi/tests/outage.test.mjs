// The database goes down under a running Next.js app: its own `next start` of this build, whose
// connection to PostgreSQL passes through a TCP relay this test opens and closes (closed: nothing
// listens on the port, so connections are refused, as when PostgreSQL is stopped). Better Auth's
// rate limiter reads the database (rateLimit: { storage: "database" }) before any plugin runs.
// Run by scripts/test.sh browser with STACK_DB, STACK_SECRET, STACK_API_URL and PG* set.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const APP_DIR = fileURLToPath(new URL("..", import.meta.url));
const { STACK_DB, STACK_SECRET, STACK_API_URL, PGPORT } = process.env;
assert.ok(STACK_DB && STACK_SECRET && STACK_API_URL && PGPORT, "STACK_DB, STACK_SECRET, STACK_API_URL and PGPORT are required");
const PASSWORD = "correct horse battery staple";
const address = `outage-${process.pid}-${Date.now().toString(36)}@example.com`;

/** A free TCP port of 127.0.0.1. */
async function freePort() {
  const server = net.createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP relay to PostgreSQL on `port`; down() closes it and cuts its connections, up() reopens it. */
function relay(port) {
  const sockets = new Set();
  let server = null;
  const track = (s) => { sockets.add(s); s.on("close", () => sockets.delete(s)); };
  return {
    async up() {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(PGPORT), "127.0.0.1");
        track(client); track(upstream);
        client.pipe(upstream).pipe(client);
        client.on("error", () => upstream.destroy());
        upstream.on("error", () => client.destroy());
      });
      server.listen(port, "127.0.0.1");
      await new Promise((resolve, reject) => { server.once("listening", resolve); server.once("error", reject); });
    },
    async down() {
      if (!server) return;
      const closed = new Promise((resolve) => server.close(resolve));
      for (const s of sockets) s.destroy();
      await closed;
      server = null;
    },
  };
}

let browser;
let app;
let appUrl;
let db;
let appLog = "";

before(async () => {
  const dbPort = await freePort();
  db = relay(dbPort);
  await db.up();
  const port = await freePort();
  appUrl = `http://127.0.0.1:${port}`;
  app = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: APP_DIR,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: `postgresql://better_auth@127.0.0.1:${dbPort}/${STACK_DB}`,
      BETTER_AUTH_URL: appUrl,
      BETTER_AUTH_SECRET: STACK_SECRET,
      TODO_API_URL: STACK_API_URL,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  app.stdout.on("data", (d) => { appLog += d; });
  app.stderr.on("data", (d) => { appLog += d; });
  for (let i = 0; ; i++) {
    try {
      await fetch(`${appUrl}/sign-in`);
      break;
    } catch {
      assert.ok(i < 240 && app.exitCode === null, `the app did not start:\n${appLog}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
});
after(async () => {
  await browser?.close();
  if (app && app.exitCode === null) {
    const exited = new Promise((resolve) => app.once("exit", resolve));
    app.kill();
    await exited;
  }
  await db?.down(); // nothing may keep this test's process alive
});

/** POST to one of Better Auth's routes from the page (as the form does), as client `ip`. */
const post = (page, path, body, ip) => page.evaluate(async ([path, body, ip]) => {
  const res = await fetch(`/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": ip },
    body: JSON.stringify(body),
  });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), code: (await res.json().catch(() => ({}))).code };
}, [path, body, ip]);

test("while the database is down: sign-in and sign-up answer 503 with Retry-After, /todos says so; then it recovers", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));

  await page.goto(`${appUrl}/sign-up`);
  const up = await post(page, "/sign-up/email", { email: address, password: PASSWORD, name: "Outage" }, "192.0.2.1");
  assert.equal(up.status, 200, "sign-up with the database up");

  await db.down();
  const unavailable = { status: 503, retryAfter: "1", code: "DATABASE_UNAVAILABLE" };
  assert.deepEqual(await post(page, "/sign-in/email", { email: address, password: PASSWORD }, "192.0.2.2"), unavailable);
  assert.deepEqual(
    await post(page, "/sign-up/email", { email: `2-${address}`, password: PASSWORD, name: "Second" }, "192.0.2.3"),
    unavailable);
  // The form says it in words.
  await page.goto(`${appUrl}/sign-in`);
  await page.getByLabel("Email").fill(address);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  assert.equal(await page.getByTestId("error").textContent(), "The service is unavailable right now. Try again in a moment.");
  // A reload of the todo page (the session cookie from the sign-up is still there) explains itself.
  const todos = await page.goto(`${appUrl}/todos`);
  assert.ok(todos.status() < 500, `/todos answered ${todos.status()}`);
  assert.equal(await page.getByRole("heading").textContent(), "The service is unavailable");
  assert.match(await page.getByTestId("unavailable").textContent(), /try again in a moment/);

  await db.up();
  assert.equal((await post(page, "/sign-in/email", { email: address, password: PASSWORD }, "192.0.2.4")).status, 200);
  assert.deepEqual(pageErrors, []);
  assert.equal(app.exitCode, null, "the app kept running");
  await context.close();
});
