/**
 * The reminders end to end, with a controllable clock: the 5th and the 7th (right recipients, right
 * content, both languages), the escalations on the 6th and the 8th, exactly once under repeated due
 * checks and manual reruns, catch-up after downtime, per-recipient failures and 429 storms.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.js";
import { textOf } from "../slack/harness.js";
import {
  JOB_FAKE_USERS,
  JOB_USERS,
  type JobsHarness,
  seedJobFixtures,
  setSettings,
  startJobsHarness,
} from "./harness.js";

const M = "2026-10";

/** October sheets: zhang none, anna OPEN, li RETURNED, chief SUBMITTED (no reviewer), prefers SUBMITTED (to chief). */
async function seedOctober(db: Db): Promise<void> {
  const fx = await seedJobFixtures(db);
  const p = fx.people;
  await db.sheet.create({ data: { personId: p.anna!, month: M, state: "OPEN" } });
  await db.sheet.create({
    data: {
      personId: p.li!,
      month: M,
      state: "RETURNED",
      returnReason: "缺少催缴通知书",
      reviewerId: p.chief!,
    },
  });
  await db.sheet.create({
    data: { personId: p.chief!, month: M, state: "APPROVED", submittedAt: new Date() },
  });
  await db.sheet.create({
    data: { personId: p.prefers!, month: M, state: "SUBMITTED", reviewerId: p.chief!, late: true },
  });
  await db.qualityReview.create({ data: { personId: p.zhang!, month: M, reviewedById: fx.group } });
}

let h: JobsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const counts = (hh: JobsHarness) =>
  Object.fromEntries(JOB_FAKE_USERS.map((u) => [u.id, hh.slack.acceptedCount(u.id)]).filter(([, n]) => n));

describe("the 5th: submit reminders", () => {
  it("reminds exactly the staff whose sheet is not submitted, in their language, with the deadline and how to submit", async () => {
    h = await startJobsHarness({ at: "2026-11-05T08:59:00+08:00", seed: seedOctober });
    expect(await h.app.jobs.runDueJobs()).toEqual([]);
    h.clock.set("2026-11-05T09:00:00+08:00");
    const [report] = await h.app.jobs.runDueJobs();
    expect(report).toMatchObject({ job: "remind-submit", period: M, outcome: "done", sent: 3, already: 0 });

    const zhang = h.dms(JOB_USERS.zhang);
    expect(zhang).toHaveLength(1);
    expect(zhang[0]).toContain("今天（*2026-11-05*）是提交 *2026-10* 积分表的截止日");
    expect(zhang[0]).toContain("您尚未提交");
    expect(zhang[0]).toContain("/log submit 2026-10");

    // Anna chose no language: her Slack locale (en-US) decides
    const anna = h.dms(JOB_USERS.anna);
    expect(anna).toHaveLength(1);
    expect(anna[0]).toContain("Today (*2026-11-05*) is the deadline to submit your *2026-10* sheet.");
    expect(anna[0]).toContain("Type `/log submit 2026-10` to check and submit it");

    const li = h.dms(JOB_USERS.li);
    expect(li[0]).toContain("已被退回：“缺少催缴通知书”");

    // submitted, approved, inactive, not staff: nothing
    for (const u of [JOB_USERS.chief, JOB_USERS.prefers, JOB_USERS.gone, JOB_USERS.group])
      expect(h.dms(u)).toEqual([]);

    // the admin's summary
    const admin = h.dms(JOB_USERS.admin);
    expect(admin).toHaveLength(1);
    expect(admin[0]).toContain("*提交提醒*（2026-10）：本次发送 3，此前已发送 0，失败 0");
    // November 2026: next year's holidays are not in the data yet, and the admins are told
    expect(admin[0]).toContain("缺少 2027 年的节假日数据");

    // rows: one JobRun DONE, one SENT row per recipient
    const run = await h.db.prisma.jobRun.findUniqueOrThrow({
      where: { job_period: { job: "remind-submit", period: M } },
    });
    expect(run).toMatchObject({ status: "DONE", sent: 3, failed: 0, attempts: 1, trigger: "schedule" });
    expect(
      await h.db.prisma.reminderSend.count({ where: { job: "remind-submit", period: M, status: "SENT" } }),
    ).toBe(3);

    // later the same day, and a manual rerun: nothing more
    h.clock.set("2026-11-05T10:30:00+08:00");
    expect((await h.app.jobs.runDueJobs())[0]).toMatchObject({ outcome: "already-done", sent: 0 });
    const rerun = await h.app.jobs.runJob("remind-submit", M, { trigger: "cli", rerun: true });
    expect(rerun).toMatchObject({ outcome: "done", sent: 0, already: 3 });
    expect(counts(h)).toEqual({
      [JOB_USERS.zhang]: 1,
      [JOB_USERS.anna]: 1,
      [JOB_USERS.li]: 1,
      [JOB_USERS.admin]: 1,
    });
    h.slack.assertNoViolations();
  });

  it("a dry run lists who would be reminded and sends nothing", async () => {
    h = await startJobsHarness({ at: "2026-11-04T12:00:00+08:00", seed: seedOctober });
    const dry = await h.app.jobs.runJob("remind-submit", M, { trigger: "cli", dryRun: true });
    expect(dry.outcome).toBe("dry-run");
    expect(dry.dryRun?.map((r) => r.slackUserId).sort()).toEqual(
      [JOB_USERS.anna, JOB_USERS.li, JOB_USERS.zhang].sort(),
    );
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(0);
    expect(await h.db.prisma.jobRun.count()).toBe(0);
  });
});

describe("the 7th: reviewers and the assessment group", () => {
  it("reminds each reviewer of their pending sheets and the group of the staff not yet quality-scored", async () => {
    h = await startJobsHarness({ at: "2026-11-07T09:00:00+08:00", seed: seedOctober });
    const reports = await h.app.jobs.runDueJobs();
    expect(reports.map((r) => [r.job, r.outcome, r.sent])).toEqual([
      ["remind-review", "done", 1],
      ["remind-quality", "done", 1],
    ]);
    const chief = h.dms(JOB_USERS.chief);
    expect(chief).toHaveLength(1);
    expect(chief[0]).toContain("*2026-10* 有 1 份积分表等待您审核（截止 *2026-11-07*）");
    expect(chief[0]).toContain("刘洋 (逾期)");
    expect(chief[0]).toContain("/kpi review");
    expect(chief[0]).not.toContain("张伟");

    const group = h.dms(JOB_USERS.group);
    expect(group).toHaveLength(1);
    expect(group[0]).toContain("staff are not yet quality-scored for *2026-10* (deadline *2026-11-07*)");
    // everyone active and assessed but zhang (scored); never the inactive person
    expect(group[0]).toContain("Anna Schmidt");
    expect(group[0]).toContain("李娜");
    expect(group[0]).not.toContain("张伟");
    expect(group[0]).not.toContain("离职人员");
    expect(h.dms(JOB_USERS.zhang)).toEqual([]);
    expect(h.dms(JOB_USERS.admin)).toHaveLength(2);
  });

  it("escalates on the 6th to the chief and on the 8th to the assessment group", async () => {
    h = await startJobsHarness({ at: "2026-11-06T09:00:00+08:00", seed: seedOctober });
    const sixth = await h.app.jobs.runDueJobs();
    expect(sixth.map((r) => r.job)).toEqual(["escalate-submit"]);
    const chief = h.dms(JOB_USERS.chief);
    expect(chief).toHaveLength(1);
    expect(chief[0]).toContain("*2026-10* 积分表提交截止日（*2026-11-05*）已过");
    expect(chief[0]).toContain("*未提交*（3 人）");
    expect(chief[0]).toContain("张伟 (尚未建表)");
    expect(chief[0]).toContain("李娜 (已退回)");
    expect(chief[0]).toContain("*逾期提交*（1 人）： 刘洋");

    h.clock.set("2026-11-08T09:05:00+08:00");
    const eighth = await h.app.jobs.runDueJobs();
    expect(eighth.map((r) => r.job)).toEqual(["escalate-review"]);
    const group = h.dms(JOB_USERS.group);
    expect(group).toHaveLength(1);
    expect(group[0]).toContain("The *2026-10* review deadline (*2026-11-07*) has passed");
    expect(group[0]).toContain("王股长: 1 pending");
  });
});

describe("a published month", () => {
  it("reminds and escalates nobody about its sheets or quality scores: they can no longer be submitted, decided or recorded", async () => {
    h = await startJobsHarness({ at: "2026-11-06T12:00:00+08:00", seed: seedOctober });
    // previewed, not published: the reviewer and the group would still be told
    await h.db.prisma.monthClose.create({ data: { month: M, state: "OPEN", previewedAt: new Date() } });
    const who = async (
      job: "remind-review" | "remind-quality" | "escalate-review" | "remind-submit" | "escalate-submit",
    ) =>
      (await h!.app.jobs.runJob(job, M, { trigger: "cli", dryRun: true })).dryRun?.map((r) => r.slackUserId);
    expect(await who("remind-review")).toEqual([JOB_USERS.chief]);
    expect(await who("remind-quality")).toEqual([JOB_USERS.group]);
    expect(await who("escalate-review")).toEqual([JOB_USERS.group]);
    const submitBefore = [await who("remind-submit"), await who("escalate-submit")];
    expect(submitBefore.map((w) => w?.length ?? 0)).not.toContain(0);

    // published with prefers' sheet still SUBMITTED (closed with exceptions), zhang the only one scored
    await h.db.prisma.monthClose.update({
      where: { month: M },
      data: { state: "PUBLISHED", publishedAt: new Date() },
    });
    expect(await who("remind-review")).toEqual([]);
    expect(await who("remind-quality")).toEqual([]);
    expect(await who("escalate-review")).toEqual([]);
    // nor told to submit a sheet that /log submit now refuses
    expect(await who("remind-submit")).toEqual([]);
    expect(await who("escalate-submit")).toEqual([]);

    h.clock.set("2026-11-07T09:00:00+08:00");
    const seventh = await h.app.jobs.runDueJobs();
    expect(seventh.map((r) => [r.job, r.outcome, r.recipients, r.sent])).toEqual([
      ["remind-review", "done", 0, 0],
      ["remind-quality", "done", 0, 0],
    ]);
    h.clock.set("2026-11-08T09:00:00+08:00");
    const eighth = await h.app.jobs.runDueJobs();
    expect(eighth.map((r) => [r.job, r.outcome, r.recipients, r.sent])).toEqual([
      ["escalate-review", "done", 0, 0],
    ]);
    expect(h.dms(JOB_USERS.chief)).toEqual([]);
    expect(h.dms(JOB_USERS.group)).toEqual([]);
  });
});

describe("holidays", () => {
  it("under next-working-day the September reminder waits for 2026-10-08 (National Day) and shows that deadline", async () => {
    h = await startJobsHarness({
      at: "2026-10-05T09:00:00+08:00",
      seed: async (db) => {
        await seedJobFixtures(db);
      },
      settings: { holidayRule: "next-working-day" },
    });
    expect(await h.app.jobs.runDueJobs()).toEqual([]);
    h.clock.set("2026-10-08T09:00:00+08:00");
    const reports = await h.app.jobs.runDueJobs();
    // 10-08 is both the moved submit deadline and the moved review deadline (10-07 is a holiday too)
    expect(reports.map((r) => r.job)).toEqual(["remind-submit", "remind-review", "remind-quality"]);
    expect(h.dms(JOB_USERS.zhang)[0]).toContain("今天（*2026-10-08*）是提交 *2026-09* 积分表的截止日");
    expect(h.dms(JOB_USERS.anna)[0]).toContain("Today (*2026-10-08*)");
    // the escalations are the next working day after: Friday 10-09
    h.clock.set("2026-10-09T09:00:00+08:00");
    expect((await h.app.jobs.runDueJobs()).map((r) => r.job)).toEqual(["escalate-submit", "escalate-review"]);
  });
});

describe("catch-up after downtime", () => {
  it("down at 09:00, started at 11:00 on the 5th: the reminder goes out once; a restart sends nothing more", async () => {
    h = await startJobsHarness({ at: "2026-11-05T11:00:00+08:00", seed: seedOctober, catchUp: true });
    await h.app.jobs.idle();
    const run = await h.db.prisma.jobRun.findUniqueOrThrow({
      where: { job_period: { job: "remind-submit", period: M } },
    });
    expect(run).toMatchObject({ status: "DONE", trigger: "catch-up", sent: 3 });
    expect(h.dms(JOB_USERS.zhang)).toHaveLength(1);

    h.clock.set("2026-11-05T11:30:00+08:00");
    await h.startApp({ catchUp: true });
    await h.app.jobs.idle();
    expect(counts(h)).toEqual({
      [JOB_USERS.zhang]: 1,
      [JOB_USERS.anna]: 1,
      [JOB_USERS.li]: 1,
      [JOB_USERS.admin]: 1,
    });
  });

  it("outside the window (22:00 with 12 hours) or the next day, a missed reminder is not sent late", async () => {
    h = await startJobsHarness({ at: "2026-11-05T22:00:00+08:00", seed: seedOctober, catchUp: true });
    await h.app.jobs.idle();
    expect(await h.db.prisma.jobRun.count()).toBe(0);
    await setSettings(h.db.prisma, { catchUpHours: 14 });
    h.clock.set("2026-11-05T22:30:00+08:00");
    await h.startApp({ catchUp: true });
    await h.app.jobs.idle();
    expect(h.dms(JOB_USERS.zhang)).toHaveLength(1);
    h.clock.set("2026-11-06T08:00:00+08:00");
    expect(await h.app.jobs.runDueJobs()).toEqual([]);
  });
});

describe("failures and rate limits", () => {
  it("a deactivated user and a refused DM are recorded as failed and do not stop the rest; a rerun sends only what is missing", async () => {
    h = await startJobsHarness({
      at: "2026-11-05T09:00:00+08:00",
      seed: seedOctober,
      users: JOB_FAKE_USERS.map((u) => (u.id === JOB_USERS.li ? { ...u, deleted: true } : u)),
    });
    h.slack.failPostsTo(JOB_USERS.anna, "channel_not_found");
    const [r] = await h.app.jobs.runDueJobs();
    expect(r).toMatchObject({ outcome: "done", sent: 1 });
    expect(r!.failed.map((f) => [f.slackUserId, f.error]).sort()).toEqual([
      [JOB_USERS.anna, "channel_not_found"],
      [JOB_USERS.li, "user_deactivated"],
    ]);
    expect(h.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === JOB_USERS.li)).toHaveLength(
      0,
    );
    const summary = h.dms(JOB_USERS.admin)[0]!;
    expect(summary).toContain("失败 2");
    expect(summary).toContain("安娜 (channel_not_found)");
    expect(summary).toContain("李娜 (user_deactivated)");

    h.slack.failPostsTo(JOB_USERS.anna, null);
    const again = await h.app.jobs.runJob("remind-submit", M, { trigger: "cli", rerun: true });
    expect(again).toMatchObject({ sent: 1, already: 1 });
    expect(counts(h)[JOB_USERS.zhang]).toBe(1);
    expect(counts(h)[JOB_USERS.anna]).toBe(1);
  });

  it("429 storms: every reminder arrives once, the Retry-After pauses are honoured", async () => {
    const users = [...JOB_FAKE_USERS];
    const extra = Array.from({ length: 40 }, (_, i) => `U0EXTRA${String(i).padStart(2, "0")}`);
    for (const id of extra) users.push({ id, name: id.toLowerCase(), locale: "zh-CN" });
    h = await startJobsHarness({
      at: "2026-11-05T09:00:00+08:00",
      users,
      rateLimits: { random429Rate: 0.3, retryAfter: 1, perChannelPerSec: 1, workspacePerSec: 20 },
      seed: async (db) => {
        await seedOctober(db);
        const section = await db.section.findFirstOrThrow();
        for (const id of extra) {
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
      },
    });
    h.slack.inject429({ method: "chat.postMessage", times: 15, retryAfter: 2 });
    const started = h.clock.now().getTime();
    const [r] = await h.app.jobs.runDueJobs();
    expect(r).toMatchObject({ outcome: "done", sent: 43 });
    expect(r!.failed).toEqual([]);
    expect(r!.rateLimited).toBeGreaterThanOrEqual(15);
    for (const id of [...extra, JOB_USERS.zhang, JOB_USERS.anna, JOB_USERS.li])
      expect(h.slack.acceptedCount(id)).toBe(1);
    // the virtual clock moved by at least the pauses the fake imposed
    expect(h.clock.now().getTime() - started).toBeGreaterThanOrEqual(r!.retryAfterSeconds * 1000);
    const rateLimited = h.slack.calls.filter(
      (c) => c.method === "chat.postMessage" && c.status === 429,
    ).length;
    expect(rateLimited).toBeGreaterThanOrEqual(15);
  });
});

describe("/kpi jobs in Slack", () => {
  it("the assessment group sees the jobs, dry-runs and sends now; staff are refused", async () => {
    h = await startJobsHarness({ at: "2026-11-04T15:00:00+08:00", seed: seedOctober });
    const hh = h;
    const reply = async (user: string, text: string) => {
      const before = hh.slack.ephemerals(user).length;
      await hh.slack.slashCommand({ user, command: "/kpi", text });
      await hh.slack.waitFor(() => hh.slack.ephemerals(user).length > before, 10_000);
      return textOf(hh.slack.ephemerals(user).at(-1));
    };
    const overview = await reply(JOB_USERS.group, "jobs");
    expect(overview).toContain("Reminder jobs");
    expect(overview).toContain("*submit reminder* `remind-submit`: next 2026-11-05 09:00 (2026-10)");
    expect(overview).toContain("*daily nudge (nothing logged)* `nudge-daily`: off");

    const dry = await reply(JOB_USERS.group, "jobs dry remind-submit 2026-10");
    expect(dry).toContain("Dry run: *submit reminder* for 2026-10 would remind 3 people");
    expect(dry).toContain("Anna Schmidt");
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(0);

    const sent = await reply(JOB_USERS.group, "jobs run remind-quality");
    expect(sent).toContain("✅ *quality-scoring reminder (assessment group)* for 2026-10: sent 1");
    expect(h.dms(JOB_USERS.group)).toHaveLength(1);
    const again = await reply(JOB_USERS.group, "jobs run remind-quality 2026-10");
    expect(again).toContain("sent 0, already sent before 1");
    expect(h.dms(JOB_USERS.group)).toHaveLength(1);

    expect(await reply(JOB_USERS.group, "jobs run remind-everyone")).toContain(
      "Unknown job “remind-everyone”",
    );
    expect(await reply(JOB_USERS.group, "jobs run remind-submit 2026-13")).toContain(
      "“2026-13” is not a period",
    );
    expect(await reply(JOB_USERS.zhang, "jobs")).toContain("只有考核小组成员和管理员可以运行提醒任务");
  });
});

describe("graceful stop", () => {
  it("a stop in the middle of a fan-out finishes the calls in flight, releases the run, and a restart sends the rest once", async () => {
    const users = [...JOB_FAKE_USERS];
    const extra = Array.from({ length: 30 }, (_, i) => `U0STOP${String(i).padStart(2, "0")}`);
    for (const id of extra) users.push({ id, name: id.toLowerCase(), locale: "zh-CN" });
    h = await startJobsHarness({
      at: "2026-11-05T09:00:00+08:00",
      users,
      seed: async (db) => {
        await seedOctober(db);
        const section = await db.section.findFirstOrThrow();
        for (const id of extra) {
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
      },
    });
    const hh = h;
    let accepted = 0;
    let stopping: Promise<void> | undefined;
    hh.slack.on("call", (call: { method: string; ok: boolean }) => {
      if (call.method === "chat.postMessage" && call.ok && ++accepted === 8) stopping = hh.stopApp();
    });
    const [first] = await hh.app.jobs.runDueJobs();
    await stopping;
    expect(first?.outcome).toBe("stopped");
    const run = await hh.db.prisma.jobRun.findFirstOrThrow({ where: { job: "remind-submit" } });
    expect(run).toMatchObject({ status: "FAILED", leaseUntil: null });
    expect(run.error).toContain("stopped");
    const sentBefore = await hh.db.prisma.reminderSend.count({ where: { status: "SENT" } });
    expect(sentBefore).toBeGreaterThanOrEqual(8);
    expect(sentBefore).toBeLessThan(33);

    hh.clock.set("2026-11-05T09:10:00+08:00");
    await hh.startApp({ catchUp: true });
    await hh.app.jobs.idle();
    for (const id of [...extra, JOB_USERS.zhang, JOB_USERS.anna, JOB_USERS.li])
      expect(hh.slack.acceptedCount(id)).toBe(1);
    expect(await hh.db.prisma.jobRun.findFirstOrThrow({ where: { job: "remind-submit" } })).toMatchObject({
      status: "DONE",
      attempts: 2,
      trigger: "catch-up",
    });
  });
});
