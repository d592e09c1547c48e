import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { audit } from "../../src/domain/audit.js";
import { createTestDatabase, usingPostgres } from "../helpers/db.js";

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe(`database (${usingPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("is migrated to the committed history", async () => {
    const status = await db.status();
    expect(status.pending).toEqual([]);
    expect(status.problems).toEqual([]);
    expect(status.applied.length).toBeGreaterThan(0);
  });

  it("migrating again is a no-op", async () => {
    expect(await db.migrate()).toEqual([]);
  });

  it("keeps the audit trail append-only", async () => {
    await audit(db.prisma, { actor: "cli", action: "test.write", entityType: "Test", after: { n: 1n } });
    const rows = await db.prisma.auditLog.findMany({ where: { action: "test.write" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.after).toEqual({ n: "1" });
    await expect(db.prisma.auditLog.deleteMany({})).rejects.toThrow(/append-only/);
    await expect(db.prisma.auditLog.updateMany({ data: { actor: "x" } })).rejects.toThrow(/append-only/);
  });

  it("stores points exactly as integer hundredths and sums them as bigint", async () => {
    await db.prisma.category.create({
      data: { code: "SERVICE", name: "综合办税", nameEn: "Service", coefficientGroup: "A" },
    });
    await db.prisma.monthResult.create({
      data: {
        month: "2026-10",
        personId: "p1",
        categoryCode: "SERVICE",
        normGroup: "SERVICE",
        raw: 9_007_199_254_740_993n,
        groupMax: 1n,
        quantity: "66.666667",
        quality: "95",
        vetoed: false,
        qualityWeight: "0.4",
        quantityWeight: "0.6",
        discretionary: 500n,
        final: 10300n,
        rankOverall: 1,
        rankCategory: 1,
        steps: [],
      },
    });
    const r = await db.prisma.monthResult.findFirstOrThrow();
    expect(r.raw).toBe(9_007_199_254_740_993n);
    expect(r.quantity.toString()).toBe("66.666667");
  });
});
