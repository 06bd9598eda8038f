// The whole stack in headless Chromium (Debian's chromium, driven by playwright-core): Next.js +
// Better Auth with the auth_ext plugin, the FastAPI todo API with Better Auth's JWT, one Postgres.
// Run by scripts/test.sh browser (which starts the stack: scripts/stack.sh) with STACK_URL,
// STACK_API_URL, STACK_DB, JWT_EXPIRATION_TIME (seconds, short) and PG* in the environment.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { chromium } from "playwright-core";

const APP = process.env.STACK_URL;
const API = process.env.STACK_API_URL;
const JWT_SECONDS = Number.parseInt(process.env.JWT_EXPIRATION_TIME ?? "", 10);
assert.ok(APP && API && JWT_SECONDS > 0, "STACK_URL, STACK_API_URL and JWT_EXPIRATION_TIME (e.g. 8s) are required");
const PASSWORD = "correct horse battery staple";
const RUN = `${process.pid}-${Date.now().toString(36)}`;
const TIMEOUT = 20_000;

let browser;
let db;
let ipCounter = 0;
/** Every context is its own client for the rate limiters (Better Auth's and FastAPI's, shared). */
const nextIp = () => `198.51.100.${++ipCounter}`;
const email = (label) => `${label}-${RUN}@example.com`;

/** A fresh browser profile; any 5xx response or page error fails the test that made it. */
async function newContext(t, { ownIp = true } = {}) {
  const ip = ownIp ? nextIp() : undefined;
  const context = await browser.newContext();
  if (ip) {
    // As a proxy in front of Next.js would: the client's address on the app's own requests.
    await context.route(`${APP}/**`, (route) =>
      route.continue({ headers: { ...route.request().headers(), "x-forwarded-for": ip } }));
  }
  context.setDefaultTimeout(TIMEOUT);
  const problems = [];
  context.on("response", (r) => {
    if (r.status() >= 500) problems.push(`${r.request().method()} ${r.url()} -> ${r.status()}`);
  });
  context.on("page", (page) => page.on("pageerror", (e) => problems.push(`page error: ${e.message}`)));
  t.after(async () => {
    await context.close();
    assert.deepEqual(problems, [], "no 5xx response and no page error");
  });
  const page = await context.newPage();
  return { context, page, ip };
}

async function signUp(page, { name, address, password = PASSWORD }) {
  await page.goto(`${APP}/sign-up`);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(address);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign up" }).click();
}

async function signIn(page, address, password = PASSWORD) {
  await page.goto(`${APP}/sign-in`);
  await page.getByLabel("Email").fill(address);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

const todoItems = (page) => page.getByTestId("todo");
const titles = async (page) => {
  await page.locator('[data-testid="todos"][data-loaded="true"]').waitFor({ state: "attached" });
  return page.locator('[data-testid="todo"] span').allTextContents();
};

async function addTodo(page, title) {
  const before = await todoItems(page).count();
  await page.getByLabel("New todo").fill(title);
  await page.getByRole("button", { name: "Add" }).click();
  await assert.doesNotReject(todoItems(page).nth(before).waitFor());
}

/** The JWT payload (no verification: only to read exp). */
const payload = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());

/** The form's message: Better Auth's wording, never a network failure. */
async function formError(page) {
  const text = await page.getByTestId("error").textContent();
  assert.doesNotMatch(text, /Failed to fetch|NetworkError|Internal Server Error/);
  return text;
}

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
  db = new pg.Pool({ database: process.env.STACK_DB, max: 2 });
});
after(async () => {
  await browser?.close();
  await db?.end();
});

const alice = { name: "Alice", address: email("alice") };

describe("the todo app in a browser", () => {
  test("sign up lands on the todos; add, complete, delete; reload; silent JWT refresh; sign out ends the JWTs at once; sign in", async (t) => {
    const { page } = await newContext(t);
    const sent = []; // [time, Authorization JWT] of every call to the todo API
    const apiStatuses = [];
    const tokenFetches = [];
    page.on("request", (r) => {
      const authorization = r.headers().authorization;
      if (r.url().startsWith(API) && authorization) sent.push([Date.now() / 1000, authorization.slice(7)]);
    });
    page.on("response", (r) => {
      if (r.url().startsWith(API) && r.request().method() !== "OPTIONS") apiStatuses.push(r.status());
      if (r.url() === `${APP}/api/auth/token`) tokenFetches.push(Date.now());
    });

    await signUp(page, alice);
    await page.waitForURL(`${APP}/todos`);
    assert.equal(await page.getByTestId("who").textContent(), alice.address);
    assert.deepEqual(await titles(page), []);

    for (const title of ["buy milk", "write docs", "water plants"]) await addTodo(page, title);
    assert.deepEqual(await titles(page), ["buy milk", "write docs", "water plants"]);
    await page.getByLabel("Complete write docs").click(); // controlled: checked once the API answers
    await page.locator('[data-testid="todo"][data-completed="true"]').waitFor();
    await page.getByLabel("Delete water plants").click();
    await page.getByLabel("Delete water plants").waitFor({ state: "detached" });

    await page.reload();
    assert.deepEqual(await titles(page), ["buy milk", "write docs"]);
    assert.equal(await page.getByLabel("Complete write docs").isChecked(), true);
    assert.equal(await page.getByLabel("Complete buy milk").isChecked(), false);

    // Silent refresh: idle for longer than a JWT lives, the page renews it before expiry ...
    const fetchesBefore = tokenFetches.length;
    await page.waitForTimeout((JWT_SECONDS + 2) * 1000);
    assert.ok(tokenFetches.length > fetchesBefore, "the page fetched a new JWT while idle");
    await addTodo(page, "after a refresh");
    // ... so every call carried an unexpired JWT, none was refused, and more than one JWT was used.
    for (const [at, jwt] of sent) assert.ok(payload(jwt).exp > at, "a JWT was sent after its expiry");
    assert.ok(new Set(sent.map(([, jwt]) => jwt)).size >= 2, "the JWT was renewed");
    assert.ok(!apiStatuses.includes(401), `the todo API refused a call: ${apiStatuses}`);

    // A reload makes the page fetch a new JWT and list the todos with it: the JWT it uses now,
    // which names its session (sid) for the API's check (jwt_require_live_session) ...
    await page.reload();
    await titles(page);
    const lastJwt = sent.at(-1)[1];
    assert.equal(apiStatuses.at(-1), 200);

    // Sign out: back to the sign-in page, the todos page is closed, no JWT can be had, the API refuses.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${APP}/sign-in`);
    // ... the page's JWT too, at once, well before its exp.
    const stale = await page.evaluate(async ([api, jwt]) => (await fetch(`${api}/todos`, {
      headers: { Authorization: `Bearer ${jwt}` },
    })).status, [API, lastJwt]);
    const secondsLeft = payload(lastJwt).exp - Date.now() / 1000;
    assert.equal(stale, 401, "the JWT of a signed-out session is refused at once");
    assert.ok(secondsLeft > 1, `the JWT was refused ${secondsLeft.toFixed(1)} s before its exp`);
    assert.equal(typeof payload(lastJwt).sid, "string", "the JWT names its session (sid)");
    await page.goto(`${APP}/todos`);
    await page.waitForURL(`${APP}/sign-in`);
    const afterSignOut = await page.evaluate(async (api) => ({
      token: (await fetch("/api/auth/token")).status,
      anonymous: (await fetch(`${api}/todos`)).status,
    }), API);
    assert.deepEqual(afterSignOut, { token: 401, anonymous: 401 });

    await signIn(page, alice.address);
    await page.waitForURL(`${APP}/todos`);
    assert.deepEqual(await titles(page), ["buy milk", "write docs", "after a refresh"]);
  });

  test("a second user never sees the first one's todos", async (t) => {
    const { page } = await newContext(t);
    const bob = { name: "Bob", address: email("bob") };
    await signUp(page, bob);
    await page.waitForURL(`${APP}/todos`);
    assert.deepEqual(await titles(page), []);
    await addTodo(page, "bob's own");
    assert.deepEqual(await titles(page), ["bob's own"]);
    // Straight to the API with Bob's JWT: Alice's todos do not exist for him.
    const { rows } = await db.query(`SELECT t.id FROM todo t JOIN "user" u ON u.id = t.user_id WHERE u.email = $1`,
      [alice.address]);
    assert.ok(rows.length > 0);
    const statuses = await page.evaluate(async ([api, ids]) => {
      const { token } = await (await fetch("/api/auth/token")).json();
      const headers = { Authorization: `Bearer ${token}` };
      const list = await (await fetch(`${api}/todos?limit=100`, { headers })).json();
      const one = await Promise.all(ids.map(async (id) => (await fetch(`${api}/todos/${id}`, { headers })).status));
      return { titles: list.map((todo) => todo.title), one };
    }, [API, rows.map((r) => r.id)]);
    assert.deepEqual(statuses, { titles: ["bob's own"], one: rows.map(() => 404) });
  });

  test("the sign-up form asks for a name, a valid email and a password of the stated minimum before sending", async (t) => {
    const { page } = await newContext(t);
    const sentSignUps = [];
    page.on("request", (r) => { if (r.url().startsWith(`${APP}/api/auth/sign-up`)) sentSignUps.push(r.url()); });
    await page.goto(`${APP}/sign-up`);
    assert.equal(await page.getByTestId("password-rule").textContent(), "At least 8 characters.");
    await signUp(page, { name: "   ", address: email("noname") });
    assert.equal(await formError(page), "Enter your name.");
    await signUp(page, { name: "Typo", address: "not-an-email" });
    assert.equal(await formError(page), "Enter a valid email address, like name@example.com.");
    await signUp(page, { name: "Short", address: email("short"), password: "short" });
    assert.equal(await formError(page), "Use a password of at least 8 characters.");
    assert.deepEqual(sentSignUps, [], "nothing was sent");
    assert.equal(page.url(), `${APP}/sign-up`);
  });

  test("the server requires a name and the minimum too; its refusals show as sentences; then its rate limit", async (t) => {
    const { page, ip } = await newContext(t);
    const answers = []; // [status, code] of every sign-up answer, read as it arrives
    page.on("response", (r) => {
      if (r.url() === `${APP}/api/auth/sign-up/email`) answers.push(r.json().then((body) => [r.status(), body.code]));
    });
    await signUp(page, { name: "Again", address: alice.address });
    assert.equal(await formError(page), "An account with this email already exists. Sign in instead, or use another email.");
    // An address the form lets through and Better Auth's validator refuses: its raw text is not shown.
    await signUp(page, { name: "Local", address: "name@localhost" });
    assert.equal(await formError(page), "Enter a valid email address, like name@example.com.");
    // Straight to the server, past the form's checks: an empty name and a short password are refused.
    const direct = await page.evaluate(async (bodies) => Promise.all(bodies.map(async (body) => {
      const res = await fetch("/api/auth/sign-up/email", {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
      });
      return [res.status, (await res.json()).code];
    })), [{ email: "blank-" + email("name"), password: PASSWORD, name: " " }]);
    assert.deepEqual(direct, [[400, "NAME_REQUIRED"]]);
    // A fourth sign-up from this client within Better Auth's window (10 s, 3 requests) ...
    await signUp(page, { name: "Fourth", address: email("fourth") });
    assert.equal(await formError(page), "Too many attempts. Wait a few seconds, then try again.");
    assert.deepEqual(await Promise.all(answers), [[422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"], [400, "VALIDATION_ERROR"],
      [400, "NAME_REQUIRED"], [429, undefined]]);
    // ... is counted in the database, so the FastAPI /auth routes refuse the same client too.
    const fastapi = await fetch(`${API}/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": ip },
      body: JSON.stringify({ email: email("fifth"), password: PASSWORD, name: "Fifth" }),
    });
    assert.equal(fastapi.status, 429);
    assert.ok(Number(fastapi.headers.get("x-retry-after")) >= 1);

    // Another client: a password under the minimum is refused by the server as well.
    const other = await newContext(t);
    await other.page.goto(`${APP}/sign-up`);
    const short = await other.page.evaluate(async (address) => {
      const res = await fetch("/api/auth/sign-up/email", {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: address, password: "1234567", name: "Short" }),
      });
      return [res.status, (await res.json()).code];
    }, email("short7"));
    assert.deepEqual(short, [400, "PASSWORD_TOO_SHORT"]);
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM "user" WHERE email = ANY($1) OR btrim(name) = ''`,
      [[email("short7"), email("fourth"), email("fifth"), "blank-" + email("name"), "name@localhost"]]);
    assert.equal(rows[0].n, 0);
  });

  test("a wrong password shows a sentence, not Better Auth's wording", async (t) => {
    const { page } = await newContext(t);
    await signIn(page, alice.address, "not the password");
    assert.equal(await formError(page), "Wrong email or password.");
    assert.equal(page.url(), `${APP}/sign-in`);
  });

  test("opened at localhost instead of the app's address, the form says so (the README's note)", async (t) => {
    const { page } = await newContext(t, { ownIp: false });
    const localhost = APP.replace("127.0.0.1", "localhost");
    const answers = [];
    page.on("response", (r) => {
      if (r.url() === `${localhost}/api/auth/sign-up/email`) answers.push(r.json().then((body) => [r.status(), body.code]));
    });
    await page.goto(`${localhost}/sign-up`);
    await page.getByLabel("Name").fill("Local");
    await page.getByLabel("Email").fill(email("localhost"));
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    assert.equal(await formError(page),
      "The app does not accept requests from this address. Open it at the address it was started with.");
    assert.deepEqual(await Promise.all(answers), [[403, "INVALID_ORIGIN"]]);
  });

  test("ten sign-ups of one email at once from the browser make one user", async (t) => {
    const { page } = await newContext(t, { ownIp: false });
    await page.goto(`${APP}/sign-up`);
    const address = email("race");
    // Each request as its own client (X-Forwarded-For), so the rate limiter lets all ten reach the database.
    const statuses = await page.evaluate(async (address) => Promise.all(Array.from({ length: 10 }, async (_, i) => {
      const res = await fetch("/api/auth/sign-up/email", {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": `203.0.113.${i + 1}` },
        body: JSON.stringify({ email: address, password: "correct horse battery staple", name: `Racer ${i}` }),
      });
      return res.status;
    })), address);
    assert.deepEqual([...statuses].sort(), [200, 422, 422, 422, 422, 422, 422, 422, 422, 422]);
    const { rows } = await db.query(
      `SELECT (SELECT count(*) FROM "user" WHERE email = $1)::int AS users,
              (SELECT count(*) FROM account a JOIN "user" u ON u.id = a."userId" WHERE u.email = $1)::int AS accounts`,
      [address]);
    assert.deepEqual(rows[0], { users: 1, accounts: 1 });
  });
});
