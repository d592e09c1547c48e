/**
 * `/log` alone: the modal opens at once with the trigger_id; the item picker autocompletes (recent items
 * first); picking an item updates the modal with its checklist; field errors write nothing; a valid form
 * records the line with its evidence; a plausibility question pushes a confirmation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderView } from "../../src/slack/blocks/render.js";
import { USERS } from "./fixtures.js";
import { counts, type Harness, settle, startHarness, textOf } from "./harness.js";

describe("the log modal over signed HTTP", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("http");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("/log with no text opens the form with views.open right after the ack", async () => {
    const before = await counts(h.db);
    const r = await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "" });
    expect(r.acked).toBe(true);
    expect(r.ackBody).toBeUndefined();
    const view = await h.slack.waitFor(() => h.slack.currentView(USERS.zhang));
    expect(view.callbackId).toBe("log_modal");
    expect(view.openedBy).toBe("views.open");
    const text = renderView(view.view);
    expect(text).toContain("┌ 记录工作 ┐");
    expect(text).toContain("考核事项 *: [▾ 编码、名称或拼音首字母]");
    expect(text).toContain("工作日期 *: [📅 2026-11-20]");
    expect(text).toContain("资料文件: [📎 upload]");
    expect(await counts(h.db)).toEqual(before);
    await h.slack.closeView({ user: USERS.zhang });
  });

  it("the picker lists the person's recent items first, and matches what is typed", async () => {
    h.clock.advance(1000);
    await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "dagjzl 1" });
    await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "" });
    await h.slack.waitFor(() => h.slack.currentView(USERS.zhang));
    const all = await h.slack.optionsRequest({ user: USERS.zhang, actionId: "item_select", value: "" });
    expect(all.acked).toBe(true);
    expect(all.options[0]).toMatchObject({ value: h.fx.items.archive });
    expect(all.options).toHaveLength(5);
    const typed = await h.slack.optionsRequest({ user: USERS.zhang, actionId: "item_select", value: "催缴" });
    expect(typed.options[0]).toMatchObject({
      value: h.fx.items.arrears,
      text: { text: "SV004 催报催缴 (30.00)" },
    });
  });

  it("picking an item updates the modal with its points and its required documents", async () => {
    const updatesBefore = h.slack.currentView(USERS.zhang)!.updates;
    const r = await h.slack.selectOption({
      user: USERS.zhang,
      actionId: "item_select",
      value: h.fx.items.arrears,
    });
    expect(r.acked).toBe(true);
    const updated = await h.slack.waitFor(() => {
      const v = h.slack.currentView(USERS.zhang);
      return v && v.updates > updatesBefore ? v : undefined;
    });
    const text = renderView(updated.view);
    expect(text).toContain("SV004 · 每件 30.00");
    expect(text).toContain("☐ 欠税清册  ☐ 催缴税款通知书");
  });

  it("field errors are shown on their blocks and nothing is written", async () => {
    const before = await counts(h.db);
    for (const bad of [
      { count: "-3", date: "2026-11-19", links: "" },
      { count: "1000000000", date: "2026-11-19", links: "" },
      { count: "2", date: "2026-11-19", links: "not a link" },
    ]) {
      const res = await h.slack.submitView({ user: USERS.zhang, values: bad });
      expect(res.responseAction).toBe("errors");
      expect(Object.keys(res.errors ?? {})).toHaveLength(1);
    }
    const future = await h.slack.submitView({
      user: USERS.zhang,
      values: { count: "2", date: "2026-12-24", links: "" },
    });
    expect(future.errors).toEqual({ date: "2026-12-24 是未来日期（今天是 2026-11-20）。" });
    expect(await counts(h.db)).toEqual(before);
  });

  it("a valid form records the line with its links, files and ticked documents", async () => {
    const res = await h.slack.submitView({
      user: USERS.zhang,
      values: {
        count: "2",
        date: "2026-11-18",
        note: { value: "上门催缴" },
        links: "https://docs.example.com/arrears/17",
        files: { type: "file_input", files: [{ id: "F0EVIDENCE1", name: "欠税清册.pdf" }] },
        [`checklist:${h.fx.items.arrears}`]: [h.fx.docs.arrearsList],
      },
    });
    expect(res.acked).toBe(true);
    expect(res.responseAction).toBeUndefined();
    expect(h.slack.currentView(USERS.zhang)).toBeUndefined();
    const reply = await h.slack.waitForEphemeral(USERS.zhang, /SV004/);
    const text = textOf(reply);
    expect(text).toContain("2 × 30.00 = *60.00 分*");
    expect(text).toContain("备注：上门催缴");
    expect(text).toContain("能见资料不全：催缴税款通知书");
    const entry = await h.db.prisma.entry.findFirst({
      where: { personId: h.fx.people.zhang, itemId: h.fx.items.arrears },
      include: { evidence: true },
    });
    expect(entry).toMatchObject({ count: 2, workDate: "2026-11-18", note: "上门催缴" });
    expect(entry!.evidence.map((e) => e.kind).sort()).toEqual(["CHECKLIST", "FILE", "LINK"]);
    await settle(h);
  });

  it("a day above the plausible total pushes a confirmation; confirming records the line", async () => {
    await h.slack.slashCommand({ user: USERS.li, command: "/log", text: "" });
    await h.slack.waitFor(() => h.slack.currentView(USERS.li));
    const before = await counts(h.db);
    const res = await h.slack.submitView({
      user: USERS.li,
      values: { item: h.fx.items.assessment, count: "5", date: "2026-11-20" },
    });
    expect(res.responseAction).toBe("push");
    expect(await counts(h.db)).toEqual(before);
    const confirm = h.slack.currentView(USERS.li)!;
    expect(confirm.callbackId).toBe("log_confirm_modal");
    expect(renderView(confirm.view)).toContain("600.00");
    const ok = await h.slack.submitView({ user: USERS.li });
    expect(ok.responseAction).toBe("clear");
    expect(h.slack.viewStack(USERS.li)).toHaveLength(0);
    await h.slack.waitForEphemeral(USERS.li, /600\.00 分/);
    expect(await h.db.prisma.entry.count({ where: { personId: h.fx.people.li } })).toBe(1);
  });

  it("records no Slack rule violations", async () => {
    await settle(h);
    h.slack.assertNoViolations();
  });
});
