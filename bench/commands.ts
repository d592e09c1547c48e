/**
 * `npm run bench:commands` — throughput and latency of `/log <code> 1` as signed HTTP slash commands,
 * 50 concurrent, for a fixed count, against:
 *   1. a bare Bolt app whose /log handler only acks (the baseline),
 *   2. our bot on PostgreSQL (a fresh database on the local server),
 *   3. our bot on PGlite (a fresh embedded database in a temp folder).
 * All three run in this process behind their own HTTP ports, with the fake Slack answering the Web API.
 * The bare app is measured again after the bots, and the ratios are to the mean of its two runs (on a
 * shared machine, load from elsewhere moves the baseline during a run). Prints each row and the ratio.
 * Targets (issue 3): PostgreSQL ≥ 0.35× with p99 < 100 ms, PGlite ≥ 0.15× with p99 < 250 ms.
 *
 * A reply counts as a success only when it is the "logged" reply for the item asked (its code, and the
 * Undo button of the new entry); a confirmation question, an error message, a late or missing ack is a
 * failure, and each kind is counted. Entries written are counted in the database, and the App Home
 * refreshes and users.info calls made from the start of the run until the after-ack work has drained
 * (which is awaited before the count) are reported with the time that drain took after the last reply.
 * The run follows its warm-up at once on the same keep-alive connections. A target is met only when
 * every request was logged.
 *
 * Env: BENCH_TOTAL (default 5000), BENCH_CONCURRENCY (50), BENCH_PG_URL (admin URL of the server,
 * default postgresql://postgres@127.0.0.1:5432/postgres), BENCH_PG_POOL (pool size, default 10),
 * BENCH_SKIP=pg|pglite.
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
import { ACTIONS } from "../src/slack/ids.js";
import { createLogger } from "../src/slack/logger.js";
import { formatRow, type LoadResult, loadAgent, runLoad } from "./lib/load.js";
import { postgresCpuMs } from "./lib/server-cpu.js";

const TOTAL = Number(process.env.BENCH_TOTAL ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const PG_ADMIN = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const SKIP = new Set((process.env.BENCH_SKIP ?? "").split(",").filter(Boolean));
const PG_POOL = Number(process.env.BENCH_PG_POOL ?? 10);
const SECRET = "bench-signing-secret";
const WARMUP = 300;
/**
 * The bare app's warm-up: long enough for the JIT to settle on Bolt's and the HTTP stack's code (300
 * requests left the first bare run at about half its steady-state rate here, which flattered the ratios).
 * The bots need less: they run after it, on the same, already optimised, code.
 */
const BARE_WARMUP = Math.max(WARMUP, TOTAL);
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

/** Request n (warm-up and run numbered together): user n mod USERS, item ⌊n / USERS⌋ — distinct pairs. */
function requestOf(n: number, codes: string[]): { user: string; code: string } {
  return {
    user: `UBENCH${String(n % USERS).padStart(4, "0")}`,
    code: codes[Math.floor(n / USERS) % codes.length] as string,
  };
}

function commandBody(i: number, codes: string[], offset: number): string {
  const n = i + offset;
  const { user, code } = requestOf(n, codes);
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

async function benchBare(slack: FakeSlack, label: string): Promise<LoadResult> {
  slack.reset(); // each phase starts with the fake's records empty (they only grow, in this process)
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
  const agent = loadAgent(CONCURRENCY);
  await runLoad({
    label: "warm-up",
    url,
    secret: SECRET,
    total: BARE_WARMUP,
    concurrency: CONCURRENCY,
    body: (i) => commandBody(i, codes, 0),
    agent,
  });
  const r = await runLoad({
    label,
    url,
    secret: SECRET,
    total: TOTAL,
    concurrency: CONCURRENCY,
    body: (i) => commandBody(i, codes, 0),
    agent,
  });
  await agent.close();
  await app.stop();
  return r;
}

interface BotResult extends LoadResult {
  entries: number;
  /** replies that were a confirmation question (duplicate, day over) */
  confirmations: number;
  /** replies that were anything else (an error message, a candidate list, an empty body) */
  otherReplies: number;
  /** requests without a 200 answer (a timeout, a refused connection, a 5xx) */
  httpFailures: number;
  /** App Home publishes and users.info calls made for the measured run */
  homePublishes: number;
  usersInfo: number;
  /** how long the after-ack work took to finish after the last reply */
  drainSeconds: number;
  /** CPU of this process (load generator, Bolt, the bot, the fake Slack, PGlite) per request */
  cpuMsPerRequest: number;
  /** CPU of the local PostgreSQL server's processes per request (PostgreSQL runs only; Linux) */
  serverCpuMsPerRequest?: number;
}

/**
 * What a reply to `/log <code> 1` is: "logged" only when it names the item asked and carries the Undo
 * button of a new entry (an Undo button with an entry id).
 */
function classify(text: string, code: string): "logged" | "confirm" | "other" {
  let body: {
    text?: string;
    blocks?: { type: string; elements?: { action_id?: string; value?: string }[] }[];
  };
  try {
    body = JSON.parse(text);
  } catch {
    return "other";
  }
  const actionIds = (body.blocks ?? [])
    .filter((b) => b.type === "actions")
    .flatMap((b) => b.elements ?? [])
    .filter((e) => !!e.value)
    .map((e) => e.action_id);
  if (actionIds.includes(ACTIONS.confirmLog)) return "confirm";
  if (actionIds.includes(ACTIONS.undoEntry) && (body.text ?? "").includes(code)) return "logged";
  return "other";
}

async function benchBot(label: string, slack: FakeSlack, db: Database): Promise<BotResult> {
  slack.reset();
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
  // the measured run follows the warm-up at once, on its connections; the warm-up's after-ack work
  // (App Home rebuilds) carries on in the background, inside the measured window, as it would in use
  const agent = loadAgent(CONCURRENCY);
  await runLoad({
    label: "warm-up",
    url,
    secret: SECRET,
    total: WARMUP,
    concurrency: CONCURRENCY,
    body: (i) => commandBody(i, codes, 0),
    agent,
  });
  const before = await db.prisma.entry.count();
  const callsBefore = slack.calls.length;
  // replies are kept during the run and classified after it: checking them is the load generator's
  // work, which must not take CPU from the bot being measured (the bare app's replies are not checked)
  const replies: (string | undefined)[] = new Array(TOTAL);
  const check = (_status: number, text: string, i: number) => {
    replies[i] = text;
    return true;
  };
  const cpu = process.cpuUsage();
  const serverCpu = db.kind === "postgres" ? postgresCpuMs() : undefined;
  const r = await runLoad({
    label,
    url,
    secret: SECRET,
    total: TOTAL,
    concurrency: CONCURRENCY,
    body: (i) => commandBody(i, codes, WARMUP),
    check,
    agent,
  });
  const used = process.cpuUsage(cpu);
  const kinds = { logged: 0, confirm: 0, other: 0 };
  let refused = 0; // 200 answers that were not the "logged" reply
  replies.forEach((text, i) => {
    if (text === undefined) return; // no 200 answer: counted by runLoad
    const kind = classify(text, requestOf(i + WARMUP, codes).code);
    kinds[kind]++;
    if (kind !== "logged") refused++;
  });
  r.failed += refused;
  r.ok -= refused;
  const serverCpuAfter = serverCpu === undefined ? undefined : postgresCpuMs();
  await agent.close();
  const drainStart = performance.now();
  await bot.idle();
  const drainSeconds = (performance.now() - drainStart) / 1000;
  const entries = (await db.prisma.entry.count()) - before;
  const calls = slack.calls.slice(callsBefore);
  await bot.stop();
  return {
    ...r,
    entries,
    confirmations: kinds.confirm,
    otherReplies: kinds.other,
    httpFailures: r.failed - kinds.confirm - kinds.other,
    homePublishes: calls.filter((c) => c.method === "views.publish").length,
    usersInfo: calls.filter((c) => c.method === "users.info").length,
    drainSeconds,
    cpuMsPerRequest: (used.user + used.system) / 1000 / TOTAL,
    ...(serverCpu !== undefined && serverCpuAfter !== undefined
      ? { serverCpuMsPerRequest: (serverCpuAfter - serverCpu) / TOTAL }
      : {}),
  };
}

interface Target {
  ratio: number;
  p99: number;
}

async function main() {
  console.log(
    `bench:commands — ${TOTAL} × "/log <code> 1", ${CONCURRENCY} concurrent, signed HTTP, node ${process.version}`,
  );
  const slack = await FakeSlack.start({ signingSecret: SECRET });
  const bares: LoadResult[] = [];
  const bots: { r: BotResult; target: Target }[] = [];
  try {
    bares.push(await benchBare(slack, "bare Bolt app (ack only)"));

    if (!SKIP.has("pg")) {
      const name = `kpi_bench_${randomBytes(4).toString("hex")}`;
      await adminQuery(`CREATE DATABASE "${name}"`);
      const u = new URL(PG_ADMIN);
      u.pathname = `/${name}`;
      const db = await openDatabase({ databaseUrl: u.toString(), migrate: true, poolSize: PG_POOL });
      try {
        const r = await benchBot("our bot on PostgreSQL", slack, db);
        bots.push({ r, target: { ratio: 0.35, p99: 100 } });
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
        bots.push({ r, target: { ratio: 0.15, p99: 250 } });
      } finally {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }

    // the baseline again: on a shared machine the load from elsewhere moves it over a run
    if (bots.length > 0) bares.push(await benchBare(slack, "bare Bolt app, again"));
  } finally {
    await slack.stop();
  }
  const baseline: LoadResult = {
    ...(bares[0] as LoadResult),
    throughput: bares.reduce((sum, b) => sum + b.throughput, 0) / bares.length,
  };
  console.log("");
  for (const b of bares) console.log(formatRow(b));
  for (const { r, target } of bots) {
    const ratio = r.throughput / baseline.throughput;
    const pass = allLogged(r) && ratio >= target.ratio && r.p99 < target.p99;
    console.log(
      `${formatRow(r, baseline)}  entries written ${r.entries}/${r.total}  ` +
        `target ≥ ${target.ratio}× and p99 < ${target.p99} ms: ${pass ? "MET" : "NOT MET"}`,
    );
  }
  if (bares.length > 1) {
    console.log(
      `  ratios are to the mean of the bare runs before and after: ${baseline.throughput.toFixed(0)} req/s`,
    );
  }
  for (const { r } of bots) {
    console.log(
      `  ${r.label}: replies logged ${r.ok}, confirmations ${r.confirmations}, other replies ${r.otherReplies}, ` +
        `no 200 answer ${r.httpFailures}; after-ack work: ${r.homePublishes} App Home publishes, ` +
        `${r.usersInfo} users.info, drained ${r.drainSeconds.toFixed(1)} s after the last reply; ` +
        `process CPU ${r.cpuMsPerRequest.toFixed(2)} ms/request` +
        (r.serverCpuMsPerRequest !== undefined
          ? `, PostgreSQL server CPU ${r.serverCpuMsPerRequest.toFixed(2)} ms/request`
          : ""),
    );
  }
}

function allLogged(r: BotResult): boolean {
  return r.failed === 0 && r.entries === r.total;
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
