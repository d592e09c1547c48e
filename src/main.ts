/**
 * `npm start`: read the configuration, open (and migrate) the database, seed the sample catalog and the
 * demo organisation on first run, then run the bot:
 * - with SLACK_APP_TOKEN: Socket Mode (development, no public URL needed);
 * - with SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET: HTTP mode on PORT (production, several replicas);
 * - with no Slack tokens: report readiness and exit (the local playground is a later addition).
 * Ctrl-C / SIGTERM stop the app and close the database.
 */
import { ConfigError, loadConfig, loadDotEnv } from "./config.js";
import { openDatabase } from "./db/client.js";
import { seedCatalog, seedDemo } from "./domain/seed.js";
import { createSlackApp } from "./slack/app.js";
import { createLogger } from "./slack/logger.js";
import { startOpsServer } from "./slack/ops-server.js";

async function main(): Promise<number> {
  let config: ReturnType<typeof loadConfig>;
  let envFile: string | undefined;
  try {
    envFile = loadDotEnv();
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      console.error("See README.md → Configuration, and .env.example.");
      return 2;
    }
    throw e;
  }
  const log = createLogger(config.LOG_LEVEL, {
    secrets: [config.SLACK_BOT_TOKEN, config.SLACK_SIGNING_SECRET, config.SLACK_APP_TOKEN],
  });
  const started = Date.now();
  if (envFile) log.info({ file: envFile }, "read settings from the environment file");
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR });
  const applied = await db.migrate();
  log.info(
    { database: db.kind, where: db.where, applied },
    applied.length ? "migrations applied" : "database up to date",
  );

  // First run: an empty catalog gets the sample catalog; with no Slack configured, the demo organisation too.
  if ((await db.prisma.workItem.count()) === 0) {
    if (config.slackMode === "playground") {
      const s = await seedDemo(db.prisma);
      log.info(
        { items: s.catalog.created, people: s.people.created },
        "seeded the sample catalog and the demo organisation",
      );
    } else {
      const s = await seedCatalog(db.prisma);
      log.info({ items: s.catalog.created }, "seeded the sample catalog");
    }
  }

  if (config.slackMode === "playground") {
    const people = await db.prisma.person.count();
    const items = await db.prisma.workItem.count();
    log.info(
      { database: db.kind, where: db.where, people, items, ms: Date.now() - started },
      "ready: no Slack tokens configured (set SLACK_BOT_TOKEN with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET to connect to Slack)",
    );
    await db.close();
    return 0;
  }

  const clockStart = config.KPI_CLOCK_START ? Date.parse(config.KPI_CLOCK_START) : undefined;
  const t0 = Date.now();
  if (clockStart !== undefined)
    log.warn({ start: config.KPI_CLOCK_START }, "test clock: time starts at KPI_CLOCK_START");
  const slack = createSlackApp({
    config,
    db,
    logger: log,
    ...(clockStart !== undefined ? { clock: () => new Date(clockStart + Date.now() - t0) } : {}),
    jobs: {
      ...(config.JOBS_LEASE_MS ? { leaseMs: config.JOBS_LEASE_MS } : {}),
      ...(config.JOBS_RECHECK_MS ? { recheckMs: config.JOBS_RECHECK_MS } : {}),
    },
  });
  const { port } = await slack.start();
  // Socket Mode has no HTTP server of its own: health and metrics on a side port when asked for
  const ops =
    config.slackMode === "socket" && config.HEALTH_PORT !== undefined
      ? await startOpsServer(slack, config.HEALTH_PORT)
      : undefined;
  log.info(
    { mode: config.slackMode, port, opsPort: ops?.port, database: db.kind, ms: Date.now() - started },
    "bot running",
  );

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, "shutting down: finishing the requests being handled");
      const t0 = Date.now();
      slack
        .stop()
        .then(() => log.info({ ms: Date.now() - t0 }, "requests finished; closing the database"))
        .catch((e) => log.error({ err: e }, "error while stopping the Slack app"))
        .finally(() => {
          ops?.close();
          db.close().finally(resolve);
        });
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error("start-up failed:", e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
