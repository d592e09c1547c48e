/**
 * Review use-cases on the real database (PGlite, or PostgreSQL with TEST_DB=postgres): approve, return
 * with reason → resubmit → adjust → approve, immutability after approval, deputies, refusals of every
 * kind (audited), 20 concurrent approvals, a staff edit racing an approval, reopen, approve all clean.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { listDeputies, revokeDeputy, setDeputy } from "../../src/domain/deputies.js";
import { DomainError } from "../../src/domain/errors.js";
import { deleteLine, logTempTask, logWork, updateLine } from "../../src/domain/logging.js";
import type { Actor } from "../../src/domain/people.js";
import { requireActor } from "../../src/domain/people.js";
import {
  adjustLines,
  approveAllClean,
  approveSheet,
  loadReviewCard,
  reopenSheet,
  returnSheet,
  reviewCardFor,
  reviewOverview,
} from "../../src/domain/review.js";
import { submitSheet } from "../../src/domain/sheets.js";
import { cli } from "../cli/helpers.js";
import { createTestDatabase } from "../helpers/db.js";
import { clearLogs, type Fixture, seedFixtures, TZ, testClock } from "./fixtures.js";

let db: Database;
let fx: Fixture;
let deputyActor: Actor;
const clock = testClock();
const deps = { clock, timeZone: TZ };

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedFixtures(db.prisma);
  await db.prisma.person.create({
    data: {
      slackUserId: "UFRANK",
      name: "Frank",
      sectionId: fx.sections.s1,
      categoryCode: "SERVICE",
      roles: { create: [{ role: "STAFF" }] },
    },
  });
  deputyActor = await requireActor(db.prisma, "UFRANK");
});
afterAll(async () => {
  await db?.close();
});
beforeEach(async () => {
  await clearLogs(db);
  await db.prisma.deputy.deleteMany();
  clock.set("2026-11-20T10:00:00+08:00");
});

const id = (code: string) => fx.items[code]!.id;

async function codeOf(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  return expect.unreachable("expected a DomainError") as never;
}

async function log(actor: Actor, code: string, count: number, workDate: string, note?: string) {
  const r = await logWork(db.prisma, deps, actor, { itemId: id(code), count, workDate, note, confirm: true });
  if (r.status !== "logged") throw new Error("not logged");
  return r.entry;
}

async function submitted(actor: Actor = fx.people.alice) {
  await log(actor, "SV001", 3, "2026-11-02");
  await log(actor, "SV001", 2, "2026-11-05");
  await log(actor, "SV003", 1, "2026-11-06");
  const r = await submitSheet(db.prisma, deps, actor, "2026-11");
  return r.sheet;
}

describe("approve, return, resubmit, adjust, approve", () => {
  it("the full cycle records every transition, the reason, the changes since the return and the adjustment", async () => {
    const { alice, carol } = fx.people;
    const sheet = await submitted();
    expect(sheet.reviewerId).toBe(carol.personId);
    const card = await loadReviewCard(db.prisma, deps, sheet.id);
    expect(card.items.map((i) => [i.itemCode, i.count, i.pointsPerUnit, i.points, i.dates])).toEqual([
      [
        "SV001",
        5,
        500,
        2500,
        [
          { date: "2026-11-02", count: 3 },
          { date: "2026-11-05", count: 2 },
        ],
      ],
      ["SV003", 1, 1000, 1000, [{ date: "2026-11-06", count: 1 }]],
    ]);
    expect(card.total).toBe(3500);
    expect(card.clean).toBe(true);

    expect(
      (await codeOf(returnSheet(db.prisma, deps, carol, { sheetId: sheet.id, reason: "  " }))).code,
    ).toBe("review.reasonRequired");
    const ret = await returnSheet(db.prisma, deps, carol, {
      sheetId: sheet.id,
      version: sheet.version,
      reason: "11-05 的发票发售没有登记号",
    });
    expect(ret).toMatchObject({ state: "RETURNED", reason: "11-05 的发票发售没有登记号", decidedFor: null });

    // lines unlock: alice fixes one line, deletes another, adds one, resubmits
    const lines = await db.prisma.entry.findMany({
      where: { sheetId: sheet.id },
      orderBy: { workDate: "asc" },
    });
    await updateLine(db.prisma, deps, alice, lines[1]!.id, { count: 1 });
    await deleteLine(db.prisma, deps, alice, lines[2]!.id);
    await log(alice, "SV004", 4, "2026-11-09");
    const again = await submitSheet(db.prisma, deps, alice, "2026-11");
    const card2 = await loadReviewCard(db.prisma, deps, sheet.id);
    expect(card2.changesSinceReturn).toMatchObject({
      reason: "11-05 的发票发售没有登记号",
      added: [{ itemCode: "SV004", count: 4 }],
      removed: [{ itemCode: "SV003", count: 1 }],
      changed: [{ itemCode: "SV001", count: 1, fromCount: 2 }],
    });

    // a card older than the resubmission cannot decide
    expect(
      (await codeOf(approveSheet(db.prisma, deps, carol, { sheetId: sheet.id, version: sheet.version })))
        .code,
    ).toBe("review.changed");
    const adj = await adjustLines(db.prisma, deps, carol, {
      sheetId: sheet.id,
      version: again.sheet.version,
      changes: [{ entryId: lines[0]!.id, count: 2, reason: "一笔重复登记" }],
    });
    expect(adj.changed).toEqual([
      expect.objectContaining({ entryId: lines[0]!.id, from: 3, to: 2, reason: "一笔重复登记" }),
    ]);
    expect(adj.version).toBe(again.sheet.version + 1);
    const ok = await approveSheet(db.prisma, deps, carol, { sheetId: sheet.id, version: adj.version });
    expect(ok.state).toBe("APPROVED");
    expect(ok.adjusted).toEqual([expect.objectContaining({ from: 3, to: 2, reason: "一笔重复登记" })]);

    const row = await db.prisma.sheet.findUniqueOrThrow({ where: { id: sheet.id } });
    expect(row).toMatchObject({ state: "APPROVED", decidedById: carol.personId, decidedForId: null });
    const transitions = await db.prisma.sheetTransition.findMany({
      where: { sheetId: sheet.id },
      orderBy: { at: "asc" },
    });
    expect(transitions.map((t) => `${t.fromState}→${t.toState}`)).toEqual([
      "OPEN→SUBMITTED",
      "SUBMITTED→RETURNED",
      "RETURNED→SUBMITTED",
      "SUBMITTED→SUBMITTED",
      "SUBMITTED→APPROVED",
    ]);
    const audits = await db.prisma.auditLog.findMany({
      where: { entityId: sheet.id, outcome: "OK", action: { startsWith: "sheet." } },
      orderBy: { id: "asc" },
    });
    expect(audits.map((a) => a.action)).toEqual([
      "sheet.create",
      "sheet.submit",
      "sheet.return",
      "sheet.submit",
      "sheet.adjust",
      "sheet.approve",
    ]);
  });

  it("an approved sheet's lines are immutable", async () => {
    const { alice, carol } = fx.people;
    const sheet = await submitted();
    await approveSheet(db.prisma, deps, carol, { sheetId: sheet.id });
    const line = await db.prisma.entry.findFirstOrThrow({ where: { sheetId: sheet.id } });
    const before = await db.prisma.entry.findMany({ where: { sheetId: sheet.id }, orderBy: { id: "asc" } });
    expect((await codeOf(updateLine(db.prisma, deps, alice, line.id, { count: 9 }))).code).toBe(
      "sheet.locked",
    );
    expect((await codeOf(deleteLine(db.prisma, deps, alice, line.id))).code).toBe("sheet.locked");
    expect(
      (
        await codeOf(
          logWork(db.prisma, deps, alice, { itemId: id("SV001"), count: 1, workDate: "2026-11-10" }),
        )
      ).code,
    ).toBe("sheet.locked");
    const adjusted = await codeOf(
      adjustLines(db.prisma, deps, carol, {
        sheetId: sheet.id,
        changes: [{ entryId: line.id, count: 1, reason: "x" }],
      }),
    );
    expect(adjusted.code).toBe("review.alreadyDecided");
    expect(await db.prisma.entry.findMany({ where: { sheetId: sheet.id }, orderBy: { id: "asc" } })).toEqual(
      before,
    );
  });

  it("an adjustment naming the same line twice is refused as malformed: nothing written, the refusal audited", async () => {
    const { carol } = fx.people;
    const sheet = await submitted();
    const line = await db.prisma.entry.findFirstOrThrow({ where: { sheetId: sheet.id, count: 3 } });
    const entries = await db.prisma.entry.findMany({ where: { sheetId: sheet.id }, orderBy: { id: "asc" } });
    const since = (await db.prisma.auditLog.aggregate({ _max: { id: true } }))._max.id ?? 0n;
    const e = await codeOf(
      adjustLines(db.prisma, deps, carol, {
        sheetId: sheet.id,
        version: sheet.version,
        changes: [
          { entryId: line.id, count: 5, reason: "按系统数据" },
          { entryId: line.id, count: 7, reason: "再改一次" },
        ],
      }),
    );
    expect(e.code).toBe("review.duplicateLine");
    expect(await db.prisma.entry.findMany({ where: { sheetId: sheet.id }, orderBy: { id: "asc" } })).toEqual(
      entries,
    );
    expect((await db.prisma.sheet.findUniqueOrThrow({ where: { id: sheet.id } })).version).toBe(
      sheet.version,
    );
    const rows = await db.prisma.auditLog.findMany({ where: { id: { gt: since } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.outcome, r.action, r.reason])).toEqual([
      ["REFUSED", "sheet.adjust", "review.duplicateLine"],
    ]);
    expect(rows[0]!.after).toMatchObject({ personId: carol.personId, entryId: line.id });
  });
});

describe("who may act", () => {
  it("nobody decides their own sheet; a chief's own sheet goes to the branch chief", async () => {
    const { carol, dave } = fx.people;
    const own = await submitted(carol);
    expect(own.reviewerId).toBe(dave.personId);
    expect((await codeOf(approveSheet(db.prisma, deps, carol, { sheetId: own.id }))).code).toBe(
      "review.ownSheet",
    );
    await approveSheet(db.prisma, deps, dave, { sheetId: own.id });
  });

  it("the assessment group decides a sheet whose reviewer was deactivated since", async () => {
    const { carol, dave } = fx.people;
    const sheet = await submitted();
    await db.prisma.person.update({ where: { id: carol.personId }, data: { active: false } });
    try {
      const o = await reviewOverview(db.prisma, deps, dave, { month: "2026-11" });
      expect(o.pending.map((p) => p.sheetId)).toContain(sheet.id);
      expect((await approveSheet(db.prisma, deps, dave, { sheetId: sheet.id })).state).toBe("APPROVED");
    } finally {
      await db.prisma.person.update({ where: { id: carol.personId }, data: { active: true } });
    }
  });

  it("forged requests change nothing and are audited: another section, a missing id, already decided", async () => {
    const { bob, carol, dave, alice } = fx.people;
    const since = (await db.prisma.auditLog.aggregate({ _max: { id: true } }))._max.id ?? 0n;
    const bobs = await submitted(bob); // S2 has no chief: the branch chief reviews
    expect(bobs.reviewerId).toBe(dave.personId);
    const e1 = await codeOf(approveSheet(db.prisma, deps, carol, { sheetId: bobs.id }));
    expect(e1.code).toBe("review.notReviewer");
    const e2 = await codeOf(approveSheet(db.prisma, deps, carol, { sheetId: "cnotasheet000000000000000" }));
    expect(e2.code).toBe("review.notFound");
    const e3 = await codeOf(approveSheet(db.prisma, deps, carol, { sheetId: "" }));
    expect(e3.code).toBe("review.notFound");
    const e4 = await codeOf(approveSheet(db.prisma, deps, alice, { sheetId: bobs.id }));
    expect(e4.code).toBe("review.notReviewer");
    expect((await db.prisma.sheet.findUniqueOrThrow({ where: { id: bobs.id } })).state).toBe("SUBMITTED");
    await approveSheet(db.prisma, deps, dave, { sheetId: bobs.id });
    const e5 = await codeOf(returnSheet(db.prisma, deps, dave, { sheetId: bobs.id, reason: "again" }));
    expect(e5.code).toBe("review.alreadyDecided");
    expect(e5.params).toMatchObject({ state: "APPROVED", by: "Dave", at: "2026-11-20 10:00" });
    const refused = await db.prisma.auditLog.findMany({
      where: { outcome: "REFUSED", action: { startsWith: "sheet." }, id: { gt: since } },
    });
    expect(refused.map((r) => r.reason).sort()).toEqual(
      [
        "review.alreadyDecided",
        "review.notFound",
        "review.notFound",
        "review.notReviewer",
        "review.notReviewer",
      ].sort(),
    );
    expect((await db.prisma.sheet.findUniqueOrThrow({ where: { id: bobs.id } })).state).toBe("APPROVED");
  });

  it("a deputy acts inside the date range (both names recorded), not outside it", async () => {
    const { carol } = fx.people;
    const sheet = await submitted();
    const d = await setDeputy(db.prisma, deps, carol, {
      deputy: "UFRANK",
      from: "2026-11-21",
      to: "2026-11-25",
    });
    expect(d).toMatchObject({ from: "2026-11-21", to: "2026-11-25", active: false });
    // before the range
    const before = await codeOf(approveSheet(db.prisma, deps, deputyActor, { sheetId: sheet.id }));
    expect(before.code).toBe("review.notReviewer");
    // after it
    clock.set("2026-11-26T00:30:00+08:00");
    expect((await codeOf(approveSheet(db.prisma, deps, deputyActor, { sheetId: sheet.id }))).code).toBe(
      "review.notReviewer",
    );
    // the last day, late in the evening in Shanghai (still the 25th there, the 25th in UTC too)
    clock.set("2026-11-25T23:50:00+08:00");
    const ok = await approveSheet(db.prisma, deps, deputyActor, { sheetId: sheet.id });
    expect(ok.decidedFor?.personId).toBe(carol.personId);
    const row = await db.prisma.sheet.findUniqueOrThrow({ where: { id: sheet.id } });
    expect(row).toMatchObject({ decidedById: deputyActor.personId, decidedForId: carol.personId });
    const a = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: "sheet.approve", entityId: sheet.id, outcome: "OK" },
    });
    expect(a).toMatchObject({ actor: "UFRANK", onBehalfOf: "UCAROL" });
  });

  it("a revoked deputy can no longer act; deputies are validated", async () => {
    const { carol, alice } = fx.people;
    const sheet = await submitted();
    const d = await setDeputy(db.prisma, deps, carol, {
      deputy: "UFRANK",
      from: "2026-11-20",
      to: "2026-11-30",
    });
    expect((await listDeputies(db.prisma, deps, carol)).map((x) => x.deputy.slackUserId)).toEqual(["UFRANK"]);
    // someone else's appointment cannot be revoked, and the attempt is audited
    expect((await codeOf(revokeDeputy(db.prisma, deps, alice, d.id))).code).toBe("deputy.notFound");
    expect((await codeOf(revokeDeputy(db.prisma, deps, alice, "cnosuchdeputy"))).code).toBe(
      "deputy.notFound",
    );
    const refusedRevokes = await db.prisma.auditLog.findMany({
      where: { action: "deputy.revoke", outcome: "REFUSED", actor: "UALICE" },
      orderBy: { id: "asc" },
    });
    expect(refusedRevokes.map((a) => [a.reason, a.entityId])).toEqual([
      ["deputy.notFound", d.id],
      ["deputy.notFound", "cnosuchdeputy"],
    ]);
    expect((await listDeputies(db.prisma, deps, carol)).map((x) => x.active)).toEqual([true]);
    await revokeDeputy(db.prisma, deps, carol, d.id);
    expect((await revokeDeputy(db.prisma, deps, carol, d.id)).alreadyRevoked).toBe(true);
    expect((await codeOf(approveSheet(db.prisma, deps, deputyActor, { sheetId: sheet.id }))).code).toBe(
      "review.notReviewer",
    );
    expect(
      (
        await codeOf(
          setDeputy(db.prisma, deps, carol, { deputy: "UCAROL", from: "2026-11-20", to: "2026-11-30" }),
        )
      ).code,
    ).toBe("deputy.self");
    expect(
      (
        await codeOf(
          setDeputy(db.prisma, deps, carol, { deputy: "UFRANK", from: "2026-11-30", to: "2026-11-20" }),
        )
      ).code,
    ).toBe("deputy.badRange");
    expect(
      (
        await codeOf(
          setDeputy(db.prisma, deps, carol, { deputy: "UFRANK", from: "2026-10-01", to: "2026-10-05" }),
        )
      ).code,
    ).toBe("deputy.past");
    expect(
      (
        await codeOf(
          setDeputy(db.prisma, deps, carol, { deputy: "UNOBODY", from: "2026-11-20", to: "2026-11-21" }),
        )
      ).code,
    ).toBe("deputy.unknownPerson");
    expect(
      (
        await codeOf(
          setDeputy(db.prisma, deps, alice, { deputy: "UFRANK", from: "2026-11-20", to: "2026-11-21" }),
        )
      ).code,
    ).toBe("deputy.notReviewer");
    expect(
      (
        await codeOf(
          setDeputy(db.prisma, deps, alice, {
            deputy: "UFRANK",
            principal: "UCAROL",
            from: "2026-11-20",
            to: "2026-11-21",
          }),
        )
      ).code,
    ).toBe("auth.forbidden");
    // the assessment group (or an admin) names a deputy for a chief
    const forCarol = await setDeputy(db.prisma, deps, fx.people.dave, {
      deputy: "UFRANK",
      principal: "UCAROL",
      from: "2026-11-20",
      to: "2026-11-20",
    });
    expect(forCarol).toMatchObject({ principal: { slackUserId: "UCAROL" }, active: true });
    expect(
      (await approveSheet(db.prisma, deps, deputyActor, { sheetId: sheet.id })).decidedFor?.slackUserId,
    ).toBe("UCAROL");
  });

  it("the card is shown to the reviewer, the owner and the group, refused to others", async () => {
    const { alice, bob, carol, dave } = fx.people;
    const sheet = await submitted();
    for (const who of [alice, carol, dave]) {
      expect((await reviewCardFor(db.prisma, deps, who, sheet.id)).sheetId).toBe(sheet.id);
    }
    expect((await codeOf(reviewCardFor(db.prisma, deps, bob, sheet.id))).code).toBe("review.notReviewer");
  });
});

describe("concurrency", () => {
  it("20 concurrent approvals: exactly one transition, 19 answers naming who decided and when", async () => {
    const { carol } = fx.people;
    const sheet = await submitted();
    await setDeputy(db.prisma, deps, carol, { deputy: "UFRANK", from: "2026-11-20", to: "2026-11-30" });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        approveSheet(db.prisma, deps, i % 2 ? deputyActor : carol, {
          sheetId: sheet.id,
          version: sheet.version,
        }),
      ),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof approveSheet>>>).value;
    const by = winner.decidedFor ? "Frank (Carol)" : "Carol";
    for (const l of lost) {
      expect(l.reason).toBeInstanceOf(DomainError);
      expect((l.reason as DomainError).code).toBe("review.alreadyDecided");
      expect((l.reason as DomainError).params).toMatchObject({
        state: "APPROVED",
        by,
        at: "2026-11-20 10:00",
      });
    }
    expect(await db.prisma.sheetTransition.count({ where: { sheetId: sheet.id, toState: "APPROVED" } })).toBe(
      1,
    );
    expect(
      await db.prisma.auditLog.count({
        where: { entityId: sheet.id, action: "sheet.approve", outcome: "OK" },
      }),
    ).toBe(1);
    expect(
      await db.prisma.auditLog.count({
        where: { entityId: sheet.id, action: "sheet.approve", outcome: "REFUSED" },
      }),
    ).toBe(19);
    expect((await db.prisma.sheet.findUniqueOrThrow({ where: { id: sheet.id } })).version).toBe(
      sheet.version + 1,
    );
  });

  it("approve racing return: one wins, the other is told", async () => {
    const { carol } = fx.people;
    const sheet = await submitted();
    const [a, r] = await Promise.allSettled([
      approveSheet(db.prisma, deps, carol, { sheetId: sheet.id, version: sheet.version }),
      returnSheet(db.prisma, deps, carol, { sheetId: sheet.id, version: sheet.version, reason: "why" }),
    ]);
    expect([a.status, r.status].filter((s) => s === "fulfilled")).toHaveLength(1);
    expect(
      await db.prisma.sheetTransition.count({ where: { sheetId: sheet.id, fromState: "SUBMITTED" } }),
    ).toBe(1);
  });

  it("a staff edit racing an approval resolves to one outcome", async () => {
    const { alice, carol } = fx.people;
    await log(alice, "SV001", 1, "2026-11-02");
    // returned, then resubmit and approve race with an edit of the returned sheet
    const s = await submitSheet(db.prisma, deps, alice, "2026-11");
    await returnSheet(db.prisma, deps, carol, { sheetId: s.sheet.id, reason: "add the rest" });
    const again = await submitSheet(db.prisma, deps, alice, "2026-11");
    const line = await db.prisma.entry.findFirstOrThrow({ where: { sheetId: s.sheet.id } });
    const [edit, approve] = await Promise.allSettled([
      updateLine(db.prisma, deps, alice, line.id, { count: 7 }),
      approveSheet(db.prisma, deps, carol, { sheetId: s.sheet.id, version: again.sheet.version }),
    ]);
    expect(approve.status).toBe("fulfilled");
    expect(edit.status).toBe("rejected");
    expect(((edit as PromiseRejectedResult).reason as DomainError).code).toBe("sheet.locked");
    expect((await db.prisma.entry.findUniqueOrThrow({ where: { id: line.id } })).count).toBe(1);
  });
});

describe("reopen and the overview", () => {
  it("the assessment group reopens an approved sheet with a reason before the month is published", async () => {
    const { alice, carol, dave } = fx.people;
    const sheet = await submitted();
    await approveSheet(db.prisma, deps, carol, { sheetId: sheet.id });
    expect((await codeOf(reopenSheet(db.prisma, deps, carol, { sheetId: sheet.id, reason: "x" }))).code).toBe(
      "auth.forbidden",
    );
    expect((await codeOf(reopenSheet(db.prisma, deps, dave, { sheetId: sheet.id, reason: "" }))).code).toBe(
      "review.reasonRequired",
    );
    const r = await reopenSheet(db.prisma, deps, dave, { sheetId: sheet.id, reason: "评估数与系统不符" });
    expect(r).toMatchObject({ state: "RETURNED", reason: "评估数与系统不符" });
    expect(r.reviewer?.personId).toBe(carol.personId);
    await log(alice, "SV001", 1, "2026-11-12");
    expect(
      (await codeOf(reopenSheet(db.prisma, deps, dave, { sheetId: sheet.id, reason: "again" }))).code,
    ).toBe("review.notApproved");
    await submitSheet(db.prisma, deps, alice, "2026-11");
    await approveSheet(db.prisma, deps, carol, { sheetId: sheet.id });
    await db.prisma.monthClose.create({ data: { month: "2026-11", state: "PUBLISHED" } });
    expect(
      (await codeOf(reopenSheet(db.prisma, deps, dave, { sheetId: sheet.id, reason: "late" }))).code,
    ).toBe("review.monthClosed");
    await db.prisma.monthClose.delete({ where: { month: "2026-11" } });
  });

  it("a sheet left submitted when its month was published (closed with exceptions) is decided or adjusted no more", async () => {
    const { carol } = fx.people;
    const sheet = await submitted();
    const line = await db.prisma.entry.findFirstOrThrow({ where: { sheetId: sheet.id } });
    await db.prisma.monthClose.create({ data: { month: "2026-11", state: "PUBLISHED" } });
    try {
      const since = (await db.prisma.auditLog.aggregate({ _max: { id: true } }))._max.id ?? 0n;
      expect((await codeOf(approveSheet(db.prisma, deps, carol, { sheetId: sheet.id }))).code).toBe(
        "review.monthPublished",
      );
      expect(
        (await codeOf(returnSheet(db.prisma, deps, carol, { sheetId: sheet.id, reason: "too late" }))).code,
      ).toBe("review.monthPublished");
      expect(
        (
          await codeOf(
            adjustLines(db.prisma, deps, carol, {
              sheetId: sheet.id,
              changes: [{ entryId: line.id, count: 1, reason: "x" }],
            }),
          )
        ).code,
      ).toBe("review.monthPublished");
      const row = await db.prisma.sheet.findUniqueOrThrow({ where: { id: sheet.id } });
      expect(row).toMatchObject({ state: "SUBMITTED", version: sheet.version });
      expect((await db.prisma.entry.findUniqueOrThrow({ where: { id: line.id } })).count).toBe(line.count);
      const refused = await db.prisma.auditLog.findMany({
        where: { outcome: "REFUSED", id: { gt: since } },
        orderBy: { id: "asc" },
      });
      expect(refused.map((r) => `${r.action} ${r.reason}`)).toEqual([
        "sheet.approve review.monthPublished",
        "sheet.return review.monthPublished",
        "sheet.adjust review.monthPublished",
      ]);
    } finally {
      await db.prisma.monthClose.delete({ where: { month: "2026-11" } });
    }
  });

  it("a reopen racing a publish that holds the month waits for it, then is refused (the month is published)", async () => {
    const { carol, dave } = fx.people;
    const sheet = await submitted();
    await approveSheet(db.prisma, deps, carol, { sheetId: sheet.id });
    await db.prisma.monthClose.create({ data: { month: "2026-11", state: "OPEN" } });
    try {
      let reopen: Promise<unknown> = Promise.resolve();
      // a publish: the month's row FOR UPDATE, then results, PUBLISHED, and the approved sheets LOCKED
      await db.prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT month FROM "MonthClose" WHERE month = '2026-11' FOR UPDATE`;
        reopen = reopenSheet(db.prisma, deps, dave, { sheetId: sheet.id, reason: "late" }).then(
          () => "reopened",
          (e: unknown) => e,
        );
        await new Promise((r) => setTimeout(r, 300));
        await tx.monthClose.update({ where: { month: "2026-11" }, data: { state: "PUBLISHED" } });
        await tx.sheet.updateMany({ where: { id: sheet.id, state: "APPROVED" }, data: { state: "LOCKED" } });
      });
      const outcome = await reopen;
      expect(outcome).toBeInstanceOf(DomainError);
      // PostgreSQL: the reopen read the sheet, then waited on the month → monthClosed; PGlite runs one
      // transaction at a time, so it starts after the publish and finds the sheet LOCKED → notApproved
      expect(["review.monthClosed", "review.notApproved"]).toContain((outcome as DomainError).code);
      expect((await db.prisma.sheet.findUniqueOrThrow({ where: { id: sheet.id } })).state).toBe("LOCKED");
    } finally {
      await db.prisma.monthClose.delete({ where: { month: "2026-11" } });
    }
  });

  it("lists pending sheets, who has not submitted, and approves only the clean ones", async () => {
    const { alice, carol } = fx.people;
    const frank = deputyActor;
    await submitted(alice);
    await log(frank, "MN001", 1, "2026-11-03"); // six required documents missing
    await logTempTask(db.prisma, deps, frank, { minutes: 30, description: "协助", workDate: "2026-11-04" });
    await submitSheet(db.prisma, deps, frank, "2026-11");
    const o = await reviewOverview(db.prisma, deps, carol, { month: "2026-11" });
    expect(o.pending.map((p) => [p.person.name, p.clean, p.evidenceGaps, p.tempAwaiting])).toEqual([
      ["Alice", true, 0, 0],
      ["Frank", false, 1, 1],
    ]);
    expect(o.notSubmitted.map((n) => n.person.name)).toEqual([]);
    const all = await approveAllClean(db.prisma, deps, carol, { month: "2026-11" });
    expect(all.approved.map((a) => a.person.name)).toEqual(["Alice"]);
    expect(all.skipped).toEqual([expect.objectContaining({ why: "notClean" })]);
    const o2 = await reviewOverview(db.prisma, deps, carol, { month: "2026-11" });
    expect(o2.pending.map((p) => p.person.name)).toEqual(["Frank"]);
    expect(o2.decided).toBe(1);
    // the branch chief's overview: chiefs' own sheets and sections without a chief
    const branch = await reviewOverview(db.prisma, deps, fx.people.dave, { month: "2026-11" });
    expect(branch.notSubmitted.map((n) => n.person.name)).toEqual(["Bob", "Carol"]);
    expect(o.notSubmitted.map((n) => n.person.name)).not.toContain("Carol");
  });
});

describe("the audit trail", () => {
  it("npm run admin -- audit --sheet / --person shows every transition and refused attempt", async () => {
    const { carol, bob } = fx.people;
    const sheet = await submitted();
    await codeOf(approveSheet(db.prisma, deps, bob, { sheetId: sheet.id }));
    await returnSheet(db.prisma, deps, carol, { sheetId: sheet.id, reason: "缺少登记号" });
    await submitSheet(db.prisma, deps, fx.people.alice, "2026-11");
    await setDeputy(db.prisma, deps, carol, { deputy: "UFRANK", from: "2026-11-20", to: "2026-11-21" });
    await approveSheet(db.prisma, deps, deputyActor, { sheetId: sheet.id });
    const bySheet = await cli(db, "audit", "--sheet", sheet.id, "--limit", "100");
    expect(bySheet.code).toBe(0);
    const lines = bySheet.stdout.split("\n");
    expect(lines.some((l) => l.includes("UFRANK (for UCAROL)  sheet.approve"))).toBe(true);
    expect(lines.some((l) => l.includes("UCAROL  sheet.return"))).toBe(true);
    expect(bySheet.stdout).toContain("reason: 缺少登记号");
    expect(lines.some((l) => l.includes("UBOB  sheet.approve") && l.includes("REFUSED"))).toBe(true);
    expect(lines.filter((l) => l.includes("sheet.submit"))).toHaveLength(2);
    const byPerson = await cli(db, "audit", "--person", "UCAROL", "--limit", "100");
    expect(byPerson.stdout).toContain("deputy.set");
    expect(byPerson.stdout).toContain("UFRANK (for UCAROL)  sheet.approve");
  });
});
