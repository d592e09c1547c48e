/**
 * Configuration, read and validated once at start-up. A missing or bad variable is named clearly.
 * Everything about the scheme itself (channels, deadlines, privacy …) lives in the Setting table and is
 * changed from Slack or the admin CLI; this file holds only how the process runs.
 */
import { existsSync } from "node:fs";
import { z } from "zod";
import { DEFAULT_TIME_ZONE, isTimeZone } from "./util/time.js";

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === "" ? undefined : s))
  .optional();

export const ConfigSchema = z
  .object({
    DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
      message: "must be a postgresql:// URL (leave it unset for the embedded database)",
    }),
    PGLITE_DIR: optionalString,
    SLACK_BOT_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith("xoxb-"), {
      message: "must be a bot token starting with xoxb-",
    }),
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_APP_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith("xapp-"), {
      message: "must be an app-level token starting with xapp- (Socket Mode)",
    }),
    SLACK_API_URL: optionalString.refine((v) => v === undefined || /^https?:\/\//.test(v), {
      message: "must be an http(s) URL ending with /api/",
    }),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Socket Mode only: serve /healthz, /readyz and /metrics on this port (HTTP mode serves them on PORT) */
    HEALTH_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    /** how long a replica's claim on a reminder run lasts without a heartbeat (ms, default 60000) */
    JOBS_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).optional(),
    /** how often each replica looks for due runs nobody holds, e.g. after a crash (ms, default 60000) */
    JOBS_RECHECK_MS: z.coerce.number().int().min(500).max(3_600_000).optional(),
    /**
     * HTTP mode only: on SIGTERM/SIGINT, how long the replica keeps accepting and serving requests while
     * /readyz already answers 503, before it closes its listener (ms, default 5000; 0 closes at once). A
     * load balancer that polls /readyz stops sending here within that time; closing the listener while
     * it still sends would reset the connections queued in the kernel, whose POSTs it does not resend.
     */
    SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
    /**
     * Tests and demonstrations only (refused with NODE_ENV=production): the clock starts at this instant
     * and runs in real time (e.g. 2026-11-05T09:00:30+08:00 to see the 5th's reminders)
     */
    KPI_CLOCK_START: optionalString.refine((v) => v === undefined || !Number.isNaN(Date.parse(v)), {
      message: "must be an ISO date-time, e.g. 2026-11-05T09:00:30+08:00",
    }),
    PLAYGROUND_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    TZ_DEFAULT: optionalString.refine((v) => v === undefined || isTimeZone(v), {
      message: "unknown time zone",
    }),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((c, ctx) => {
    if (c.KPI_CLOCK_START && process.env.NODE_ENV === "production") {
      ctx.addIssue({
        code: "custom",
        path: ["KPI_CLOCK_START"],
        message: "is for tests only (NODE_ENV=production)",
      });
    }
    if (c.SLACK_BOT_TOKEN && !c.SLACK_APP_TOKEN && !c.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["SLACK_SIGNING_SECRET"],
        message: "is required in HTTP mode (set it, or set SLACK_APP_TOKEN for Socket Mode)",
      });
    }
    if ((c.SLACK_APP_TOKEN || c.SLACK_SIGNING_SECRET) && !c.SLACK_BOT_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["SLACK_BOT_TOKEN"],
        message: "is required when Slack is configured",
      });
    }
  });

export type RawConfig = z.infer<typeof ConfigSchema>;

export interface Config extends RawConfig {
  timeZone: string;
  /** "socket" with an app token, "http" with a signing secret only, "playground" with no Slack tokens */
  slackMode: "socket" | "http" | "playground";
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".") || "(env)"} ${i.message}`));
  }
  const c = parsed.data;
  return {
    ...c,
    timeZone: c.TZ_DEFAULT ?? DEFAULT_TIME_ZONE,
    slackMode: c.SLACK_APP_TOKEN ? "socket" : c.SLACK_BOT_TOKEN ? "http" : "playground",
  };
}

/**
 * TZ_DEFAULT alone, for the admin CLI (which needs no other variable): the zone until the timeZone setting
 * is set. Throws a ConfigError naming it when it is not a time zone.
 */
export function configuredTimeZone(env: NodeJS.ProcessEnv = process.env): string {
  const parsed = ConfigSchema.shape.TZ_DEFAULT.safeParse(env.TZ_DEFAULT);
  if (!parsed.success) throw new ConfigError([`TZ_DEFAULT ${parsed.error.issues[0]?.message ?? "invalid"}`]);
  return parsed.data ?? DEFAULT_TIME_ZONE;
}

/**
 * Reads `.env` (or ENV_FILE) into process.env when the file exists; variables already set in the
 * environment win. Returns the file read, if any. Called by `npm start` and the admin CLI.
 */
export function loadDotEnv(file = process.env.ENV_FILE ?? ".env"): string | undefined {
  if (!existsSync(file)) return undefined;
  process.loadEnvFile(file);
  return file;
}
