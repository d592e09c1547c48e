/**
 * Refusal bookkeeping (src/domain/guard.ts) on a real database: whichever use-case refuses (the catalog
 * admin, the assessment group's pricing, a deputy appointment, a review), the REFUSED row has one shape:
 * the acting Slack user, the reason code, and in `after` the actor's person id, what was asked (when the
 * use-case passes it) and the refusal's values at the top level.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { createCategory } from "../../src/domain/catalog-admin.js";
import { setDeputy } from "../../src/domain/deputies.js";
import { auditMalformed } from "../../src/domain/guard.js";
import { listPricingQueue } from "../../src/domain/pricing.js";
import { reviewCardFor } from "../../src/domain/review.js";
import { createTestDatabase } from "../helpers/db.js";
import { type Fixture, seedFixtures, TZ, testClock } from "./fixtures.js";

let db: Database;
let fx: Fixture;
const deps = { clock: testClock(), timeZone: TZ };

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedFixtures(db.prisma);
});
afterAll(async () => {
  await db?.close();
});

describe("refusals are audited in one shape", () => {
  it("a catalog, a pricing, a deputy and a review refusal each leave one row with the same fields", async () => {
    const alice = fx.people.alice;
    const since = (await db.prisma.auditLog.aggregate({ _max: { id: true } }))._max.id ?? 0n;
    const refused = (p: Promise<unknown>) =>
      p.then(
        () => expect.unreachable("should have been refused"),
        (e: unknown) => e,
      );
    await refused(
      createCategory(db.prisma, alice, {
        code: "NEWCAT",
        name: "新类别",
        nameEn: "New",
        coefficientGroup: "A",
        effectiveMonth: "2026-11",
        qualityWeight: "0.5",
        quantityWeight: "0.5",
      }),
    );
    await refused(listPricingQueue(db.prisma, alice, { month: "2026-11" }));
    await refused(
      setDeputy(db.prisma, deps, alice, {
        principal: fx.people.carol.slackUserId,
        deputy: fx.people.bob.slackUserId,
        from: "2026-11-20",
        to: "2026-11-30",
      }),
    );
    await refused(reviewCardFor(db.prisma, deps, alice, "cnosuchsheet0000000000000"));
    await auditMalformed(db.prisma, alice, { action: "pricing.price", entityType: "TempTask" }, "not json");
    const rows = await db.prisma.auditLog.findMany({ where: { id: { gt: since } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.outcome, r.actor, r.action, r.reason])).toEqual([
      ["REFUSED", alice.slackUserId, "category.create", "auth.forbidden"],
      ["REFUSED", alice.slackUserId, "pricing.list", "auth.forbidden"],
      ["REFUSED", alice.slackUserId, "deputy.set", "auth.forbidden"],
      ["REFUSED", alice.slackUserId, "review.view", "review.notFound"],
      ["REFUSED", alice.slackUserId, "pricing.price", "invalidRequest"],
    ]);
    expect(rows[0]!.after).toMatchObject({
      personId: alice.personId,
      input: { code: "NEWCAT" },
      roles: "ADMIN",
    });
    expect(rows[1]!.after).toMatchObject({
      personId: alice.personId,
      input: { month: "2026-11" },
      roles: "ASSESSMENT_GROUP",
    });
    expect(rows[2]!.after).toMatchObject({ personId: alice.personId, roles: "ADMIN, ASSESSMENT_GROUP" });
    expect(rows[3]!.after).toMatchObject({
      personId: alice.personId,
      sheetId: "cnosuchsheet0000000000000",
    });
    expect(rows[4]!.after).toMatchObject({ personId: alice.personId, input: { value: "not json" } });
    expect(rows[4]!.entityType).toBe("TempTask");
  });
});
