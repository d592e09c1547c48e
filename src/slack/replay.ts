/**
 * Each signed request is handled once, and each Events API event once, whatever replica it reaches.
 *
 * - Replays: Bolt refuses a bad signature and a timestamp older than 5 minutes, but a captured request
 *   sent again within those 5 minutes passes both checks. Its signature (an HMAC of timestamp and body)
 *   is remembered for 10 minutes; a second request with the same signature is refused. On PostgreSQL the
 *   signatures live in a table (`SeenRequest`) every replica shares, UNLOGGED (an insert per request
 *   must not wait for a disk flush; after a database crash the table is empty, so a replay of a request
 *   from the 5 minutes before the crash would pass). When the database cannot be reached
 *   the check falls back to this replica's memory (the request is then answered "try again" by its
 *   handler anyway). On PGlite one process owns the database, so memory suffices.
 * - Events API retries (same `event_id`, `x-slack-retry-num`): the event id is recorded in
 *   `ProcessedEvent` before the handler runs; a retry that finds it is acknowledged and skipped. An event
 *   whose handler fails after that is not retried (the events handled here only refresh a Home tab or
 *   drop a cache entry).
 */
import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import { naturalBatcher } from "../db/batcher.js";
import type { Database } from "../db/client.js";
import { rawSqlOf } from "../db/raw.js";
import type { Logger } from "./logger.js";
import { markOutcome } from "./observe.js";

const WINDOW_MS = 10 * 60_000;

export interface ReplayGuard {
  /** true the first time this key is seen within the window, false for a repeat */
  firstSeen(key: string): Promise<boolean>;
  /** drops expired keys (and old processed events); called every minute */
  sweep(): Promise<void>;
  close(): void;
}

function memoryKeys(windowMs = WINDOW_MS) {
  const seen = new Map<string, number>();
  return {
    firstSeen(key: string): boolean {
      const now = Date.now();
      const at = seen.get(key);
      if (at !== undefined && now - at < windowMs) return false;
      seen.delete(key);
      seen.set(key, now);
      if (seen.size > 100_000) this.sweep();
      return true;
    },
    sweep() {
      const cutoff = Date.now() - windowMs;
      for (const [k, at] of seen) {
        if (at >= cutoff) break; // insertion order = time order
        seen.delete(k);
      }
    },
  };
}

const SAFE_KEY = /^[A-Za-z0-9=:._-]{1,200}$/;

/**
 * The keys of requests arriving together go in one statement (src/db/batcher.ts: one batch in flight at
 * a time; a lone request waits for nothing). Under load this turns one round trip per request into one
 * per batch: at 50 concurrent `/log` requests a statement per key cost about a third of the database work.
 */
function keyBatcher(database: Database) {
  const sql = `INSERT INTO "SeenRequest" ("key") SELECT unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING "key"`;
  return naturalBatcher<string, boolean>(
    async (keys) => {
      const raw = rawSqlOf(database.prisma);
      const rows = raw
        ? await raw.query<{ key: string }>("kpi_seen_requests", sql, [keys])
        : await database.prisma.$queryRawUnsafe<{ key: string }[]>(sql, keys);
      const inserted = new Set(rows.map((r) => r.key));
      return keys.map((k) => ({ ok: true, value: inserted.has(k) }));
    },
    { maxBatch: 500, maxInFlight: 1 },
  );
}

export function createReplayGuard(database: Database, logger: Logger): ReplayGuard {
  const memory = memoryKeys();
  const seenInDatabase = keyBatcher(database);
  const timer = setInterval(() => {
    guard.sweep().catch(() => {});
  }, 60_000);
  timer.unref();
  const guard: ReplayGuard = {
    async firstSeen(key) {
      const inMemory = memory.firstSeen(key);
      if (!inMemory) return false;
      if (database.kind !== "postgres") return true;
      if (!SAFE_KEY.test(key)) return false;
      try {
        // an UNLOGGED table: no WAL, so no disk flush at the commit; keys arriving together share a statement
        return await seenInDatabase(key);
      } catch (error) {
        logger.warn(
          { err: error },
          "replay check: database unreachable, checked in this replica's memory only",
        );
        return true;
      }
    },
    async sweep() {
      memory.sweep();
      await database.sql.exec(
        `DELETE FROM "SeenRequest" WHERE "at" < now() - interval '10 minutes'; DELETE FROM "ProcessedEvent" WHERE "at" < now() - interval '2 days';`,
      );
    },
    close() {
      clearInterval(timer);
    },
  };
  return guard;
}

/** Global middleware: an event whose `event_id` was already handled (here or by another replica) is skipped. */
export function eventsOnce(database: Database, logger: Logger): Middleware<AnyMiddlewareArgs> {
  const memory = memoryKeys(24 * 60 * 60_000);
  return async ({ body, next }) => {
    const b = body as { type?: unknown; event_id?: unknown };
    if (b.type !== "event_callback" || typeof b.event_id !== "string") return next();
    const eventId = b.event_id;
    let first = memory.firstSeen(eventId);
    if (first) {
      try {
        const raw = rawSqlOf(database.prisma);
        const sql = `INSERT INTO "ProcessedEvent" ("eventId") VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1 AS inserted`;
        const rows = raw
          ? await raw.query<{ inserted: number }>("kpi_event_once", sql, [eventId])
          : await database.prisma.$queryRawUnsafe<{ inserted: number }[]>(sql, eventId);
        first = rows.length === 1;
      } catch (error) {
        logger.warn(
          { err: error, eventId },
          "event de-duplication: database unreachable; handling the event",
        );
      }
    }
    if (!first) {
      markOutcome("duplicate");
      logger.info({ eventId }, "event already handled (a retry); skipped");
      return;
    }
    await next();
  };
}
