/**
 * Issue 2's acceptance path: import the sample files one by one with the CLI (no `seed --demo`), then
 * `close 2026-10 --dry-run` prints SCHEME.md's worked example for SERVICE (103.00 / 95.00 / 30.00).
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { createTestDatabase, usingPostgres } from "../helpers/db.js";
import { cli } from "./helpers.js";

const SEED = path.resolve(import.meta.dirname, "../../prisma/seed");
let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe(`sample files through the CLI (${usingPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("a catalog imported before `seed` is refused with one problem naming the step to run, not one per line", async () => {
    const r = await cli(db, "import", "catalog", path.join(SEED, "catalog.sample.csv"));
    expect(r.code).toBe(1);
    const problems = `${r.stdout}${r.stderr}`.split("\n").filter((l) => /^\s+(file|line)/.test(l));
    expect(problems).toEqual([
      "  file: the database has no work categories yet: run `npm run admin -- seed` first (it creates the five categories of SCHEME.md with their weights)",
    ]);
    expect(await db.prisma.workItem.count()).toBe(0);
  }, 60_000);

  it("seed, import sections, people, entries, quality and awards, then close --dry-run", async () => {
    const steps: string[][] = [
      ["seed"],
      ["import", "sections", path.join(SEED, "sections.sample.csv")],
      ["import", "people", path.join(SEED, "people.sample.csv")],
      ["import", "entries", path.join(SEED, "entries.sample.csv"), "--month", "2026-10"],
      ["import", "quality", path.join(SEED, "quality.sample.csv")],
      ["import", "awards", path.join(SEED, "awards.sample.csv")],
    ];
    for (const args of steps) {
      const r = await cli(db, ...args);
      expect([args.join(" "), r.code, r.stderr]).toEqual([args.join(" "), 0, ""]);
    }
    const quality = await cli(db, "import", "quality", path.join(SEED, "quality.sample.csv"));
    expect(quality.stdout).toMatch(/0 added, 5 already recorded/);

    const close = await cli(db, "close", "2026-10", "--dry-run");
    expect(close.code).toBe(0);
    const service = close.stdout.split("\n").filter((l) => /SVC/.test(l) && l.includes("0.4/0.6"));
    const finals = service.map((l) => l.trim().split(/\s+/).slice(-4)[0]);
    expect(finals).toEqual(["103.00", "95.00", "30.00"]);
    expect(close.stdout).toMatch(/0\.00 ✗/);
    expect(close.stdout).toMatch(/Pool: size 110\.00 \(11 staff × 10\.00\), spent 17\.00, left 93\.00/);
  }, 120_000);
});
