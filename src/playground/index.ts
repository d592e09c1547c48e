/**
 * The playground: `npm start` with no Slack tokens. Three things in one process:
 * - the bot (createSlackApp, the real Bolt app in HTTP mode) on the embedded database, seeded with the
 *   demo organisation on first run;
 * - the Slack emulator (FakeSlack) that the bot talks to and that delivers signed requests to it;
 * - a web page imitating Slack (./server.ts, ./static/) through which a person drives the emulator.
 *
 * The page is served first, at once; it shows "starting…" until the database and the bot are ready.
 */
import { randomBytes } from "node:crypto";
import type { Config } from "../config.js";
import type { Database } from "../db/client.js";
import type { FakeSlack } from "../emulator/index.js";
import type { SlackApp } from "../slack/app.js";
import type { Logger } from "../slack/logger.js";
import { PlaygroundClock } from "./clock.js";
import { fakeUserOf, loadPeople } from "./directory.js";
import { type PlaygroundRuntime, PlaygroundServer } from "./server.js";

export { PlaygroundClock, zonedInstant } from "./clock.js";

/** The channels the playground creates when the settings name none. */
export const PLAYGROUND_CHANNELS = {
  results: { id: "C0KPIRESULTS", name: "kpi-results" },
  review: { id: "C0KPIREVIEW", name: "kpi-proposals" },
} as const;

export interface PlaygroundOptions {
  config: Config;
  logger: Logger;
  /** default config.PLAYGROUND_PORT (0: any free port) */
  port?: number;
  /** default 127.0.0.1 (the playground has no authentication: keep it on this machine) */
  host?: string;
  /** the clock the bot and the emulator run on (default: real time, shifted by the clock control) */
  clock?: PlaygroundClock;
  /** the database (default: opened from config, migrated and seeded here) */
  database?: Database;
}

export interface Playground {
  /** http://localhost:<port>/ */
  url: string;
  port: number;
  /** resolves when the bot is ready, rejects when start-up failed (the page says why) */
  ready: Promise<void>;
  runtime(): PlaygroundRuntime | undefined;
  /** stops the bot, the emulator, the page's server and closes the database; idempotent */
  stop(): Promise<void>;
}

export async function startPlayground(opts: PlaygroundOptions): Promise<Playground> {
  const { config, logger: log } = opts;
  const clock = opts.clock ?? new PlaygroundClock();
  const server = new PlaygroundServer({ clock, logger: log, timeZone: config.timeZone });
  const port = await server.listen(opts.port ?? config.PLAYGROUND_PORT, opts.host ?? "127.0.0.1");
  const url = `http://localhost:${port}/`;

  let db: Database | undefined = opts.database;
  let slack: FakeSlack | undefined;
  let app: SlackApp | undefined;
  let stopping = false;
  let tick: NodeJS.Timeout | undefined;

  const boot = async (): Promise<void> => {
    const started = Date.now();
    // how long each step took, in the "playground ready" log line
    const steps: Record<string, number> = {};
    let last = started;
    const step = (name: string, state: string) => {
      const now = Date.now();
      steps[name] = now - last;
      last = now;
      server.setStatus("starting", state);
    };
    server.setStatus("starting", "loading");
    // loaded after the page's server listens: together they take a few seconds to import
    const [
      { openDatabase },
      { seedDemo },
      { readSettings, writeSetting },
      { FakeSlack },
      { createSlackApp },
    ] = await Promise.all([
      import("../db/client.js"),
      import("../domain/seed.js"),
      import("../domain/settings.js"),
      import("../emulator/index.js"),
      import("../slack/app.js"),
    ]);
    if (stopping) return;
    step("loadMs", "opening the database");
    db ??= await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR });
    if (stopping) return;
    step("openMs", "applying migrations");
    const applied = await db.migrate();
    if (applied.length) log.info({ applied }, "migrations applied");
    if ((await db.prisma.workItem.count()) === 0) {
      step("migrateMs", "seeding the demo organisation (first run)");
      const s = await seedDemo(db.prisma);
      log.info(
        { items: s.catalog.created, people: s.people.created },
        "seeded the sample catalog and the demo organisation",
      );
    }
    // The results and proposals go to channels of the emulated workspace.
    const settings = await readSettings(db.prisma);
    if (!settings.resultsChannel)
      await writeSetting(db.prisma, "playground", "resultsChannel", PLAYGROUND_CHANNELS.results.id);
    if (!settings.reviewChannel)
      await writeSetting(db.prisma, "playground", "reviewChannel", PLAYGROUND_CHANNELS.review.id);
    if (stopping) return;

    step(steps.migrateMs === undefined ? "migrateMs" : "seedMs", "starting the Slack emulator and the bot");
    const people = await loadPeople(db.prisma);
    const signingSecret = randomBytes(16).toString("hex");
    slack = await FakeSlack.start({
      signingSecret,
      users: people.map(fakeUserOf),
      channels: [
        { ...PLAYGROUND_CHANNELS.results, members: people.map((p) => p.id) },
        { ...PLAYGROUND_CHANNELS.review, members: people.map((p) => p.id) },
      ],
      team: { name: "Demo tax branch", domain: "demo-branch" },
      clock: clock.now,
      // a person reads the page: keep the rules, but give a slow first request (cold caches) some room
      ackWaitMs: 10_000,
    });
    app = createSlackApp({
      config: {
        ...config,
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_APP_TOKEN: undefined,
        SLACK_API_URL: slack.apiUrl,
        slackMode: "http",
      },
      db,
      clock: clock.date,
      logger: log,
      receiver: "http",
      listen: { port: 0, host: "127.0.0.1" },
    });
    const { port: botPort } = await app.start();
    slack.setRequestUrl(`http://127.0.0.1:${botPort}/slack/events`);
    const deps = app.ctx.deps;
    server.attach({
      db,
      slack,
      app,
      clock,
      people,
      // the bot's zone as it is now (an admin may change the setting while the playground runs)
      get timeZone() {
        return deps.timeZone;
      },
    });
    // Reminders: the clock control runs what is due at the new time; between jumps, a tick once a minute
    // runs what falls due as the playground's clock moves on (what node-cron does with the real clock).
    const jobs = app.jobs;
    server.onClockJump = async (at) => summarizeRuns(await jobs.runDueJobs(at));
    tick = setInterval(() => {
      if (!stopping)
        jobs.runDueJobs(clock.date()).catch((e) => log.warn({ err: e }, "scheduled jobs failed"));
    }, 60_000);
    tick.unref();
    steps.botMs = Date.now() - last;
    server.setStatus("ready", undefined);
    log.info({ url, ms: Date.now() - started, ...steps, people: people.length }, "playground ready");
  };

  const ready = boot().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    server.setStatus("failed", message);
    log.error({ err: error }, "the playground could not start");
    throw error;
  });
  // the caller may not await `ready`; the failure is on the page and in the log
  ready.catch(() => {});

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    ready,
    runtime: () => server.runtime,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        if (tick) clearInterval(tick);
        await ready.catch(() => {});
        server.closeStreams();
        if (app) await app.stop().catch((e) => log.error({ err: e }, "error while stopping the bot"));
        if (slack) await slack.stop().catch(() => {});
        await server.close();
        if (db && !opts.database) await db.close();
      })();
      return stopped;
    },
  };
}

/** What the clock control shows after a jump: which scheduled jobs ran and how many messages they sent. */
export function summarizeRuns(
  reports: {
    job: string;
    period: string;
    outcome: string;
    sent: number;
    already: number;
    failed: unknown[];
  }[],
): { summary: string; runs: typeof reports } {
  const ran = reports.filter((r) => r.outcome !== "already-done");
  const summary =
    ran.length === 0
      ? "No scheduled job was due at that time (or it had already run)."
      : ran
          .map(
            (r) =>
              `${r.job} ${r.period}: ${r.sent} sent${r.already ? `, ${r.already} already sent` : ""}${r.failed.length ? `, ${r.failed.length} failed` : ""}${r.outcome === "done" ? "" : ` (${r.outcome})`}`,
          )
          .join("; ");
  return { summary, runs: reports };
}
