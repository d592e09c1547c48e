/**
 * The admin CLI's dispatcher: parses arguments, opens the database (or uses the one given), runs one
 * command, prints errors readably, and returns the exit code (0 ok, 1 failed or refused, 2 wrong usage).
 * Tests call `runCli` in process with a database injected; src/cli/admin.ts is the executable.
 */
import { parseArgs } from "node:util";
import type { Database } from "../db/client.js";
import { isDomainError } from "../domain/errors.js";
import { isImportRefused } from "../domain/import/problems.js";
import { ScoringError } from "../scoring/errors.js";
import { CliError, type Command, type CommandContext, EXIT, UsageError } from "./command.js";
import { auditCommand } from "./commands/audit.js";
import { calendarCommand } from "./commands/calendar.js";
import { closeCommand } from "./commands/close.js";
import { exportCommand } from "./commands/export.js";
import { importCommand } from "./commands/import.js";
import { jobsCommand } from "./commands/jobs.js";
import { migrateCommand, statusCommand } from "./commands/migrate.js";
import { seedCommand } from "./commands/seed.js";
import { consoleOutput, type Output } from "./output.js";

export const COMMANDS: readonly Command[] = [
  migrateCommand,
  statusCommand,
  seedCommand,
  importCommand,
  exportCommand,
  closeCommand,
  auditCommand,
  jobsCommand,
  calendarCommand,
];

const PROG = "npm run admin --";

export function overallHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `Admin CLI of the appraisal bot.  Usage: ${PROG} <command> [options]`,
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    `Help on one command: ${PROG} <command> --help`,
    "Database: DATABASE_URL=postgresql://… for PostgreSQL; unset for the embedded PGlite database in",
    "PGLITE_DIR (default ./.data/pglite), whose pending migrations are applied automatically.",
    "Exit codes: 0 done, 1 failed or refused, 2 wrong usage.",
  ].join("\n");
}

export function commandHelp(c: Command): string {
  return [`Usage:`, ...c.usage.map((u) => `  ${PROG} ${u}`), "", c.help].join("\n");
}

export interface RunOptions {
  /** a database to use (tests); otherwise one is opened from the environment and closed at the end */
  db?: Database;
  out?: Output;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Pending migrations: applied on PGlite, refused on PostgreSQL (run `migrate`, which uses prisma). */
async function ensureMigrated(db: Database, out: Output): Promise<void> {
  const s = await db.status();
  if (s.problems.length)
    throw new CliError(`the database's migrations have problems: ${s.problems.join("; ")}`);
  if (s.pending.length === 0) return;
  if (db.kind === "postgres") {
    throw new CliError(
      `the database has pending migrations (${s.pending.join(", ")}): run \`${PROG} migrate\` first`,
    );
  }
  for (const m of await db.migrate()) out.err(`applied migration ${m}`);
}

export async function runCli(argv: string[], options: RunOptions = {}): Promise<number> {
  const out = options.out ?? consoleOutput;
  const env = options.env ?? process.env;
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const c = name === "help" ? COMMANDS.find((x) => x.name === rest[0]) : undefined;
    out.out(c ? commandHelp(c) : overallHelp());
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    out.err(`unknown command "${name}"`);
    out.err();
    out.err(overallHelp());
    return EXIT.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    out.out(commandHelp(command));
    return EXIT.ok;
  }

  let db = options.db;
  const ownDb = !db;
  try {
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError((e as Error).message.replace(/\. To specify a positional.*$/s, ""), command);
    }
    // loaded here, not at the top: `--help` then starts without Prisma and PGlite
    const { openDatabase } = await import("../db/client.js");
    db ??= await openDatabase({
      databaseUrl: env.DATABASE_URL || undefined,
      pgliteDir: env.PGLITE_DIR || undefined,
    });
    if (command.needs === "migrated") await ensureMigrated(db, out);
    const ctx: CommandContext = { db, out, env, cwd: options.cwd ?? process.cwd() };
    return await command.run(ctx, {
      positionals: parsed.positionals,
      values: parsed.values as Record<string, string | boolean | undefined>,
    });
  } catch (e) {
    return reportError(e, out);
  } finally {
    if (ownDb && db) await db.close().catch(() => {});
  }
}

function reportError(e: unknown, out: Output): number {
  if (e instanceof UsageError) {
    out.err(`error: ${e.message}`);
    if (e.command) {
      out.err();
      out.err(commandHelp(e.command).split("\n\n")[0]!);
      out.err(`(more: ${PROG} ${e.command.name} --help)`);
    }
    return EXIT.usage;
  }
  if (isImportRefused(e)) {
    out.err(`${e.message}:`);
    for (const l of e.describe()) out.err(`  ${l}`);
    return EXIT.failed;
  }
  if (e instanceof CliError) {
    out.err(`error: ${e.message}`);
    return e.exitCode;
  }
  if (isDomainError(e)) {
    out.err(`refused: ${e.message}`);
    return EXIT.failed;
  }
  if (e instanceof ScoringError) {
    out.err(`cannot compute: ${e.message}`);
    return EXIT.failed;
  }
  out.err(`error: ${e instanceof Error ? e.message : String(e)}`);
  if (process.env.DEBUG && e instanceof Error && e.stack) out.err(e.stack);
  return EXIT.failed;
}
