// Fresh databases on the test cluster (PG* / DATABASE_URL from scripts/lib/cluster.sh), each with
// auth_ext installed.
import pg from "pg";

function adminConfig(database = "postgres") {
  if (process.env.PGHOST || process.env.PGPORT) {
    return { host: process.env.PGHOST, port: Number(process.env.PGPORT), user: process.env.PGUSER ?? "postgres", database };
  }
  const url = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
  url.pathname = `/${database}`;
  return { connectionString: url.toString() };
}

/** Creates (or re-creates) database `name` with auth_ext; returns a pool on it and a drop(). */
export async function createTestDatabase(name) {
  const admin = new pg.Client(adminConfig());
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const pool = new pg.Pool({ ...adminConfig(name), max: 8 });
  await pool.query("CREATE EXTENSION auth_ext");
  return {
    pool,
    name,
    async drop() {
      await pool.end();
      const c = new pg.Client(adminConfig());
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}
