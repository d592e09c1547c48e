/**
 * The Slack app: builds the Bolt App (HTTP mode with Bolt's HTTPReceiver, or Socket Mode), wires the
 * listeners and the App Home refresher. Thin on purpose: the listeners live in ./listeners, the Block Kit
 * in ./blocks, the rules in src/domain.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App } from "@slack/bolt";
import type { WebClientOptions } from "@slack/web-api";
import { WebClient } from "@slack/web-api";
import type { Config } from "../config.js";
import type { Database } from "../db/client.js";
import { setDefaultTimeZone } from "../domain/settings.js";
import { createScheduler, type JobScheduler, type SchedulerOptions } from "../jobs/scheduler.js";
import { type Clock, systemClock } from "../util/time.js";
import { createContext, type SlackContext } from "./context.js";
import { homeRefresher } from "./home.js";
import { createHttpFront, type HttpFront, type Readiness } from "./http-front.js";
import { registerListeners } from "./listeners/index.js";
import { boltLogger, createLogger, type Logger } from "./logger.js";
import { createMetrics, type Metrics } from "./metrics.js";
import { observeRequests, watchRateLimits } from "./observe.js";
import { createReplayGuard, eventsOnce } from "./replay.js";

export interface SlackAppOptions {
  config: Config;
  db: Database;
  clock?: Clock;
  logger?: Logger;
  /** default: config.slackMode ("playground" is refused: it has no Slack tokens) */
  receiver?: "http" | "socket";
  /** merged over the defaults ({ slackApiUrl: config.SLACK_API_URL, retryConfig }) */
  clientOptions?: WebClientOptions;
  /** HTTP mode: where to listen (default config.PORT on all interfaces) */
  listen?: { port?: number; host?: string };
  /** Prometheus registry and metrics (default: a new one per app) */
  metrics?: Metrics;
  /** shutdown: how long stop() waits for requests being handled (default 10 s) */
  drainMs?: number;
  /**
   * HTTP mode, shutdown: how long the listener stays open after /readyz turned 503 (default 0: closed at
   * once). `npm start` passes SHUTDOWN_DRAIN_MS in HTTP mode only; the playground and the tests leave it
   * at 0, having no load balancer to wait for.
   */
  shutdownDelayMs?: number;
  /**
   * The reminder scheduler (src/jobs): on by default. `cron` (default: with the system clock) fires at the
   * configured times; with a controllable clock call `jobs.runDueJobs(at)`. `sleep` replaces real waiting
   * in the fan-out queue (tests).
   */
  jobs?: Partial<
    Pick<SchedulerOptions, "cron" | "catchUp" | "sleep" | "leaseMs" | "perSecond" | "owner" | "recheckMs">
  > & {
    enabled?: boolean;
  };
}

export interface SlackApp {
  app: App;
  ctx: SlackContext;
  metrics: Metrics;
  /** database reachable and every migration of this release applied (GET /readyz) */
  ready(): Promise<Readiness>;
  start(): Promise<{ port?: number }>;
  /**
   * Graceful stop: no new requests (HTTP: /readyz answers 503 at once, the listener closes
   * `shutdownDelayMs` later), the requests being handled finish (at most `drainMs`), the scheduled App
   * Home refreshes are published, then it returns.
   */
  stop(): Promise<void>;
  /** resolves once scheduled App Home refreshes are done (tests, shutdown) */
  idle(): Promise<void>;
  /** the reminder scheduler: `jobs.runDueJobs(at)` runs what is due at `at` (playground, tests) */
  jobs: JobScheduler;
}

export function createSlackApp(opts: SlackAppOptions): SlackApp {
  const { config } = opts;
  const mode = opts.receiver ?? (config.slackMode === "playground" ? undefined : config.slackMode);
  if (!mode)
    throw new Error(
      "Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET or SLACK_APP_TOKEN",
    );
  if (!config.SLACK_BOT_TOKEN) throw new Error("SLACK_BOT_TOKEN is required");
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const clock = opts.clock ?? systemClock;
  // the zone everyone reads until an admin sets the timeZone setting (domain/settings.ts)
  setDefaultTimeZone(config.timeZone);
  const ctx = createContext({ database: opts.db, config, clock, logger });
  const metrics = opts.metrics ?? createMetrics();
  ctx.metrics = metrics;
  const replay = createReplayGuard(opts.db, logger);
  const clientOptions: WebClientOptions = {
    ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
    retryConfig: { retries: 3, factor: 2, minTimeout: 250, maxTimeout: 5_000 },
    ...opts.clientOptions,
  };
  const common = {
    token: config.SLACK_BOT_TOKEN,
    logger: boltLogger(logger),
    clientOptions,
    // Bolt's conversation store (context.conversation) is unused here; it costs a lookup per request
    convoStore: false as const,
  };

  const ready = async (): Promise<Readiness> => {
    try {
      await withTimeout(opts.db.sql.query("SELECT 1"), 2_000, "database did not answer within 2 s");
      const status = await withTimeout(opts.db.status(), 5_000, "migration status took over 5 s");
      const problems = [
        ...(status.pending.length ? [`migrations pending: ${status.pending.join(", ")}`] : []),
        ...status.problems,
      ];
      return { ok: problems.length === 0, problems };
    } catch (error) {
      return {
        ok: false,
        problems: [`database unreachable: ${error instanceof Error ? error.message : error}`],
      };
    }
  };

  let app: App;
  let front: HttpFront | undefined;
  if (mode === "socket") {
    if (!config.SLACK_APP_TOKEN) throw new Error("SLACK_APP_TOKEN is required in Socket Mode");
    app = new App({ ...common, appToken: config.SLACK_APP_TOKEN, socketMode: true });
  } else {
    if (!config.SLACK_SIGNING_SECRET) throw new Error("SLACK_SIGNING_SECRET is required in HTTP mode");
    front = createHttpFront({ signingSecret: config.SLACK_SIGNING_SECRET, logger, metrics, replay, ready });
    app = new App({ ...common, receiver: front.receiver });
  }

  // requests being handled: App Home rebuilds (background work) slow down while there are any
  let inFlight = 0;
  app.use(
    observeRequests({
      logger,
      metrics,
      onStart: () => {
        inFlight++;
      },
      onEnd: () => {
        inFlight--;
      },
    }),
  );
  app.use(eventsOnce(opts.db, logger));
  // the settings (the time zone above all) as the listeners will read them: refreshed when older than
  // the cache's 30 s, so "today" follows a change of the timeZone setting made anywhere
  app.use(async ({ next }) => {
    await ctx.settings.get().catch((error) => logger.warn({ err: error }, "settings not refreshed"));
    await next();
  });
  watchRateLimits(app.client, metrics);
  const refresher = homeRefresher(ctx, app.client, { busy: () => inFlight > 0 });
  ctx.client = app.client;
  ctx.refreshHome = refresher.schedule;
  // reminders go through their own client: rate-limited calls are handed back to the fan-out queue
  const jobsClient = new WebClient(config.SLACK_BOT_TOKEN, {
    ...(clientOptions.slackApiUrl ? { slackApiUrl: clientOptions.slackApiUrl } : {}),
    ...(clientOptions.fetch ? { fetch: clientOptions.fetch } : {}),
    logger: boltLogger(logger),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 30_000,
  });
  const jobsOptions = opts.jobs ?? {};
  const jobs = createScheduler({
    db: opts.db.prisma,
    client: jobsClient,
    clock,
    logger,
    onReport: (r) => {
      if (r.outcome === "dry-run") return;
      // sent: delivered by this run; skipped: sent earlier (another replica, a restart) or not
      // confirmed (left for reconciliation); failed: refused by Slack for good
      metrics.jobs.inc({ job: r.job, result: "sent" }, r.sent);
      metrics.jobs.inc({ job: r.job, result: "skipped" }, r.already + r.unconfirmed.length);
      metrics.jobs.inc({ job: r.job, result: "failed" }, r.failed.length);
    },
    ...jobsOptions,
  });
  watchRateLimits(jobsClient, metrics);
  ctx.jobs = jobs;
  registerListeners(app, ctx);
  app.error(async (error) => {
    logger.error({ err: error }, "unhandled error in a Slack listener");
  });

  let server: Server | undefined;
  const settled = async (limitMs: number) => {
    const until = Date.now() + limitMs;
    while ((inFlight > 0 || (front?.pending() ?? 0) > 0) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
    }
    return inFlight === 0 && (front?.pending() ?? 0) === 0;
  };
  return {
    app,
    ctx,
    metrics,
    ready,
    async start() {
      // warm the caches so the first command's ack does not wait for them
      await Promise.allSettled([ctx.settings.get(), ctx.catalog.items(new Date().toISOString().slice(0, 7))]);
      if (mode === "socket") {
        await app.start();
        logger.info("Slack app connected (Socket Mode)");
        if (jobsOptions.enabled !== false) await jobs.start();
        return {};
      }
      server = (await app.start({
        port: opts.listen?.port ?? config.PORT,
        ...(opts.listen?.host ? { host: opts.listen.host } : {}),
      })) as Server;
      const address = server.address() as AddressInfo | string | null;
      const port = typeof address === "object" && address ? address.port : undefined;
      logger.info({ port }, "Slack app listening (HTTP mode)");
      if (jobsOptions.enabled !== false) await jobs.start();
      return { port };
    },
    async stop() {
      // not ready at once (HTTP): a load balancer polling /readyz stops sending here while the listener
      // stays open for shutdownDelayMs, and the scheduler stops meanwhile
      const delayMs = opts.shutdownDelayMs ?? 0;
      const listenerClosed = front?.beginDrain(server, delayMs);
      if (front && server && delayMs > 0)
        logger.info({ ms: delayMs }, "not ready (/readyz 503); still serving until the drain delay is over");
      // the scheduler: no new fan-out starts; what it holds finishes or is left to another replica
      await jobs.stop();
      const drainMs = opts.drainMs ?? 10_000;
      if (front) {
        await listenerClosed;
        let done = await settled(drainMs);
        // a request on a connection accepted just before the listener closed may still be on its way
        await new Promise((r) => setTimeout(r, 250));
        done = await settled(drainMs);
        if (!done)
          logger.warn({ inFlight, pending: front.pending() }, "stopping with requests still being handled");
        server?.closeAllConnections();
        await app.stop().catch(() => {}); // the listener is closed already
      } else {
        await app.stop();
        await settled(drainMs);
      }
      await refresher.idle({ unthrottled: true });
      replay.close();
    },
    idle: () => refresher.idle(),
    jobs,
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
