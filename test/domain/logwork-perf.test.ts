/**
 * A quick throughput check of the /log hot path (item already resolved): sequential logWork calls
 * (LOGWORK_CALLS, default 200; the report's numbers use 500).
 * Prints ms/call and p50/p99; fails only on a gross regression (p99 over the 250 ms budget).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { logWork } from "../../src/domain/logging.js";
import { createTestDatabase, usingPostgres } from "../helpers/db.js";
import { type Fixture, seedFixtures, TZ, testClock } from "./fixtures.js";

let db: Database;
let fx: Fixture;

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedFixtures(db.prisma);
});
afterAll(async () => {
  await db?.close();
});

describe(`logWork throughput (${usingPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("logs lines quickly, one round trip each", async () => {
    const calls = Number(process.env.LOGWORK_CALLS ?? 200);
    const clock = testClock("2026-11-20T00:10:00+08:00");
    const deps = { clock, timeZone: TZ, plausibleDailyPoints: 10_000_000 };
    const people = [fx.people.alice, fx.people.bob, fx.people.carol];
    const items = ["SV001", "SV002", "SV003", "SV004", "MN001", "MN002"].map((c) => fx.items[c]!.id);
    const run = async (i: number) => {
      clock.advance(1000);
      const r = await logWork(db.prisma, deps, people[i % 3]!, {
        itemId: items[i % items.length]!,
        count: (i % 50) + 1,
        workDate: i % 2 ? "2026-11-20" : "2026-11-19",
      });
      expect(r.status).toBe("logged");
    };
    for (let i = 0; i < 20; i++) await run(i); // warm up
    const times: number[] = [];
    const t0 = performance.now();
    for (let i = 20; i < 20 + calls; i++) {
      const t = performance.now();
      await run(i);
      times.push(performance.now() - t);
    }
    const total = performance.now() - t0;
    // the floor: one trivial round trip through the same Prisma client
    const t1 = performance.now();
    for (let i = 0; i < 200; i++) await db.prisma.$queryRaw`SELECT 1`;
    const floor = (performance.now() - t1) / 200;
    times.sort((a, b) => a - b);
    const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    console.log(
      `logWork on ${usingPostgres ? "PostgreSQL" : "PGlite"}, ${calls} calls: ${(total / calls).toFixed(2)} ms/call, ` +
        `p50 ${p(0.5).toFixed(2)} ms, p99 ${p(0.99).toFixed(2)} ms (a bare SELECT 1: ${floor.toFixed(2)} ms)`,
    );
    expect(await db.prisma.entry.count()).toBe(20 + calls);
    expect(await db.prisma.auditLog.count({ where: { action: "entry.create" } })).toBe(20 + calls);
    expect(p(0.99)).toBeLessThan(250);
  });
});
