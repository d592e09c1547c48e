/**
 * The pricing, quality and award builders are pure: rendered in both languages, and within Slack's limits
 * however long the queue, the catalog's standards or the list of adjustments and gifts.
 */
import { describe, expect, it } from "vitest";
import type { PoolView } from "../../src/domain/awards.js";
import type { PricingTask } from "../../src/domain/pricing.js";
import { type QualitySheet, qualityScoreOf } from "../../src/domain/quality.js";
import { translator } from "../../src/i18n/index.js";
import {
  awardModal,
  pricingModal,
  pricingQueueMessage,
  qualityModal,
  suggestionLine,
  vetoModal,
} from "../../src/slack/blocks/assessment.js";
import { renderBlocks, renderView } from "../../src/slack/blocks/render.js";

const en = translator("en");
const zh = translator("zh-CN");

function task(i: number, basis: "item" | "category" | "base" = "base"): PricingTask {
  return {
    id: `task${i}`,
    month: "2026-11",
    workDate: "2026-11-20",
    minutes: 90,
    description: `Flood relief paperwork #${i} <b>&`,
    status: "AWAITING_PRICING",
    points: null,
    pricingReason: null,
    pricedAt: null,
    pricedBy: null,
    owner: { personId: "p1", slackUserId: "U1", name: "张伟", nameEn: "Zhang Wei" },
    sheetState: "SUBMITTED",
    categoryCode: "SERVICE",
    category: { code: "SERVICE", name: "综合办税", nameEn: "Comprehensive tax service" },
    similarItem: {
      id: "i1",
      code: "SV001",
      name: "发票发售",
      nameEn: "Invoice sales",
      categoryCode: "SERVICE",
      unit: "TXN",
      pointsPerUnit: 300,
    },
    suggestion:
      basis === "base"
        ? { basis, points: 9000, refPoints: 100, refMinutes: 1, refTasks: 0, categoryCode: "SERVICE" }
        : { basis, points: 4000, refPoints: 8000, refMinutes: 180, refTasks: 2, categoryCode: "SERVICE" },
  };
}

function sheet(rules: number, adjustments: number): QualitySheet {
  const adj = Array.from({ length: adjustments }, (_, i) => ({
    id: `a${i}`,
    value: -100,
    veto: false,
    reason: `reason ${i}`,
    evidence: i === 0 ? "https://example.org/x" : null,
    ruleId: null,
    createdBy: { personId: "g", slackUserId: "UG", name: "王股长" },
    createdAt: new Date(),
  }));
  return {
    month: "2026-11",
    person: { personId: "p1", slackUserId: "U1", name: "张伟", nameEn: null },
    rules: Array.from({ length: rules }, (_, i) => ({
      id: `r${i}`,
      itemId: "i1",
      itemCode: "SV001",
      itemName: "发票发售",
      itemNameEn: "Invoice sales",
      description: `标准 ${i}`,
      descriptionEn: `standard ${i}`,
      value: i % 2 ? 100 : -200,
      veto: i === rules - 1,
      lines: 3,
    })),
    adjustments: adj,
    score: qualityScoreOf(adj),
    review: null,
    published: false,
  };
}

describe("assessment builders", () => {
  it("the queue explains each suggestion and stays within 50 blocks", () => {
    const m = pricingQueueMessage(en, "en", {
      month: null,
      tasks: Array.from({ length: 40 }, (_, i) => task(i)),
      total: 70,
    });
    expect(m.blocks.length).toBeLessThanOrEqual(50);
    const text = renderBlocks(m.blocks);
    expect(text).toContain("Temporary tasks awaiting pricing: 70");
    expect(text).toContain("Flood relief paperwork #0 &lt;b&gt;&amp;");
    expect(text).toContain("Similar item named: *SV001 Invoice sales* (3.00 points per transaction)");
    expect(text).toContain("…and 55 more");
    expect(suggestionLine(en, "en", task(1, "item"))).toBe(
      "💡 Suggested *40.00* points = 0.44 points/min × 90 min (2 earlier task(s) like SV001: 80.00 points for 180 min).",
    );
    expect(suggestionLine(zh, "zh-CN", task(1, "category"))).toContain(
      "此前同属综合办税类的 2 项工作：180 分钟共 80.00 分",
    );
    expect(
      renderBlocks(pricingQueueMessage(zh, "zh-CN", { month: "2026-10", tasks: [], total: 0 }).blocks),
    ).toContain("2026-10 没有待定分的临时性工作");
  });

  it("the pricing form fills in the suggestion", () => {
    const v = renderView(pricingModal(zh, "zh-CN", task(1), { t: "task1" }) as never);
    expect(v).toContain("[90.00]");
    expect(v).toContain("[确定分值] ┘");
  });

  it("the quality form stays within 100 blocks; checkboxes hold 10 options each; veto standards only in the veto view", () => {
    const s = sheet(35, 80);
    const view = qualityModal(en, "en", s, { meta: { p: "p1", m: "2026-11", k: "abcdefgh12" } });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const blocks = view.blocks as unknown as {
      type: string;
      element?: { type: string; options?: unknown[] };
    }[];
    const boxes = blocks.filter((b) => b.type === "input" && b.element?.type === "checkboxes");
    expect(boxes.length).toBe(4);
    for (const b of boxes) expect(b.element!.options!.length).toBeLessThanOrEqual(10);
    expect(JSON.stringify(view)).not.toContain("standard 34");
    const text = renderView(view as never);
    expect(text).toContain("Quality score now: *20.00*  (100 − 80.00 + 0.00)");
    expect(text).toContain("…and 40 more (not shown)");
    expect(JSON.stringify(vetoModal(en, "en", s, { p: "p1", m: "2026-11", k: "abcdefgh13" }))).toContain(
      "SV001 standard 34",
    );
    expect(view.private_metadata!.length).toBeLessThanOrEqual(3000);
  });

  it("the award form shows the pool and each gift", () => {
    const pool: PoolView = {
      month: "2026-11",
      staffAssessed: 5,
      poolPerStaff: 1000n,
      size: 5000n,
      given: 3000n,
      left: 2000n,
      people: [],
      awards: Array.from({ length: 90 }, (_, i) => ({
        id: `w${i}`,
        personId: "p",
        slackUserId: "U1",
        name: "张伟",
        points: 50,
        reason: "加班",
        awardedBy: "赵局长",
        createdAt: new Date(),
      })),
      published: false,
    };
    const view = awardModal(zh, pool, { meta: { m: "2026-11", k: "abcdefgh14" } });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const text = renderView(view as never);
    expect(text).toContain("2026-11 机动分总额：*50.00* 分（10.00 × 5 名受考核人员）");
    expect(text).toContain("已给 *30.00* · 剩余 *20.00*");
    expect(text).toContain("*张伟* +0.50 · 加班 · _赵局长_");
  });
});
