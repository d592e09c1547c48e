/**
 * The assessment group's and the branch chief's use-cases on a real database: pricing temporary tasks
 * (queue, suggestion, one winner, notification target, workload), quality scoring (standards of the items
 * worked on, review recorded even with nothing to adjust, running score through the scoring module, the
 * confirmed veto, revoking) and the discretionary pool (10 × staff assessed, overspending refused with the
 * numbers, concurrency). Every refusal changes nothing and is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { parseSignedAmount } from "../../src/domain/assessment.js";
import { giveAward, poolView, revokeAward } from "../../src/domain/awards.js";
import { DomainError } from "../../src/domain/errors.js";
import { logTempTask, logWork } from "../../src/domain/logging.js";
import { loadMonthInput } from "../../src/domain/month-input.js";
import { type Actor, requireActor } from "../../src/domain/people.js";
import { listPricingQueue, priceTempTask } from "../../src/domain/pricing.js";
import {
  qualityScoreOf,
  qualitySheet,
  recordQuality,
  recordVeto,
  revokeQualityAdjustment,
} from "../../src/domain/quality.js";
import { computeMonth } from "../../src/scoring/index.js";
import { createTestDatabase, usingPostgres } from "../helpers/db.js";
import { type Fixture, seedFixtures, TZ, testClock } from "./fixtures.js";

let db: Database;
let fx: Fixture;
let carol: Actor;
const clock = testClock();
const deps = { clock, timeZone: TZ };
const M = "2026-11";
let rules: { minor: string; praise: string; veto: string; other: string };

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedFixtures(db.prisma);
  for (const code of ["SERVICE", "MONITOR"]) {
    await db.prisma.categoryWeight.create({
      data: {
        categoryCode: code,
        effectiveMonth: "2026-01",
        qualityWeight: "0.4",
        quantityWeight: "0.6",
        normGroup: code,
      },
    });
  }
  await db.prisma.roleAssignment.create({
    data: { personId: fx.people.carol.personId, role: "ASSESSMENT_GROUP" },
  });
  carol = await requireActor(db.prisma, "UCAROL");
  const rule = (code: string, description: string, value: number, veto = false) =>
    db.prisma.itemQualityRule
      .create({ data: { itemId: fx.items[code]!.id, description, value, veto } })
      .then((r) => r.id);
  rules = {
    minor: await rule("SV001", "错票一张", -200),
    praise: await rule("SV001", "纳税人书面表扬", 100),
    veto: await rule("SV001", "违规发售发票", 0, true),
    other: await rule("MN001", "催缴文书不全", -300),
  };
  await logWork(db.prisma, deps, fx.people.alice, {
    itemId: fx.items.SV001!.id,
    count: 3,
    workDate: "2026-11-03",
  });
});
afterAll(async () => {
  await db?.close();
});

async function expectCode(p: Promise<unknown>, code: string, params?: Record<string, unknown>) {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe(code);
    if (params) expect((e as DomainError).params).toMatchObject(params);
    return;
  }
  expect.unreachable(`expected DomainError ${code}`);
}

const refusals = (action: string) =>
  db.prisma.auditLog.findMany({ where: { action, outcome: "REFUSED" }, orderBy: { id: "asc" } });

describe(`pricing temporary tasks (${usingPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  let aliceTask: string;
  let bobTask: string;
  it("lists the queue for the group only, with a suggestion explained by its basis", async () => {
    aliceTask = (
      await logTempTask(db.prisma, deps, fx.people.alice, {
        minutes: 90,
        description: "协助整理防汛材料",
        similarItemId: fx.items.SV001!.id,
      })
    ).id;
    bobTask = (await logTempTask(db.prisma, deps, fx.people.bob, { minutes: 30, description: "临时接待" }))
      .id;
    await expectCode(listPricingQueue(db.prisma, fx.people.alice), "auth.forbidden");
    expect((await refusals("pricing.list")).at(-1)).toMatchObject({
      actor: "UALICE",
      reason: "auth.forbidden",
    });

    const q = await listPricingQueue(db.prisma, fx.people.dave);
    expect(q.total).toBe(2);
    const a = q.tasks.find((t) => t.id === aliceTask)!;
    expect(a).toMatchObject({
      minutes: 90,
      description: "协助整理防汛材料",
      owner: { slackUserId: "UALICE", name: "Alice" },
      categoryCode: "SERVICE",
      similarItem: { code: "SV001", name: "发票发售", pointsPerUnit: 500 },
      suggestion: { basis: "base", points: 9000, refTasks: 0 },
    });
    expect(q.tasks.find((t) => t.id === bobTask)!.similarItem).toBeNull();
  });

  it("prices a task with a reason: audited, counts in the owner's workload once the sheet is approved", async () => {
    await expectCode(
      priceTempTask(db.prisma, deps, carol, { taskId: aliceTask, points: 8000, reason: "  " }),
      "assess.noReason",
    );
    await expectCode(
      priceTempTask(db.prisma, deps, carol, { taskId: aliceTask, points: -1, reason: "x" }),
      "pricing.badPoints",
    );
    const r = await priceTempTask(db.prisma, deps, carol, {
      taskId: aliceTask,
      points: 8000,
      reason: "参照发票发售",
    });
    expect(r).toMatchObject({ repeated: false, notify: { slackUserId: "UALICE" } });
    expect(r.task).toMatchObject({ status: "PRICED", points: 8000, pricedBy: { name: "Carol" } });
    const row = await db.prisma.tempTask.findUniqueOrThrow({ where: { id: aliceTask } });
    expect(row).toMatchObject({
      status: "PRICED",
      points: 8000,
      suggestedPoints: 9000,
      pricingReason: "参照发票发售",
    });
    const log = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: "pricing.price", outcome: "OK" },
    });
    expect(log).toMatchObject({ actor: "UCAROL", entityId: aliceTask });
    expect(log.after).toMatchObject({ points: 8000, suggestedPoints: 9000, reason: "参照发票发售" });

    await db.prisma.sheet.updateMany({
      where: { personId: fx.people.alice.personId, month: M },
      data: { state: "APPROVED" },
    });
    const loaded = await loadMonthInput(db, M);
    const alice = loaded.input.people.find((p) => p.personId === fx.people.alice.personId)!;
    expect(alice.tempTasks).toEqual([expect.objectContaining({ points: 8000n, ref: aliceTask })]);
    const scored = computeMonth(loaded.input).people.find((p) => p.personId === alice.personId)!;
    expect([scored.linesRaw, scored.tempRaw, scored.raw]).toEqual([1500n, 8000n, 9500n]);
  });

  it("a second group member is told who priced it; the same pricer repeating changes nothing", async () => {
    await expectCode(
      priceTempTask(db.prisma, deps, fx.people.dave, { taskId: aliceTask, points: 7000, reason: "另议" }),
      "pricing.alreadyPriced",
      { by: "Carol", points: "80.00", at: "2026-11-20 10:00" },
    );
    const again = await priceTempTask(db.prisma, deps, carol, {
      taskId: aliceTask,
      points: 8000,
      reason: "参照发票发售",
    });
    expect(again.repeated).toBe(true);
    expect(await db.prisma.auditLog.count({ where: { action: "pricing.price", outcome: "OK" } })).toBe(1);
    expect((await refusals("pricing.price")).at(-1)).toMatchObject({
      actor: "UDAVE",
      reason: "pricing.alreadyPriced",
    });
  });

  it("suggests from earlier priced tasks: the same similar item, then the same category", async () => {
    const t = await logTempTask(db.prisma, deps, fx.people.bob, {
      minutes: 45,
      description: "代开发票支援",
      similarItemId: fx.items.SV001!.id,
    });
    const t2 = await logTempTask(db.prisma, deps, fx.people.bob, {
      minutes: 30,
      description: "税务登记支援",
      similarItemId: fx.items.SV003!.id,
    });
    const q = await listPricingQueue(db.prisma, fx.people.dave, { month: M });
    // 80.00 points over 90 minutes → 45 minutes: 40.00
    expect(q.tasks.find((x) => x.id === t.id)!.suggestion).toMatchObject({
      basis: "item",
      points: 4000,
      refPoints: 8000,
      refMinutes: 90,
      refTasks: 1,
    });
    // SV003 has no priced task; SERVICE has one: 30 minutes → 26.67
    expect(q.tasks.find((x) => x.id === t2.id)!.suggestion).toMatchObject({
      basis: "category",
      points: 2667,
      categoryCode: "SERVICE",
    });
  });

  it("refuses a non-member, an unknown task and one's own task, changing nothing", async () => {
    await expectCode(
      priceTempTask(db.prisma, deps, fx.people.bob, { taskId: bobTask, points: 100, reason: "自己定" }),
      "auth.forbidden",
    );
    await expectCode(
      priceTempTask(db.prisma, deps, carol, { taskId: "nope", points: 100, reason: "x" }),
      "pricing.notFound",
    );
    const own = await logTempTask(db.prisma, deps, carol, { minutes: 20, description: "自己的" });
    await expectCode(
      priceTempTask(db.prisma, deps, carol, { taskId: own.id, points: 100, reason: "x" }),
      "pricing.ownTask",
    );
    expect((await db.prisma.tempTask.findUniqueOrThrow({ where: { id: bobTask } })).status).toBe(
      "AWAITING_PRICING",
    );
    expect((await refusals("pricing.price")).map((r) => r.reason)).toEqual(
      expect.arrayContaining(["auth.forbidden", "pricing.notFound", "pricing.ownTask"]),
    );
  });

  it("two members pricing the same task at once: one wins, the other is told who", async () => {
    const results = await Promise.allSettled([
      priceTempTask(db.prisma, deps, carol, { taskId: bobTask, points: 3000, reason: "接待" }),
      priceTempTask(db.prisma, deps, fx.people.dave, { taskId: bobTask, points: 2500, reason: "接待半天" }),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0]!.reason as DomainError).code).toBe("pricing.alreadyPriced");
    const row = await db.prisma.tempTask.findUniqueOrThrow({ where: { id: bobTask } });
    expect([3000, 2500]).toContain(row.points);
    expect(
      await db.prisma.auditLog.count({
        where: { action: "pricing.price", outcome: "OK", entityId: bobTask },
      }),
    ).toBe(1);
  });
});

describe(`quality scoring (${usingPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("the running score goes through the scoring module", () => {
    expect(qualityScoreOf([]).value).toBe("100.00");
    expect(
      qualityScoreOf([
        { value: -500n, veto: false },
        { value: 250n, veto: false },
      ]).value,
    ).toBe("97.50");
    expect(qualityScoreOf([{ value: -15000n, veto: false }])).toMatchObject({
      value: "0.00",
      beforeFloor: "-50.00",
    });
    expect(
      qualityScoreOf([
        { value: 300n, veto: false },
        { value: 0n, veto: true },
      ]),
    ).toMatchObject({
      value: "0.00",
      vetoed: true,
    });
    expect(parseSignedAmount("-2.5")).toBe(-250);
    expect(parseSignedAmount("+3")).toBe(300);
    expect(parseSignedAmount("−1")).toBe(-100);
    expect(parseSignedAmount("1,5")).toBeNull();
    expect(parseSignedAmount("abc")).toBeNull();
  });

  it("shows the standards of the items worked on; nobody adjusted scores 100", async () => {
    const s = await qualitySheet(db.prisma, carol, { person: "UALICE", month: M });
    expect(s.person.name).toBe("Alice");
    expect(s.rules.map((r) => [r.itemCode, r.description, r.value, r.veto])).toEqual([
      ["SV001", "错票一张", -200, false],
      ["SV001", "纳税人书面表扬", 100, false],
      ["SV001", "违规发售发票", 0, true],
    ]);
    expect(s.score.value).toBe("100.00");
    expect(s.review).toBeNull();
    const bob = await qualitySheet(db.prisma, carol, { person: "UBOB", month: M });
    // Bob's temporary task named SV001: its standards apply too
    expect(bob.rules.map((r) => r.itemCode)).toContain("SV001");
  });

  it("saving with no adjustment records the review (no longer a close blocker), score 100", async () => {
    const before = await loadMonthInput(db, M);
    expect(before.blockers.staffWithoutQualityReview.map((w) => w.name)).toContain("Bob");
    const r = await recordQuality(db.prisma, deps, carol, {
      person: "UBOB",
      month: M,
      key: "formbob0001",
      adjustments: [],
    });
    expect(r).toMatchObject({ added: 0, repeated: false });
    expect(r.sheet.review).toMatchObject({ by: { name: "Carol" } });
    expect(r.sheet.score.value).toBe("100.00");
    const after = await loadMonthInput(db, M);
    expect(after.blockers.staffWithoutQualityReview.map((w) => w.name)).not.toContain("Bob");
    const bob = computeMonth(after.input).people.find((p) => p.name === "Bob")!;
    expect(bob.quality.toFixed2()).toBe("100.00");
  });

  it("records standards and free adjustments with reasons and evidence; a retried form adds nothing", async () => {
    const input = {
      person: "UALICE",
      month: M,
      key: "formalice01",
      adjustments: [
        { ruleId: rules.minor },
        { value: -350, reason: "窗口投诉", evidence: "https://example.org/complaint/17" },
        { value: 100, reason: "主动加班" },
      ],
    };
    const r = await recordQuality(db.prisma, deps, carol, input);
    expect(r.added).toBe(3);
    expect(r.sheet.score).toMatchObject({ value: "95.50", deductions: -550n, bonuses: 100n });
    expect(r.sheet.adjustments.map((a) => [a.value, a.reason, a.evidence])).toEqual([
      [-200, "错票一张", null],
      [-350, "窗口投诉", "https://example.org/complaint/17"],
      [100, "主动加班", null],
    ]);
    const again = await recordQuality(db.prisma, deps, carol, input);
    expect(again).toMatchObject({ added: 0, repeated: true });
    expect(await db.prisma.qualityAdjustment.count({ where: { personId: fx.people.alice.personId } })).toBe(
      3,
    );
    const loaded = await loadMonthInput(db, M);
    const alice = computeMonth(loaded.input).people.find((p) => p.name === "Alice")!;
    expect(alice.quality.toFixed2()).toBe("95.50");
  });

  it("refuses bad input, veto standards as adjustments, strangers and oneself, changing nothing", async () => {
    const count = () => db.prisma.qualityAdjustment.count();
    const n = await count();
    const rec = (actor: Actor, adjustments: object[], person = "UALICE") =>
      recordQuality(db.prisma, deps, actor, { person, month: M, key: "formbad0001", adjustments });
    await expectCode(rec(carol, [{ value: 0, reason: "x" }]), "quality.badValue");
    await expectCode(rec(carol, [{ value: 20000, reason: "x" }]), "quality.badValue");
    await expectCode(rec(carol, [{ value: -100 }]), "assess.noReason");
    await expectCode(rec(carol, [{ ruleId: rules.veto }]), "quality.vetoNeedsConfirm");
    await expectCode(rec(carol, [{ ruleId: rules.other }]), "quality.ruleUnknown");
    await expectCode(rec(carol, [{ ruleId: "nope" }]), "quality.ruleUnknown");
    // a standard a catalog import retired (kept for the adjustments naming it) is neither shown nor taken
    await db.prisma.itemQualityRule.update({ where: { id: rules.praise }, data: { active: false } });
    await expectCode(rec(carol, [{ ruleId: rules.praise }]), "quality.ruleUnknown");
    expect(
      (await qualitySheet(db.prisma, carol, { person: "UALICE", month: M })).rules.map((r) => r.id),
    ).not.toContain(rules.praise);
    await db.prisma.itemQualityRule.update({ where: { id: rules.praise }, data: { active: true } });
    await expectCode(rec(fx.people.bob, []), "auth.forbidden");
    await expectCode(rec(carol, [], "UCAROL"), "quality.self");
    await expectCode(rec(carol, [], "UEVE"), "quality.notStaff");
    await expectCode(rec(carol, [], "UNOBODY"), "quality.notStaff");
    await expectCode(
      qualitySheet(db.prisma, fx.people.alice, { person: "UBOB", month: M }),
      "auth.forbidden",
    );
    expect(await count()).toBe(n);
    expect((await refusals("quality.record")).map((r) => r.reason)).toEqual(
      expect.arrayContaining(["quality.badValue", "auth.forbidden", "quality.self", "quality.notStaff"]),
    );
    expect(
      await db.prisma.qualityReview.findUnique({
        where: { personId_month: { personId: fx.people.carol.personId, month: M } },
      }),
    ).toBeNull();
  });

  it("the veto needs confirming, sets quality to 0, and can be withdrawn", async () => {
    const base = {
      person: "UALICE",
      month: M,
      key: "vetoalice01",
      ruleId: rules.veto,
      reason: "违规发售发票 2 份",
    };
    await expectCode(
      recordVeto(db.prisma, deps, carol, { ...base, confirm: false }),
      "quality.vetoUnconfirmed",
    );
    await expectCode(
      recordVeto(db.prisma, deps, carol, { ...base, ruleId: rules.minor, confirm: true }),
      "quality.ruleUnknown",
    );
    const r = await recordVeto(db.prisma, deps, carol, { ...base, confirm: true });
    expect(r.sheet.score).toMatchObject({ value: "0.00", vetoed: true });
    const alice = computeMonth((await loadMonthInput(db, M)).input).people.find((p) => p.name === "Alice")!;
    expect(alice.vetoed).toBe(true);
    expect(alice.quality.toFixed2()).toBe("0.00");
    const veto = r.sheet.adjustments.find((a) => a.veto)!;
    expect(await db.prisma.auditLog.count({ where: { action: "quality.veto", outcome: "OK" } })).toBe(1);

    const back = await revokeQualityAdjustment(db.prisma, deps, carol, { adjustmentId: veto.id });
    expect(back.sheet.score).toMatchObject({ value: "95.50", vetoed: false });
    expect((await revokeQualityAdjustment(db.prisma, deps, carol, { adjustmentId: veto.id })).repeated).toBe(
      true,
    );
    await expectCode(
      revokeQualityAdjustment(db.prisma, deps, fx.people.alice, { adjustmentId: veto.id }),
      "auth.forbidden",
    );
    await expectCode(
      revokeQualityAdjustment(db.prisma, deps, carol, { adjustmentId: "nope" }),
      "quality.adjustmentNotFound",
    );
  });
});

describe(`discretionary pool (${usingPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("pool = 10 × staff assessed, for the branch chief only", async () => {
    await expectCode(poolView(db.prisma, carol, M), "auth.forbidden");
    expect((await refusals("award.view")).at(-1)).toMatchObject({
      actor: "UCAROL",
      reason: "auth.forbidden",
    });
    const p = await poolView(db.prisma, fx.people.dave, M);
    // Alice, Bob, Carol (Eve is deactivated, Dave is not staff)
    expect(p).toMatchObject({ staffAssessed: 3, size: 3000n, given: 0n, left: 3000n });
    expect(p.people.map((x) => x.name).sort()).toEqual(["Alice", "Bob", "Carol"]);
  });

  it("gives with a reason, refuses overspending with the numbers, is idempotent and revocable", async () => {
    const give = (person: string, points: number, key: string, reason = "表现突出") =>
      giveAward(db.prisma, deps, fx.people.dave, { month: M, person, points, reason, key });
    const a = await give("UALICE", 2000, "award00001");
    expect(a.pool).toMatchObject({ given: 2000n, left: 1000n });
    expect(a.award).toMatchObject({ name: "Alice", points: 2000, reason: "表现突出" });
    expect((await give("UALICE", 2000, "award00001")).repeated).toBe(true);
    await expectCode(give("UBOB", 1500, "award00002"), "award.overspent", {
      pool: "30.00",
      given: "20.00",
      left: "10.00",
      asked: "15.00",
    });
    expect((await refusals("award.give")).at(-1)!.after).toMatchObject({ left: "10.00", asked: "15.00" });
    await expectCode(give("UBOB", 0, "award00003"), "award.badPoints");
    await expectCode(give("UBOB", 500, "award00004", ""), "assess.noReason");
    await expectCode(give("UEVE", 500, "award00005"), "award.notAssessed");
    await expectCode(
      giveAward(db.prisma, deps, carol, {
        month: M,
        person: "UBOB",
        points: 100,
        reason: "x",
        key: "award00006",
      }),
      "auth.forbidden",
    );
    const exact = await give("UBOB", 1000, "award00007");
    expect(exact.pool).toMatchObject({ given: 3000n, left: 0n });
    expect(await db.prisma.discretionaryAward.count()).toBe(2);
    const loaded = await loadMonthInput(db, M);
    expect(computeMonth(loaded.input).pool).toMatchObject({ size: 3000n, spent: 3000n, left: 0n });

    const back = await revokeAward(db.prisma, deps, fx.people.dave, { awardId: exact.award.id });
    expect(back.pool.left).toBe(1000n);
    expect((await revokeAward(db.prisma, deps, fx.people.dave, { awardId: exact.award.id })).repeated).toBe(
      true,
    );
  });

  it("two gifts that fit alone but not together: one is refused", async () => {
    const results = await Promise.allSettled([
      giveAward(db.prisma, deps, fx.people.dave, {
        month: M,
        person: "UBOB",
        points: 800,
        reason: "a",
        key: "concur0001",
      }),
      giveAward(db.prisma, deps, fx.people.dave, {
        month: M,
        person: "UCAROL",
        points: 800,
        reason: "b",
        key: "concur0002",
      }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((lost.reason as DomainError).code).toBe("award.overspent");
    expect((await poolView(db.prisma, fx.people.dave, M)).left).toBe(200n);
  });
});

describe("a published month takes nothing more", () => {
  it("refuses pricing, quality and awards after publication", async () => {
    const t = await logTempTask(db.prisma, deps, fx.people.bob, { minutes: 10, description: "晚到的任务" });
    await db.prisma.monthClose.create({ data: { month: M, state: "PUBLISHED" } });
    await expectCode(
      priceTempTask(db.prisma, deps, carol, { taskId: t.id, points: 100, reason: "x" }),
      "assess.monthPublished",
      { month: M },
    );
    await expectCode(
      recordQuality(db.prisma, deps, carol, {
        person: "UBOB",
        month: M,
        key: "formlate001",
        adjustments: [],
      }),
      "assess.monthPublished",
    );
    await expectCode(
      giveAward(db.prisma, deps, fx.people.dave, {
        month: M,
        person: "UBOB",
        points: 100,
        reason: "x",
        key: "latelate01",
      }),
      "assess.monthPublished",
    );
    expect((await listPricingQueue(db.prisma, fx.people.dave)).tasks.map((x) => x.month)).not.toContain(M);
    expect((await db.prisma.tempTask.findUniqueOrThrow({ where: { id: t.id } })).status).toBe(
      "AWAITING_PRICING",
    );
  });
});
