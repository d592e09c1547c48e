/**
 * The reminder jobs through the real Slack app (createSlackApp) and the FakeSlack, on a test database,
 * with a controllable clock: the fan-out queue's waiting advances the clock instead of sleeping, and the
 * fake's rate limits use the same clock. Nothing waits in real time.
 */
import { pino } from "pino";
import { loadConfig } from "../../src/config.js";
import type { Database, Db } from "../../src/db/client.js";
import { type SettingKey, writeSetting } from "../../src/domain/settings.js";
import { FakeSlack, type FakeUser, type RateLimitOptions } from "../../src/emulator/index.js";
import { createSlackApp, type SlackApp } from "../../src/slack/app.js";
import { createTestDatabase } from "../helpers/db.js";
import { FAKE_USERS, type Fixtures, seedFixtures, USERS } from "../slack/fixtures.js";
import { SIGNING_SECRET, TestClock, textOf } from "../slack/harness.js";

export const JOB_USERS = { ...USERS, group: "U0GROUP", admin: "U0ADMIN" } as const;

export const JOB_FAKE_USERS: FakeUser[] = [
  ...FAKE_USERS,
  { id: JOB_USERS.group, name: "group", realName: "Grace Group", locale: "en-US", tz: "Asia/Shanghai" },
  { id: JOB_USERS.admin, name: "admin", realName: "管理员", locale: "zh-CN", tz: "Asia/Shanghai" },
];

export interface JobFixtures extends Fixtures {
  group: string;
  admin: string;
}

/** The Slack fixtures plus an assessment-group member and an admin. */
export async function seedJobFixtures(db: Db): Promise<JobFixtures> {
  const fx = await seedFixtures(db);
  const group = await db.person.create({
    data: {
      slackUserId: JOB_USERS.group,
      name: "葛组长",
      nameEn: "Grace Ge",
      roles: { create: [{ role: "ASSESSMENT_GROUP" }] },
    },
  });
  const admin = await db.person.create({
    data: { slackUserId: JOB_USERS.admin, name: "管理员", roles: { create: [{ role: "ADMIN" }] } },
  });
  return { ...fx, group: group.id, admin: admin.id };
}

export interface JobsHarness {
  db: Database;
  slack: FakeSlack;
  app: SlackApp;
  clock: TestClock;
  /** virtual sleep: advances the clock and yields to the event loop */
  sleep: (ms: number) => Promise<void>;
  /** DM texts (fallback + rendered blocks) the bot sent a user */
  dms(user: string): string[];
  close(): Promise<void>;
  /** stops the app only (the database and the fake stay, for a "restart") */
  stopApp(): Promise<void>;
  /** a new app instance (a restart or a second replica) on the same database and fake */
  startApp(opts?: { catchUp?: boolean; owner?: string }): Promise<SlackApp>;
}

export async function setSettings(db: Db, values: Partial<Record<SettingKey, unknown>>): Promise<void> {
  for (const [k, v] of Object.entries(values)) await writeSetting(db, "test", k as SettingKey, v);
}

export async function startJobsHarness(opts: {
  at: string;
  catchUp?: boolean;
  rateLimits?: RateLimitOptions;
  users?: FakeUser[];
  seed?: (db: Db) => Promise<void>;
  settings?: Partial<Record<SettingKey, unknown>>;
}): Promise<JobsHarness> {
  const db = await createTestDatabase();
  const clock = new TestClock(opts.at);
  const slack = await FakeSlack.start({
    signingSecret: SIGNING_SECRET,
    users: opts.users ?? JOB_FAKE_USERS,
    clock: () => clock.now().getTime(),
    waitForTimeoutMs: 5000,
    ...(opts.rateLimits ? { rateLimits: opts.rateLimits } : {}),
  });
  const sleep = async (ms: number) => {
    clock.advance(Math.max(1, ms));
    await new Promise((r) => setImmediate(r));
  };
  await opts.seed?.(db.prisma);
  if (opts.settings) await setSettings(db.prisma, opts.settings);
  const config = loadConfig({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    LOG_LEVEL: "silent",
  });
  const make = (catchUp: boolean, owner?: string) =>
    createSlackApp({
      config,
      db,
      clock: clock.now,
      logger: pino({ level: process.env.SLACK_TEST_LOG ?? "silent" }),
      receiver: "http",
      clientOptions: { retryConfig: { retries: 0 } },
      listen: { port: 0, host: "127.0.0.1" },
      jobs: { cron: false, catchUp, sleep, ...(owner ? { owner } : {}) },
    });
  let apps = 1;
  // Bolt checks the token (auth.test) from its constructor without awaiting it: let that finish before
  // the fake can stop, or its failure surfaces as an unhandled rejection
  const tokenChecked = () => slack.waitFor(() => slack.callsTo("auth.test").length >= apps, 5000);
  let app = make(opts.catchUp ?? false);
  const { port } = await app.start();
  await tokenChecked();
  slack.setRequestUrl(`http://127.0.0.1:${port}/slack/events`);
  let running = true;
  const h: JobsHarness = {
    db,
    slack,
    get app() {
      return app;
    },
    clock,
    sleep,
    dms: (user) =>
      slack
        .messages(user)
        .filter((m) => m.user !== user)
        .map((m) => textOf(m)),
    async stopApp() {
      if (!running) return;
      running = false;
      await app.stop();
    },
    async startApp(o = {}) {
      if (running) await app.stop();
      app = make(o.catchUp ?? true, o.owner);
      apps++;
      const started = await app.start();
      await tokenChecked();
      slack.setRequestUrl(`http://127.0.0.1:${started.port}/slack/events`);
      running = true;
      return app;
    },
    async close() {
      try {
        if (running) await app.stop();
      } finally {
        await slack.stop();
        await db.close();
      }
    },
  };
  return h;
}
