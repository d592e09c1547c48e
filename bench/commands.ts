/**
 * `npm run bench:commands` — throughput and latency of `/log <code> 1` as signed HTTP slash commands,
 * 50 concurrent, for a fixed count, against:
 *   1. a bare Bolt app whose /log handler only acks (the baseline),
 *   2. our bot on PostgreSQL (a fresh database on the local server),
 *   3. our bot on PGlite (a fresh embedded database in a temp folder).
 * All three run in this process behind their own HTTP ports, with the fake Slack answering the Web API.
 * Prints each row and the ratio to the baseline. Targets (issue 3): PostgreSQL ≥ 0.35× with p99 < 100 ms,
 * PGlite ≥ 0.15× with p99 < 250 ms.
 *
 * Env: BENCH_TOTAL (default 5000), BENCH_CONCURRENCY (50), BENCH_PG_URL (admin URL of the server,
 * default postgresql://postgres@127.0.0.1:5432/postgres), BENCH_SKIP=pg|pglite.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { App, LogLevel } from "@slack/bolt";
import pg from "pg";
import { loadConfig } from "../src/config.js";
import { type Database, openDatabase } from "../src/db/client.js";
import { seedDemo } from "../src/domain/seed.js";
import { FakeSlack } from "../src/emulator/index.js";
import { createSlackApp } from "../src/slack/app.js";
import { createLogger } from "../src/slack/logger.js";
import { formatRow, type LoadResult, runLoad } from "./lib/load.js";

const TOTAL = Number(process.env.BENCH_TOTAL ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const PG_ADMIN = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const SKIP = new Set((process.env.BENCH_SKIP ?? "").split(",").filter(Boolean));
const SECRET = "bench-signing-secret";
const WARMUP = 300;
/** Users logging in the benchmark: each (user, item) pair is logged once, so no request is a duplicate. */
const USERS = 600;

const silent = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

async function adminQuery(sql: string) {
  const c = new pg.Client({ connectionString: PG_ADMIN });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Creates bench users (staff of the demo's first section) and returns the item codes they log. */
async function prepare(db: Database, slack: FakeSlack): Promise<string[]> {
  await seedDemo(db.prisma);
  const section = await db.prisma.section.findFirstOrThrow({ orderBy: { code: "asc" } });
  const rows = Array.from({ length: USERS }, (_, i) => ({
    slackUserId: `UBENCH${String(i).padStart(4, "0")}`,
    name: `压测用户${i}`,
    locale: "en",
    sectionId: section.id,
    categoryCode: "SERVICE",
  }));
  await db.prisma.person.createMany({ data: rows, skipDuplicates: true });
  for (const r of rows)
    slack.addUser({
      id: r.slackUserId,
      name: r.slackUserId.toLowerCase(),
      locale: "en-US",
      tz: "Asia/Shanghai",
    });
  const people = await db.prisma.person.findMany({ where: { slackUserId: { startsWith: "UBENCH" } } });
  await db.prisma.roleAssignment.createMany({
    data: people.map((p) => ({ personId: p.id, role: "STAFF" as const })),
    skipDuplicates: true,
  });
  // light items (≤ 30 points) so that ten a day stay under the 480-point plausibility limit
  const items = await db.prisma.workItem.findMany({
    where: { active: true, versions: { some: { points: { lte: 3000 } } } },
    orderBy: { code: "asc" },
    take: 10,
  });
  return items.map((i) => i.code);
}

function commandBody(i: number, codes: string[], offset: number): string {
  const n = i + offset;
  const user = `UBENCH${String(n % USERS).padStart(4, "0")}`;
  const code = codes[Math.floor(n / USERS) % codes.length] as string;
  return new URLSearchParams({
    token: "legacy",
    team_id: "T0001",
    team_domain: "bench",
    channel_id: "C0GENERAL",
    channel_name: "general",
    user_id: user,
    user_name: user.toLowerCase(),
    command: "/log",
    text: `${code} 1`,
    api_app_id: "A0001",
    response_url: "http://127.0.0.1:9/unused",
    trigger_id: `${n}.${randomBytes(4).toString("hex")}`,
  }).toString();
}

async function benchBare(slack: FakeSlack): Promise<LoadResult> {
  const app = new App({
    signingSecret: SECRET,
    token: slack.botToken,
    logger: silent,
    clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
  });
  app.command("/log", async ({ ack }) => {
    await ack();
  });
  const server = (await app.start({ port: 0, host: "127.0.0.1" })) as { address(): AddressInfo };
  const url = `http://127.0.0.1:${server.address().port}/slack/events`;
  const codes = ["X"];
  await runLoad({
    label: "warm-up",
    url,
    secret: SECRET,
    total: WARMUP,
    concurrency: CONCURRENCY,
    body: (i) => commandBody(i, codes, 0),
  });
  const r = await runLoad({
    label: "bare Bolt app (ack only)",
    url,
    secret: SECRET,
    total: TOTAL,
    concurrency: CONCURRENCY,
    body: (i) => commandBody(i, codes, 0),
  });
  await app.stop();
  return r;
}

async function benchBot(
  label: string,
  slack: FakeSlack,
  db: Database,
): Promise<LoadResult & { entries: number }> {
  const codes = await prepare(db, slack);
  if (codes.length * USERS < TOTAL + WARMUP) throw new Error("not enough distinct (user, item) pairs");
  const config = loadConfig({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    LOG_LEVEL: "error",
  } as NodeJS.ProcessEnv);
  const bot = createSlackApp({
    config,
    db,
    logger: createLogger("error"),
    receiver: "http",
    listen: { port: 0, host: "127.0.0.1" },
    clientOptions: { retryConfig: { retries: 0 } },
  });
  const { port } = await bot.start();
  const url = `http://127.0.0.1:${port}/slack/events`;
  const check = (_s: number, text: string) => text.includes("blocks") || text.includes("text");
  await runLoad({
    label: "warm-up",
    url,
    secret: SECRET,
    total: WARMUP,
    concurrency: CONCURRENCY,
    body: (i) => commandBody(i, codes, 0),
  });
  const before = await db.prisma.entry.count();
  const r = await runLoad({
    label,
    url,
    secret: SECRET,
    total: TOTAL,
    concurrency: CONCURRENCY,
    body: (i) => commandBody(i, codes, WARMUP),
    check,
  });
  await bot.idle();
  const entries = (await db.prisma.entry.count()) - before;
  await bot.stop();
  return { ...r, entries };
}

async function main() {
  console.log(
    `bench:commands — ${TOTAL} × "/log <code> 1", ${CONCURRENCY} concurrent, signed HTTP, node ${process.version}`,
  );
  const slack = await FakeSlack.start({ signingSecret: SECRET });
  const rows: Array<LoadResult & { entries?: number; target?: string; pass?: boolean }> = [];
  try {
    const bare = await benchBare(slack);
    rows.push(bare);

    if (!SKIP.has("pg")) {
      const name = `kpi_bench_${randomBytes(4).toString("hex")}`;
      await adminQuery(`CREATE DATABASE "${name}"`);
      const u = new URL(PG_ADMIN);
      u.pathname = `/${name}`;
      const db = await openDatabase({ databaseUrl: u.toString(), migrate: true, poolSize: 10 });
      try {
        const r = await benchBot("our bot on PostgreSQL", slack, db);
        const ratio = r.throughput / bare.throughput;
        rows.push({ ...r, target: "≥ 0.35× and p99 < 100 ms", pass: ratio >= 0.35 && r.p99 < 100 });
      } finally {
        await db.close();
        await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }
    }

    if (!SKIP.has("pglite")) {
      const dir = mkdtempSync(path.join(tmpdir(), "kpi-bench-"));
      const db = await openDatabase({ pgliteDir: dir, migrate: true });
      try {
        const r = await benchBot("our bot on PGlite", slack, db);
        const ratio = r.throughput / bare.throughput;
        rows.push({ ...r, target: "≥ 0.15× and p99 < 250 ms", pass: ratio >= 0.15 && r.p99 < 250 });
      } finally {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await slack.stop();
  }
  console.log("");
  const base = rows[0];
  for (const r of rows) {
    const extra = r.target
      ? `  entries written ${r.entries}/${r.total}  target ${r.target}: ${r.pass ? "MET" : "NOT MET"}`
      : "";
    console.log(formatRow(r, r === base ? undefined : base) + extra);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
