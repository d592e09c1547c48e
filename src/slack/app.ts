/**
 * The Slack app: builds the Bolt App (HTTP mode with Bolt's HTTPReceiver, or Socket Mode), wires the
 * listeners and the App Home refresher. Thin on purpose: the listeners live in ./listeners, the Block Kit
 * in ./blocks, the rules in src/domain.
 */
import type { AddressInfo } from "node:net";
import { App } from "@slack/bolt";
import type { WebClientOptions } from "@slack/web-api";
import { WebClient } from "@slack/web-api";
import type { Config } from "../config.js";
import type { Database } from "../db/client.js";
import { createScheduler, type JobScheduler, type SchedulerOptions } from "../jobs/scheduler.js";
import { type Clock, systemClock } from "../util/time.js";
import { createContext, type SlackContext } from "./context.js";
import { homeRefresher } from "./home.js";
import { registerListeners } from "./listeners/index.js";
import { boltLogger, createLogger, type Logger } from "./logger.js";

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
  /**
   * The reminder scheduler (src/jobs): on by default. `cron` (default: with the system clock) fires at the
   * configured times; with a controllable clock call `jobs.runDueJobs(at)`. `sleep` replaces real waiting
   * in the fan-out queue (tests).
   */
  jobs?: Partial<Pick<SchedulerOptions, "cron" | "catchUp" | "sleep" | "leaseMs" | "perSecond" | "owner">> & {
    enabled?: boolean;
  };
}

export interface SlackApp {
  app: App;
  ctx: SlackContext;
  start(): Promise<{ port?: number }>;
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
  const ctx = createContext({ database: opts.db, config, clock, logger });
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

  let app: App;
  if (mode === "socket") {
    if (!config.SLACK_APP_TOKEN) throw new Error("SLACK_APP_TOKEN is required in Socket Mode");
    app = new App({ ...common, appToken: config.SLACK_APP_TOKEN, socketMode: true });
  } else {
    if (!config.SLACK_SIGNING_SECRET) throw new Error("SLACK_SIGNING_SECRET is required in HTTP mode");
    app = new App({
      ...common,
      signingSecret: config.SLACK_SIGNING_SECRET,
      customRoutes: [
        {
          path: "/healthz",
          method: ["GET"],
          handler: (_req, res) => {
            opts.db.sql
              .query("SELECT 1")
              .then(() => {
                res.writeHead(200, { "content-type": "text/plain" });
                res.end("ok");
              })
              .catch(() => {
                res.writeHead(503, { "content-type": "text/plain" });
                res.end("database unavailable");
              });
          },
        },
      ],
    });
  }

  // requests being handled: App Home rebuilds (background work) slow down while there are any
  let inFlight = 0;
  app.use(async ({ next }) => {
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
    }
  });
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
    ...jobsOptions,
  });
  ctx.jobs = jobs;
  registerListeners(app, ctx);
  app.error(async (error) => {
    logger.error({ err: error }, "unhandled error in a Slack listener");
  });

  return {
    app,
    ctx,
    async start() {
      // warm the caches so the first command's ack does not wait for them
      await Promise.allSettled([ctx.settings.get(), ctx.catalog.items(new Date().toISOString().slice(0, 7))]);
      if (mode === "socket") {
        await app.start();
        logger.info("Slack app connected (Socket Mode)");
        if (jobsOptions.enabled !== false) await jobs.start();
        return {};
      }
      const server = (await app.start({
        port: opts.listen?.port ?? config.PORT,
        ...(opts.listen?.host ? { host: opts.listen.host } : {}),
      })) as { address(): AddressInfo | string | null };
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : undefined;
      logger.info({ port }, "Slack app listening (HTTP mode)");
      if (jobsOptions.enabled !== false) await jobs.start();
      return { port };
    },
    async stop() {
      await jobs.stop();
      await app.stop();
      await refresher.idle({ unthrottled: true });
    },
    idle: () => refresher.idle(),
    jobs,
  };
}
