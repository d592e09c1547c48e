/**
 * `/log <item> …` through the fake Slack over signed HTTP: the reply in the ack, the Undo button,
 * ambiguous and unknown items, plausibility questions, temporary tasks, undo, help, languages, and the
 * typos of the acceptance list (each answered with a clear message and nothing written).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { USERS } from "./fixtures.js";
import { ackText, counts, type Harness, lastEphemeral, settle, startHarness, textOf } from "./harness.js";

describe("/log over signed HTTP", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("http");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("records a line and answers in the ack: item, points, day and month totals, Undo", async () => {
    const r = await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "fpfs 3" });
    expect(r.acked).toBe(true);
    expect(r.late).toBe(false);
    const text = ackText(r);
    expect(text).toContain("SV001 发票发售");
    expect(text).toContain("3 × 3.00 = *9.00 分*");
    expect(text).toContain("2026-11-20 当日：*9.00 分*");
    expect(text).toContain("2026-11 本月：*9.00 分*（1 条）");
    expect(text).toContain("[撤销]");
    const entries = await h.db.prisma.entry.findMany({ where: { personId: h.fx.people.zhang } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      count: 3,
      workDate: "2026-11-20",
      pointsPerUnit: 300,
      status: "ACTIVE",
    });

    const second = await h.slack.slashCommand({
      user: USERS.zhang,
      command: "/log",
      text: "档案归集整理 2 昨天 窗口整理",
    });
    const t2 = ackText(second);
    expect(t2).toContain("SV003 档案归集整理");
    expect(t2).toContain("2026-11-19");
    expect(t2).toContain("备注：窗口整理");
    expect(t2).toContain("本月：*13.00 分*（2 条）");
    await settle(h);
    h.slack.assertNoViolations();
  });

  it("Undo under the reply removes exactly that line", async () => {
    const before = await h.db.prisma.entry.count({
      where: { personId: h.fx.people.zhang, status: "ACTIVE" },
    });
    const reply = lastEphemeral(h.slack, USERS.zhang)!;
    const click = await h.slack.clickButton({
      user: USERS.zhang,
      actionId: "log_undo_entry",
      message: { channel: reply.channel, ts: reply.ts },
    });
    expect(click.acked).toBe(true);
    const replaced = await h.slack.waitForEphemeral(USERS.zhang, /已撤销/);
    expect(textOf(replaced)).toContain("SV003 档案归集整理");
    const after = await h.db.prisma.entry.count({ where: { personId: h.fx.people.zhang, status: "ACTIVE" } });
    expect(after).toBe(before - 1);
    // a double click is harmless
    await h.slack.clickButton({
      user: USERS.zhang,
      actionId: "log_undo_entry",
      value: (click.payload.actions as { value: string }[])[0]!.value,
    });
    await settle(h);
    expect(await h.db.prisma.entry.count({ where: { personId: h.fx.people.zhang, status: "ACTIVE" } })).toBe(
      after,
    );
  });

  it("follows the Slack locale: the first reply is corrected once users.info answers, later ones are right at once", async () => {
    const first = await h.slack.slashCommand({ user: USERS.anna, command: "/log", text: "fpfs 1" });
    expect(first.acked).toBe(true);
    await h.slack.waitForEphemeral(USERS.anna, (e) => e.text.includes("Logged"));
    expect(
      h.slack
        .callsTo("users.info")
        .some((c) => c.args.user === USERS.anna && String(c.args.include_locale) === "true"),
    ).toBe(true);
    // users.info is never called before the ack
    expect(first.calls.filter((c) => c.method === "users.info")).toHaveLength(0);
    h.clock.advance(120_000);
    const second = await h.slack.slashCommand({
      user: USERS.anna,
      command: "/log",
      text: '"invoice sales" 2',
    });
    expect(ackText(second)).toContain("Logged *SV001 Invoice sales* × 2");
    expect(ackText(second)).toContain("Month 2026-11: *9.00 pts* (2 lines)");
  });

  it("a person's own language setting wins over Slack's locale", async () => {
    const r = await h.slack.slashCommand({ user: USERS.prefers, command: "/log", text: "fpfs 1" });
    expect(ackText(r)).toContain("Logged *SV001 Invoice sales* × 1");
    await h.slack.slashCommand({ user: USERS.prefers, command: "/log", text: "help" });
    const help = await h.slack.waitForEphemeral(USERS.prefers, /How to log work/);
    expect(textOf(help)).toContain("/log fpfs 3");
  });

  it("/log help shows usage with examples in the user's language", async () => {
    const zh = await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "help" });
    expect(ackText(zh)).toContain("如何记录工作");
    expect(ackText(zh)).toContain("`/log temp 90 防汛材料整理`");
    expect(ackText(zh)).toContain("5 日前");
    const en = await h.slack.slashCommand({ user: USERS.anna, command: "/log", text: "帮助" });
    expect(ackText(en)).toContain("`/log list [month]`");
  });

  it("an ambiguous item answers with a button per candidate; a click records the chosen one", async () => {
    const before = await counts(h.db);
    const r = await h.slack.slashCommand({ user: USERS.li, command: "/log", text: "fp 2" });
    const text = ackText(r);
    expect(text).toContain("“fp”匹配到多个事项");
    expect(text).toContain("[SV001 发票发售 (3.00)]");
    expect(text).toContain("[SV002 发票代开 (5.00)]");
    expect(await counts(h.db)).toEqual(before);
    const reply = lastEphemeral(h.slack, USERS.li)!;
    await h.slack.clickButton({
      user: USERS.li,
      actionId: `log_pick_item:${h.fx.items.invoiceIssue}`,
      message: { channel: reply.channel, ts: reply.ts },
    });
    const done = await h.slack.waitForEphemeral(USERS.li, /已记录/);
    expect(textOf(done)).toContain("SV002 发票代开");
    expect(textOf(done)).toContain("2 × 5.00 = *10.00 分*");
  });

  it("an unknown item names the problem and the closest matches, and writes nothing", async () => {
    const before = await counts(h.db);
    const r = await h.slack.slashCommand({ user: USERS.li, command: "/log", text: "fapiao-fashou 2" });
    const text = ackText(r);
    expect(text).toContain("没有与“fapiao-fashou”匹配的考核事项");
    expect(text).toContain("最接近的事项");
    const en = await h.slack.slashCommand({ user: USERS.anna, command: "/log", text: "SV09 1" });
    expect(ackText(en)).toContain("No catalog item matches “SV09”");
    expect(ackText(en)).toContain("Closest matches");
    expect(ackText(en)).toContain("SV001 Invoice sales");
    expect(await counts(h.db)).toEqual(before);
  });

  it.each([
    ["count -3", "fpfs -3", "数量 -3 超出范围"],
    ["count 1e9", "fpfs 1e9", "“1e9”不是有效数量"],
    ["count 0", "fpfs 0", "数量 0 超出范围"],
    ["date 2026-13-40", "fpfs 1 2026-13-40", "“2026-13-40”不是有效日期"],
    ["future date", "fpfs 1 2026-12-01", "2026-12-01 是未来日期"],
    ["5,000 characters", `fpfs 1 ${"很".repeat(5000)}`, "输入过长（5007 个字符，最多 2000 个）"],
    ["emoji", "🎉🎉 3", "“🎉🎉”不是考核事项"],
    ["SQL-like item", '\'; DROP TABLE "Entry"; -- 1', "不是考核事项"],
    ["SQL-like name", "Robert');DROP 1", "没有与“Robert');DROP”匹配的考核事项"],
    ["long note", `fpfs 1 ${"x".repeat(600)}`, "备注过长（600 个字符，最多 500 个）"],
    ["temp without minutes", "temp soon paperwork", "请用 1 到 1440 之间的整数填写分钟数"],
    ["bad month", "list 2026-13", "“2026-13”不是有效月份"],
  ])("a typo (%s) gets a clear message and writes nothing", async (_label, text, expected) => {
    const before = await counts(h.db);
    const r = await h.slack.slashCommand({ user: USERS.li, command: "/log", text });
    expect(r.acked).toBe(true);
    expect(r.late).toBe(false);
    await settle(h, 50);
    const shown = `${ackText(r)}\n${textOf(lastEphemeral(h.slack, USERS.li))}`;
    expect(shown).toContain(expected);
    expect(shown).not.toMatch(/at .*\.ts:\d+|Error:/);
    expect(await counts(h.db)).toEqual(before);
  });

  it("a day above 480 points asks Confirm/Cancel; Cancel writes nothing, Confirm records", async () => {
    const before = await counts(h.db);
    const r = await h.slack.slashCommand({ user: USERS.chief, command: "/log", text: "nspg 5" });
    expect(ackText(r)).toContain("当日将达 *600.00* 分，超过每日合理上限 480.00 分");
    expect(ackText(r)).toContain("[确认] [取消]");
    expect(await counts(h.db)).toEqual(before);
    await h.slack.clickButton({ user: USERS.chief, actionId: "log_cancel" });
    await h.slack.waitForEphemeral(USERS.chief, /已取消/);
    expect(await counts(h.db)).toEqual(before);

    await h.slack.slashCommand({ user: USERS.chief, command: "/log", text: "nspg 5" });
    await h.slack.clickButton({ user: USERS.chief, actionId: "log_confirm" });
    const done = await h.slack.waitForEphemeral(USERS.chief, /已记录/);
    expect(textOf(done)).toContain("*600.00 分*");
    expect(await h.db.prisma.entry.count({ where: { personId: h.fx.people.chief, status: "ACTIVE" } })).toBe(
      1,
    );
    // a double click on Confirm does not record it twice: the domain sees the duplicate and asks again
    h.clock.advance(120_000);
  });

  it("an identical line twice within a minute asks for confirmation", async () => {
    h.clock.advance(120_000);
    await h.slack.slashCommand({ user: USERS.li, command: "/log", text: "dagjzl 1" });
    const before = await counts(h.db);
    const again = await h.slack.slashCommand({ user: USERS.li, command: "/log", text: "dagjzl 1" });
    expect(ackText(again)).toContain("一分钟内您已记录过完全相同的一条");
    expect(await counts(h.db)).toEqual(before);
    h.clock.advance(61_000);
    const later = await h.slack.slashCommand({ user: USERS.li, command: "/log", text: "dagjzl 1" });
    expect(ackText(later)).toContain("已记录");
  });

  it("/log temp records a temporary task awaiting pricing, optionally naming a similar item", async () => {
    h.clock.advance(1_000);
    const r = await h.slack.slashCommand({
      user: USERS.li,
      command: "/log",
      text: "temp 90 防汛材料整理 similar:fpfs",
    });
    const text = ackText(r);
    expect(text).toContain("“防汛材料整理”，90 分钟");
    expect(text).toContain("类似事项：SV001 发票发售");
    const task = await h.db.prisma.tempTask.findFirst({
      where: { personId: h.fx.people.li },
      orderBy: { createdAt: "desc" },
    });
    expect(task).toMatchObject({
      minutes: 90,
      description: "防汛材料整理",
      status: "AWAITING_PRICING",
      similarItemId: h.fx.items.invoice,
    });
  });

  it("/log undo removes the last line (here the temporary task), then the line before", async () => {
    const r = await h.slack.slashCommand({ user: USERS.li, command: "/log", text: "undo" });
    expect(ackText(r)).toContain("已撤销临时性工作“防汛材料整理”");
    const r2 = await h.slack.slashCommand({ user: USERS.li, command: "/log", text: "撤销" });
    expect(ackText(r2)).toContain("已撤销：*SV003 档案归集整理* × 1");
    const bad = await h.slack.slashCommand({ user: USERS.li, command: "/log", text: "undo now" });
    expect(ackText(bad)).toContain("`/log undo` 后面不需要其他内容");
  });

  it("someone the scheme does not know, or a deactivated person, is told so; nothing is written", async () => {
    const before = await counts(h.db);
    await h.slack.slashCommand({ user: USERS.stranger, command: "/log", text: "fpfs 1" });
    await h.slack.waitForEphemeral(USERS.stranger, /not registered in the appraisal scheme/);
    const gone = await h.slack.slashCommand({ user: USERS.gone, command: "/log", text: "fpfs 1" });
    expect(ackText(gone)).toContain("账号已停用");
    expect(await counts(h.db)).toEqual(before);
  });

  it("any other exception answers a generic message, without details", async () => {
    const spy = vi
      .spyOn(h.app.ctx.catalog, "items")
      .mockRejectedValueOnce(new Error("connection reset by peer"));
    const r = await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "fpfs 1" });
    spy.mockRestore();
    expect(ackText(r)).toContain("出了点问题，请稍后重试");
    expect(ackText(r)).not.toContain("connection reset");
  });

  it("a refusal by the statement is answered in the person's language at once, even before they are cached", async () => {
    // someone new to the bot (never cached) whose own language is English, with a submitted sheet
    const p = h.db.prisma;
    const person = await p.person.create({
      data: {
        slackUserId: USERS.stranger,
        name: "陌生人",
        locale: "en",
        sectionId: h.fx.sectionId,
        categoryCode: "SERVICE",
        roles: { create: [{ role: "STAFF" }] },
      },
    });
    await p.sheet.create({
      data: { personId: person.id, month: "2026-11", state: "SUBMITTED", categoryCode: "SERVICE" },
    });
    const before = await counts(h.db);
    const r = await h.slack.slashCommand({ user: USERS.stranger, command: "/log", text: "fpfs 1" });
    expect(ackText(r)).toContain("Your 2026-11 sheet is");
    await settle(h);
    expect(await counts(h.db)).toEqual({ ...before, audit: before.audit + 1 });
  });

  it("records no Slack rule violations", () => {
    h.slack.assertNoViolations();
  });
});
