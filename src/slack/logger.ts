/**
 * pino for the app (JSON lines), and an adapter so Bolt logs through it.
 *
 * Secrets never reach the output: errors are serialised to type, message, code, Slack's error string and
 * stack only (a Web API error carries the HTTP request, Authorization header included, which pino's
 * default serialiser would print), and every line is scrubbed of Slack tokens (xoxb-, xoxp-, xapp- …),
 * of response_url hooks, of passwords in postgresql:// URLs and of the secrets named in `secrets`
 * (the signing secret, the tokens) before it is written. Lines written while a Slack request is handled
 * carry its request id and user (see observe.ts).
 */
import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import { type DestinationStream, type Logger, pino } from "pino";
import { requestStore } from "./observe.js";

export type { Logger };

const TOKEN = /\bx(?:ox[abeoprs]|app)-[A-Za-z0-9-]+/g;
const HOOK = /https?:\/\/[^\s"]*\/(?:commands|actions|response)\/[^\s"]+/g;
const PG_PASSWORD = /(postgres(?:ql)?:\/\/[^:@/\s"]+:)[^@\s"]+@/g;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Removes tokens, response_url hooks, URL passwords and the given secrets from a log line. */
export function scrub(line: string, secrets: readonly string[] = []): string {
  let out = line.replace(TOKEN, "[redacted token]").replace(HOOK, "[redacted url]");
  out = out.replace(PG_PASSWORD, "$1***@");
  for (const s of secrets) if (s.length >= 6) out = out.replace(new RegExp(escapeRe(s), "g"), "[redacted]");
  return out;
}

/** type, message, code, Slack's error string, stack: nothing of a request's headers or body. */
export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const e = err as Error & { code?: unknown; data?: { error?: unknown }; cause?: unknown };
  return {
    type: e.name,
    message: e.message,
    ...(typeof e.code === "string" || typeof e.code === "number" ? { code: e.code } : {}),
    ...(typeof e.data?.error === "string" ? { slackError: e.data.error } : {}),
    ...(e.stack ? { stack: e.stack } : {}),
    ...(e.cause instanceof Error ? { cause: serializeError(e.cause) } : {}),
  };
}

export interface LoggerOptions {
  /** values never to print (signing secret, tokens, database password) */
  secrets?: readonly (string | undefined)[];
  /** where to write (default stdout) */
  destination?: DestinationStream;
}

export function createLogger(level = "info", opts: LoggerOptions = {}): Logger {
  const secrets = (opts.secrets ?? []).filter((s): s is string => typeof s === "string" && s.length >= 6);
  const out = opts.destination ?? pino.destination({ dest: 1, sync: true });
  const stream: DestinationStream = { write: (s: string) => out.write(scrub(s, secrets)) };
  return pino(
    {
      name: "kpi-slack",
      level,
      serializers: { err: serializeError, error: serializeError },
      mixin() {
        const r = requestStore.getStore();
        return r ? { reqId: r.requestId, ...(r.user ? { user: r.user } : {}) } : {};
      },
    },
    stream,
  );
}

const toPino: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: "debug",
  [LogLevel.INFO]: "info",
  [LogLevel.WARN]: "warn",
  [LogLevel.ERROR]: "error",
};

/** Bolt's Logger interface backed by a pino child logger. */
export function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const child = logger.child({ component: "bolt" });
  const fmt = (msgs: unknown[]) =>
    msgs
      .map((m) => (typeof m === "string" ? m : m instanceof Error ? m.message : JSON.stringify(m)))
      .join(" ");
  return {
    debug: (...msgs) => child.debug(fmt(msgs)),
    info: (...msgs) => child.info(fmt(msgs)),
    warn: (...msgs) => child.warn(fmt(msgs)),
    error: (...msgs) => child.error(fmt(msgs)),
    setLevel: (l) => {
      level = l;
      child.level = toPino[l] ?? "info";
    },
    getLevel: () => level,
    setName: () => {},
  };
}
