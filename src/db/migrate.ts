/**
 * Applies the committed Prisma migrations (prisma/migrations/<name>/migration.sql) in process, keeping
 * the same `_prisma_migrations` bookkeeping as `prisma migrate deploy`, so either tool sees the other's
 * work: `prisma migrate status` reports a database migrated here as up to date, and vice versa.
 *
 * Why in process: the Prisma CLI on the PGlite adapter finishes its work and then never exits
 * (../shared/notes/prisma-offline.md), so the embedded database is migrated here at start-up. On a
 * PostgreSQL server `npm run admin -- migrate` runs the real `prisma migrate deploy`.
 */
import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../prisma/migrations",
);

/** The minimum a raw SQL connection must offer (PGlite and pg.Client both do). */
export interface SqlRunner {
  /** run a script of several statements */
  exec(sql: string): Promise<unknown>;
  /** run one parameterised statement, returning rows */
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** applied migrations whose file changed since (checksum mismatch), or that failed half-way */
  problems: string[];
}

export async function migrationStatus(db: SqlRunner, dir = MIGRATIONS_DIR): Promise<MigrationStatus> {
  const files = listMigrations(dir);
  const exists = await db.query<{ present: boolean }>(
    `SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS present`,
  );
  const rows = exists.rows[0]?.present
    ? (
        await db.query<{
          migration_name: string;
          checksum: string;
          finished_at: unknown;
          rolled_back_at: unknown;
        }>(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`)
      ).rows
    : [];
  const done = new Map(rows.filter((r) => r.rolled_back_at == null).map((r) => [r.migration_name, r]));
  const applied: string[] = [];
  const pending: string[] = [];
  const problems: string[] = [];
  for (const m of files) {
    const row = done.get(m.name);
    if (!row) pending.push(m.name);
    else if (row.finished_at == null) problems.push(`${m.name}: started but never finished`);
    else if (row.checksum !== m.checksum) problems.push(`${m.name}: file changed after it was applied`);
    else applied.push(m.name);
  }
  return { applied, pending, problems };
}

/**
 * Applies every pending migration, each in its own transaction. Concurrent callers on one server are
 * serialised by a transaction-scoped advisory lock, so two replicas starting together migrate once.
 */
export async function applyMigrations(db: SqlRunner, dir = MIGRATIONS_DIR): Promise<string[]> {
  await db.exec(BOOKKEEPING);
  const appliedNow: string[] = [];
  for (const m of listMigrations(dir)) {
    await db.exec("BEGIN");
    try {
      await db.query("SELECT pg_advisory_xact_lock(72707369)");
      const seen = await db.query<{ checksum: string; finished_at: unknown }>(
        `SELECT checksum, finished_at FROM "_prisma_migrations" WHERE migration_name = $1 AND rolled_back_at IS NULL`,
        [m.name],
      );
      const row = seen.rows[0];
      if (row) {
        if (row.finished_at == null) throw new Error(`migration ${m.name} failed earlier; resolve it first`);
        if (row.checksum !== m.checksum)
          throw new Error(`migration ${m.name} was changed after it was applied`);
        await db.exec("COMMIT");
        continue;
      }
      const id = randomUUID();
      await db.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
        [id, m.checksum, m.name],
      );
      await db.exec(m.sql);
      await db.query(
        `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
        [id],
      );
      await db.exec("COMMIT");
      appliedNow.push(m.name);
    } catch (error) {
      await db.exec("ROLLBACK").catch(() => {});
      throw error;
    }
  }
  return appliedNow;
}
