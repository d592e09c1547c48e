/** Shared by the CLI and import tests: run the CLI in process, and fingerprint the database. */

import { bufferOutput } from "../../src/cli/output.js";
import { runCli } from "../../src/cli/run.js";
import type { Database } from "../../src/db/client.js";

/** Every table of the schema (the fingerprint covers them all). */
export const TABLES = [
  "Person",
  "RoleAssignment",
  "Section",
  "SectionChief",
  "Deputy",
  "PersonMonthCategory",
  "Category",
  "CategoryWeight",
  "WorkItem",
  "ItemPointVersion",
  "ItemEvidence",
  "ItemQualityRule",
  "Sheet",
  "SheetTransition",
  "Entry",
  "EntryEvidence",
  "TempTask",
  "QualityAdjustment",
  "QualityReview",
  "DiscretionaryAward",
  "MonthClose",
  "MonthResult",
  "Proposal",
  "ProposalVote",
  "JobRun",
  "ReminderSend",
  "CalendarDay",
  "Setting",
  "ProcessedEvent",
  "AuditLog",
] as const;

/** Row count and md5 of the sorted rows of each table: equal fingerprints = nothing changed. */
export async function fingerprint(
  db: Database,
  tables: readonly string[] = TABLES,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of tables) {
    const { rows } = await db.sql.query<{ n: string | number | bigint; h: string }>(
      `SELECT count(*)::text AS n, md5(coalesce(string_agg(x.r, '|' ORDER BY x.r), '')) AS h
       FROM (SELECT t::text AS r FROM "${t}" t) x`,
    );
    out[t] = `${rows[0]!.n}:${rows[0]!.h}`;
  }
  return out;
}

export async function counts(db: Database, tables: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) {
    const { rows } = await db.sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${t}"`);
    out[t] = Number(rows[0]!.n);
  }
  return out;
}

/** Runs the admin CLI in process against `db`; returns the exit code and what it printed. */
export async function cli(db: Database, ...argv: string[]) {
  const out = bufferOutput();
  const code = await runCli(argv, {
    db,
    out,
    env: { ...process.env, ...(dbUrl(db) ? { DATABASE_URL: dbUrl(db) } : {}) },
  });
  return { code, stdout: out.stdout.join("\n"), stderr: out.stderr.join("\n") };
}

function dbUrl(db: Database): string | undefined {
  return (db as Database & { url?: string }).url;
}
