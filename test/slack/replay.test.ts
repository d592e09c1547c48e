/**
 * The replay guard on the database every replica shares: keys arriving together go in one statement,
 * and each key is still "first seen" exactly once, whichever replica sees it and however the calls
 * interleave. On PGlite (one process owns the database) the guard remembers keys in memory.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { createLogger } from "../../src/slack/logger.js";
import { createReplayGuard, type ReplayGuard } from "../../src/slack/replay.js";
import { createTestDatabase, usingPostgres } from "../helpers/db.js";

describe("replay guard", () => {
  let db: Database;
  const guards: ReplayGuard[] = [];
  const logger = createLogger("silent");

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const g of guards) g.close();
    await db.close();
  });

  const guard = () => {
    const g = createReplayGuard(db, logger);
    guards.push(g);
    return g;
  };

  it("says first-seen once per key across two replicas, with 400 calls in flight at once", async () => {
    const a = guard();
    const b = usingPostgres ? guard() : a; // on PGlite one process is the only replica
    const keys = Array.from({ length: 200 }, (_, i) => `v0=key${i}`);
    // every key is sent twice: once to each replica (or twice to the one), all at the same time
    const calls = keys.flatMap((k, i) =>
      i % 2 ? [a.firstSeen(k), b.firstSeen(k)] : [b.firstSeen(k), a.firstSeen(k)],
    );
    const answers = await Promise.all(calls);
    for (let i = 0; i < keys.length; i++) {
      const pair = [answers[2 * i], answers[2 * i + 1]];
      expect(pair.filter(Boolean), `key ${keys[i]}`).toHaveLength(1);
    }
    if (usingPostgres) {
      const rows = await db.prisma.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*) AS n FROM "SeenRequest" WHERE "key" LIKE 'v0=key%'`,
      );
      expect(Number(rows[0]?.n)).toBe(200);
    }
  });

  it("refuses a key seen earlier, also by a replica that has not seen it (fresh memory)", async () => {
    const first = guard();
    expect(await first.firstSeen("v0=once")).toBe(true);
    expect(await first.firstSeen("v0=once")).toBe(false);
    if (usingPostgres) expect(await guard().firstSeen("v0=once")).toBe(false);
  });

  it("refuses a key with characters a signature never has, before it reaches the database", async () => {
    if (!usingPostgres) return; // memory only: any string is a key
    expect(await guard().firstSeen("v0=it's'); DROP TABLE x;--")).toBe(false);
  });
});
