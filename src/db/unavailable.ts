/**
 * Is this error "the database cannot be reached right now" (a restart, a failover, a network cut, the
 * pool timing out), as opposed to a refusal or a bug? Such errors are answered with a clear "try again in
 * a minute, nothing was recorded" and do not need a restart: the pools reconnect on their own.
 *
 * The errors come from pg (node-postgres), from Prisma's driver adapter (which wraps the pg error in
 * `cause`), or from Node's socket layer; the chain of `cause`s is walked.
 */
const NODE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND"]);
/** SQLSTATE: 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections */
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);
/** Prisma: P1001 can't reach server, P1002 timed out, P1017 server closed the connection, P2024 pool timeout */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1017", "P2024"]);
const MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)|Can't reach database server|server closed the connection|Connection refused|ECONNREFUSED|ECONNRESET/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; depth < 6 && e; depth++) {
    if (typeof e !== "object") return typeof e === "string" && MESSAGES.test(e);
    const o = e as {
      code?: unknown;
      originalCode?: unknown;
      message?: unknown;
      cause?: unknown;
      kind?: unknown;
    };
    for (const code of [o.code, o.originalCode]) {
      if (typeof code !== "string") continue;
      if (NODE_CODES.has(code) || SQLSTATES.has(code) || PRISMA_CODES.has(code) || code.startsWith("08"))
        return true;
    }
    if (typeof o.message === "string" && MESSAGES.test(o.message)) return true;
    if (Array.isArray((o as { errors?: unknown }).errors)) {
      // AggregateError (e.g. ECONNREFUSED on both ::1 and 127.0.0.1)
      if ((o as { errors: unknown[] }).errors.some((x) => isDatabaseUnavailable(x))) return true;
    }
    e = o.cause;
  }
  return false;
}
