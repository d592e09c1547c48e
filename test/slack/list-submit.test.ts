/**
 * `/log list` (lines with points, status and evidence gaps; Edit and Delete while open; pages) and
 * `/log submit` (summary, Submit, lines locked, late after the 5th, resubmitting a returned sheet).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logWork } from "../../src/domain/logging.js";
import { renderView } from "../../src/slack/blocks/render.js";
import { USERS } from "./fixtures.js";
import { ackText, type Harness, lastEphemeral, settle, startHarness, textOf } from "./harness.js";

describe("/log list and /log submit over signed HTTP", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("http");
    for (const text of ["fpfs 3 2026-11-02", "cbcj 1 2026-11-05 追缴", "dagjzl 2 2026-11-06"]) {
      h.clock.advance(1000);
      await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text });
    }
    await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "temp 45 协助整理防汛材料" });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("lists the month's lines with points, evidence gaps, temporary tasks and totals", async () => {
    const r = await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "list" });
    expect(r.acked).toBe(true);
    const list = await h.slack.waitForEphemeral(USERS.zhang, /我的记录：2026-11/);
    const text = textOf(list);
    expect(text).toContain("# 我的记录：2026-11");
    expect(text).toContain("积分表：*填报中*");
    expect(text).toContain("2026-11-02 · *SV001 发票发售* × 3 @ 3.00 = *9.00*  [⋯ 修改 | 删除]");
    expect(text).toContain("⚠️ 能见资料不全：欠税清册、催缴税款通知书");
    expect(text).toContain("_追缴_");
    expect(text).toContain("🕒 2026-11-20 · 协助整理防汛材料 · 45 分钟 · 待定分");
    expect(text).toContain("合计 *43.00 分*，共 3 条 · 资料不全：1 条");
  });

  it("Edit opens the edit modal (loading first, then filled) and saves count, note and ticked documents", async () => {
    const entry = await h.db.prisma.entry.findFirstOrThrow({
      where: { personId: h.fx.people.zhang, itemId: h.fx.items.arrears },
    });
    const list = lastEphemeral(h.slack, USERS.zhang)!;
    await h.slack.selectOption({
      user: USERS.zhang,
      actionId: "line_menu",
      blockId: `line:${entry.id}`,
      message: { channel: list.channel, ts: list.ts },
      value: JSON.stringify({ a: "edit", id: entry.id, m: "2026-11" }),
    });
    const modal = await h.slack.waitFor(() => {
      const v = h.slack.currentView(USERS.zhang);
      return v?.callbackId === "edit_modal" ? v : undefined;
    });
    expect(modal.openedBy).toBe("views.open");
    const text = renderView(modal.view);
    expect(text).toContain("┌ 修改记录 ┐");
    expect(text).toContain("数量 *: [1]");
    expect(text).toContain("☐ 欠税清册  ☐ 催缴税款通知书");
    const res = await h.slack.submitView({
      user: USERS.zhang,
      values: {
        count: "2",
        note: { value: "追缴两户" },
        [`checklist:${h.fx.items.arrears}`]: [h.fx.docs.arrearsList, h.fx.docs.paymentDemand],
      },
    });
    expect(res.responseAction).toBeUndefined();
    const done = await h.slack.waitForEphemeral(USERS.zhang, /已修改/);
    expect(textOf(done)).toContain("SV004 催报催缴* × 2 @ 30.00 = *60.00*");
    const after = await h.db.prisma.entry.findUniqueOrThrow({
      where: { id: entry.id },
      include: { evidence: true },
    });
    expect(after).toMatchObject({ count: 2, note: "追缴两户" });
    expect(after.evidence.filter((e) => e.kind === "CHECKLIST")).toHaveLength(2);
    await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "list" });
    const again = await h.slack.waitForEphemeral(USERS.zhang, (e) => textOf(e).includes("📎 已附 2 项"));
    expect(textOf(again)).not.toContain("能见资料不全");
  });

  it("Delete asks for confirmation, then deletes the line and shows the list again", async () => {
    const entry = await h.db.prisma.entry.findFirstOrThrow({
      where: { personId: h.fx.people.zhang, itemId: h.fx.items.archive },
    });
    const list = lastEphemeral(h.slack, USERS.zhang)!;
    await h.slack.selectOption({
      user: USERS.zhang,
      actionId: "line_menu",
      blockId: `line:${entry.id}`,
      message: { channel: list.channel, ts: list.ts },
      value: JSON.stringify({ a: "delete", id: entry.id, m: "2026-11" }),
    });
    const prompt = await h.slack.waitForEphemeral(USERS.zhang, /确定删除这一条吗/);
    expect(textOf(prompt)).toContain("[删除] [取消]");
    expect((await h.db.prisma.entry.findUniqueOrThrow({ where: { id: entry.id } })).status).toBe("ACTIVE");
    await h.slack.clickButton({
      user: USERS.zhang,
      actionId: "line_delete",
      message: { channel: prompt.channel, ts: prompt.ts },
    });
    const done = await h.slack.waitForEphemeral(USERS.zhang, /已删除/);
    expect(textOf(done)).toContain("# 我的记录：2026-11");
    expect((await h.db.prisma.entry.findUniqueOrThrow({ where: { id: entry.id } })).status).toBe("DELETED");
  });

  it("a long month is paginated within Slack's 50-block limit", async () => {
    const actor = await h.app.ctx.actors.get(USERS.li);
    for (let i = 0; i < 45; i++) {
      await logWork(h.db.prisma, { ...h.app.ctx.deps }, actor, {
        itemId: h.fx.items.archive,
        count: 1,
        workDate: `2026-11-${String(1 + (i % 19)).padStart(2, "0")}`,
        note: `#${i}`,
        confirm: true,
      });
    }
    await h.slack.slashCommand({ user: USERS.li, command: "/log", text: "list 2026-11" });
    const page1 = await h.slack.waitForEphemeral(USERS.li, /我的记录/);
    expect(page1.blocks!.length).toBeLessThanOrEqual(50);
    expect(textOf(page1)).toContain("第 1–40 条，共 45 条");
    await h.slack.clickButton({
      user: USERS.li,
      actionId: "list_page:next",
      message: { channel: page1.channel, ts: page1.ts },
    });
    const page2 = await h.slack.waitForEphemeral(USERS.li, /第 41–45 条/);
    expect(textOf(page2)).toContain("[上一页]");
  });

  it("/log submit shows the summary with a Submit button; submitting locks the lines", async () => {
    const r = await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "submit" });
    expect(r.acked).toBe(true);
    const summary = await h.slack.waitForEphemeral(USERS.zhang, /提交 2026-11 积分表/);
    const text = textOf(summary);
    expect(text).toContain("• SV001 发票发售：3 → 9.00 分");
    expect(text).toContain("• SV004 催报催缴：2 → 60.00 分");
    expect(text).toContain("合计：*69.00 分*，共 2 条");
    expect(text).toContain("临时性工作：1 项待定分，0 项已定分");
    expect(text).toContain("能见资料：齐全");
    expect(text).toContain("截止日期：2026-12-05");
    expect(text).toContain("[提交 2026-11]");
    // a double click: both clicks reach the app, one transition happens
    const click = () =>
      h.slack.clickButton({
        user: USERS.zhang,
        actionId: "sheet_submit",
        message: { channel: summary.channel, ts: summary.ts },
      });
    await Promise.all([click(), click()]);
    // the click that submits answers with the total; the other answers that it is already submitted.
    // Both replace the same message, in either order, so the success is looked for among the posts.
    const done = await h.slack.waitFor(
      () =>
        h.slack.responses.find(
          (p) => p.user === USERS.zhang && /已提交 2026-11/.test(JSON.stringify(p.body)),
        ),
      { description: "the submit confirmation through response_url" },
    );
    expect(JSON.stringify(done.body)).toContain("*69.00 分*，共 2 条");
    const sheet = await h.db.prisma.sheet.findFirstOrThrow({
      where: { personId: h.fx.people.zhang, month: "2026-11" },
    });
    expect(sheet).toMatchObject({ state: "SUBMITTED", late: false });
    await settle(h);
    expect(await h.db.prisma.sheetTransition.count({ where: { sheetId: sheet.id } })).toBe(1);
    // locked: no edit menu, no new lines
    await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "list" });
    const list = await h.slack.waitForEphemeral(USERS.zhang, (e) => textOf(e).includes("积分表：*已提交*"));
    expect(textOf(list)).not.toContain("[⋯");
    expect(textOf(list)).toContain("🔒 不可修改");
    const refused = await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "fpfs 1" });
    expect(ackText(refused)).toContain("您 2026-11 的积分表已提交，记录不能再修改");
  });

  it("after the 5th a submission is marked late", async () => {
    h.clock.set("2026-12-08T09:00:00+08:00");
    await h.slack.slashCommand({ user: USERS.li, command: "/log", text: "submit 2026-11" });
    const summary = await h.slack.waitForEphemeral(USERS.li, /提交 2026-11 积分表/);
    expect(textOf(summary)).toContain("已过截止日期，提交后将标记为逾期");
    await h.slack.clickButton({
      user: USERS.li,
      actionId: "sheet_submit",
      message: { channel: summary.channel, ts: summary.ts },
    });
    await h.slack.waitForEphemeral(USERS.li, /已提交 2026-11（逾期）/);
    const sheet = await h.db.prisma.sheet.findFirstOrThrow({
      where: { personId: h.fx.people.li, month: "2026-11" },
    });
    expect(sheet).toMatchObject({ state: "SUBMITTED", late: true });
  });

  it("a returned sheet can be fixed and resubmitted the same way", async () => {
    const sheet = await h.db.prisma.sheet.findFirstOrThrow({
      where: { personId: h.fx.people.zhang, month: "2026-11" },
    });
    await h.db.prisma.sheet.update({
      where: { id: sheet.id },
      data: { state: "RETURNED", returnReason: "发票发售缺少登记簿", version: { increment: 1 } },
    });
    await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "submit 2026-11" });
    const summary = await h.slack.waitForEphemeral(USERS.zhang, /退回原因：发票发售缺少登记簿/);
    expect(textOf(summary)).toContain("[重新提交 2026-11]");
    await h.slack.clickButton({
      user: USERS.zhang,
      actionId: "sheet_submit",
      message: { channel: summary.channel, ts: summary.ts },
    });
    await h.slack.waitForEphemeral(USERS.zhang, (e) => e.ts === summary.ts && /已提交 2026-11/.test(e.text));
    expect((await h.db.prisma.sheet.findUniqueOrThrow({ where: { id: sheet.id } })).state).toBe("SUBMITTED");
  });

  it("records no Slack rule violations", async () => {
    await settle(h);
    h.slack.assertNoViolations();
  });
});
