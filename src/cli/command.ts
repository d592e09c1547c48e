/** The shape of an admin CLI command, and the errors commands throw. */
import type { ParseArgsConfig } from "node:util";
import type { Database } from "../db/client.js";
import type { Output } from "./output.js";

export interface CommandContext {
  db: Database;
  out: Output;
  /** environment for child processes (prisma migrate deploy) and DATABASE_URL */
  env: NodeJS.ProcessEnv;
  /** directory relative paths are resolved against */
  cwd: string;
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

export interface Command {
  name: string;
  /** one line for the overall help */
  summary: string;
  /** usage lines, without the leading "npm run admin --" */
  usage: string[];
  /** the per-command help text */
  help: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /**
   * "migrated": the database must be migrated (PGlite: pending migrations are applied first; PostgreSQL:
   * refused until `migrate` is run); "any": the command works on any database (migrate, status);
   * "none": the CLI opens no database (restore, which must write an embedded folder nobody holds).
   */
  needs: "migrated" | "any" | "none";
  run(ctx: CommandContext, args: ParsedArgs): Promise<number>;
}

/** Wrong use of the CLI: the message and the command's usage are printed, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: Command,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** A refusal or failure with a message for the user, exit code 1 (or the given one). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export function requireMonth(value: string | undefined, what: string, command: Command): string {
  if (value === undefined) throw new UsageError(`${what} is required (YYYY-MM)`, command);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value))
    throw new UsageError(`${what} must be YYYY-MM, got "${value}"`, command);
  return value;
}
