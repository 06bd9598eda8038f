// toAPIError: auth_ext's coded errors (the code in the CONSTRAINT field, or for an older server the
// message's '<CODE>:' prefix) become Better Auth's APIErrors (status, code, Better Auth's own
// message); anything else is left for the caller to rethrow.
import { test } from "node:test";
import assert from "node:assert/strict";
import { toAPIError, unavailableError } from "../dist/index.js";

const pgError = (code, message, constraint) => Object.assign(new Error(message), { code, constraint });

test("maps each auth_ext error to Better Auth's status, code and message", () => {
  const cases = [
    ["23505", "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: User already exists. Use another email.", 422, "User already exists. Use another email."],
    ["22023", "INVALID_EMAIL: Invalid email", 400, "Invalid email"],
    ["22023", "PASSWORD_TOO_SHORT: Password too short", 400, "Password too short"],
    ["22023", "PASSWORD_TOO_LONG: Password too long", 400, "Password too long"],
    ["22023", "VALIDATION_ERROR: Name is required", 400, "Name is required"],
    ["28P01", "INVALID_EMAIL_OR_PASSWORD: Invalid email or password", 401, "Invalid email or password"],
    ["28P01", "INVALID_PASSWORD: Invalid password", 400, "Invalid password"],
    ["P0002", "USER_NOT_FOUND: User not found", 400, "User not found"],
    ["P0002", "CREDENTIAL_ACCOUNT_NOT_FOUND: Credential account not found", 400, "Credential account not found"],
  ];
  for (const [sqlstate, message, status, expected] of cases) {
    const code = message.split(":")[0];
    // auth_ext 0.2.0 sets the CONSTRAINT field; 0.1.0 only the message.
    for (const error of [toAPIError(pgError(sqlstate, message, code)), toAPIError(pgError(sqlstate, message))]) {
      assert.ok(error, message);
      assert.equal(error.statusCode, status, message);
      assert.deepEqual({ code: error.body.code, message: error.body.message }, { code, message: expected });
    }
  }
});

test("the CONSTRAINT field decides the code, with the code's own SQLSTATE only", () => {
  const error = toAPIError(pgError("P0002", "CREDENTIAL_ACCOUNT_NOT_FOUND: reworded", "CREDENTIAL_ACCOUNT_NOT_FOUND"));
  assert.deepEqual([error.statusCode, error.body.code, error.body.message], [400, "CREDENTIAL_ACCOUNT_NOT_FOUND", "Credential account not found"]);
  assert.equal(toAPIError(pgError("23505", "duplicate key value violates unique constraint", "user_email_key")), undefined);
  assert.equal(toAPIError(pgError("23505", "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: x", "user_email_key")), undefined);
  assert.equal(toAPIError(pgError("22023", "x", "INVALID_EMAIL_OR_PASSWORD")), undefined);
});

test("leaves other errors alone", () => {
  assert.equal(toAPIError(pgError("23505", 'duplicate key value violates unique constraint "user_email_key"')), undefined);
  assert.equal(toAPIError(pgError("42P01", "Better Auth's tables are missing in schema \"public\"")), undefined);
  assert.equal(toAPIError(pgError("22023", "INVALID_EMAIL_OR_PASSWORD: wrong SQLSTATE for this code")), undefined);
  assert.equal(toAPIError(new Error("INVALID_EMAIL: no SQLSTATE")), undefined);
  assert.equal(toAPIError("INVALID_EMAIL: a string"), undefined);
  assert.equal(toAPIError(null), undefined);
});

test("a database that is restarting, unreachable or read-only is a 503, anything else is left alone", () => {
  const socketError = (code) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });
  const unavailable = [
    pgError("57P01", "terminating connection due to administrator command"),
    pgError("57P03", "the database system is starting up"),
    pgError("08006", "connection failure"),
    pgError("53300", "sorry, too many clients already"),
    socketError("ECONNREFUSED"),
    socketError("ECONNRESET"),
    new Error("Connection terminated unexpectedly"),
    new Error("timeout exceeded when trying to connect"),
  ];
  for (const error of unavailable) {
    const mapped = unavailableError(error);
    assert.ok(mapped, error.message);
    assert.equal(mapped.statusCode, 503, error.message);
    assert.equal(mapped.body.code, "DATABASE_UNAVAILABLE");
    assert.equal(new Headers(mapped.headers).get("retry-after"), "1");
  }
  const readOnly = unavailableError(pgError("25006", "READ_ONLY: The database is read-only; account writes need the primary", "READ_ONLY"));
  assert.equal(readOnly.statusCode, 503);
  assert.equal(readOnly.body.code, "READ_ONLY");
  assert.equal(toAPIError(pgError("25006", "READ_ONLY: The database is read-only; account writes need the primary", "READ_ONLY")).body.code, "READ_ONLY");
  assert.equal(unavailableError(pgError("23505", "duplicate key")), undefined);
  assert.equal(unavailableError(pgError("42P01", "relation does not exist")), undefined);
  assert.equal(unavailableError(new Error("something else")), undefined);
  assert.equal(unavailableError(pgError("XX000", "Connection terminated in a message with a SQLSTATE")), undefined);
  assert.equal(unavailableError(null), undefined);
  // The 503 the plugin's adapter already made (an application catching Better Auth's error) is that 503.
  const answered = unavailableError(socketError("ECONNREFUSED"));
  assert.equal(unavailableError(answered), answered);
  const conflict = toAPIError(pgError("23505", "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: User already exists. Use another email.", "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"));
  assert.equal(conflict.statusCode, 422);
  assert.equal(unavailableError(conflict), undefined);
});
