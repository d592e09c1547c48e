/**
 * Drives the real Slack app (createSlackApp) through the FakeSlack, over signed HTTP or Socket Mode,
 * against a real test database with the fixtures. One harness per test file; `close()` stops the app,
 * then the fake, then the database.
 */
import { type Logger, pino } from "pino";
import { loadConfig } from "../../src/config.js";
import type { Database } from "../../src/db/client.js";
import { FakeSlack, type StoredEphemeral, type StoredMessage } from "../../src/emulator/index.js";
import { createSlackApp, type SlackApp } from "../../src/slack/app.js";
import { renderBlocks } from "../../src/slack/blocks/render.js";
import { createTestDatabase } from "../helpers/db.js";
import { FAKE_USERS, type Fixtures, seedFixtures } from "./fixtures.js";

export const SIGNING_SECRET = "slack-test-signing-secret";

/** A settable clock for "now" (default: 2026-11-20 10:00 in Shanghai). */
export class TestClock {
  private ms: number;
  constructor(iso = "2026-11-20T10:00:00+08:00") {
    this.ms = Date.parse(iso);
  }
  readonly now = (): Date => new Date(this.ms);
  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface Harness {
  db: Database;
  slack: FakeSlack;
  app: SlackApp;
  fx: Fixtures;
  clock: TestClock;
  mode: "http" | "socket";
  close(): Promise<void>;
}

export async function startHarness(
  mode: "http" | "socket" = "http",
  opts: {
    logger?: Logger;
    env?: Record<string, string>;
    clockStart?: string;
    /** HTTP mode: how long stop() keeps the listener open once not ready (default 0) */
    shutdownDelayMs?: number;
  } = {},
): Promise<Harness> {
  const db = await createTestDatabase();
  let slack: FakeSlack | undefined;
  let app: SlackApp | undefined;
  try {
    const fx = await seedFixtures(db.prisma);
    slack = await FakeSlack.start({
      signingSecret: SIGNING_SECRET,
      users: FAKE_USERS,
      waitForTimeoutMs: 5000,
    });
    const clock = new TestClock(opts.clockStart);
    const config = loadConfig({
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      ...(mode === "socket" ? { SLACK_APP_TOKEN: slack.appToken } : {}),
      SLACK_API_URL: slack.apiUrl,
      LOG_LEVEL: "silent",
      ...opts.env,
    });
    app = createSlackApp({
      config,
      db,
      clock: clock.now,
      logger: opts.logger ?? pino({ level: process.env.SLACK_TEST_LOG ?? "silent" }),
      receiver: mode,
      clientOptions: { retryConfig: { retries: 0 } },
      listen: { port: 0, host: "127.0.0.1" },
      ...(opts.shutdownDelayMs !== undefined ? { shutdownDelayMs: opts.shutdownDelayMs } : {}),
    });
    const { port } = await app.start();
    if (mode === "http") slack.setRequestUrl(`http://127.0.0.1:${port}/slack/events`);
    const started = { db, slack, app, fx, clock, mode };
    let closed = false;
    return {
      ...started,
      async close() {
        if (closed) return;
        closed = true;
        try {
          await started.app.stop();
        } finally {
          await started.slack.stop();
          await db.close();
        }
      },
    };
  } catch (error) {
    await app?.stop().catch(() => {});
    await slack?.stop().catch(() => {});
    await db.close();
    throw error;
  }
}

/** Row counts of everything a Slack action could write. */
export async function counts(db: Database) {
  const p = db.prisma;
  const [entries, activeEntries, tempTasks, sheets, evidence, audit, transitions, persons] =
    await Promise.all([
      p.entry.count(),
      p.entry.count({ where: { status: "ACTIVE" } }),
      p.tempTask.count(),
      p.sheet.count(),
      p.entryEvidence.count(),
      p.auditLog.count(),
      p.sheetTransition.count(),
      p.person.findMany({ select: { locale: true, active: true }, orderBy: { slackUserId: "asc" } }),
    ]);
  return {
    entries,
    activeEntries,
    tempTasks,
    sheets,
    evidence,
    audit,
    transitions,
    persons: JSON.stringify(persons),
  };
}

/** What a person reads in a message: fallback text plus rendered blocks. */
export function textOf(
  m: StoredMessage | StoredEphemeral | { text?: string; blocks?: unknown[] } | undefined,
): string {
  if (!m) return "";
  return `${m.text ?? ""}\n${renderBlocks((m.blocks as unknown[]) ?? [])}`;
}

/** The latest live ephemeral shown to a user. */
export function lastEphemeral(slack: FakeSlack, user: string): StoredEphemeral | undefined {
  return slack.ephemerals(user).at(-1);
}

/** The ack body of a command delivery, rendered. */
export function ackText(result: { ackBody?: Record<string, unknown> }): string {
  const b = result.ackBody ?? {};
  return `${String(b.text ?? "")}\n${renderBlocks(Array.isArray(b.blocks) ? b.blocks : [])}`;
}

/** Waits for the app's background work (home refreshes, language fixes) to settle. */
export async function settle(h: Harness, ms = 150): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
  await h.app.idle();
}
