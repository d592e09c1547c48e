/**
 * `npm run bench:fanout` — the submit reminder to 5,000 staff through the fan-out queue, against the
 * fake Slack with Slack's limits: 1 message per second per channel, 100 per second across the workspace,
 * and 2% of calls answered at random with 429 (`Retry-After: 1`).
 *
 * Prints the elapsed time of the run (claim, users.list, every message claimed, sent and recorded, the
 * admin's summary) against the minimum the limits allow: recipients ÷ the workspace rate, plus the
 * seconds the fake's 429s imposed (the union of their Retry-After intervals: overlapping pauses count
 * once); and the messages lost (a recipient the fake never accepted a message for) and doubled (accepted
 * more than once). Target (issue 5): ≤ 1.1× the minimum, 0 lost, 0 doubled.
 *
 * Env: BENCH_RECIPIENTS (default 5000), BENCH_DB=postgres|pglite (default postgres: a fresh database on
 * BENCH_PG_URL, default postgresql://postgres@127.0.0.1:5432/postgres), BENCH_RATE (100), BENCH_429 (0.02).
 */
import { randomBytes } from "node:crypto";
import { WebClient } from "@slack/web-api";
import pg from "pg";
import { pino } from "pino";
import { type Database, openDatabase } from "../src/db/client.js";
import { writeSetting } from "../src/domain/settings.js";
import { FakeSlack, type FakeUser } from "../src/emulator/index.js";
import { createScheduler } from "../src/jobs/scheduler.js";

const N = Number(process.env.BENCH_RECIPIENTS ?? 5000);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const RATE_429 = Number(process.env.BENCH_429 ?? 0.02);
const KIND = process.env.BENCH_DB ?? "postgres";
const PG_ADMIN = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

async function adminQuery(sql: string) {
  const c = new pg.Client({ connectionString: PG_ADMIN });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function openBenchDb(): Promise<{ db: Database; drop: () => Promise<void> }> {
  if (KIND === "pglite") {
    const db = await openDatabase({ pgliteDir: "memory://" });
    await db.migrate();
    return { db, drop: async () => {} };
  }
  const name = `kpi_bench_fanout_${randomBytes(4).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const u = new URL(PG_ADMIN);
  u.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: u.toString(), poolSize: 10 });
  await db.migrate();
  return { db, drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

const ids = Array.from({ length: N }, (_, i) => `U0B${String(i).padStart(6, "0")}`);
const ADMIN = "U0BADMIN";

async function seed(db: Database): Promise<void> {
  const p = db.prisma;
  await p.category.create({
    data: { code: "SERVICE", name: "综合办税", nameEn: "Service", coefficientGroup: "A", sortOrder: 1 },
  });
  const section = await p.section.create({ data: { code: "S1", name: "办税服务股" } });
  for (let i = 0; i < N; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    await p.person.createMany({
      data: chunk.map((slackUserId, j) => ({
        id: `bench-${i + j}`,
        slackUserId,
        name: `员工${i + j}`,
        sectionId: section.id,
        categoryCode: "SERVICE",
      })),
    });
    await p.roleAssignment.createMany({
      data: chunk.map((_, j) => ({ personId: `bench-${i + j}`, role: "STAFF" as const })),
    });
  }
  await p.person.create({
    data: { slackUserId: ADMIN, name: "管理员", roles: { create: [{ role: "ADMIN" }] } },
  });
  await writeSetting(p, "bench", "fanoutPerSecond", RATE);
}

/** Seconds covered by the union of [at, at + retryAfter] intervals. */
function unionSeconds(intervals: [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let cur: [number, number] | undefined;
  for (const [s, e] of sorted) {
    if (!cur || s > cur[1]) {
      if (cur) total += cur[1] - cur[0];
      cur = [s, e];
    } else cur[1] = Math.max(cur[1], e);
  }
  if (cur) total += cur[1] - cur[0];
  return total / 1000;
}

async function main() {
  const { db, drop } = await openBenchDb();
  const users: FakeUser[] = [...ids, ADMIN].map((id) => ({ id, name: id.toLowerCase(), locale: "zh-CN" }));
  const slack = await FakeSlack.start({
    signingSecret: "bench",
    users,
    rateLimits: { perChannelPerSec: 1, workspacePerSec: RATE, random429Rate: RATE_429, retryAfter: 1 },
    seed: 42,
  });
  try {
    await seed(db);
    const client = new WebClient(slack.botToken, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      maxRequestConcurrency: 100,
    });
    const scheduler = createScheduler({
      db: db.prisma,
      client,
      logger: pino({ level: "silent" }),
      cron: false,
      catchUp: false,
    });
    console.log(
      `fan-out: ${N} recipients, ${KIND}, fake Slack at 1/s per channel, ${RATE}/s workspace, ${(RATE_429 * 100).toFixed(1)}% random 429 (Retry-After 1 s)`,
    );
    const t0 = Date.now();
    const report = await scheduler.runJob("remind-submit", "2026-10", { trigger: "bench" });
    const elapsed = (Date.now() - t0) / 1000;
    await scheduler.stop();

    const limited = slack.calls.filter((c) => c.status === 429 && c.at >= t0);
    const imposed = unionSeconds(limited.map((c) => [c.at, c.at + (c.retryAfter ?? 1) * 1000]));
    const minimum = N / RATE + imposed;
    let lost = 0;
    let doubled = 0;
    for (const id of ids) {
      const n = slack.acceptedCount(id);
      if (n === 0) lost++;
      if (n > 1) doubled += n - 1;
    }
    const recorded = await db.prisma.reminderSend.count({ where: { job: "remind-submit", status: "SENT" } });
    const byMethod = new Map<string, number>();
    for (const c of limited) byMethod.set(c.method, (byMethod.get(c.method) ?? 0) + 1);
    console.log(
      `outcome           ${report.outcome}: sent ${report.sent}, failed ${report.failed.length}, recorded SENT ${recorded}`,
    );
    console.log(
      `429 answered      ${limited.length} (${[...byMethod].map(([m, n]) => `${m} ${n}`).join(", ")}); Retry-After imposed ${imposed.toFixed(1)} s`,
    );
    console.log(
      `minimum           ${minimum.toFixed(1)} s  (= ${N} / ${RATE} per s + ${imposed.toFixed(1)} s)`,
    );
    console.log(
      `elapsed           ${elapsed.toFixed(1)} s  → ${(elapsed / minimum).toFixed(3)}× the minimum (target ≤ 1.1×)`,
    );
    console.log(`lost              ${lost}`);
    console.log(`doubled           ${doubled}`);
    const ok = elapsed / minimum <= 1.1 && lost === 0 && doubled === 0;
    console.log(ok ? "target met" : "TARGET MISSED");
    process.exitCode = ok ? 0 : 1;
  } finally {
    await slack.stop();
    await db.close();
    await drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
