/**
 * Several bot processes on one PostgreSQL database (real child processes, test/jobs/worker.ts):
 * - two processes fire the same job at the same time: each reminder is sent once;
 * - a process killed (SIGKILL) in the middle of a fan-out, right after Slack accepted a message and
 *   before it could record it, then a new process: the rest are sent, none twice (the unrecorded one
 *   is found in the recipient's DM by its metadata);
 * - node-cron's distributed tasks in two processes (setRunCoordinator backed by the JobRun table) at a
 *   real minute: one run, each reminder once.
 * PostgreSQL only (TEST_DB=postgres): PGlite is one process's database.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Database, Db } from "../../src/db/client.js";
import { writeSetting } from "../../src/domain/settings.js";
import { FakeSlack, type FakeUser } from "../../src/emulator/index.js";
import { shiftMonth, todayIn, zonedInstant } from "../../src/util/time.js";
import { createTestDatabase, usingPostgres } from "../helpers/db.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const STAFF = Array.from({ length: 30 }, (_, i) => `U0RS${String(i).padStart(3, "0")}`);
const ADMIN = "U0RSADMIN";

async function seed(db: Db): Promise<void> {
  await db.category.create({
    data: { code: "SERVICE", name: "综合办税", nameEn: "Service", coefficientGroup: "A", sortOrder: 1 },
  });
  const section = await db.section.create({ data: { code: "S1", name: "办税服务股" } });
  for (const id of STAFF) {
    await db.person.create({
      data: {
        slackUserId: id,
        name: id,
        sectionId: section.id,
        categoryCode: "SERVICE",
        roles: { create: [{ role: "STAFF" }] },
      },
    });
  }
  await db.person.create({
    data: { slackUserId: ADMIN, name: "管理员", roles: { create: [{ role: "ADMIN" }] } },
  });
}

const users: FakeUser[] = [...STAFF, ADMIN].map((id) => ({ id, name: id.toLowerCase(), locale: "zh-CN" }));

interface Worker {
  child: ChildProcess;
  done: Promise<{
    code: number | null;
    report?: { owner: string; reports: { job: string; outcome: string; sent: number; already: number }[] };
    out: string;
  }>;
  stdout: () => string;
}

function worker(db: { url?: string }, slack: FakeSlack, extra: Record<string, string>): Worker {
  const { DATABASE_URL: _ignored, ...base } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", "test/jobs/worker.ts"], {
    cwd: ROOT,
    env: {
      ...base,
      DATABASE_URL: db.url,
      SLACK_API_URL: slack.apiUrl,
      SLACK_BOT_TOKEN: slack.botToken,
      ...extra,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  child.stderr!.on("data", (d) => {
    out += d;
  });
  const done = new Promise<Awaited<Worker["done"]>>((resolve) => {
    child.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("REPORT "));
      resolve({ code, report: line ? JSON.parse(line.slice(7)) : undefined, out });
    });
  });
  return { child, done, stdout: () => out };
}

let db: (Database & { url?: string }) | undefined;
let slack: FakeSlack | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  await slack?.stop();
  await db?.close();
  slack = undefined;
  db = undefined;
});

async function setup() {
  db = await createTestDatabase();
  await seed(db.prisma);
  slack = await FakeSlack.start({
    signingSecret: "unused",
    users,
    rateLimits: { perChannelPerSec: 1, workspacePerSec: 100 },
  });
  return { db, slack };
}

function expectEachOnce(s: FakeSlack) {
  const counts = Object.fromEntries(STAFF.map((id) => [id, s.acceptedCount(id)]));
  expect(counts).toEqual(Object.fromEntries(STAFF.map((id) => [id, 1])));
}

describe.skipIf(!usingPostgres)("several bot processes on one PostgreSQL database", () => {
  it("two processes fire the 5th's job at once: each reminder is sent once", async () => {
    const { db, slack } = await setup();
    const env = { WORKER_AT: "2026-11-05T09:00:00+08:00", WORKER_PER_SECOND: "20" };
    const a = worker(db, slack, { ...env, WORKER_OWNER: "replica-a" });
    const b = worker(db, slack, { ...env, WORKER_OWNER: "replica-b" });
    children.push(a.child, b.child);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(ra.code, ra.out).toBe(0);
    expect(rb.code, rb.out).toBe(0);
    const outcomes = [...ra.report!.reports, ...rb.report!.reports].map((r) => r.outcome).sort();
    // one ran it; the other found it running (busy) or already done
    expect(outcomes.filter((o) => o === "done")).toHaveLength(1);
    expect(outcomes).toHaveLength(2);
    expectEachOnce(slack);
    expect(slack.acceptedCount(ADMIN)).toBe(1);
    expect(await db.prisma.reminderSend.count({ where: { job: "remind-submit", status: "SENT" } })).toBe(30);
  }, 120_000);

  it("a process killed in the middle of the fan-out, then restarted: the rest are sent, none twice", async () => {
    const { db, slack } = await setup();
    // kill the worker the moment Slack has accepted the 12th message (before it can record it)
    let accepted = 0;
    let victim: ChildProcess | undefined;
    slack.on("call", (call: { method: string; status: number; ok: boolean }) => {
      if (call.method !== "chat.postMessage" || !call.ok) return;
      accepted++;
      if (accepted === 12) victim?.kill("SIGKILL");
    });
    const first = worker(db, slack, {
      WORKER_AT: "2026-11-05T09:00:00+08:00",
      WORKER_PER_SECOND: "10",
      WORKER_OWNER: "crashing",
    });
    victim = first.child;
    children.push(first.child);
    const r1 = await first.done;
    expect(r1.report).toBeUndefined(); // it never finished
    const run = await db.prisma.jobRun.findFirstOrThrow({ where: { job: "remind-submit" } });
    expect(run).toMatchObject({ status: "RUNNING", claimedBy: "crashing" });
    const sentBefore = await db.prisma.reminderSend.count({ where: { status: "SENT" } });
    expect(sentBefore).toBeLessThan(30);
    // the 12th message reached Slack but its row is still PENDING: the outcome the dead process never saw
    const pending = await db.prisma.reminderSend.findMany({ where: { status: "PENDING" } });
    expect(pending.length).toBeGreaterThanOrEqual(1);

    // restarted two minutes later (the dead process's lease has expired) on the same day: catch-up
    const second = worker(db, slack, {
      WORKER_AT: "2026-11-05T09:02:00+08:00",
      WORKER_PER_SECOND: "20",
      WORKER_OWNER: "restarted",
    });
    children.push(second.child);
    const r2 = await second.done;
    expect(r2.code, r2.out).toBe(0);
    expect(r2.report!.reports[0]).toMatchObject({ job: "remind-submit", outcome: "done" });
    expectEachOnce(slack);
    expect(await db.prisma.reminderSend.count({ where: { job: "remind-submit", status: "SENT" } })).toBe(30);
    // found in the DM by its metadata, recorded SENT without a second post
    for (const p of pending) {
      const row = await db.prisma.reminderSend.findUniqueOrThrow({ where: { id: p.id } });
      expect(row.status).toBe("SENT");
    }
    const after = await db.prisma.jobRun.findFirstOrThrow({ where: { job: "remind-submit" } });
    expect(after).toMatchObject({ status: "DONE", claimedBy: "restarted", attempts: 2 });
  }, 120_000);

  it("node-cron in two processes (distributed tasks, database run coordinator): one run, each reminder once", async () => {
    const { db, slack } = await setup();
    // a schedule at the next real minute, today being the deadline
    const now = Date.now();
    const at = new Date(Math.ceil((now + 20_000) / 60_000) * 60_000);
    const tz = "Asia/Shanghai";
    const day = Number(todayIn(tz, at).slice(8, 10));
    if (day > 28 || todayIn(tz, at) !== todayIn(tz, new Date(at.getTime() + 60_000))) return; // no such deadline day
    const hhmm = new Intl.DateTimeFormat("en-GB", {
      timeZone: tz,
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
    }).format(at);
    expect(zonedInstant(todayIn(tz, at), hhmm, tz).getTime()).toBe(at.getTime());
    await writeSetting(db.prisma, "test", "submitDeadlineDay", day);
    await writeSetting(db.prisma, "test", "reviewDeadlineDay", Math.min(28, day));
    await writeSetting(db.prisma, "test", "reminderTime", hhmm);
    await writeSetting(db.prisma, "test", "fanoutPerSecond", 50);
    const lastMonth = shiftMonth(todayIn(tz, at).slice(0, 7), -1);
    const env = { WORKER_MODE: "cron", WORKER_JOB: "remind-submit", WORKER_PERIOD: lastMonth };
    const a = worker(db, slack, { ...env, WORKER_OWNER: "cron-a" });
    const b = worker(db, slack, { ...env, WORKER_OWNER: "cron-b" });
    children.push(a.child, b.child);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(ra.code, ra.out).toBe(0);
    expect(rb.code, rb.out).toBe(0);
    const runs = await db.prisma.jobRun.findMany({ where: { job: "remind-submit" } });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ period: lastMonth, status: "DONE", attempts: 1, trigger: "schedule" });
    expect(["cron-a", "cron-b"]).toContain(runs[0]!.claimedBy);
    expectEachOnce(slack);
  }, 180_000);
});
