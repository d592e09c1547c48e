/**
 * What the fault suite drives, all real processes:
 * - a PostgreSQL instance of its own (initdb + pg_ctl from Debian's /usr/lib/postgresql/<v>/bin, on a
 *   free port, in a temp folder), which a case can stop and start without touching the machine's
 *   shared server; run as the `postgres` user when the suite runs as root (PostgreSQL refuses root);
 * - replicas of the bot: `node --import tsx src/main.ts` in HTTP mode, each on its own port, with the
 *   tokens of the fake Slack and SLACK_API_URL pointing at it, all on one database;
 * - the fake Slack (src/emulator) delivering to the replicas in turn, as a health-checking load balancer
 *   would: it polls each replica's /readyz (every 200 ms) and sends nothing new to one that is not ready.
 *   A replica stopped with SIGTERM goes on serving for SHUTDOWN_DRAIN_MS (1500 ms here, several polls)
 *   with /readyz answering 503, then closes its listener: the production pattern, exercised.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pgBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(path.join(base, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) throw new Error("no PostgreSQL binaries under /usr/lib/postgresql (set PG_BIN)");
  return path.join(base, versions[0], "bin");
}

export interface PgInstance {
  port: number;
  adminUrl: string;
  urlFor(db: string): string;
  stop(mode?: "fast" | "immediate"): Promise<void>;
  start(): Promise<void>;
  destroy(): void;
}

/** A private PostgreSQL instance: initdb in a temp folder, started on a free port. */
export async function startPostgres(): Promise<PgInstance> {
  const bin = pgBin();
  const dir = mkdtempSync(path.join(tmpdir(), "kpi-faults-pg-"));
  const data = path.join(dir, "data");
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  let uid = 0;
  let gid = 0;
  if (asRoot) {
    uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = (cmd: string, args: string[]) =>
    execFileSync(path.join(bin, cmd), args, {
      stdio: ["ignore", "pipe", "pipe"],
      ...(asRoot ? { uid, gid } : {}),
      env: { ...process.env, LC_ALL: "C.UTF-8", LANG: "C.UTF-8" },
      cwd: dir,
    });
  run("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
  writeFileSync(
    path.join(data, "postgresql.auto.conf"),
    [
      `port = ${port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${dir}'`,
      "max_connections = 100",
      "shared_buffers = 32MB",
      "log_min_messages = warning",
    ].join("\n"),
  );
  if (asRoot) chownSync(path.join(data, "postgresql.auto.conf"), uid, gid);
  const runAsync = async (cmd: string, args: string[]) => {
    await promisify(execFile)(path.join(bin, cmd), args, {
      ...(asRoot ? { uid, gid } : {}),
      env: { ...process.env, LC_ALL: "C.UTF-8", LANG: "C.UTF-8" },
      cwd: dir,
    });
  };
  const log = path.join(dir, "server.log");
  const start = () => runAsync("pg_ctl", ["-D", data, "-l", log, "-w", "-t", "60", "start"]);
  await start();
  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  return {
    port,
    adminUrl,
    urlFor: (db) => `postgresql://postgres@127.0.0.1:${port}/${db}`,
    stop: (mode = "fast") => runAsync("pg_ctl", ["-D", data, "-m", mode, "-w", "-t", "60", "stop"]),
    start,
    destroy() {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function pgQuery<T = Record<string, unknown>>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

export interface Replica {
  name: string;
  port: number;
  url: string;
  proc: ChildProcess;
  logs: string[];
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts one replica of the bot (HTTP mode) and waits until /readyz answers 200. */
export async function startReplica(opts: {
  name: string;
  databaseUrl: string;
  slackApiUrl: string;
  signingSecret: string;
  botToken: string;
  port?: number;
  env?: Record<string, string>;
}): Promise<Replica> {
  const port = opts.port ?? (await freePort());
  const logs: string[] = [];
  const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      ENV_FILE: "/nonexistent/.env",
      DATABASE_URL: opts.databaseUrl,
      SLACK_BOT_TOKEN: opts.botToken,
      SLACK_SIGNING_SECRET: opts.signingSecret,
      SLACK_API_URL: opts.slackApiUrl,
      PORT: String(port),
      LOG_LEVEL: "info",
      SHUTDOWN_DRAIN_MS: "1500",
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let partial = "";
  const collect = (chunk: Buffer) => {
    const text = partial + chunk.toString("utf8");
    const parts = text.split("\n");
    partial = parts.pop() ?? "";
    logs.push(...parts.filter(Boolean));
  };
  proc.stdout?.on("data", collect);
  proc.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 90_000;
  for (;;) {
    if (proc.exitCode !== null)
      throw new Error(`replica ${opts.name} exited:\n${logs.slice(-20).join("\n")}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      proc.kill("SIGKILL");
      throw new Error(`replica ${opts.name} not ready after 90 s:\n${logs.slice(-20).join("\n")}`);
    }
    await sleep(200);
  }
  return { name: opts.name, port, url, proc, logs, exited, kill: (s) => proc.kill(s) };
}

/** Runs `fn` over `items` with at most `concurrency` at once, in order of start. */
export async function pool<T, R>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        out[i] = await fn(items[i] as T, i);
      }
    }),
  );
  return out;
}

export interface Row {
  case: string;
  requests: number;
  failuresSeen: number;
  lost: number;
  duplicates: number;
  notes: string;
}

export function formatTable(rows: Row[]): string {
  const head = ["case", "requests", "failures seen by users", "entries lost", "duplicates", "notes"];
  const cells = rows.map((r) => [
    r.case,
    String(r.requests),
    String(r.failuresSeen),
    String(r.lost),
    String(r.duplicates),
    r.notes,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.map(line)].join("\n");
}
