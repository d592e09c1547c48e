/**
 * `migrate` and `status`. On PGlite the migrations are applied in process (the Prisma CLI does not exit
 * on PGlite, see src/db/migrate.ts); on PostgreSQL `migrate` runs the real `npx prisma migrate deploy`
 * (child process, inheriting the environment) and reports what it applied.
 */
import { spawn } from "node:child_process";
import type { MigrationStatus } from "../../db/migrate.js";
import { CliError, type Command, type CommandContext, EXIT } from "../command.js";

function printStatus(ctx: CommandContext, s: MigrationStatus): void {
  const { out } = ctx;
  out.out(`database: ${ctx.db.kind === "pglite" ? "PGlite (embedded)" : "PostgreSQL"} at ${ctx.db.where}`);
  out.out(
    `applied: ${s.applied.length}${s.applied.length ? ` (latest ${s.applied[s.applied.length - 1]})` : ""}`,
  );
  out.out(`pending: ${s.pending.length ? s.pending.join(", ") : "none"}`);
  if (s.problems.length) {
    out.out("problems:");
    for (const p of s.problems) out.out(`  - ${p}`);
  }
}

function runPrismaDeploy(ctx: CommandContext): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["prisma", "migrate", "deploy"], {
      cwd: ctx.cwd,
      env: ctx.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const forward = (stream: NodeJS.ReadableStream, to: (l: string) => void) => {
      let buf = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        buf += chunk;
        const lines = buf.split("\n");
        buf = lines.pop()!;
        for (const l of lines) to(`  prisma: ${l}`);
      });
      stream.on("end", () => {
        if (buf) to(`  prisma: ${buf}`);
      });
    };
    forward(child.stdout!, ctx.out.err);
    forward(child.stderr!, ctx.out.err);
    child.on("error", (e) => reject(new CliError(`could not run npx prisma migrate deploy: ${e.message}`)));
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new CliError(`prisma migrate deploy failed (exit code ${code})`)),
    );
  });
}

export const migrateCommand: Command = {
  name: "migrate",
  summary: "apply pending database migrations",
  usage: ["migrate"],
  help: [
    "Applies the committed migrations (prisma/migrations) that the database does not have yet.",
    "PGlite (DATABASE_URL unset; folder PGLITE_DIR, default ./.data/pglite): applied in process.",
    "PostgreSQL (DATABASE_URL=postgresql://…): runs `npx prisma migrate deploy` with this environment.",
    "Prints what was applied, then the status.",
  ].join("\n"),
  options: {},
  needs: "any",
  async run(ctx) {
    let applied: string[];
    if (ctx.db.kind === "pglite") {
      applied = await ctx.db.migrate();
    } else {
      if (!ctx.env.DATABASE_URL)
        throw new CliError("DATABASE_URL is not set in the environment (needed by prisma migrate deploy)");
      const before = new Set((await ctx.db.status()).applied);
      await runPrismaDeploy(ctx);
      applied = (await ctx.db.status()).applied.filter((m) => !before.has(m));
    }
    if (applied.length === 0) ctx.out.out("nothing to apply: the database is up to date");
    for (const m of applied) ctx.out.out(`applied ${m}`);
    const s = await ctx.db.status();
    printStatus(ctx, s);
    return s.problems.length || s.pending.length ? EXIT.failed : EXIT.ok;
  },
};

export const statusCommand: Command = {
  name: "status",
  summary: "show which migrations are applied and pending",
  usage: ["status"],
  help: "Shows the database in use and its migrations: applied, pending, and problems (a migration that\nchanged after it was applied, or failed half-way). Exit code 1 when there are problems.",
  options: {},
  needs: "any",
  async run(ctx) {
    const s = await ctx.db.status();
    printStatus(ctx, s);
    return s.problems.length ? EXIT.failed : EXIT.ok;
  },
};
