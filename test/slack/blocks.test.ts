/** Block builders: pure, and within Slack's limits (checked with the emulator's validators). */
import { describe, expect, it } from "vitest";
import { validateMessage, validateView } from "../../src/emulator/index.js";
import { translator } from "../../src/i18n/index.js";
import { homeView } from "../../src/slack/blocks/home.js";
import { esc, truncate, userText } from "../../src/slack/blocks/kit.js";
import { type LineView, listMessage } from "../../src/slack/blocks/list.js";
import { candidatesReply, confirmReply, loggedReply } from "../../src/slack/blocks/log-reply.js";
import { editModal, logModal } from "../../src/slack/blocks/modal.js";
import { itemOptions } from "../../src/slack/blocks/options.js";
import { renderBlocks } from "../../src/slack/blocks/render.js";
import { submitSummaryMessage } from "../../src/slack/blocks/submit.js";

const t = translator("zh-CN");
const en = translator("en");

const line = (i: number, extra: Partial<LineView> = {}): LineView => ({
  id: `c${String(i).padStart(24, "0")}`,
  workDate: "2026-11-03",
  itemCode: "SV004",
  itemName: "催报催缴".repeat(10),
  itemNameEn: "Arrears collection",
  count: 2,
  pointsPerUnit: 3000,
  subtotal: 6000,
  note: "很长的备注".repeat(100),
  evidenceMissing: [{ id: "d1", name: "欠税清册", nameEn: "Arrears list" }],
  evidenceCount: 0,
  editable: true,
  ...extra,
});

describe("block builders", () => {
  it("a logged reply shows points and totals, escapes user text and carries the entry id on Undo", () => {
    const m = loggedReply(
      t,
      "zh-CN",
      {
        entry: {
          id: "centry",
          workDate: "2026-11-20",
          count: 3,
          itemCode: "SV001",
          itemName: "发票发售",
          itemNameEn: "Invoice sales",
          pointsPerUnit: 325,
          subtotal: 975,
        },
        dayTotal: 975,
        monthTotal: 123456n,
        monthLines: 7,
        evidenceMissing: [],
      },
      "<!channel> & friends",
    );
    const text = renderBlocks(m.blocks);
    expect(text).toContain("3 × 3.25 = *9.75 分*");
    expect(text).toContain("*1234.56 分*（7 条）");
    expect(text).toContain("&lt;!channel&gt; &amp; friends");
    expect(JSON.stringify(m.blocks)).toContain('"value":"centry"');
    expect(validateMessage(m)).toEqual([]);
  });

  it("a long month paginates: every page stays within 50 blocks and 3000 characters per section", () => {
    const lines = Array.from({ length: 130 }, (_, i) => line(i));
    const temps = Array.from({ length: 200 }, (_, i) => ({
      workDate: "2026-11-02",
      minutes: 30,
      description: `临时任务 ${i} ${"说明".repeat(40)}`,
      status: "AWAITING_PRICING",
    }));
    const view = {
      month: "2026-11",
      sheet: { state: "OPEN" },
      lines,
      tempTasks: temps,
      total: 780000,
      evidenceGaps: 130,
    };
    for (const page of [0, 1, 3, 99]) {
      const m = listMessage(t, "zh-CN", view, page);
      expect(m.blocks.length).toBeLessThanOrEqual(50);
      expect(validateMessage(m)).toEqual([]);
    }
    expect(renderBlocks(listMessage(t, "zh-CN", view, 0).blocks)).toContain("第 1–40 条，共 130 条");
    expect(renderBlocks(listMessage(t, "zh-CN", view, 3).blocks)).toContain("第 121–130 条，共 130 条");
    expect(renderBlocks(listMessage(t, "zh-CN", view, 0).blocks)).toMatch(/另有 \d+ 条未显示/);
  });

  it("read-only lines have no Edit/Delete menu", () => {
    const m = listMessage(t, "zh-CN", {
      month: "2026-11",
      sheet: { state: "SUBMITTED" },
      lines: [line(1, { editable: false })],
      tempTasks: [],
      total: 6000,
      evidenceGaps: 1,
    });
    expect(JSON.stringify(m.blocks)).not.toContain("overflow");
    expect(renderBlocks(m.blocks)).toContain("🔒 不可修改");
  });

  it("candidate and confirm buttons stay under the 2000-character value limit even with a long note", () => {
    const pending = { c: 3, d: "2026-11-20", n: "备".repeat(500) };
    const cands = Array.from({ length: 8 }, (_, i) => ({
      id: `cid${i}`,
      code: `SV00${i}`,
      name: "发票".repeat(50),
      nameEn: "x",
      points: 100,
    }));
    const m = candidatesReply(t, "zh-CN", "ambiguous", "fp".repeat(1000), cands, pending);
    expect(validateMessage(m)).toEqual([]);
    expect(m.blocks.length).toBeLessThan(10);
    const c = confirmReply(
      en,
      { reason: "dayOver", dayTotal: 60000, limit: 48000 },
      { ...pending, i: "cid" },
    );
    expect(renderBlocks(c.blocks)).toContain("*600.00* points, above the plausible 480.00");
    expect(validateMessage(c)).toEqual([]);
  });

  it("the log and edit modals are valid views within 100 blocks", () => {
    const item = {
      id: "citem",
      code: "SV004",
      name: "催报催缴",
      nameEn: "Arrears collection",
      unit: "CASE",
      points: 3000,
      evidence: Array.from({ length: 23 }, (_, i) => ({ id: `d${i}`, name: `资料${i}`, nameEn: `Doc ${i}` })),
    };
    const v = logModal(t, "zh-CN", { today: "2026-11-20", meta: { ch: "C1" }, item });
    expect(validateView(v, "modal")).toEqual([]);
    expect(v.blocks.length).toBeLessThanOrEqual(100);
    expect(renderBlocks(v.blocks)).toContain("SV004 · 每件 30.00");
    const e = editModal(en, "en", {
      meta: { id: "c1", m: "2026-11" },
      line: line(1, { evidenceMissing: [{ id: "d0", name: "资料0", nameEn: "Doc 0" }] }),
      item,
    });
    expect(validateView(e, "modal")).toEqual([]);
    expect(renderBlocks(e.blocks)).toContain("☐ Doc 0  ☑ Doc 1");
  });

  it("the summary, the home and the options are within limits", () => {
    const items = Array.from({ length: 195 }, (_, i) => ({
      itemCode: `X${i}`,
      itemName: "很长的事项名称".repeat(5),
      itemNameEn: "x",
      count: i,
      points: i * 100,
    }));
    const s = submitSummaryMessage(t, "zh-CN", {
      month: "2026-11",
      state: "OPEN",
      late: false,
      lines: 400,
      items,
      tempTasks: { awaiting: 2, priced: 1 },
      total: 99999,
      evidenceGaps: 3,
      deadline: "2026-12-05",
      canSubmit: true,
      blockers: [],
      lateIfSubmittedNow: true,
    });
    expect(validateMessage(s)).toEqual([]);
    expect(renderBlocks(s.blocks)).toContain("已过截止日期");
    const h = homeView(t, {
      month: "2026-11",
      total: 0,
      lines: 0,
      state: null,
      late: false,
      evidenceGaps: 0,
      tempAwaiting: 0,
      nextDeadline: { date: "2026-12-05", kind: "submit", month: "2026-11" },
      lastResult: null,
      submitMonth: "2026-11",
    });
    expect(validateView(h, "home")).toEqual([]);
    const opts = itemOptions(
      "zh-CN",
      [],
      Array.from({ length: 300 }, (_, i) => ({
        id: `i${i}`,
        code: `C${i}`,
        name: "名".repeat(100),
        points: 1,
      })),
    );
    expect(opts).toHaveLength(100);
    expect(opts.every((o) => o.text.text.length <= 75)).toBe(true);
  });

  it("escapes and truncates by characters", () => {
    expect(esc("<a>&")).toBe("&lt;a&gt;&amp;");
    expect(truncate("🎉🎉🎉", 2)).toBe("🎉…");
    expect(userText("  a\n\nb  ")).toBe("a b");
  });
});
