/**
 * Real databases for tests, never a mock.
 * - default: PGlite in memory, started from a migrated snapshot taken once per test process;
 * - TEST_DB=postgres: a fresh database on the local server (TEST_PG_URL, default
 *   postgresql://postgres@127.0.0.1:5432/postgres), cloned from the template that test/global-setup.ts
 *   migrated for this run.
 */
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { inject } from "vitest";
import { type Database, openDatabase } from "../../src/db/client.js";
import { applyMigrations } from "../../src/db/migrate.js";

export const usingPostgres = process.env.TEST_DB === "postgres";
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export function pgUrlFor(dbName: string): string {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${dbName}`;
  return u.toString();
}

let snapshot: Promise<Blob> | undefined;

async function migratedSnapshot(): Promise<Blob> {
  snapshot ??= (async () => {
    const seed = new PGlite();
    await seed.waitReady;
    await applyMigrations({
      exec: (s) => seed.exec(s),
      query: async <T>(s: string, p?: unknown[]) => ({ rows: (await seed.query<T>(s, p)).rows }),
    });
    const blob = await seed.dumpDataDir("none");
    await seed.close();
    return blob;
  })();
  return snapshot;
}

export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A migrated, empty database of the kind under test. Close it with `close()` (it is then dropped). */
export async function createTestDatabase(): Promise<Database & { url?: string }> {
  if (usingPostgres) {
    const template = process.env.TEST_PG_TEMPLATE ?? inject("pgTemplate");
    if (!template) throw new Error("TEST_PG_TEMPLATE unset: run through vitest (test/global-setup.ts)");
    const name = `kpi_t_${randomBytes(6).toString("hex")}`;
    await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    const url = pgUrlFor(name);
    const db = await openDatabase({ databaseUrl: url, poolSize: 5 });
    const close = db.close.bind(db);
    return {
      ...db,
      url,
      async close() {
        await close();
        await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      },
    };
  }
  const blob = await migratedSnapshot();
  return openDatabase({ pgliteDir: "memory://", pgliteLoad: blob });
}
