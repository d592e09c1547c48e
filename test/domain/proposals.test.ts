/**
 * Proposals, catalog and organisation use-cases against a real database: concurrent double votes and
 * concurrent decisions make one change; effective months never reach into a closed or past month; a
 * version per month; settings are all-or-nothing; sections keep a chief; categories in use stay.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { deleteCategory, searchCatalog, setCategoryWeights } from "../../src/domain/catalog-admin.js";
import { DomainError } from "../../src/domain/errors.js";
import { saveSection, updatePerson, updateSettings } from "../../src/domain/org-admin.js";
import { type Actor, requireActor } from "../../src/domain/people.js";
import { importPeople, syncPeople } from "../../src/domain/people-sync.js";
import {
  createProposal,
  decideProposal,
  earliestEffectiveMonth,
  effectPreview,
  voteOnProposal,
} from "../../src/domain/proposals.js";
import { readSettings } from "../../src/domain/settings.js";
import { createTestDatabase } from "../helpers/db.js";
import { type Fixture, seedFixtures, TZ, testClock } from "./fixtures.js";

let db: Database;
let fx: Fixture;
let admin: Actor;
let group2: Actor;
const clock = testClock();
const deps = { clock, timeZone: TZ };

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedFixtures(db.prisma);
  const carol = await db.prisma.person.findUniqueOrThrow({ where: { slackUserId: "UCAROL" } });
  await db.prisma.roleAssignment.createMany({
    data: [
      { personId: carol.id, role: "ADMIN" },
      { personId: carol.id, role: "ASSESSMENT_GROUP" },
    ],
  });
  admin = await requireActor(db.prisma, "UCAROL");
  group2 = fx.people.dave;
});
afterAll(async () => {
  await db?.close();
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return (e as DomainError).code;
  }
  return "no error";
}

describe("proposals", () => {
  it("a double click (two identical votes at once) records one vote", async () => {
    const p = await createProposal(db.prisma, deps, fx.people.alice, {
      itemId: fx.items.SV001!.id,
      points: 550,
      reason: "double click",
    });
    const [a, b] = await Promise.all([
      voteOnProposal(db.prisma, deps, fx.people.bob, { proposalId: p.id, choice: "AGREE" }),
      voteOnProposal(db.prisma, deps, fx.people.bob, { proposalId: p.id, choice: "AGREE" }),
    ]);
    expect([a.outcome, b.outcome].sort()).toEqual(["new", "same"]);
    expect(await db.prisma.proposalVote.count({ where: { proposalId: p.id } })).toBe(1);
  });

  it("two group members deciding at once: one decision, the other is told it is closed", async () => {
    const p = await createProposal(db.prisma, deps, fx.people.alice, {
      itemId: fx.items.SV003!.id,
      points: 1200,
      reason: "race",
    });
    const results = await Promise.allSettled([
      decideProposal(db.prisma, deps, admin, {
        proposalId: p.id,
        decision: "adopt",
        effectiveMonth: "2026-12",
      }),
      decideProposal(db.prisma, deps, group2, { proposalId: p.id, decision: "reject" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((failed.reason as DomainError).code).toBe("proposal.closed");
    const after = await db.prisma.proposal.findUniqueOrThrow({ where: { id: p.id } });
    const versions = await db.prisma.itemPointVersion.count({ where: { proposalId: p.id } });
    expect(versions).toBe(after.state === "ADOPTED" ? 1 : 0);
  });

  it("effective months: not before the current month, never a closed month, one version per month", async () => {
    const p = await createProposal(db.prisma, deps, fx.people.alice, {
      itemId: fx.items.SV004!.id,
      points: 250,
      reason: "months",
    });
    const decide = (effectiveMonth: string) =>
      decideProposal(db.prisma, deps, admin, { proposalId: p.id, decision: "adopt", effectiveMonth });
    expect(await code(decide("2026-10"))).toBe("proposal.badMonth");
    expect(await code(decide("2026-13"))).toBe("proposal.badMonth");
    await db.prisma.monthClose.create({ data: { month: "2026-11", state: "PUBLISHED" } });
    expect(await earliestEffectiveMonth(db.prisma, deps)).toBe("2026-12");
    expect(await code(decide("2026-11"))).toBe("proposal.badMonth");
    // SV002 already has a version from 2026-11; SV004 gets one for 2027-01 first
    await db.prisma.itemPointVersion.create({
      data: { itemId: fx.items.SV004!.id, points: 210, effectiveMonth: "2027-01", reason: "meeting" },
    });
    expect(await code(decide("2027-01"))).toBe("proposal.versionExists");
    expect(
      await code(decideProposal(db.prisma, deps, fx.people.alice, { proposalId: p.id, decision: "reject" })),
    ).toBe("auth.forbidden");
    await db.prisma.monthClose.delete({ where: { month: "2026-11" } });
    const refusals = await db.prisma.auditLog.count({ where: { entityId: p.id, outcome: "REFUSED" } });
    expect(refusals).toBe(5);
  });

  it("the preview of an item nobody logged changes nothing; a new item's code must be free", async () => {
    const preview = await effectPreview(db.prisma, deps, { itemCode: "SV003", points: 99999 });
    expect(preview).toMatchObject({ month: "2026-10", changed: 0, lines: 0 });
    expect(
      await code(
        createProposal(db.prisma, deps, fx.people.alice, {
          newItem: { code: "sv001", name: "x", nameEn: "x", categoryCode: "SERVICE", unit: "TXN" },
          points: 100,
          reason: "dup",
        }),
      ),
    ).toBe("proposal.codeTaken");
    expect(
      await code(
        createProposal(db.prisma, deps, fx.people.alice, {
          newItem: { code: "NEW1", name: "x", nameEn: "x", categoryCode: "NOPE", unit: "TXN" },
          points: 100,
          reason: "bad category",
        }),
      ),
    ).toBe("proposal.badNewItem");
  });

  it("the catalog search shows the version history, future versions marked", async () => {
    const { entries } = await searchCatalog(db.prisma, "2026-10", "SV002");
    expect(entries[0]!.versions.map((v) => [v.effectiveMonth, v.previous, v.points, v.future])).toEqual([
      [entries[0]!.versions[0]!.effectiveMonth, null, 800, false],
      ["2026-11", 800, 1000, true],
    ]);
    expect(entries[0]!.points).toBe(800);
  });
});

describe("organisation", () => {
  it("settings are validated all together: one bad value writes nothing", async () => {
    const before = await readSettings(db.prisma);
    const e = await updateSettings(db.prisma, admin, { language: "en", reviewDeadlineDay: 40 }).catch(
      (x) => x,
    );
    expect((e as DomainError).code).toBe("admin.badSetting");
    expect((e as DomainError).params.problems).toHaveProperty("reviewDeadlineDay");
    expect((await readSettings(db.prisma)).language).toBe(before.language);
    expect(await code(updateSettings(db.prisma, fx.people.alice, { language: "en" }))).toBe("auth.forbidden");
  });

  it("a section keeps a chief; an admin cannot lock themselves out", async () => {
    expect(
      await code(
        saveSection(db.prisma, admin, {
          sectionId: fx.sections.s1,
          code: "S1",
          name: "综合办税股",
          chiefIds: [],
        }),
      ),
    ).toBe("admin.noChief");
    expect(await code(updatePerson(db.prisma, admin, { personId: admin.personId, active: false }))).toBe(
      "admin.selfLockout",
    );
    // Carol is S1's only chief: moving her to S2 would leave S1 without one
    expect(
      await code(updatePerson(db.prisma, admin, { personId: admin.personId, sectionId: fx.sections.s2 })),
    ).toBe("admin.lastChief");
  });

  it("weights: non-negative, not for a closed month; a category in use cannot be deleted", async () => {
    expect(
      await code(
        setCategoryWeights(db.prisma, admin, {
          code: "MONITOR",
          effectiveMonth: "2026-12",
          qualityWeight: "-1",
          quantityWeight: "1",
        }),
      ),
    ).toBe("admin.badWeight");
    await db.prisma.monthClose.create({ data: { month: "2026-09", state: "PUBLISHED" } });
    expect(
      await code(
        setCategoryWeights(db.prisma, admin, {
          code: "MONITOR",
          effectiveMonth: "2026-08",
          qualityWeight: "0.5",
          quantityWeight: "0.5",
        }),
      ),
    ).toBe("admin.closedMonth");
    expect(await code(deleteCategory(db.prisma, admin, "SERVICE"))).toBe("admin.categoryInUse");
  });

  it("people sync flags deactivated Slack users and imports the members picked", async () => {
    const members = [
      { id: "UALICE", name: "alice", deleted: true, isBot: false },
      { id: "UBOB", name: "bob", deleted: false, isBot: false },
      { id: "UNEW", name: "new", realName: "New Person", deleted: false, isBot: false },
      { id: "UBOT", name: "bot", deleted: false, isBot: true },
    ];
    const r = await syncPeople(db.prisma, admin, members);
    expect(r.candidates.map((m) => m.id)).toEqual(["UNEW"]);
    expect(r.flagged.map((p) => p.slackUserId)).toEqual(["UALICE"]);
    expect(r.missing.map((p) => p.slackUserId).sort()).toEqual(["UCAROL", "UDAVE", "UEVE"]);
    const again = await syncPeople(db.prisma, admin, members);
    expect(again.flagged).toEqual([]);
    expect(again.deactivatedInSlack.map((p) => p.slackUserId)).toEqual(["UALICE"]);
    const imported = await importPeople(db.prisma, admin, { members: [members[2]!, members[1]!] });
    expect(imported).toEqual({ created: ["UNEW"], skipped: ["UBOB"] });
    expect(await code(importPeople(db.prisma, admin, { members: [members[3]!] }))).toBe(
      "admin.unknownMember",
    );
  });
});
