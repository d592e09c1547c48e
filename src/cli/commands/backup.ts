/**
 * `backup` and `restore`, for both databases.
 * - PGlite (DATABASE_URL unset): PGlite's own `dumpDataDir` — a gzipped tarball of the whole data folder,
 *   consistent because the CLI holds the folder's lock (the bot must be stopped: the lock refuses a
 *   second process). Restore unpacks it into an empty (or `--force`: set aside) folder.
 * - PostgreSQL (DATABASE_URL=postgresql://…): `pg_dump --format=custom` (a consistent snapshot; the
 *   replicas keep running) and `pg_restore --clean --if-exists --single-transaction` (all or nothing;
 *   stop the replicas first, or they see errors while it runs).
 * Both print what the backup holds: where it came from, its size, its migrations and a few row counts.
 */
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import type { Database } from "../../db/client.js";
import { CliError, type Command, type CommandContext, EXIT, UsageError } from "../command.js";

const stamp = () => new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.on("error", (e) =>
      reject(new CliError(`could not run ${cmd}: ${e.message} (install Debian's postgresql-client)`)),
    );
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new CliError(`${cmd} failed (exit code ${code}): ${err.trim()}`)),
    );
  });
}

/** pg_dump/pg_restore take the URL; the password goes through PGPASSWORD, not the command line. */
function pgArgs(url: string, env: NodeJS.ProcessEnv): { url: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = "";
  return { url: u.toString(), env: { ...env, ...(password ? { PGPASSWORD: password } : {}) } };
}

async function summary(db: Database): Promise<string> {
  const s = await db.status();
  const count = async (t: string) =>
    Number((await db.sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${t}"`)).rows[0]?.n ?? 0);
  const people = await count("Person");
  const entries = await count("Entry");
  const sheets = await count("Sheet");
  const audit = await count("AuditLog");
  return `migrations ${s.applied.length} (latest ${s.applied.at(-1) ?? "none"}), ${people} people, ${entries} entries, ${sheets} sheets, ${audit} audit rows`;
}

const size = (file: string) => `${(statSync(file).size / 1024).toFixed(1)} KiB`;

export const backupCommand: Command = {
  name: "backup",
  summary: "write a backup of the database (PGlite folder dump, or pg_dump for a server)",
  usage: ["backup [--out <file>]"],
  help: [
    "PGlite: a gzipped tarball of the data folder (PGlite dumpDataDir), default",
    "  backups/kpi-pglite-<time>.tar.gz. Stop the bot first (it holds the folder).",
    "PostgreSQL: pg_dump --format=custom of DATABASE_URL, default backups/kpi-<database>-<time>.dump;",
    "  the replicas can keep running (pg_dump reads one consistent snapshot).",
    "Restore with: npm run admin -- restore <file>",
  ].join("\n"),
  options: { out: { type: "string" } },
  needs: "any",
  async run(ctx: CommandContext, args) {
    const { db, out } = ctx;
    const pgName =
      db.kind === "postgres" ? new URL(ctx.env.DATABASE_URL ?? "postgresql://x/db").pathname.slice(1) : "";
    const file = path.resolve(
      ctx.cwd,
      typeof args.values.out === "string"
        ? args.values.out
        : path.join(
            "backups",
            db.kind === "pglite" ? `kpi-pglite-${stamp()}.tar.gz` : `kpi-${pgName}-${stamp()}.dump`,
          ),
    );
    mkdirSync(path.dirname(file), { recursive: true });
    const what = await summary(db);
    if (db.kind === "pglite") {
      if (!db.dumpDataDir) throw new CliError("this embedded database cannot be dumped");
      const blob = await db.dumpDataDir();
      writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
    } else {
      const url = ctx.env.DATABASE_URL;
      if (!url) throw new CliError("DATABASE_URL is not set");
      const p = pgArgs(url, ctx.env);
      await run(
        "pg_dump",
        ["--format=custom", "--no-owner", "--no-privileges", "--file", file, p.url],
        p.env,
      );
    }
    out.out(`backup of ${db.kind === "pglite" ? "PGlite" : "PostgreSQL"} at ${db.where}`);
    out.out(`  holds: ${what}`);
    out.out(`  wrote ${file} (${size(file)})`);
    return EXIT.ok;
  },
};

export const restoreCommand: Command = {
  name: "restore",
  summary: "restore a backup written by `backup` (stop the bot first)",
  usage: ["restore <file> [--force] [--yes]"],
  help: [
    "PGlite (DATABASE_URL unset): unpacks a .tar.gz from `backup` into PGLITE_DIR (default",
    "  ./.data/pglite), which must be empty or absent; --force sets a non-empty folder aside as",
    "  <folder>.before-restore-<time> first. The bot must be stopped.",
    "PostgreSQL: pg_restore --clean --if-exists --single-transaction of a .dump from `backup` into",
    "  DATABASE_URL: every object of the backup is replaced, all or nothing. Stop the replicas first;",
    "  asks for --yes because it overwrites the database.",
    "Then start the bot (or run `migrate` when the backup comes from an older release).",
  ].join("\n"),
  options: { force: { type: "boolean" }, yes: { type: "boolean" } },
  needs: "none",
  async run(ctx: CommandContext, args) {
    const [given] = args.positionals;
    if (!given) throw new UsageError("the backup file is required", restoreCommand);
    const file = path.resolve(ctx.cwd, given);
    if (!existsSync(file)) throw new CliError(`no such file: ${file}`);
    const { openDatabase, DEFAULT_PGLITE_DIR } = await import("../../db/client.js");
    const url = ctx.env.DATABASE_URL || undefined;
    if (!url) {
      const dir = path.resolve(ctx.cwd, ctx.env.PGLITE_DIR || DEFAULT_PGLITE_DIR);
      if (existsSync(dir) && readdirSync(dir).length > 0) {
        if (!args.values.force)
          throw new CliError(`${dir} is not empty: pass --force to set it aside and restore in its place`);
        const aside = `${dir}.before-restore-${stamp()}`;
        renameSync(dir, aside);
        ctx.out.out(`set the current folder aside: ${aside}`);
      }
      const blob = new Blob([readFileSync(file)]);
      const db = await openDatabase({ pgliteDir: dir, pgliteLoad: blob });
      try {
        ctx.out.out(`restored ${file} into PGlite at ${dir}`);
        ctx.out.out(`  holds: ${await summary(db)}`);
      } finally {
        await db.close();
      }
      return EXIT.ok;
    }
    if (!args.values.yes)
      throw new CliError("restore replaces the database's contents: stop the replicas, then pass --yes");
    const p = pgArgs(url, ctx.env);
    await run(
      "pg_restore",
      [
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--dbname",
        p.url,
        file,
      ],
      p.env,
    );
    const db = await openDatabase({ databaseUrl: url, poolSize: 1 });
    try {
      ctx.out.out(`restored ${file} into PostgreSQL at ${db.where}`);
      ctx.out.out(`  holds: ${await summary(db)}`);
    } finally {
      await db.close();
    }
    return EXIT.ok;
  },
};
