/**
 * `npm start`: read the configuration, open (and migrate) the database, seed the sample catalog and the
 * demo organisation on first run, then run the bot:
 * - with SLACK_APP_TOKEN: Socket Mode (development, no public URL needed);
 * - with SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET: HTTP mode on PORT (production, several replicas);
 * - with no Slack tokens: the playground (src/playground): the bot on the embedded database with the demo
 *   organisation, the Slack emulator, and a Slack-like web page at http://localhost:PLAYGROUND_PORT.
 * Ctrl-C / SIGTERM stop the app and close the database. In HTTP mode the replica first goes on serving
 * for SHUTDOWN_DRAIN_MS with /readyz answering 503 (its load balancer takes it out meanwhile); Socket
 * Mode and the playground have no load balancer and stop at once.
 */
import { type Config, ConfigError, loadConfig, loadDotEnv } from "./config.js";
import { createLogger, type Logger } from "./slack/logger.js";

// The database, Bolt and the playground are imported when needed (below): in playground mode the page's
// server listens before the heavy modules load, so the page is there within a few seconds.

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

  if (config.slackMode === "playground") return runPlayground(config, log, started);

  const [{ openDatabase }, { seedCatalog }, { createSlackApp }, { startOpsServer }] = await Promise.all([
    import("./db/client.js"),
    import("./domain/seed.js"),
    import("./slack/app.js"),
    import("./slack/ops-server.js"),
  ]);
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR });
  const applied = await db.migrate();
  log.info(
    { database: db.kind, where: db.where, applied },
    applied.length ? "migrations applied" : "database up to date",
  );

  // First run: an empty catalog gets the sample catalog.
  if ((await db.prisma.workItem.count()) === 0) {
    const s = await seedCatalog(db.prisma);
    log.info({ items: s.catalog.created }, "seeded the sample catalog");
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
    ...(config.slackMode === "http" ? { shutdownDelayMs: config.SHUTDOWN_DRAIN_MS } : {}),
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

  const signal = await untilSignal(log);
  log.info({ signal }, "shutting down: finishing the requests being handled");
  const stopping = Date.now();
  await slack
    .stop()
    .then(() => log.info({ ms: Date.now() - stopping }, "requests finished; closing the database"))
    .catch((e) => log.error({ err: e }, "error while stopping the Slack app"));
  ops?.close();
  await db.close();
  return 0;
}

/**
 * Resolves on the first SIGINT or SIGTERM. Later signals are ignored while shutting down (Ctrl-C in a
 * terminal reaches npm, tsx and node at once, and tsx relays it again), so a repeat cannot cut the drain
 * delay, the requests being handled or the database's close short; a third one forces the exit.
 */
function untilSignal(log: Logger): Promise<string> {
  return new Promise((resolve) => {
    let count = 0;
    const on = (signal: string) => {
      count++;
      if (count === 1) resolve(signal);
      else if (count === 3) {
        log.warn({ signal }, "forced exit");
        process.exit(130);
      }
    };
    process.on("SIGINT", () => on("SIGINT"));
    process.on("SIGTERM", () => on("SIGTERM"));
  });
}

async function runPlayground(config: Config, log: Logger, started: number): Promise<number> {
  const { startPlayground } = await import("./playground/index.js");
  let playground: Awaited<ReturnType<typeof startPlayground>>;
  try {
    playground = await startPlayground({ config, logger: log });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      console.error(
        `Port ${config.PLAYGROUND_PORT} is in use. Stop what runs there, or set PLAYGROUND_PORT to another port.`,
      );
      return 1;
    }
    throw e;
  }
  log.info({ url: playground.url, ms: Date.now() - started }, "playground page served");
  console.log(
    `\n  Playground: ${playground.url}\n  (no Slack tokens configured: the bot runs against the built-in Slack emulator; Ctrl-C to stop)\n`,
  );
  const signal = untilSignal(log);
  const outcome = await Promise.race([
    playground.ready.then(
      () => "ready" as const,
      () => "failed" as const,
    ),
    signal,
  ]);
  if (outcome === "ready")
    console.log(`  Ready (${Date.now() - started} ms after start): ${playground.url}\n`);
  if (outcome === "failed") {
    const why = await playground.ready.catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
    console.error(`The playground could not start: ${why}`);
  }
  const code = outcome === "failed" ? 1 : 0;
  if (outcome === "ready") log.info({ signal: await signal }, "shutting down");
  else if (outcome !== "failed") log.info({ signal: outcome }, "shutting down");
  await playground.stop();
  return code;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error("start-up failed:", e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
