/**
 * The close builders on their own: the announcement's privacy setting (full ranking vs the top N), long
 * rankings split into messages within Slack's limits, the preview capped at 50 blocks with a pointer to
 * the export, CJK-aware column alignment, and the exact final of `why`.
 */
import { describe, expect, it } from "vitest";
import type { MonthTable, ResultLine } from "../../src/domain/close.js";
import { translator } from "../../src/i18n/index.js";
import { announcementMessages, resultDmMessage } from "../../src/slack/blocks/announce.js";
import { closePreviewMessage, displayWidth, textTable } from "../../src/slack/blocks/close.js";
import { renderBlocks } from "../../src/slack/blocks/render.js";
import { exactDecimal } from "../../src/slack/blocks/why.js";

function table(n: number): MonthTable {
  const rows: ResultLine[] = Array.from({ length: n }, (_, i) => ({
    personId: `p${i}`,
    slackUserId: `U${i}`,
    name: `员工${i}`,
    nameEn: `Staff ${i}`,
    categoryCode: i % 2 ? "SERVICE" : "MONITOR",
    sectionId: null,
    sectionCode: null,
    raw: "100.00",
    groupMax: "200.00",
    quantity: "50.00",
    quality: "100.00",
    vetoed: i === 3,
    qualityWeight: "0.4",
    quantityWeight: "0.6",
    qualityWeighted: "40.00",
    quantityWeighted: "30.00",
    discretionary: "0.00",
    final: (100 - i / 10).toFixed(2),
    finalRounded: BigInt(10000 - i * 10),
    rankOverall: i + 1,
    rankCategory: Math.floor(i / 2) + 1,
    rankSection: null,
    tiedOverall: false,
    tiedCategory: false,
    previous: i === 0 ? { month: "2026-09", final: "90.00", rankOverall: 4, delta: "+10.00" } : null,
  }));
  return {
    month: "2026-10",
    rows,
    categories: [
      {
        code: "SERVICE",
        name: "综合办税",
        nameEn: "Tax service",
        qualityWeight: "0.4",
        quantityWeight: "0.6",
        normGroup: "SERVICE",
        groupMax: "200.00",
        staff: n / 2,
      },
      {
        code: "MONITOR",
        name: "日常监控",
        nameEn: "Monitoring",
        qualityWeight: "0.5",
        quantityWeight: "0.5",
        normGroup: "MONITOR",
        groupMax: "200.00",
        staff: n / 2,
      },
    ],
    pool: { size: "100.00", spent: "0.00", left: "100.00" },
    totals: { staff: n, raw: "1000.00", spread: "1.00", average: "99.00", top: "100.00", bottom: "99.00" },
    previousMonth: "2026-09",
  };
}

const t = translator("en");

describe("announcement", () => {
  it("full: everyone, split into messages of at most 50 blocks with sections under 3000 characters", () => {
    const msgs = announcementMessages(t, "en", table(2000), { privacy: "full", topN: 10 });
    expect(msgs.length).toBeGreaterThan(1);
    for (const m of msgs) {
      expect(m.blocks.length).toBeLessThanOrEqual(50);
      for (const b of m.blocks) {
        const text = (b as { text?: { text?: string } }).text?.text ?? "";
        expect(text.length).toBeLessThanOrEqual(3000);
      }
    }
    const all = msgs.map((m) => renderBlocks(m.blocks)).join("\n");
    expect(all).toContain("Staff 1999");
    expect(all).toContain("✗ veto");
  });

  it("top N: only the top of each ranking, and everyone told their rank comes by DM", () => {
    const msgs = announcementMessages(t, "en", table(40), { privacy: "top", topN: 3 });
    expect(msgs).toHaveLength(1);
    const text = renderBlocks(msgs[0]!.blocks);
    expect(text).toContain("Top 3 shown");
    expect(text).toContain("1. Staff 0 · MONITOR: *100.00*");
    expect(text).toContain("3. Staff 2");
    expect(text).not.toContain("Staff 30");
    const dm = renderBlocks(resultDmMessage(t, "en", table(40), table(40).rows[30]!).blocks);
    expect(dm).toContain("rank 31 of 40 overall");
  });
});

describe("preview", () => {
  it("stays within 50 blocks and points to the export for the rest", () => {
    const p = {
      month: "2026-10",
      state: "OPEN" as const,
      inputsHash: "0123456789abcdef0123456789abcdef",
      blockers: [],
      evidenceIncomplete: [],
      table: table(3000),
      published: null,
      poolOverspent: null,
    };
    const m = closePreviewMessage(t, "en", p);
    expect(m.blocks.length).toBeLessThanOrEqual(50);
    const text = renderBlocks(m.blocks);
    expect(text).toMatch(/more rows not shown here: `\/kpi export 2026-10`/);
    expect(text).toContain("[Publish…]");
  });

  it("aligns columns by display width (a Chinese character takes two cells)", () => {
    expect(displayWidth("王芳")).toBe(4);
    const [a, b] = textTable(
      [
        ["王芳", "1.00"],
        ["Anna", "10.00"],
      ],
      new Set([0]),
    );
    expect(displayWidth(a!)).toBe(displayWidth(b!));
  });
});

describe("why", () => {
  it("shows an exact final exactly, and a repeating one to 6 places", () => {
    expect(exactDecimal("103")).toBe("103.00");
    expect(exactDecimal("1833/20")).toBe("91.65");
    expect(exactDecimal("250/3")).toBe("83.333333…");
  });
});
