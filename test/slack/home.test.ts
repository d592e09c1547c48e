/**
 * App Home: this month so far, the next deadline, the last published result with its breakdown and
 * rank; refreshed after each change; its buttons (Log work, My lines, Submit); and /kpi.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderView } from "../../src/slack/blocks/render.js";
import { USERS } from "./fixtures.js";
import { type Harness, settle, startHarness, textOf } from "./harness.js";

describe("App Home over signed HTTP", () => {
  let h: Harness;
  const home = (user: string) => renderView(h.slack.home(user)?.view ?? {});
  beforeAll(async () => {
    h = await startHarness("http");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("app_home_opened publishes the month so far, the next deadline and no result yet", async () => {
    const r = await h.slack.openHome(USERS.zhang);
    expect(r.acked).toBe(true);
    await h.slack.waitFor(() => h.slack.home(USERS.zhang));
    const text = home(USERS.zhang);
    expect(text).toContain("# 工作量化考核");
    expect(text).toContain("*本月（2026-11）*");
    expect(text).toContain("*积分* 0.00 分");
    expect(text).toContain("*积分表* 尚未开始");
    expect(text).toContain("*下一个截止日* 2026-12-05：提交 2026-11");
    expect(text).toContain("[记录工作] [我的记录] [提交]");
    expect(text).toContain("尚无公布的结果。");
  });

  it("refreshes after every change the person makes", async () => {
    await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "fpfs 4" });
    await h.slack.waitFor(() => home(USERS.zhang).includes("*积分* 12.00 分"));
    expect(home(USERS.zhang)).toContain("*记录* 1");
    expect(home(USERS.zhang)).toContain("*积分表* 填报中");
    await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "undo" });
    await h.slack.waitFor(() => home(USERS.zhang).includes("*积分* 0.00 分"));
  });

  it("shows the last published result with its breakdown and ranks", async () => {
    await h.db.prisma.monthClose.create({
      data: { month: "2026-10", state: "PUBLISHED", publishedAt: new Date() },
    });
    await h.db.prisma.monthResult.create({
      data: {
        month: "2026-10",
        personId: h.fx.people.zhang!,
        categoryCode: "SERVICE",
        sectionId: h.fx.sectionId,
        normGroup: "SERVICE",
        raw: 320000n,
        groupMax: 320000n,
        quantity: "100",
        quality: "95",
        vetoed: false,
        qualityWeight: "0.4",
        quantityWeight: "0.6",
        discretionary: 500n,
        final: 10300n,
        rankOverall: 1,
        rankCategory: 1,
        rankSection: 1,
        steps: [],
      },
    });
    await h.slack.openHome(USERS.zhang);
    await h.slack.waitFor(() => home(USERS.zhang).includes("最近公布的结果：2026-10"));
    const text = home(USERS.zhang);
    expect(text).toContain("*最终得分* 103.00 分");
    expect(text).toContain("全局第 1 · 大类第 1 · 股室第 1");
    expect(text).toContain("原始分 3200.00 分 → 数量分 100.00 × 0.60 + 质量分 95.00 × 0.40 + 机动分 5.00 分");
  });

  it("Log work opens the form; My lines and Submit arrive as DMs from the app", async () => {
    await h.slack.clickButton({ user: USERS.zhang, actionId: "home_log" });
    const modal = await h.slack.waitFor(() => h.slack.currentView(USERS.zhang));
    expect(modal.callbackId).toBe("log_modal");
    await h.slack.closeView({ user: USERS.zhang });
    await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "fpfs 1" });
    await h.slack.clickButton({ user: USERS.zhang, actionId: "home_list" });
    const list = await h.slack.waitForMessage(USERS.zhang, /我的记录/);
    expect(textOf(list)).toContain("SV001 发票发售");
    await h.slack.clickButton({ user: USERS.zhang, actionId: "home_submit" });
    const submit = await h.slack.waitForMessage(USERS.zhang, /提交 2026-11 积分表/);
    expect(textOf(submit)).toContain("[提交 2026-11]");
  });

  it("the home is in English for an English Slack user, and for someone unknown it says so", async () => {
    await h.slack.openHome(USERS.anna);
    await h.slack.waitFor(() => home(USERS.anna).includes("*This month (2026-11)*"));
    expect(home(USERS.anna)).toContain("[Log work] [My lines] [Submit]");
    await h.slack.openHome(USERS.stranger);
    await h.slack.waitFor(() => home(USERS.stranger).includes("not registered"));
  });

  it("/kpi shows the month so far; /kpi lang sets the person's language", async () => {
    await h.slack.slashCommand({ user: USERS.li, command: "/kpi", text: "" });
    await h.slack.waitForEphemeral(USERS.li, (e) => textOf(e).includes("*本月（2026-11）*"));
    await h.slack.slashCommand({ user: USERS.li, command: "/kpi", text: "lang en" });
    await h.slack.waitForEphemeral(USERS.li, /Language set to English/);
    expect((await h.db.prisma.person.findUniqueOrThrow({ where: { slackUserId: USERS.li } })).locale).toBe(
      "en",
    );
    await h.slack.slashCommand({ user: USERS.li, command: "/kpi", text: "lang auto" });
    await h.slack.waitForEphemeral(USERS.li, /语言将跟随您的 Slack 设置/);
    expect(
      (await h.db.prisma.person.findUniqueOrThrow({ where: { slackUserId: USERS.li } })).locale,
    ).toBeNull();
    await h.slack.slashCommand({ user: USERS.li, command: "/kpi", text: "lang fr" });
    await h.slack.waitForEphemeral(USERS.li, /请选择 `en`、`zh` 或 `auto`/);
  });

  it("records no Slack rule violations", async () => {
    await settle(h);
    h.slack.assertNoViolations();
  });
});
