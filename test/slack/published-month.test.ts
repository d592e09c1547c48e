/**
 * A month whose results are published, through the real Bolt app and the fake Slack over signed HTTP:
 * `/log <item> <count> <date in that month>` (one statement, kpi_log_work), `/log undo` reaching a line
 * of that month, and the log form with such a date are answered with the clear message in the person's
 * language (en, zh-CN), naming the month, and write nothing but the REFUSED audit row; `/log submit` and
 * `/log list` of the month show no Submit button and no line menu, and a Submit click is refused. The month is
 * published with the real use-case (publishMonth, with an exception reason: the sheet logged before the
 * close was never submitted).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishMonth } from "../../src/domain/close.js";
import { renderView } from "../../src/slack/blocks/render.js";
import { packValue } from "../../src/slack/values-pack.js";
import { USERS } from "./fixtures.js";
import { ackText, counts, type Harness, settle, startHarness, textOf } from "./harness.js";

const M = "2026-10";
const EN = "The results of 2026-10 are published: that month takes no more changes";
const ZH = "2026-10 的考核结果已公布，该月不再接受任何更改";

describe("a published month over signed HTTP", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("http");
    // 张伟 logged a line in October (the previous month) and never submitted it; 刘洋 (English) nothing
    const r = await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "fpfs 2 2026-10-30" });
    expect(ackText(r)).toContain("SV001 发票发售");
    const out = await publishMonth(h.db.prisma, { clock: h.clock.now }, "cli", M, {
      exceptionReason: "closed on time: unsubmitted sheets are left out",
    });
    expect(out.alreadyPublished).toBe(false);
    await settle(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  const refusedRows = () =>
    h.db.prisma.auditLog.count({ where: { outcome: "REFUSED", reason: "sheet.monthPublished" } });

  it("/log <item> <count> <date in the month> answers the clear message in English and Chinese, writes nothing", async () => {
    for (const [user, text, expected] of [
      [USERS.prefers, "fpfs 1 2026-10-30", EN],
      [USERS.zhang, "fpfs 1 2026-10-31", ZH],
      [USERS.zhang, "发票发售 3 10-15 补记", ZH],
    ] as const) {
      const before = await counts(h.db);
      const refused = await refusedRows();
      const r = await h.slack.slashCommand({ user, command: "/log", text });
      expect(r.acked).toBe(true);
      expect(ackText(r)).toContain(expected);
      await settle(h);
      expect(await refusedRows()).toBe(refused + 1);
      expect(await counts(h.db)).toEqual({ ...before, audit: before.audit + 1 });
    }
    // the line from before the close is as it was
    const lines = await h.db.prisma.entry.findMany({ where: { month: M } });
    expect(lines.map((l) => [l.count, l.status])).toEqual([[2, "ACTIVE"]]);
  });

  it("/log undo whose last line is in the month is refused the same way", async () => {
    const before = await counts(h.db);
    const r = await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "undo" });
    expect(ackText(r)).toContain(ZH);
    await settle(h);
    expect(await counts(h.db)).toEqual({ ...before, audit: before.audit + 1 });
  });

  it("the log form with a date in the month shows the message and records nothing", async () => {
    await h.slack.slashCommand({ user: USERS.prefers, command: "/log", text: "" });
    await h.slack.waitFor(() => h.slack.currentView(USERS.prefers));
    await h.slack.selectOption({ user: USERS.prefers, actionId: "item_select", value: h.fx.items.invoice });
    await h.slack.waitFor(() => {
      const v = h.slack.currentView(USERS.prefers);
      return v && renderView(v.view).includes("SV001") ? v : undefined;
    });
    const before = await counts(h.db);
    const res = await h.slack.submitView({
      user: USERS.prefers,
      values: { count: "1", date: "2026-10-29", links: "" },
    });
    expect(res.acked).toBe(true);
    expect(renderView(h.slack.currentView(USERS.prefers)!.view)).toContain(EN);
    await settle(h);
    expect(await counts(h.db)).toEqual({ ...before, audit: before.audit + 1 });
    await h.slack.closeView({ user: USERS.prefers });
  });

  it("/log submit and /log list of the month: no Submit button, the reason shown, the lines read-only", async () => {
    await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: `submit ${M}` });
    const summary = await h.slack.waitForEphemeral(USERS.zhang, /提交 2026-10 积分表/);
    expect(textOf(summary)).toContain(ZH);
    expect(textOf(summary)).not.toContain("[提交 2026-10]");
    // not "cannot submit yet": it never can be
    expect(textOf(summary)).toContain("无法提交：");
    expect(textOf(summary)).not.toContain("暂时");
    await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: `list ${M}` });
    const list = textOf(await h.slack.waitForEphemeral(USERS.zhang, /我的记录：2026-10/));
    expect(list).toContain("🔒 不可修改");
    expect(list).not.toContain("⋯");
    // a Submit button from before the close (here forged on the summary) is refused with the same message
    const before = await counts(h.db);
    await h.slack.sendInteraction({
      type: "block_actions",
      user: { id: USERS.zhang, username: "zhang.wei", team_id: h.slack.team.id },
      team: { id: h.slack.team.id, domain: h.slack.team.domain },
      api_app_id: h.slack.appId,
      token: "emulator-verification-token",
      trigger_id: "0.0.forged",
      container: { type: "message", message_ts: summary.ts, channel_id: summary.channel, is_ephemeral: true },
      actions: [{ type: "button", action_id: "sheet_submit", value: packValue({ m: M }), action_ts: "1" }],
    });
    // a payload without a response_url: the answer comes by DM
    expect(textOf(await h.slack.waitForMessage(USERS.zhang, /2026-10 的考核结果已公布/))).toContain(ZH);
    await settle(h);
    expect(await counts(h.db)).toEqual({ ...before, audit: before.audit + 1 });
    expect(await h.db.prisma.sheet.findMany({ where: { month: M, state: "SUBMITTED" } })).toEqual([]);
  });

  it("this month is logged as usual; no Slack rule was broken", async () => {
    const r = await h.slack.slashCommand({ user: USERS.prefers, command: "/log", text: "fpfs 1" });
    expect(ackText(r)).toContain("SV001 Invoice sales");
    await settle(h);
    h.slack.assertNoViolations();
  });
});
