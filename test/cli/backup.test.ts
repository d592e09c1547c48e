/**
 * `admin backup` / `restore` round trips: the restored database has exactly the rows of the backed-up
 * one (every table fingerprinted), on the database under test (PGlite: dumpDataDir into a folder;
 * PostgreSQL: pg_dump into a fresh database with pg_restore). Restoring over data needs --force / --yes.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bufferOutput } from "../../src/cli/output.js";
import { runCli } from "../../src/cli/run.js";
import { type Database, openDatabase } from "../../src/db/client.js";
import { adminQuery, createTestDatabase, pgUrlFor, usingPostgres } from "../helpers/db.js";
import { cli, fingerprint, TABLES } from "./helpers.js";

let db: Database & { url?: string };
let tmp: string;
beforeAll(async () => {
  db = await createTestDatabase();
  tmp = mkdtempSync(path.join(tmpdir(), "kpi-backup-"));
  expect((await cli(db, "seed", "--demo")).code).toBe(0);
});
afterAll(async () => {
  await db?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function run(env: Record<string, string>, ...argv: string[]) {
  const out = bufferOutput();
  const code = await runCli(argv, { out, env: { ...process.env, DATABASE_URL: "", PGLITE_DIR: "", ...env } });
  return { code, stdout: out.stdout.join("\n"), stderr: out.stderr.join("\n") };
}

describe(`backup and restore (${usingPostgres ? "PostgreSQL: pg_dump / pg_restore" : "PGlite: data folder dump"})`, () => {
  it("restores exactly what was backed up", async () => {
    const file = path.join(tmp, usingPostgres ? "kpi.dump" : "kpi.tar.gz");
    const b = await cli(db, "backup", "--out", file);
    expect(b.stderr).toBe("");
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/holds: migrations \d+ \(latest \d+_\w+\), 14 people, 96 entries/);
    expect(existsSync(file)).toBe(true);
    const before = await fingerprint(db, [...TABLES, "_prisma_migrations"]);

    if (usingPostgres) {
      const name = `kpi_restore_${Date.now().toString(36)}`;
      await adminQuery(`CREATE DATABASE "${name}"`);
      try {
        const url = pgUrlFor(name);
        const refused = await run({ DATABASE_URL: url }, "restore", file);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain("--yes");
        const r = await run({ DATABASE_URL: url }, "restore", file, "--yes");
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        // twice: --clean replaces what is there
        expect((await run({ DATABASE_URL: url }, "restore", file, "--yes")).code).toBe(0);
        const restored = await openDatabase({ databaseUrl: url, poolSize: 1 });
        try {
          expect(await fingerprint(restored, [...TABLES, "_prisma_migrations"])).toEqual(before);
          // the SQL function of the /log path came back too
          const fn = await restored.sql.query(`SELECT 1 FROM pg_proc WHERE proname = 'kpi_log_work'`);
          expect(fn.rows).toHaveLength(1);
        } finally {
          await restored.close();
        }
      } finally {
        await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }
      return;
    }

    const dir = path.join(tmp, "restored");
    const r = await run({ PGLITE_DIR: dir }, "restore", file);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("14 people, 96 entries");
    const restored = await openDatabase({ pgliteDir: dir });
    try {
      expect(await fingerprint(restored, [...TABLES, "_prisma_migrations"])).toEqual(before);
    } finally {
      await restored.close();
    }
    // a folder holding data is not overwritten without --force; with it, it is set aside
    const again = await run({ PGLITE_DIR: dir }, "restore", file);
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining("--force")]);
    const forced = await run({ PGLITE_DIR: dir }, "restore", file, "--force");
    expect(forced.code).toBe(0);
    expect(readdirSync(tmp).some((f) => f.startsWith("restored.before-restore-"))).toBe(true);
  });

  it("refuses a missing file and a missing argument", async () => {
    expect((await run({ PGLITE_DIR: path.join(tmp, "x") }, "restore")).code).toBe(2);
    const missing = await run({ PGLITE_DIR: path.join(tmp, "x") }, "restore", path.join(tmp, "nope.tar.gz"));
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining("no such file")]);
  });
});
