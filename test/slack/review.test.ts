/**
 * Reviewing through the real Bolt app and the fake Slack: the reviewer's card on submission, approve,
 * return with a reason → resubmit (the card shows what changed) → adjust with a reason → approve, the
 * staff member's notices, deputies inside and outside their dates, self-approval, forged payloads of each
 * kind, 20 concurrent clicks, `/kpi review` with Approve all clean, reopen, and a 300-line sheet within
 * Slack's limits.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logWork } from "../../src/domain/logging.js";
import type { StoredMessage } from "../../src/emulator/index.js";
import { renderView } from "../../src/slack/blocks/render.js";
import { USERS } from "./fixtures.js";
import { type Harness, settle, startHarness, textOf } from "./harness.js";

const MORE = {
  branch: "U0BRANCH",
  group: "U0GROUP",
  chief2: "U0CHIEF2",
  other: "U0OTHER",
  long: "U0LONG",
} as const;

let h: Harness;

async function person(
  slackUserId: string,
  name: string,
  roles: ("STAFF" | "SECTION_CHIEF" | "BRANCH_CHIEF" | "ASSESSMENT_GROUP")[],
  sectionId: string | null,
) {
  h.slack.addUser({
    id: slackUserId,
    name: name.toLowerCase(),
    realName: name,
    locale: "zh-CN",
    tz: "Asia/Shanghai",
  });
  return h.db.prisma.person.create({
    data: {
      slackUserId,
      name,
      sectionId,
      categoryCode: "SERVICE",
      roles: { create: roles.map((role) => ({ role })) },
    },
  });
}

beforeAll(async () => {
  h = await startHarness("http");
  const s2 = await h.db.prisma.section.create({
    data: { code: "S2", name: "征收管理股", nameEn: "Collection" },
  });
  await person(MORE.branch, "赵分局长", ["BRANCH_CHIEF"], null);
  await person(MORE.group, "考核组", ["ASSESSMENT_GROUP"], null);
  const chief2 = await person(MORE.chief2, "钱股长", ["STAFF", "SECTION_CHIEF"], s2.id);
  await h.db.prisma.sectionChief.create({ data: { sectionId: s2.id, personId: chief2.id } });
  await person(MORE.other, "孙其他", ["STAFF"], s2.id);
  await person(MORE.long, "周长表", ["STAFF"], h.fx.sectionId);
});
afterAll(async () => {
  await h?.close();
});

const items = () => h.fx.items;

async function log(
  user: string,
  item: keyof ReturnType<typeof items>,
  count: number,
  workDate: string,
  note?: string,
) {
  const actor = await h.app.ctx.actors.get(user);
  const r = await logWork(h.db.prisma, h.app.ctx.deps, actor, {
    itemId: items()[item],
    count,
    workDate,
    ...(note ? { note } : {}),
    confirm: true,
  });
  if (r.status !== "logged") throw new Error("not logged");
  return r.entry;
}

/** `/log submit 2026-11` and a click on Submit, as the staff member does it. */
async function submit(user: string) {
  const before = h.slack.ephemerals(user).length;
  await h.slack.slashCommand({ user, command: "/log", text: "submit 2026-11" });
  const summary = await h.slack.waitFor(() =>
    h.slack
      .ephemerals(user)
      .slice(before)
      .find((e) => /sheet_submit/.test(JSON.stringify(e.blocks))),
  );
  await h.slack.clickButton({
    user,
    actionId: "sheet_submit",
    message: { channel: summary.channel, ts: summary.ts },
  });
  await until(async () => {
    const s = await sheetOf(user);
    return s?.state === "SUBMITTED" && (s.cardTs !== null || s.reviewerId === null);
  });
}

async function sheetOf(user: string) {
  const p = await h.db.prisma.person.findUniqueOrThrow({ where: { slackUserId: user } });
  return h.db.prisma.sheet.findUnique({ where: { personId_month: { personId: p.id, month: "2026-11" } } });
}

/** The latest card about `person` in the reviewer's DM. */
async function cardFor(reviewer: string, personName: string, nth = 1): Promise<StoredMessage> {
  return h.slack.waitFor(() => {
    const cards = h.slack.messages(reviewer).filter((m) => textOf(m).includes(`待审核积分表：${personName}`));
    return cards.length >= nth ? cards[nth - 1] : undefined;
  });
}

function live(m: StoredMessage): StoredMessage {
  return h.slack.messages(m.channel).find((x) => x.ts === m.ts)!;
}

/** Polls an async condition (FakeSlack.waitFor takes synchronous predicates) for up to 10 s. */
async function until<T>(fn: () => Promise<T | undefined | null | false>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`condition not met: ${fn.toString().slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Slack's block and view limits were never broken (ack timing on a loaded machine is not asserted here). */
function expectNoBlockViolations() {
  expect(h.slack.violations.filter((v) => v.rule !== "ack_timeout")).toEqual([]);
}

async function click(user: string, actionId: string, m: { channel: string; ts: string }, value?: string) {
  return h.slack.clickButton({
    user,
    actionId,
    message: { channel: m.channel, ts: m.ts },
    ...(value ? { value } : {}),
  });
}

async function ephemeralAfter(user: string, count: number, re: RegExp) {
  return h.slack.waitFor(() =>
    h.slack
      .ephemerals(user)
      .slice(count)
      .find((e) => re.test(textOf(e))),
  );
}

describe("the card and a plain approval", () => {
  it("a submitted sheet's card reaches the section chief with the lines by item; Approve updates it in place", async () => {
    await log(USERS.zhang, "invoice", 3, "2026-11-02");
    await log(USERS.zhang, "invoice", 2, "2026-11-05");
    await log(USERS.zhang, "archive", 4, "2026-11-06");
    await submit(USERS.zhang);
    const card = await cardFor(USERS.chief, "张伟");
    const text = textOf(card);
    expect(text).toContain("# 待审核积分表：张伟 · 2026-11");
    expect(text).toContain("• *SV001 发票发售*：5 × 3.00 分 = *15.00 分* · 11-02 ×3, 11-05 ×2");
    expect(text).toContain("• *SV003 档案归集整理*：4 × 2.00 分 = *8.00 分* · 11-06 ×4");
    expect(text).toContain("✅ 无资料缺失、无合理性提示、无待定分临时任务。");
    expect(text).toContain("*合计：23.00 分*（共 3 条）");
    expect(text).toContain("[通过] [退回…] [调整…] [详情]");
    const sheet = await until(async () => {
      const s = await sheetOf(USERS.zhang);
      return s?.cardTs ? s : undefined;
    });
    expect(sheet).toMatchObject({ cardChannel: card.channel, cardTs: card.ts });

    // both App Homes show the sheet waiting (the chief's pending count, the staff member's state)
    await settle(h, 1700);
    expect(renderView(h.slack.home(USERS.chief)!.view)).toContain("📋 有 1 张积分表等待您审核");
    expect(renderView(h.slack.home(USERS.zhang)!.view)).toContain("已提交");

    await click(USERS.chief, "review_approve", card);
    const updated = await h.slack.waitFor(() => {
      const m = live(card);
      return m.editedAt ? m : undefined;
    });
    const after = textOf(updated);
    expect(after).toContain("✅ *已通过*：王股长，2026-11-20 10:00");
    expect(after).not.toContain("[通过]");
    expect(updated.blocks!.some((b) => b.type === "actions")).toBe(false);
    const dm = await h.slack.waitForMessage(USERS.zhang, /审核通过/);
    expect(textOf(dm)).toContain("您 2026-11 的积分表已由 王股长 *审核通过*。合计：23.00 分。");
    expect((await sheetOf(USERS.zhang))?.state).toBe("APPROVED");
    // App Home refreshes for both: the staff member's sheet is approved, the chief has nothing pending
    await settle(h, 1700);
    const staffHome = renderView(h.slack.home(USERS.zhang)!.view);
    expect(staffHome).toContain("已审核");
    expect(staffHome).not.toContain("已提交");
    expect(renderView(h.slack.home(USERS.chief)!.view)).not.toContain("等待您审核");
  });

  it("an approved sheet's lines are immutable", async () => {
    const r = await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "fpfs 1 2026-11-07" });
    expect(r.acked).toBe(true);
    const refusal = await h.slack.waitFor(() =>
      [
        textOf({ text: String(r.ackBody?.text ?? ""), blocks: (r.ackBody?.blocks as unknown[]) ?? [] }),
        ...h.slack.ephemerals(USERS.zhang).map((e) => textOf(e)),
      ].find((s) => s.includes("已审核")),
    );
    expect(refusal).toContain("已审核");
    const sheet = (await sheetOf(USERS.zhang))!;
    expect(await h.db.prisma.entry.count({ where: { sheetId: sheet.id } })).toBe(3);
  });
});

describe("return with a reason, resubmit, adjust with a reason, approve", () => {
  it("goes round the whole cycle with the right notices", async () => {
    const first = await log(USERS.anna, "invoice", 2, "2026-11-03");
    const second = await log(USERS.anna, "invoiceIssue", 1, "2026-11-04");
    await submit(USERS.anna);
    const card = await cardFor(USERS.chief, "安娜");

    // Return… opens a modal; the reason is required
    await click(USERS.chief, "review_return", card);
    const modal = await h.slack.waitFor(() => {
      const v = h.slack.currentView(USERS.chief);
      return v?.callbackId === "review_return_modal" ? v : undefined;
    });
    expect(renderView(modal.view)).toContain("将 安娜 的 2026-11 积分表退回修改");
    const empty = await h.slack.submitView({ user: USERS.chief, values: { review_reason: "   " } });
    expect(empty.responseAction).toBe("errors");
    expect(JSON.stringify(empty.errors)).toContain("必须填写原因");
    expect((await sheetOf(USERS.anna))?.state).toBe("SUBMITTED");
    const done = await h.slack.submitView({
      user: USERS.chief,
      values: { review_reason: "11-04 代开发票缺少申请表" },
    });
    expect(done.responseAction).toBeUndefined();
    await h.slack.waitFor(() => textOf(live(card)).includes("↩️ *已退回*"));
    expect(textOf(live(card))).toContain("↩️ *已退回*：王股长，2026-11-20 10:00：11-04 代开发票缺少申请表");
    const returned = await h.slack.waitForMessage(USERS.anna, /returned/);
    expect(textOf(returned)).toContain("*Reason:* 11-04 代开发票缺少申请表");
    expect((await sheetOf(USERS.anna))?.state).toBe("RETURNED");

    // the lines unlock: Anna corrects one and resubmits
    const actor = await h.app.ctx.actors.get(USERS.anna);
    const { updateLine } = await import("../../src/domain/logging.js");
    await updateLine(h.db.prisma, h.app.ctx.deps, actor, second.id, { count: 2 });
    await log(USERS.anna, "archive", 1, "2026-11-09");
    await submit(USERS.anna);
    const card2 = await cardFor(USERS.chief, "安娜", 2);
    const text2 = textOf(card2);
    expect(text2).toContain("*2026-11-20 10:00 退回后的修改*（退回原因：11-04 代开发票缺少申请表）");
    expect(text2).toContain("➕ 2026-11-09 SV003 档案归集整理 × 1");
    expect(text2).toContain("✏️ 2026-11-04 SV002 发票代开：× 1 → × 2");

    // the first card is stale: its buttons are gone, and a forged click with its version is refused
    const oldVersion = JSON.stringify({ s: (await sheetOf(USERS.anna))!.id, v: 1 });
    const n0 = h.slack.ephemerals(USERS.chief).length;
    await click(USERS.chief, "review_approve", card2, oldVersion);
    await ephemeralAfter(USERS.chief, n0, /此卡片显示后已有变化/);
    expect((await sheetOf(USERS.anna))?.state).toBe("SUBMITTED");

    // Adjust…: a changed count needs a reason
    await click(USERS.chief, "review_adjust", card2);
    const adjust = await h.slack.waitFor(() => {
      const v = h.slack.currentView(USERS.chief);
      return v?.callbackId === "review_adjust_modal" ? v : undefined;
    });
    expect(renderView(adjust.view)).toContain("2026-11-03 · SV001 发票发售（每件 3.00 分）");
    const noReason = await h.slack.submitView({ user: USERS.chief, values: { [`adjc:${first.id}`]: "1" } });
    expect(noReason.responseAction).toBe("errors");
    expect(noReason.errors).toEqual({ [`adjr:${first.id}`]: "请填写修改原因。" });
    const bad = await h.slack.submitView({ user: USERS.chief, values: { [`adjc:${first.id}`]: "-3" } });
    expect(bad.errors).toEqual({ [`adjc:${first.id}`]: "请填写 0 到 10000 的整数。" });
    const saved = await h.slack.submitView({
      user: USERS.chief,
      values: { [`adjc:${first.id}`]: "1", [`adjr:${first.id}`]: "一笔为同一纳税人重复登记" },
    });
    expect(saved.responseAction).toBeUndefined();
    await h.slack.waitFor(() => textOf(live(card2)).includes("审核人调整"));
    expect(textOf(live(card2))).toContain("• 2026-11-03 SV001 发票发售：2 → 1（一笔为同一纳税人重复登记）");
    const adjustedDm = await h.slack.waitForMessage(USERS.anna, /adjusted lines/);
    expect(textOf(adjustedDm)).toContain("2026-11-03 SV001 Invoice sales: 2 → 1 (一笔为同一纳税人重复登记)");

    // Approve on the re-rendered card (it carries the new version)
    await click(USERS.chief, "review_approve", live(card2));
    const approved = await h.slack.waitForMessage(USERS.anna, /approved/);
    expect(textOf(approved)).toContain("Lines adjusted by the reviewer:");
    expect(textOf(approved)).toContain("2 → 1");
    expect((await sheetOf(USERS.anna))?.state).toBe("APPROVED");
    const transitions = await h.db.prisma.sheetTransition.findMany({
      where: { sheetId: (await sheetOf(USERS.anna))!.id },
      orderBy: { at: "asc" },
    });
    expect(transitions.map((t) => t.toState)).toEqual([
      "SUBMITTED",
      "RETURNED",
      "SUBMITTED",
      "SUBMITTED",
      "APPROVED",
    ]);
    expectNoBlockViolations();
  });
});

describe("who may act", () => {
  it("a deputy outside the date range is refused; inside it, their decision names both", async () => {
    await log(USERS.li, "invoice", 1, "2026-11-10");
    await submit(USERS.li);
    const card = await cardFor(USERS.chief, "李娜");
    // the deputy is Prefers (刘洋): appointed from tomorrow
    await h.slack.slashCommand({
      user: USERS.chief,
      command: "/kpi",
      text: `deputy <@${USERS.prefers}|prefers> 2026-11-21 2026-11-25`,
    });
    await h.slack.waitForEphemeral(USERS.chief, /刘洋 将于 2026-11-21 至 2026-11-25 代 王股长 审核/);
    await h.slack.waitForMessage(USERS.prefers, /deputy reviewer from 2026-11-21 to 2026-11-25/);
    const n0 = h.slack.ephemerals(USERS.prefers).length;
    await click(USERS.prefers, "review_approve", card);
    await ephemeralAfter(USERS.prefers, n0, /not the reviewer of 李娜's 2026-11 sheet/);
    expect((await sheetOf(USERS.li))?.state).toBe("SUBMITTED");
    expect(
      await h.db.prisma.auditLog.count({
        where: { actor: USERS.prefers, outcome: "REFUSED", action: "sheet.approve" },
      }),
    ).toBe(1);

    h.clock.set("2026-11-22T09:14:00+08:00");
    await h.slack.slashCommand({ user: USERS.prefers, command: "/kpi", text: "review 2026-11" });
    const overview = await h.slack.waitForEphemeral(USERS.prefers, /Sheets to review · 2026-11/);
    expect(textOf(overview)).toContain("*李娜* · 3.00 pts · 1 lines · for 王股长");
    await h.slack.clickButton({
      user: USERS.prefers,
      actionId: "review_approve",
      message: { channel: overview.channel, ts: overview.ts },
      blockId: `review_actions:${(await sheetOf(USERS.li))!.id}`,
    });
    await h.slack.waitFor(() => textOf(live(card)).includes("已通过"));
    expect(textOf(live(card))).toContain("✅ *已通过*：刘洋（代 王股长 审核），2026-11-22 09:14");
    expect(await sheetOf(USERS.li)).toMatchObject({ state: "APPROVED" });
    const s = (await sheetOf(USERS.li))!;
    const prefers = await h.db.prisma.person.findUniqueOrThrow({ where: { slackUserId: USERS.prefers } });
    const chief = await h.db.prisma.person.findUniqueOrThrow({ where: { slackUserId: USERS.chief } });
    expect(s).toMatchObject({ decidedById: prefers.id, decidedForId: chief.id });
    // while the deputy is active, a new submission is announced to them as well
    await person("U0DEPT", "陈新", ["STAFF"], h.fx.sectionId);
    await log("U0DEPT", "invoice", 1, "2026-11-21");
    await submit("U0DEPT");
    const notice = await h.slack.waitForMessage(USERS.prefers, /陈新/);
    expect(textOf(notice)).toContain(
      "陈新's 2026-11 sheet is waiting for 王股长, whom you deputise for today",
    );
    await settle(h, 1700);
    expect(renderView(h.slack.home(USERS.chief)!.view)).toContain(
      "📋 有 1 张积分表等待您审核：`/kpi review`",
    );
    await click(USERS.chief, "review_approve", await cardFor(USERS.chief, "陈新"));
    await until(async () => (await sheetOf("U0DEPT"))?.state === "APPROVED");
    h.clock.set("2026-11-20T10:00:00+08:00");
  });

  it("a chief's own sheet goes to the branch chief; nobody approves their own sheet", async () => {
    await log(USERS.chief, "archive", 2, "2026-11-11");
    await submit(USERS.chief);
    const card = await cardFor(MORE.branch, "王股长");
    expect(h.slack.messages(USERS.chief).some((m) => textOf(m).includes("待审核积分表：王股长"))).toBe(false);
    const n0 = h.slack.ephemerals(USERS.chief).length;
    await click(USERS.chief, "review_approve", card);
    await ephemeralAfter(USERS.chief, n0, /不能审核自己的积分表/);
    expect((await sheetOf(USERS.chief))?.state).toBe("SUBMITTED");
    await click(MORE.branch, "review_approve", card);
    await until(async () => (await sheetOf(USERS.chief))?.state === "APPROVED");
  });

  it("forged payloads change nothing: another clicker, another section's sheet, own sheet, no such id, decided", async () => {
    await log(MORE.other, "invoice", 1, "2026-11-12");
    await submit(MORE.other);
    const otherCard = await cardFor(MORE.chief2, "孙其他");
    const otherSheet = (await sheetOf(MORE.other))!;
    const anySheet = (await sheetOf(USERS.zhang))!; // approved earlier
    await person("U0PEND", "冯待审", ["STAFF"], h.fx.sectionId);
    await log("U0PEND", "archive", 1, "2026-11-12");
    await submit("U0PEND");
    // a card with live buttons in the chief's DM: the forged values ride on its buttons
    const chiefCard = await cardFor(USERS.chief, "冯待审");
    const before = await h.db.prisma.sheet.findMany({ orderBy: { id: "asc" } });
    const refusedBefore = (await h.db.prisma.auditLog.aggregate({ _max: { id: true } }))._max.id ?? 0n;
    const cases: [string, string, string | undefined, RegExp][] = [
      // a staff member clicking the chief's card (another user than the card's reader)
      [
        USERS.zhang,
        "review_approve",
        JSON.stringify({ s: otherSheet.id, v: otherSheet.version, u: MORE.chief2 }),
        /不是 孙其他 2026-11 积分表的审核人/,
      ],
      // another section's sheet through the chief's own card
      [
        USERS.chief,
        "review_approve",
        JSON.stringify({ s: otherSheet.id, v: otherSheet.version }),
        /不是 孙其他 2026-11 积分表的审核人/,
      ],
      [
        USERS.chief,
        "review_return",
        JSON.stringify({ s: otherSheet.id, v: otherSheet.version }),
        /不是 孙其他 2026-11 积分表的审核人/,
      ],
      // one's own sheet
      [
        MORE.other,
        "review_approve",
        JSON.stringify({ s: otherSheet.id, v: otherSheet.version }),
        /cannot review your own sheet|不能审核自己的积分表/,
      ],
      // a sheet id that does not exist, or none at all
      [
        USERS.chief,
        "review_approve",
        JSON.stringify({ s: "cnosuchsheet0000000000000", v: 1 }),
        /该积分表不存在/,
      ],
      [USERS.chief, "review_approve", JSON.stringify({ v: 1 }), /无法识别该请求|could not be understood/],
      [USERS.chief, "review_approve", "not json", /无法识别该请求|could not be understood/],
      // an already decided sheet
      [
        USERS.chief,
        "review_approve",
        JSON.stringify({ s: anySheet.id, v: anySheet.version }),
        /已由 王股长 于 2026-11-20 10:00 处理（已审核）/,
      ],
      // a stranger to the scheme
      [
        USERS.stranger,
        "review_approve",
        JSON.stringify({ s: otherSheet.id, v: otherSheet.version }),
        /not registered|尚未加入考核名单/,
      ],
    ];
    for (const [user, actionId, value, expected] of cases) {
      const n0 = h.slack.ephemerals(user).length;
      await click(user, actionId, chiefCard, value);
      if (actionId === "review_return") {
        const v = await h.slack.waitFor(() => {
          const cur = h.slack.currentView(user);
          return cur && expected.test(renderView(cur.view)) ? cur : undefined;
        });
        await h.slack.closeView({ user, viewId: v.id });
      } else {
        await ephemeralAfter(user, n0, expected);
      }
    }
    expect(await h.db.prisma.sheet.findMany({ orderBy: { id: "asc" } })).toEqual(before);
    // every refusal of a registered person is audited, malformed values included
    const refused = await h.db.prisma.auditLog.findMany({
      where: { outcome: "REFUSED", id: { gt: refusedBefore } },
      orderBy: { id: "asc" },
    });
    expect(refused.map((r) => `${r.actor} ${r.reason}`)).toEqual([
      `${USERS.zhang} review.notReviewer`,
      `${USERS.chief} review.notReviewer`,
      `${USERS.chief} review.notReviewer`,
      `${MORE.other} review.ownSheet`,
      `${USERS.chief} review.notFound`,
      `${USERS.chief} invalidRequest`,
      `${USERS.chief} invalidRequest`,
      `${USERS.chief} review.alreadyDecided`,
    ]);
    // the other section's chief still decides it
    await click(MORE.chief2, "review_approve", otherCard);
    await until(async () => (await sheetOf(MORE.other))?.state === "APPROVED");
    await click(USERS.chief, "review_approve", chiefCard);
    await until(async () => (await sheetOf("U0PEND"))?.state === "APPROVED");
  });
});

describe("forged modal submissions and Approve all", () => {
  /** A view_submission the clicker never opened: its private_metadata and values are the forger's. */
  function forgedView(user: string, callbackId: string, meta: string, values: Record<string, string>) {
    const state: Record<string, Record<string, { type: string; value: string }>> = {};
    for (const [blockId, value] of Object.entries(values)) {
      const actionId = blockId.startsWith("adjc:")
        ? "review_count"
        : blockId.startsWith("adjr:")
          ? "review_line_reason"
          : "review_reason";
      state[blockId] = { [actionId]: { type: "plain_text_input", value } };
    }
    return h.slack.sendInteraction({
      type: "view_submission",
      user: { id: user, username: user, team_id: h.slack.team.id },
      team: { id: h.slack.team.id, domain: h.slack.team.domain },
      api_app_id: h.slack.appId,
      token: "emulator-verification-token",
      trigger_id: "0.0.forged",
      view: {
        id: `VFORGED${Math.random().toString(36).slice(2, 8)}`,
        type: "modal",
        callback_id: callbackId,
        private_metadata: meta,
        state: { values: state },
      },
    });
  }

  it("change nothing and every refusal is audited (malformed metadata: the form could not be read, in the reader's language; a sheet that does not exist)", async () => {
    const since = (await h.db.prisma.auditLog.aggregate({ _max: { id: true } }))._max.id ?? 0n;
    const before = await h.db.prisma.sheet.findMany({ orderBy: { id: "asc" } });
    const unreadable = "无法读取该表单，未保存任何内容。请关闭后重新打开。";
    const r1 = await forgedView(USERS.chief, "review_return_modal", "not json", { review_reason: "x" });
    expect(JSON.stringify(r1.ackBody)).toContain(unreadable);
    const r2 = await forgedView(
      USERS.chief,
      "review_adjust_modal",
      JSON.stringify({ s: "cnosuchsheet0000000000000", v: 1 }),
      {
        "adjc:cnoline": "3",
        "adjr:cnoline": "x",
      },
    );
    expect(JSON.stringify(r2.ackBody)).toContain("该积分表不存在");
    const r3 = await forgedView(MORE.group, "review_reopen_modal", JSON.stringify({ v: 1 }), {
      review_reason: "x",
    });
    expect(JSON.stringify(r3.ackBody)).toContain(unreadable);
    // an Adjust form that does not parse, from someone who chose English (their Slack says zh-CN)
    const r4 = await forgedView(USERS.prefers, "review_adjust_modal", JSON.stringify({ s: 42 }), {
      "adjc:cnoline": "3",
      "adjr:cnoline": "x",
    });
    expect(JSON.stringify(r4.ackBody)).toContain(
      "This form could not be read, so nothing was saved. Close it and open it again.",
    );
    expect(await h.db.prisma.sheet.findMany({ orderBy: { id: "asc" } })).toEqual(before);
    // Approve all with a value that does not parse (on an overview that shows the button)
    await person("U0FORGE", "卫伪", ["STAFF"], h.fx.sectionId);
    await log("U0FORGE", "invoice", 1, "2026-11-15");
    await submit("U0FORGE");
    const beforeAll = await h.db.prisma.sheet.findMany({ orderBy: { id: "asc" } });
    await h.slack.slashCommand({ user: USERS.chief, command: "/kpi", text: "review 2026-11" });
    const o = await h.slack.waitForEphemeral(USERS.chief, /一键通过无问题的/);
    const n0 = h.slack.ephemerals(USERS.chief).length;
    await h.slack.clickButton({
      user: USERS.chief,
      actionId: "review_approve_all",
      message: { channel: o.channel, ts: o.ts },
      value: JSON.stringify({ m: "2026-13" }),
    });
    await ephemeralAfter(USERS.chief, n0, /无法识别该请求/);
    expect(await h.db.prisma.sheet.findMany({ orderBy: { id: "asc" } })).toEqual(beforeAll);
    const refused = await h.db.prisma.auditLog.findMany({
      where: { outcome: "REFUSED", id: { gt: since } },
      orderBy: { id: "asc" },
    });
    expect(refused.map((r) => `${r.actor} ${r.action} ${r.reason}`)).toEqual([
      `${USERS.chief} sheet.return invalidRequest`,
      `${USERS.chief} sheet.adjust review.notFound`,
      `${MORE.group} sheet.reopen invalidRequest`,
      `${USERS.prefers} sheet.adjust invalidRequest`,
      `${USERS.chief} sheet.approveAll invalidRequest`,
    ]);
    await click(USERS.chief, "review_approve", await cardFor(USERS.chief, "卫伪"));
    await until(async () => (await sheetOf("U0FORGE"))?.state === "APPROVED");
  });
});

describe("20 concurrent clicks", () => {
  it("make one transition; the 19 others are told who decided and when", async () => {
    const p = await person("U0RACE", "赛跑", ["STAFF"], h.fx.sectionId);
    expect(p).toBeDefined();
    await log("U0RACE", "invoice", 1, "2026-11-13");
    await submit("U0RACE");
    const card = await cardFor(USERS.chief, "赛跑");
    const n0 = h.slack.ephemerals(USERS.chief).length;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => click(USERS.chief, "review_approve", card)),
    );
    expect(results.every((r) => r.acked)).toBe(true);
    const answers = await h.slack.waitFor(() => {
      const list = h.slack
        .ephemerals(USERS.chief)
        .slice(n0)
        .filter((e) =>
          /赛跑 的 2026-11 积分表已由 王股长 于 2026-11-20 10:00 处理（已审核）/.test(textOf(e)),
        );
      return list.length >= 19 ? list : undefined;
    });
    expect(answers).toHaveLength(19);
    const sheet = (await sheetOf("U0RACE"))!;
    expect(sheet.state).toBe("APPROVED");
    expect(
      await h.db.prisma.sheetTransition.count({ where: { sheetId: sheet.id, toState: "APPROVED" } }),
    ).toBe(1);
    await settle(h);
    expect(h.slack.messages("U0RACE").filter((m) => /审核通过/.test(textOf(m)))).toHaveLength(1);
  });
});

describe("/kpi review, Approve all clean, reopen", () => {
  it("lists pending sheets and who has not submitted, and approves only the clean ones", async () => {
    await person("U0CLEAN", "钱清", ["STAFF"], h.fx.sectionId);
    await person("U0GAPS", "吴缺", ["STAFF"], h.fx.sectionId);
    await person("U0IDLE", "郑闲", ["STAFF"], h.fx.sectionId);
    await log("U0CLEAN", "invoice", 2, "2026-11-14");
    await log("U0GAPS", "arrears", 1, "2026-11-14"); // two required documents missing
    await submit("U0CLEAN");
    await submit("U0GAPS");
    const nO = h.slack.ephemerals(USERS.chief).length;
    await h.slack.slashCommand({ user: USERS.chief, command: "/kpi", text: "review 2026-11" });
    const o = await ephemeralAfter(USERS.chief, nO, /待审核积分表 · 2026-11/);
    const text = textOf(o);
    expect(text).toContain("*钱清* · 6.00 分 · 1 条");
    expect(text).toContain("⚠️ 资料不全 1 · 🚩 提示 0 · 🕒 待定分 0");
    expect(text).toContain("[一键通过无问题的（1）]");
    expect(text).toContain("• 郑闲：尚未开始，0 条");
    expect(o.blocks!.length).toBeLessThanOrEqual(50);
    await h.slack.clickButton({
      user: USERS.chief,
      actionId: "review_approve_all",
      message: { channel: o.channel, ts: o.ts },
    });
    const result = await h.slack.waitForEphemeral(USERS.chief, /已通过 1 张无问题的积分表：钱清/);
    expect(textOf(result)).toContain("需逐张审核：吴缺");
    expect((await sheetOf("U0CLEAN"))?.state).toBe("APPROVED");
    expect((await sheetOf("U0GAPS"))?.state).toBe("SUBMITTED");
  });

  it("the assessment group reopens an approved sheet with a reason (button and command); both are told", async () => {
    await h.slack.slashCommand({
      user: USERS.chief,
      command: "/kpi",
      text: `reopen <@${USERS.zhang}> 2026-11 x`,
    });
    // the refusal names the role in the reader's language (no enum code leaks into a zh-CN reply)
    const refused = await h.slack.waitForEphemeral(USERS.chief, /您无权执行此操作/);
    expect(textOf(refused)).toContain("您无权执行此操作（需要：考核小组）。");
    expect(textOf(refused)).not.toContain("ASSESSMENT_GROUP");
    await h.slack.slashCommand({
      user: MORE.group,
      command: "/kpi",
      text: `reopen <@${USERS.zhang}|zhang.wei> 2026-11`,
    });
    const prompt = await h.slack.waitForEphemeral(MORE.group, /待审核积分表：张伟/);
    // the chief's refused attempt is in the audit trail, and so is a click of the Reopen… button by him
    await h.slack.clickButton({
      user: USERS.chief,
      actionId: "review_reopen",
      message: { channel: prompt.channel, ts: prompt.ts },
    });
    await h.slack.waitFor(() => {
      const v = h.slack.currentView(USERS.chief);
      return v && /您无权执行此操作/.test(renderView(v.view)) ? v : undefined;
    });
    await h.slack.closeView({ user: USERS.chief });
    const refusedReopen = await h.db.prisma.auditLog.findMany({
      where: { actor: USERS.chief, action: "sheet.reopen", outcome: "REFUSED" },
      orderBy: { id: "asc" },
    });
    expect(refusedReopen.map((a) => [a.reason, a.entityId])).toEqual([
      ["auth.forbidden", null],
      ["auth.forbidden", (await sheetOf(USERS.zhang))!.id],
    ]);
    await h.slack.clickButton({
      user: MORE.group,
      actionId: "review_reopen",
      message: { channel: prompt.channel, ts: prompt.ts },
    });
    await h.slack.waitFor(() =>
      h.slack.currentView(MORE.group)?.callbackId === "review_reopen_modal" ? true : undefined,
    );
    const empty = await h.slack.submitView({ user: MORE.group, values: { review_reason: "" } });
    expect(empty.responseAction).toBe("errors");
    await h.slack.submitView({ user: MORE.group, values: { review_reason: "发票数与金税系统不符" } });
    await until(async () => (await sheetOf(USERS.zhang))?.state === "RETURNED");
    const staff = await h.slack.waitForMessage(USERS.zhang, /重新打开/);
    expect(textOf(staff)).toContain("*原因：*发票数与金税系统不符");
    await h.slack.waitForMessage(USERS.chief, /重新打开了 张伟 的 2026-11 积分表/);
    const card = await cardFor(USERS.chief, "张伟");
    await h.slack.waitFor(() => textOf(live(card)).includes("已退回"));
    // the command form, with the reason typed
    await submit(USERS.zhang);
    const again = await cardFor(USERS.chief, "张伟", 2);
    await click(USERS.chief, "review_approve", again);
    await until(async () => (await sheetOf(USERS.zhang))?.state === "APPROVED");
    await h.slack.slashCommand({ user: MORE.group, command: "/kpi", text: `reopen 张伟 2026-11 再次核对` });
    await h.slack.waitForEphemeral(MORE.group, /已重新打开 张伟 的 2026-11 积分表/);
    expect((await sheetOf(USERS.zhang))?.state).toBe("RETURNED");
    const audit = await h.db.prisma.auditLog.findMany({ where: { action: "sheet.reopen", outcome: "OK" } });
    expect(audit).toHaveLength(2);
  });
});

describe("a 300-line sheet", () => {
  it("renders within Slack's limits: summary card, Details in pages, Adjust in pages", async () => {
    const codes = ["invoice", "invoiceIssue", "archive"] as const;
    for (let i = 0; i < 300; i++) {
      const day = String(1 + (i % 19)).padStart(2, "0");
      await log(
        MORE.long,
        codes[i % 3]!,
        1 + (i % 4),
        `2026-11-${day}`,
        `第 ${i} 笔，纳税人识别号 91310000${i}`,
      );
    }
    await submit(MORE.long);
    const card = await cardFor(USERS.chief, "周长表");
    expect(card.blocks!.length).toBeLessThanOrEqual(50);
    for (const b of card.blocks!) {
      const t = (b as { text?: { text?: string } }).text?.text ?? "";
      expect(t.length).toBeLessThanOrEqual(3000);
    }
    expect(textOf(card)).toContain("（共 300 条）");
    await click(USERS.chief, "review_details", card);
    const details = await h.slack.waitFor(() => {
      const v = h.slack.currentView(USERS.chief);
      return v?.callbackId === "review_details_modal" ? v : undefined;
    });
    expect((details.view.blocks as unknown[]).length).toBeLessThanOrEqual(100);
    expect(renderView(details.view)).toContain("第 1 页，共 2 页");
    await h.slack.clickButton({
      user: USERS.chief,
      actionId: "review_details_page:next",
      viewId: details.id,
    });
    await h.slack.waitFor(() =>
      renderView(h.slack.currentView(USERS.chief)!.view).includes("第 2 页，共 2 页"),
    );
    await h.slack.closeView({ user: USERS.chief });
    await click(USERS.chief, "review_adjust", card);
    const adjust = await h.slack.waitFor(() => {
      const v = h.slack.currentView(USERS.chief);
      return v?.callbackId === "review_adjust_modal" ? v : undefined;
    });
    expect((adjust.view.blocks as unknown[]).length).toBeLessThanOrEqual(100);
    expect(renderView(adjust.view)).toContain("第 1–20 条，共 300 条");
    await h.slack.clickButton({ user: USERS.chief, actionId: "review_adjust_page:next", viewId: adjust.id });
    await h.slack.waitFor(() =>
      renderView(h.slack.currentView(USERS.chief)!.view).includes("第 21–40 条，共 300 条"),
    );
    // saving a change on page 2 keeps the modal open there, with the new count
    const page2 = h.slack.currentView(USERS.chief)!;
    const countBlock = (page2.view.blocks as { block_id?: string }[]).find((b) =>
      b.block_id?.startsWith("adjc:"),
    )!.block_id!;
    const entryId = countBlock.slice("adjc:".length);
    const res = await h.slack.submitView({
      user: USERS.chief,
      values: { [countBlock]: "9", [`adjr:${entryId}`]: "按系统数据更正" },
    });
    expect(res.responseAction).toBe("update");
    const after = renderView(h.slack.currentView(USERS.chief)!.view);
    expect(after).toContain("已保存：周长表 的 2026-11 积分表调整了 1 条");
    expect(after).toContain("第 21–40 条，共 300 条");
    expect((await h.db.prisma.entry.findUniqueOrThrow({ where: { id: entryId } })).count).toBe(9);
    await h.slack.waitFor(() => textOf(live(card)).includes("按系统数据更正"));
    await h.slack.closeView({ user: USERS.chief });
    expectNoBlockViolations();
  }, 120_000);
});

describe("a published month's undecided sheets", () => {
  it("are left out of /kpi review (which says the month is published) and of the App Home count", async () => {
    const left = await person("U0LEFT", "左留", ["STAFF"], h.fx.sectionId);
    const chief = await h.db.prisma.person.findUniqueOrThrow({ where: { slackUserId: USERS.chief } });
    await h.db.prisma.sheet.create({
      data: {
        personId: left.id,
        month: "2026-10",
        state: "SUBMITTED",
        reviewerId: chief.id,
        submittedAt: new Date("2026-11-04T09:00:00+08:00"),
      },
    });
    const homePending = async () => {
      const n0 = h.slack.callsTo("views.publish").length;
      await h.slack.openHome(USERS.chief);
      await h.slack.waitFor(() => h.slack.callsTo("views.publish").length > n0 || undefined);
      const m = /有 (\d+) 张积分表等待您审核/.exec(renderView(h.slack.home(USERS.chief)?.view ?? {}));
      return m ? Number(m[1]) : 0;
    };
    const overview = async () => {
      const n0 = h.slack.ephemerals(USERS.chief).length;
      await h.slack.slashCommand({ user: USERS.chief, command: "/kpi", text: "review 2026-10" });
      return textOf(await ephemeralAfter(USERS.chief, n0, /待审核积分表 · 2026-10/));
    };
    expect(await overview()).toContain("*左留*");
    const before = await homePending();
    expect(before).toBeGreaterThan(0);

    await h.db.prisma.monthClose.create({
      data: { month: "2026-10", state: "PUBLISHED", publishedAt: new Date() },
    });
    const text = await overview();
    expect(text).not.toContain("左留");
    expect(text).not.toContain("review_approve");
    expect(text).toContain("2026-10 的结果已公布");
    expect(await homePending()).toBe(before - 1);
  });
});
