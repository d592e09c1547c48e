/**
 * A bot process for the replica tests (test/jobs/replicas.test.ts): the job scheduler alone, on a
 * PostgreSQL database and a FakeSlack, configured by the environment. Prints one line
 * `REPORT <json>` and exits.
 *
 * WORKER_MODE=due   runDueJobs at WORKER_AT (the clock starts there and runs in real time)
 * WORKER_MODE=cron  the real clock and node-cron's distributed tasks (setRunCoordinator path): waits
 *                   until the run of WORKER_JOB/WORKER_PERIOD is DONE (by anyone), then stops
 */
import { WebClient } from "@slack/web-api";
import { pino } from "pino";
import { openDatabase } from "../../src/db/client.js";
import { createScheduler } from "../../src/jobs/scheduler.js";
import { systemClock } from "../../src/util/time.js";

const env = process.env;
const db = await openDatabase({ databaseUrl: env.DATABASE_URL, poolSize: 4 });
const client = new WebClient(env.SLACK_BOT_TOKEN, {
  slackApiUrl: env.SLACK_API_URL,
  retryConfig: { retries: 0 },
  rejectRateLimitedCalls: true,
});
const mode = env.WORKER_MODE ?? "due";
const base = Date.parse(env.WORKER_AT ?? new Date().toISOString());
const t0 = Date.now();
const clock = mode === "cron" ? systemClock : () => new Date(base + Date.now() - t0);
const scheduler = createScheduler({
  db: db.prisma,
  client,
  clock,
  logger: pino({ level: env.WORKER_LOG ?? "silent" }),
  cron: mode === "cron",
  catchUp: false,
  owner: env.WORKER_OWNER,
  leaseMs: env.WORKER_LEASE_MS ? Number(env.WORKER_LEASE_MS) : undefined,
  perSecond: env.WORKER_PER_SECOND ? Number(env.WORKER_PER_SECOND) : undefined,
});

let reports: unknown[] = [];
if (mode === "cron") {
  await scheduler.start();
  console.log("READY");
  const deadline = Date.now() + 150_000;
  for (;;) {
    const run = await db.prisma.jobRun.findFirst({
      where: { job: env.WORKER_JOB, period: env.WORKER_PERIOD, status: "DONE" },
    });
    if (run || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await scheduler.idle();
  await scheduler.stop();
} else {
  reports = await scheduler.runDueJobs(clock());
  await scheduler.stop();
}
console.log(`REPORT ${JSON.stringify({ owner: scheduler.owner, reports })}`);
await db.close();
process.exit(0);
