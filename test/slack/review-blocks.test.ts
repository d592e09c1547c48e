/**
 * The review overview builder is pure: however many clean sheets wait, "Approve all clean" names exactly
 * the sheets its value carries, so a click never approves a sheet the button did not count.
 */
import { describe, expect, it } from "vitest";
import type { PendingSheet, ReviewOverview } from "../../src/domain/review.js";
import { translator } from "../../src/i18n/index.js";
import { reviewOverviewMessage } from "../../src/slack/blocks/review.js";
import { ApproveAllRefSchema, unpack } from "../../src/slack/values.js";

const zh = translator("zh-CN");
const en = translator("en");

function pending(i: number): PendingSheet {
  return {
    sheetId: `cm${String(i).padStart(23, "0")}`,
    month: "2026-11",
    version: 3,
    person: { personId: `p${i}`, slackUserId: `U${i}`, name: `员工${i}`, nameEn: null },
    late: false,
    submittedAt: new Date("2026-12-02T01:00:00Z"),
    total: 1200,
    lines: 4,
    evidenceGaps: 0,
    flags: 0,
    tempAwaiting: 0,
    clean: true,
    onBehalfOf: null,
  };
}

function overview(n: number): ReviewOverview {
  return {
    month: "2026-11",
    pending: Array.from({ length: n }, (_, i) => pending(i)),
    notSubmitted: [],
    decided: 0,
    sections: 1,
    published: false,
  };
}

function approveAllButton(blocks: unknown[]): { text: string; value: string } {
  for (const b of blocks as {
    type: string;
    elements?: { action_id?: string; text?: { text: string }; value?: string }[];
  }[]) {
    const e = b.elements?.find((x) => x.action_id === "review_approve_all");
    if (e) return { text: e.text!.text, value: e.value! };
  }
  throw new Error("no Approve all button");
}

describe("reviewOverviewMessage: Approve all clean", () => {
  it("carries every clean sheet it counts when they fit", () => {
    const m = reviewOverviewMessage(zh, "zh-CN", overview(5));
    const b = approveAllButton(m.blocks);
    expect(b.text).toBe("一键通过无问题的（5）");
    const ref = unpack(ApproveAllRefSchema, b.value)!;
    expect(Object.keys(ref.s ?? {})).toHaveLength(5);
  });

  it("with more clean sheets than a button value holds, counts and carries the same sheets (never the whole month)", () => {
    for (const [t, lang] of [
      [zh, "zh-CN"],
      [en, "en"],
    ] as const) {
      const m = reviewOverviewMessage(t, lang, overview(150));
      expect(m.blocks.length).toBeLessThanOrEqual(50);
      const b = approveAllButton(m.blocks);
      expect(b.value.length).toBeLessThanOrEqual(2000);
      const ref = unpack(ApproveAllRefSchema, b.value)!;
      const carried = Object.keys(ref.s ?? {});
      expect(carried.length).toBeGreaterThan(20);
      expect(carried.length).toBeLessThan(150);
      expect(b.text).toContain(`${carried.length}`);
      // the first sheets (those listed on top) are among them
      expect(carried).toContain(pending(0).sheetId);
    }
  });
});
