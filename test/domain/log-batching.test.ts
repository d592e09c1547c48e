/**
 * Lines logged at the same moment: on a server, lines of different requests that arrive together share
 * one statement (kpi_log_work_many); each is checked and written as if alone. The person's sheet is
 * locked before the checks read it, so two identical lines sent at once are one line and one duplicate.
 * Fault injection (the batch statement fails; the real database answers everything else) checks that a
 * batch the server refused is retried line by line, and that a lost connection fails every line without
 * a retry (the batch may have been committed).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { type RawSql, rawSqlOf } from "../../src/db/raw.js";
import { type Deps, logBatcherOf, logParams, logWork } from "../../src/domain/logging.js";
import { createTestDatabase, usingPostgres } from "../helpers/db.js";
import { clearLogs, type Fixture, seedFixtures, TZ, testClock } from "./fixtures.js";

let db: Database;
let fx: Fixture;
const clock = testClock();
const deps: Deps = { clock, timeZone: TZ, plausibleDailyPoints: 100_000 };

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedFixtures(db.prisma);
});
afterAll(async () => {
  await db?.close();
});
beforeEach(async () => {
  await clearLogs(db);
  clock.set("2026-11-20T10:00:00+08:00");
});

const id = (code: string) => fx.items[code]!.id;

describe(`lines logged at the same moment (${usingPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("60 lines of three people at once: each recorded once, with totals that add up", async () => {
    const people = [fx.people.alice, fx.people.bob, fx.people.carol];
    const codes = ["SV001", "SV002", "SV003", "SV004"];
    const inputs = Array.from({ length: 60 }, (_, i) => ({
      actor: people[i % 3]!,
      input: { itemId: id(codes[i % 4]!), count: 1 + Math.floor(i / 12), workDate: "2026-11-20" },
    }));
    const results = await Promise.all(
      inputs.map(({ actor, input }) => logWork(db.prisma, deps, actor, input)),
    );
    expect(results.map((r) => r.status)).toEqual(inputs.map(() => "logged"));
    expect(await db.prisma.entry.count()).toBe(60);
    expect(await db.prisma.sheet.count()).toBe(3); // one per person, created once
    expect(await db.prisma.auditLog.count({ where: { action: "entry.create" } })).toBe(60);
    expect(await db.prisma.auditLog.count({ where: { action: "sheet.create" } })).toBe(3);
    for (const person of people) {
      const mine = results.filter((_, i) => inputs[i]!.actor === person);
      const stored = await db.prisma.entry.findMany({ where: { personId: person.personId } });
      const total = stored.reduce((n, e) => n + e.pointsPerUnit * e.count, 0);
      // the answers' month totals are the running totals: the largest is the stored total
      expect(Math.max(...mine.map((r) => (r.status === "logged" ? r.monthTotal : 0)))).toBe(total);
      expect(new Set(mine.map((r) => (r.status === "logged" ? r.monthLines : 0))).size).toBe(20);
    }
  });

  it("the same line sent twice at once, in a month with a sheet and in a month without: one line, one duplicate", async () => {
    await logWork(db.prisma, deps, fx.people.alice, {
      itemId: id("SV004"),
      count: 1,
      workDate: "2026-11-19",
    });
    for (const workDate of ["2026-11-20", "2026-10-31"]) {
      const input = { itemId: id("SV001"), count: 2, workDate, note: "窗口" };
      const [a, b] = await Promise.all([
        logWork(db.prisma, deps, fx.people.alice, input),
        logWork(db.prisma, deps, fx.people.alice, input),
      ]);
      expect([a!.status, b!.status].sort(), workDate).toEqual(["confirm", "logged"]);
      const confirm = a!.status === "confirm" ? a : b;
      expect(confirm).toMatchObject({ reason: "duplicate" });
      expect(await db.prisma.entry.count({ where: { workDate, note: "窗口" } })).toBe(1);
    }
    expect(await db.prisma.sheet.count({ where: { personId: fx.people.alice.personId } })).toBe(2);
  });
});

describe.runIf(usingPostgres)("batches that fail (fault injection around the real driver)", () => {
  function faulty(code: string): { raw: RawSql; batches: () => number } {
    const real = rawSqlOf(db.prisma)!;
    let batches = 0;
    return {
      batches: () => batches,
      raw: {
        batches: true,
        transaction: (fn) => real.transaction(fn),
        async query<T>(name: string, text: string, params: unknown[]): Promise<T[]> {
          if (name === "kpi_log_work_many") {
            batches++;
            throw Object.assign(new Error(`injected ${code}`), { code });
          }
          return real.query<T>(name, text, params);
        },
      },
    };
  }
  const lines = (n: number) =>
    Array.from(
      { length: n },
      (_, i) =>
        logParams(
          deps,
          { personId: fx.people.bob.personId, slackUserId: fx.people.bob.slackUserId },
          {
            itemId: id("SV003"),
            count: i + 1,
            workDate: "2026-11-20",
          },
        ).params,
    );

  it("a batch the server refused is retried line by line: every line gets its own answer", async () => {
    const f = faulty("23505");
    const run = logBatcherOf(f.raw);
    const rows = await Promise.all(lines(12).map((p) => run(p)));
    expect(f.batches()).toBeGreaterThan(0); // lines did meet in a batch
    expect(rows.map((r) => r?.entry_id !== null)).toEqual(rows.map(() => true));
    expect(await db.prisma.entry.count()).toBe(12);
  });

  it("a batch whose connection was lost fails each of its lines and is not retried", async () => {
    const f = faulty("ECONNRESET");
    const run = logBatcherOf(f.raw);
    const outcomes = await Promise.allSettled(lines(12).map((p) => run(p)));
    const failed = outcomes.filter((o) => o.status === "rejected");
    expect(f.batches()).toBeGreaterThan(0);
    expect(failed.length).toBeGreaterThan(0);
    for (const o of failed) expect(String((o as PromiseRejectedResult).reason)).toMatch(/ECONNRESET/);
    // the lines sent alone were written; the batched ones were not retried
    expect(await db.prisma.entry.count()).toBe(12 - failed.length);
  });
});
