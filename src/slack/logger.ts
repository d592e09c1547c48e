/** pino for the app, and an adapter so Bolt logs through it. */
import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import { type Logger, pino } from "pino";

export type { Logger };

export function createLogger(level = "info"): Logger {
  return pino({ name: "kpi-slack", level });
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
