/**
 * Closing a month on a real database (the demo organisation): permissions, blockers and named exceptions,
 * the preview, publishing in one transaction (a crash injected between compute and persist, or between
 * the results and the lock, leaves nothing; publishing again succeeds once), persisted results equal to
 * the scoring module's, and `why` reproducing every final from the stored steps.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { toJson } from "../../src/domain/audit.js";
import { previewClose, publishMonth, rationalTo6 } from "../../src/domain/close.js";
import { DomainError } from "../../src/domain/errors.js";
import { loadMonthInput, parseLineRef } from "../../src/domain/month-input.js";
import { type Actor, requireActor } from "../../src/domain/people.js";
import { DEMO_MONTH, seedDemo } from "../../src/domain/seed.js";
import { encodeSteps } from "../../src/domain/steps-codec.js";
import { explainResult, publishedSteps, replaySteps, type StoredStep } from "../../src/domain/why.js";
import type { Prisma } from "../../src/generated/prisma/client.js";
import { computeMonth, formatHundredths } from "../../src/scoring/index.js";
import { createTestDatabase, usingPostgres } from "../helpers/db.js";

let db: Database;
let group: Actor; // 赵明, assessment group only
let chief: Actor; // 王芳 as chief of SVC (without her group role)
let staff: Actor; // 张伟, staff of SVC
let other: Actor; // 陈静's section member 杨帆
const deps = { clock: () => new Date("2026-11-09T02:00:00Z") };

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemo(db);
  group = await requireActor(db.prisma, "U0DEMO02");
  // 王芳 is also in the assessment group in the demo: here she acts as a section chief only
  const wang = await requireActor(db.prisma, "U0DEMO04");
  chief = { ...wang, roles: new Set(["STAFF", "SECTION_CHIEF"] as const) };
  staff = await requireActor(db.prisma, "U0DEMO05");
  other = await requireActor(db.prisma, "U0DEMO08");
});
afterAll(async () => {
  await db?.close();
});

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return "no refusal";
};

describe(`close a month (${usingPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("only the assessment group (or the CLI) previews and publishes; refusals are audited", async () => {
    expect(await refusal(previewClose(db.prisma, deps, staff, DEMO_MONTH))).toBe("auth.forbidden");
    expect(await refusal(publishMonth(db.prisma, deps, staff, DEMO_MONTH))).toBe("auth.forbidden");
    const refused = await db.prisma.auditLog.findMany({
      where: { actor: "U0DEMO05", outcome: "REFUSED", entityType: "MonthClose" },
    });
    expect(refused.map((r) => r.action).sort()).toEqual(["month.preview", "month.publish"]);
    expect(await db.prisma.monthResult.count()).toBe(0);
  });

  it("a month with blockers is refused without a reason, and published with it, every exception named", async () => {
    const p = await previewClose(db.prisma, deps, group, "2026-09");
    // 11 staff without a sheet and without a quality review
    expect(p.blockers.filter((b) => b.kind === "sheetNotApproved")).toHaveLength(11);
    expect(p.blockers.filter((b) => b.kind === "noQualityReview")).toHaveLength(11);
    expect(p.blockers.find((b) => b.name === "张伟")).toMatchObject({
      kind: "sheetNotApproved",
      detail: "NONE",
    });
    expect(
      await refusal(publishMonth(db.prisma, deps, group, "2026-09", { expectedHash: p.inputsHash })),
    ).toBe("close.blocked");
    const out = await publishMonth(db.prisma, deps, group, "2026-09", {
      expectedHash: p.inputsHash,
      exceptionReason: "system migration month: no sheets were kept",
    });
    expect(out).toMatchObject({ alreadyPublished: false, staff: 11, lockedSheets: 0 });
    expect(out.exceptions?.items).toHaveLength(22);
    const close = await db.prisma.monthClose.findUniqueOrThrow({ where: { month: "2026-09" } });
    expect(close.state).toBe("PUBLISHED");
    const record = close.exceptions as {
      exceptions: { reason: string; by: string; items: { name: string }[] };
    };
    expect(record.exceptions.reason).toBe("system migration month: no sheets were kept");
    expect(record.exceptions.by).toBe("U0DEMO02");
    expect(record.exceptions.items.map((i) => i.name)).toContain("张伟");
  });

  it("previews the demo month: no blockers, the worked example, change from the last published month", async () => {
    const p = await previewClose(db.prisma, deps, group, DEMO_MONTH);
    expect(p.state).toBe("OPEN");
    expect(p.blockers).toEqual([]);
    const finals = p.table.rows.map((r) => [r.name, r.final, r.rankOverall, r.tiedOverall]);
    expect(finals.slice(0, 4)).toEqual([
      ["王芳", "103.00", 1, false],
      ["马超", "102.00", 2, false],
      ["陈静", "100.00", 3, true],
      ["黄磊", "100.00", 3, true],
    ]);
    expect(p.table.previousMonth).toBe("2026-09");
    // 2026-09 had no lines: everyone got 0 × weights + 100 quality × weight
    const wang = p.table.rows.find((r) => r.name === "王芳")!;
    expect(wang.previous).toMatchObject({ month: "2026-09", final: "40.00", delta: "+63.00" });
    expect(wang).toMatchObject({
      qualityWeighted: "38.00",
      quantityWeighted: "60.00",
      discretionary: "5.00",
    });
    expect(p.table.totals).toMatchObject({ staff: 11, spread: "73.00", top: "103.00", bottom: "30.00" });
    expect(p.table.pool).toEqual({ size: "110.00", spent: "17.00", left: "93.00" });
    expect(p.table.categories.map((c) => c.code)).toEqual([
      "SERVICE",
      "MONITOR",
      "GUIDANCE",
      "ASSESS",
      "INSPECT",
    ]);
    expect(await db.prisma.monthResult.count({ where: { month: DEMO_MONTH } })).toBe(0);
  });

  it("refuses to publish inputs that changed since the preview", async () => {
    const p = await previewClose(db.prisma, deps, group, DEMO_MONTH);
    const zhu = await db.prisma.person.findUniqueOrThrow({ where: { slackUserId: "U0DEMO14" } });
    const award = await db.prisma.discretionaryAward.create({
      data: {
        month: DEMO_MONTH,
        personId: zhu.id,
        points: 100,
        reason: "late correction",
        awardedById: group.personId,
      },
    });
    expect(
      await refusal(publishMonth(db.prisma, deps, group, DEMO_MONTH, { expectedHash: p.inputsHash })),
    ).toBe("close.changed");
    await db.prisma.discretionaryAward.update({ where: { id: award.id }, data: { revokedAt: new Date() } });
    expect((await previewClose(db.prisma, deps, group, DEMO_MONTH)).inputsHash).toBe(p.inputsHash);
  });

  it("a crash between compute and persist, or before the lock, leaves no partial results", async () => {
    const before = await db.prisma.sheet.groupBy({
      by: ["state"],
      where: { month: DEMO_MONTH },
      _count: true,
    });
    for (const stage of ["computed", "results"] as const) {
      const crash = publishMonth(
        db.prisma,
        {
          ...deps,
          failpoint: (s) => {
            if (s === stage) throw new Error(`injected crash at ${s}`);
          },
        },
        group,
        DEMO_MONTH,
      );
      await expect(crash).rejects.toThrow(`injected crash at ${stage}`);
      expect(await db.prisma.monthResult.count({ where: { month: DEMO_MONTH } })).toBe(0);
      expect((await db.prisma.monthClose.findUnique({ where: { month: DEMO_MONTH } }))?.state).toBe("OPEN");
      expect(
        await db.prisma.sheet.groupBy({ by: ["state"], where: { month: DEMO_MONTH }, _count: true }),
      ).toEqual(before);
    }
  });

  it("publishes once: results equal the scoring module's, sheets locked; publishing again (twice at once) creates nothing", async () => {
    // a line logged here of an item that requires documents, none attached: left out at publishing
    const sheet = await db.prisma.sheet.findFirstOrThrow({
      where: { personId: staff.personId, month: DEMO_MONTH },
    });
    const docsItem = await db.prisma.workItem.findFirstOrThrow({
      where: { evidence: { some: {} }, categoryCode: "SERVICE" },
      include: { versions: true },
    });
    await db.prisma.entry.create({
      data: {
        id: "left-out-line",
        personId: staff.personId,
        sheetId: sheet.id,
        month: DEMO_MONTH,
        workDate: "2026-10-29",
        itemId: docsItem.id,
        pointVersionId: docsItem.versions[0]!.id,
        pointsPerUnit: docsItem.versions[0]!.points,
        count: 3,
        source: "SLACK",
      },
    });
    // publishing has the database sum each person's lines; line by line gives the same numbers
    const expected = computeMonth((await loadMonthInput(db, DEMO_MONTH, { lines: "summed" })).input);
    const itemized = computeMonth((await loadMonthInput(db, DEMO_MONTH)).input);
    const numbers = (r: typeof expected) => r.people.map(({ steps: _s, ...rest }) => rest);
    expect(numbers(expected)).toEqual(numbers(itemized));
    expect(expected.people.flatMap((x) => x.steps).filter((x) => x.kind === "line")).toEqual([]);
    const p = await previewClose(db.prisma, deps, group, DEMO_MONTH);
    const out = await publishMonth(db.prisma, deps, group, DEMO_MONTH, { expectedHash: p.inputsHash });
    expect(out).toMatchObject({ alreadyPublished: false, staff: 11, lockedSheets: 11, exceptions: null });

    const saved = await db.prisma.monthResult.findMany({ where: { month: DEMO_MONTH } });
    expect(saved).toHaveLength(expected.people.length);
    const record = (await db.prisma.monthClose.findUniqueOrThrow({ where: { month: DEMO_MONTH } }))
      .exceptions;
    for (const e of expected.people) {
      const s = saved.find((r) => r.personId === e.personId)!;
      expect({
        who: [s.categoryCode, s.sectionId, s.normGroup],
        raw: s.raw.toString(),
        groupMax: s.groupMax.toString(),
        final: s.final.toString(),
        discretionary: s.discretionary.toString(),
        vetoed: s.vetoed,
        ranks: [s.rankOverall, s.rankCategory, s.rankSection],
        quantity: s.quantity.toFixed(6),
        quality: s.quality.toFixed(6),
        qualityWeighted: s.qualityWeighted.toFixed(6),
        quantityWeighted: s.quantityWeighted.toFixed(6),
        weights: [s.qualityWeight.toString(), s.quantityWeight.toString()].map(Number),
        // the explanation built again from what the row keeps: the steps computing the month gave
        steps: publishedSteps(s, record),
      }).toEqual({
        who: [e.categoryCode, e.sectionId, e.normGroup],
        raw: e.raw.toString(),
        groupMax: e.groupMax.toString(),
        final: e.finalRounded.toString(),
        discretionary: e.discretionary.toString(),
        vetoed: e.vetoed,
        ranks: [e.rankOverall, e.rankCategory, e.rankSection],
        quantity: rationalTo6(e.quantity),
        quality: rationalTo6(e.quality),
        qualityWeighted: rationalTo6(e.qualityWeighted),
        quantityWeighted: rationalTo6(e.quantityWeighted),
        weights: [Number(e.qualityWeight), Number(e.quantityWeight)],
        steps: toJson(e.steps),
      });
    }
    expect(await db.prisma.sheet.count({ where: { month: DEMO_MONTH, state: "LOCKED" } })).toBe(11);
    // the month's lock is recorded once (the audit row, MonthClose), not as a transition per sheet
    expect(await db.prisma.sheetTransition.count({ where: { toState: "LOCKED" } })).toBe(0);
    const published = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: "month.publish", entityId: DEMO_MONTH, outcome: "OK" },
    });
    expect(published.after).toMatchObject({ state: "PUBLISHED", lockedSheets: 11 });

    const [again, racing] = await Promise.all([
      publishMonth(db.prisma, deps, group, DEMO_MONTH, { expectedHash: p.inputsHash }),
      publishMonth(db.prisma, deps, "cli", DEMO_MONTH),
    ]);
    expect(racing.alreadyPublished).toBe(true);
    expect(again).toMatchObject({ alreadyPublished: true, staff: 11, lockedSheets: 0 });
    expect(await db.prisma.monthResult.count({ where: { month: DEMO_MONTH } })).toBe(11);
    expect(
      await db.prisma.auditLog.count({
        where: { action: "month.publish", entityId: DEMO_MONTH, outcome: "OK" },
      }),
    ).toBe(1);
    // a published month previews as published, from the saved results
    const after = await previewClose(db.prisma, deps, group, DEMO_MONTH);
    expect(after.state).toBe("PUBLISHED");
    expect(after.table.rows.map((r) => r.final)).toEqual(p.table.rows.map((r) => r.final));
  });

  it("why reproduces every final exactly from the stored steps", async () => {
    const saved = await db.prisma.monthResult.findMany({ where: { month: DEMO_MONTH } });
    for (const s of saved) {
      const person = await db.prisma.person.findUniqueOrThrow({ where: { id: s.personId } });
      const e = await explainResult(db.prisma, group, { target: person.slackUserId, month: DEMO_MONTH });
      expect(e.status).toBe("published");
      expect(e.replay).toEqual({ final: s.final, ok: true, problem: null });
      expect(e.final).toBe(s.final);
    }
    // the summed lines are explained line by line from the locked sheets: the same line steps as a
    // computation line by line, just before the published total
    const itemized = computeMonth((await loadMonthInput(db, DEMO_MONTH)).input);
    for (const x of itemized.people) {
      const person = await db.prisma.person.findUniqueOrThrow({ where: { id: x.personId } });
      const e = await explainResult(db.prisma, group, { target: person.slackUserId, month: DEMO_MONTH });
      const at = e.steps.findIndex((st) => st.kind === "linesTotal");
      const lineSteps = toJson(x.steps.filter((st) => st.kind === "line")) as StoredStep[];
      expect(e.steps.slice(at - lineSteps.length, at)).toEqual(lineSteps);
      // publishing sums the points only: the total's lines and units are counted from the lines read back
      const given = x.steps.filter((st) => st.kind === "line");
      expect(e.steps[at]).toEqual({
        kind: "linesTotal",
        detail: true,
        points: x.linesRaw.toString(),
        lines: given.reduce((n, st) => n + (parseLineRef(st.ref ?? "")?.lines ?? 0), 0),
        units: given.reduce((n, st) => n + st.count, 0),
      });
    }
    const zhu = await explainResult(db.prisma, group, { target: "U0DEMO14", month: DEMO_MONTH });
    expect(zhu.steps.find((s) => s.kind === "tempTask")).toMatchObject({ priced: true, points: "15000" });
    expect(formatHundredths(zhu.final)).toBe("95.00");
    // a tampered step is caught
    const bad = zhu.steps.map((s) =>
      s.kind === "discretionary" ? { ...s, value: "100" } : s,
    ) as StoredStep[];
    expect(replaySteps(bad).ok).toBe(false);
    // the catalog's required documents may change after publishing (a catalog import): the explanation
    // keeps what publishing counted. The line left out then gets its documents, and an item of lines that
    // counted now requires one
    const everyoneReplays = async () => {
      for (const s of saved) {
        const who = await db.prisma.person.findUniqueOrThrow({ where: { id: s.personId } });
        const e = await explainResult(db.prisma, group, { target: who.slackUserId, month: DEMO_MONTH });
        expect(e.replay).toEqual({ final: s.final, ok: true, problem: null });
      }
    };
    const leftOutLine = await db.prisma.entry.findUniqueOrThrow({
      where: { id: "left-out-line" },
      include: { item: { include: { evidence: true } } },
    });
    const counted = await db.prisma.entry.findFirstOrThrow({
      where: {
        month: DEMO_MONTH,
        status: "ACTIVE",
        item: { evidence: { none: {} } },
        sheet: { state: "LOCKED" },
      },
    });
    const zhang = await explainResult(db.prisma, group, { target: "U0DEMO05", month: DEMO_MONTH });
    const added = await db.prisma.$transaction([
      ...leftOutLine.item.evidence.map((ev) =>
        db.prisma.entryEvidence.create({
          data: { entryId: leftOutLine.id, kind: "CHECKLIST", itemEvidenceId: ev.id },
        }),
      ),
    ]);
    const newDoc = await db.prisma.itemEvidence.create({
      data: { itemId: counted.itemId, name: "新增资料", nameEn: "new document" },
    });
    await db.prisma.entry.update({ where: { id: counted.id }, data: { source: "SLACK" } });
    try {
      await everyoneReplays();
      const again = await explainResult(db.prisma, group, { target: "U0DEMO05", month: DEMO_MONTH });
      expect(again.steps).toEqual(zhang.steps);
    } finally {
      await db.prisma.entry.update({ where: { id: counted.id }, data: { source: counted.source } });
      await db.prisma.itemEvidence.delete({ where: { id: newDoc.id } });
      await db.prisma.entryEvidence.deleteMany({ where: { id: { in: added.map((a) => a.id) } } });
    }
    // a row written when publishing still counted the summed lines and units keeps its counts (and one
    // written now says they were not counted: `c: 0`, with zeros for the release before)
    {
      const row = saved.find((r) => r.raw > 0n)!;
      const stored = row.steps as { l?: [number, number, string]; c?: number };
      expect(stored).toMatchObject({ l: [0, 0, row.raw.toString()], c: 0 });
      const { c: _c, ...counted } = stored;
      await db.prisma.monthResult.update({
        where: { month_personId: { month: DEMO_MONTH, personId: row.personId } },
        data: { steps: { ...counted, l: [5, 7, stored.l![2]] } as Prisma.InputJsonValue },
      });
      const who = await db.prisma.person.findUniqueOrThrow({ where: { id: row.personId } });
      const e = await explainResult(db.prisma, group, { target: who.slackUserId, month: DEMO_MONTH });
      expect(e.steps.find((st) => st.kind === "linesTotal")).toMatchObject({ lines: 5, units: 7 });
      expect(e.replay.ok).toBe(true);
      await db.prisma.monthResult.update({
        where: { month_personId: { month: DEMO_MONTH, personId: row.personId } },
        data: { steps: row.steps as Prisma.InputJsonValue },
      });
    }
    // a month published before explanations were built on demand keeps its steps in the row: still explained
    const legacy = saved.find((r) => r.raw > 0n)!;
    const expected = computeMonth((await loadMonthInput(db, DEMO_MONTH, { lines: "summed" })).input);
    const legacySteps = expected.people.find((x) => x.personId === legacy.personId)!.steps;
    // rows stored then counted the summed lines and units too: taken from the lines themselves
    const itemizedLines = (await loadMonthInput(db, DEMO_MONTH)).input.people.find(
      (x) => x.personId === legacy.personId,
    )!.lines;
    const legacyTotal = legacySteps.find((s) => s.kind === "linesTotal");
    if (legacyTotal?.kind === "linesTotal") {
      legacyTotal.lines = itemizedLines.reduce((n, l) => n + (parseLineRef(l.ref ?? "")?.lines ?? 0), 0);
      legacyTotal.units = itemizedLines.reduce((n, l) => n + l.count, 0);
    }
    await db.prisma.monthResult.update({
      where: { month_personId: { month: DEMO_MONTH, personId: legacy.personId } },
      data: { steps: encodeSteps(legacySteps) as Prisma.InputJsonValue },
    });
    try {
      const who = await db.prisma.person.findUniqueOrThrow({ where: { id: legacy.personId } });
      const e = await explainResult(db.prisma, group, { target: who.slackUserId, month: DEMO_MONTH });
      expect(e.replay).toEqual({ final: legacy.final, ok: true, problem: null });
      expect(e.steps.filter((x) => x.kind !== "line").map(({ detail: _d, ...x }) => x)).toEqual(
        toJson(legacySteps),
      );
    } finally {
      await db.prisma.monthResult.update({
        where: { month_personId: { month: DEMO_MONTH, personId: legacy.personId } },
        data: { steps: legacy.steps as Prisma.InputJsonValue },
      });
    }
    // a locked line changed behind the application's back no longer adds up to the published total
    const withLines = saved.find((r) => r.raw > 0n)!;
    const line = await db.prisma.entry.findFirstOrThrow({
      where: { personId: withLines.personId, month: DEMO_MONTH, status: "ACTIVE", count: { gt: 0 } },
    });
    await db.prisma.entry.update({ where: { id: line.id }, data: { count: line.count + 1 } });
    try {
      const who = await db.prisma.person.findUniqueOrThrow({ where: { id: withLines.personId } });
      const e = await explainResult(db.prisma, group, { target: who.slackUserId, month: DEMO_MONTH });
      expect(e.replay.ok).toBe(false);
      expect(e.replay.problem).toMatch(/published total/);
    } finally {
      await db.prisma.entry.update({ where: { id: line.id }, data: { count: line.count } });
    }
  });

  it("why: own result, a chief's section, the group all; others refused", async () => {
    expect((await explainResult(db.prisma, staff, {})).month).toBe(DEMO_MONTH); // latest published, own
    expect((await explainResult(db.prisma, chief, { target: "U0DEMO06" })).person.slackUserId).toBe(
      "U0DEMO06",
    );
    expect(await refusal(explainResult(db.prisma, chief, { target: "U0DEMO08" }))).toBe("auth.forbidden");
    expect(await refusal(explainResult(db.prisma, other, { target: "U0DEMO05" }))).toBe("auth.forbidden");
    expect(await refusal(explainResult(db.prisma, group, { target: "U0NOBODY" }))).toBe("why.unknownPerson");
    expect(await refusal(explainResult(db.prisma, staff, { month: "2026-11" }))).toBe("why.notPublished");
    expect(await refusal(explainResult(db.prisma, group, { target: "U0DEMO02" }))).toBe("why.notAssessed");
    expect(await db.prisma.auditLog.count({ where: { action: "result.explain", outcome: "REFUSED" } })).toBe(
      2,
    );
  });

  it("two publishers at once: one publishes, the other is told it already is; one set of results", async () => {
    const reason = { exceptionReason: "archive month" };
    const outs = await Promise.all([
      publishMonth(db.prisma, deps, group, "2026-08", reason),
      publishMonth(db.prisma, deps, "cli", "2026-08", reason),
    ]);
    expect(outs.map((o) => o.alreadyPublished).sort()).toEqual([false, true]);
    expect(await db.prisma.monthResult.count({ where: { month: "2026-08" } })).toBe(11);
  });
});
