/**
 * `/kpi close`, Publish and `/kpi why` through the real Bolt app and the fake Slack, on a month built with
 * database fixtures (five SERVICE staff with approved sheets, a deduction, a veto, an award, one person
 * not yet quality-scored): the preview only to the group member, the blocker, Publish refused without a
 * reason and done with one (the exception recorded by name), the channel post, the chart (a PNG uploaded
 * with files.uploadV2), a DM to every staff member, persisted results equal to the scoring module's, why
 * for oneself / a chief's section / the group, and forged payloads from outside the group changing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMonthInput } from "../../src/domain/month-input.js";
import { computeMonth } from "../../src/scoring/index.js";
import { USERS } from "./fixtures.js";
import { type Harness, lastEphemeral, settle, startHarness, textOf } from "./harness.js";

let h: Harness;
const M = "2026-10";
const RESULTS = "C0RESULTS";

const COUNTS: Record<string, number> = {
  [USERS.zhang]: 400,
  [USERS.anna]: 300,
  [USERS.li]: 200,
  [USERS.chief]: 100,
  [USERS.prefers]: 300,
};

beforeAll(async () => {
  h = await startHarness("http");
  const p = h.db.prisma;
  await p.roleAssignment.create({ data: { personId: h.fx.people.anna!, role: "ASSESSMENT_GROUP" } });
  await p.setting.create({ data: { key: "resultsChannel", value: RESULTS } });
  const version = await p.itemPointVersion.findFirstOrThrow({ where: { itemId: h.fx.items.invoice } });
  for (const [slack, count] of Object.entries(COUNTS)) {
    const person = await p.person.findUniqueOrThrow({ where: { slackUserId: slack } });
    const sheet = await p.sheet.create({
      data: { personId: person.id, month: M, state: "APPROVED", version: 2, categoryCode: "SERVICE" },
    });
    for (const day of ["2026-10-09", "2026-10-10"]) {
      await p.entry.create({
        data: {
          personId: person.id,
          sheetId: sheet.id,
          month: M,
          workDate: day,
          itemId: h.fx.items.invoice,
          pointVersionId: version.id,
          pointsPerUnit: version.points,
          count: count / 2,
        },
      });
    }
    if (slack !== USERS.li)
      await p.qualityReview.create({
        data: { personId: person.id, month: M, reviewedById: h.fx.people.anna! },
      });
  }
  await p.qualityAdjustment.create({
    data: {
      personId: h.fx.people.zhang!,
      month: M,
      value: -500,
      reason: "发票发售差错",
      createdById: h.fx.people.anna!,
    },
  });
  await p.qualityAdjustment.create({
    data: {
      personId: h.fx.people.prefers!,
      month: M,
      value: -10000,
      veto: true,
      reason: "违规发售发票",
      createdById: h.fx.people.anna!,
    },
  });
  await p.discretionaryAward.create({
    data: {
      month: M,
      personId: h.fx.people.chief!,
      points: 500,
      reason: "帮助新人",
      awardedById: h.fx.people.anna!,
    },
  });
});
afterAll(async () => {
  await h?.close();
});

async function kpi(user: string, text: string): Promise<string> {
  const seen = h.slack.ephemerals(user).length;
  await h.slack.slashCommand({ user, command: "/kpi", text });
  await h.slack.waitFor(() => h.slack.ephemerals(user).length > seen || undefined);
  await settle(h);
  return textOf(lastEphemeral(h.slack, user));
}

const base = (user: string) => ({
  user: { id: user, username: user, team_id: h.slack.team.id },
  team: { id: h.slack.team.id, domain: h.slack.team.domain },
  api_app_id: h.slack.appId,
  token: "emulator-verification-token",
  trigger_id: "0.0.forged",
});

describe("/kpi close and publish", () => {
  it("staff cannot close: the command, a forged Publish button and a forged confirmation change nothing", async () => {
    expect(await kpi(USERS.zhang, `close ${M}`)).toContain("无权");
    const forgedSubmit = await h.slack.sendInteraction({
      type: "view_submission",
      ...base(USERS.zhang),
      view: {
        id: "VFORGEDCLOSE",
        type: "modal",
        callback_id: "close_publish_modal",
        private_metadata: JSON.stringify({ m: M, h: "0123456789abcdef" }),
        state: { values: { close_reason: { close_reason: { type: "plain_text_input", value: "me" } } } },
      },
    });
    expect(JSON.stringify(forgedSubmit.ackBody)).toContain("无权");
    expect(await h.db.prisma.monthResult.count()).toBe(0);
    expect(await h.db.prisma.sheet.count({ where: { state: "LOCKED" } })).toBe(0);
    const refused = await h.db.prisma.auditLog.findMany({
      where: { actor: USERS.zhang, outcome: "REFUSED", entityType: "MonthClose" },
    });
    expect(refused.map((r) => r.action)).toEqual(["month.preview", "month.publish"]);
  });

  it("the group member sees the preview: the blocker, every component, ranks and ties", async () => {
    const text = await kpi(USERS.anna, `close ${M}`);
    expect(text).toContain("Close 2026-10: preview");
    expect(text).toContain("1 blockers");
    expect(text).toContain("李娜: not quality-scored yet");
    expect(text).toContain("SERVICE");
    // 张伟: raw 1200 = max → quantity 100, quality 95 → 38 + 60 = 98.00
    expect(text).toMatch(/1\s+张伟\s+1200\.00\s+100\.00\s+95\.00\s+38\.00\s+60\.00\s+0\.00\s+98\.00/);
    // 刘洋 (veto): 900 → 75 × 0.6 = 45
    expect(text).toMatch(/刘洋\s+900\.00\s+75\.00\s+0\.00✗/);
    expect(text).toContain("[Recompute]");
    expect(text).toContain("[Publish…]");
    // only the one who asked sees it
    expect(h.slack.messages(RESULTS)).toHaveLength(0);
  });

  it("Publish… asks for the reason for the exception; without it nothing is published", async () => {
    await h.slack.clickButton({ user: USERS.anna, actionId: "close_publish" });
    const modal = await h.slack.waitFor(() => {
      const v = h.slack.currentView(USERS.anna);
      return v && JSON.stringify(v.view).includes("close_reason") ? v : undefined;
    });
    expect(JSON.stringify(modal.view)).toContain("李娜");
    const empty = await h.slack.submitView({ user: USERS.anna, values: { close_reason: "   " } });
    expect(empty.responseAction).toBe("errors");
    expect(await h.db.prisma.monthResult.count()).toBe(0);
  });

  it("publishes with the reason: results saved as computed, sheets locked, exception named, channel post, chart, DMs", async () => {
    const expected = computeMonth((await loadMonthInput(h.db, M)).input);
    const r = await h.slack.submitView({
      user: USERS.anna,
      values: { close_reason: "李娜 is on leave; scored next month" },
    });
    expect(r.responseAction).toBe("update");
    await h.slack.waitFor(() => {
      const v = h.slack.currentView(USERS.anna);
      return v && JSON.stringify(v.view).includes("Posted to") ? v : undefined;
    }, 15_000);
    await settle(h);

    const saved = await h.db.prisma.monthResult.findMany({ where: { month: M } });
    expect(saved).toHaveLength(5);
    for (const e of expected.people) {
      const s = saved.find((x) => x.personId === e.personId)!;
      expect([s.final, s.raw, s.groupMax, s.rankOverall, s.vetoed]).toEqual([
        e.finalRounded,
        e.raw,
        e.groupMax,
        e.rankOverall,
        e.vetoed,
      ]);
    }
    expect(await h.db.prisma.sheet.count({ where: { month: M, state: "LOCKED" } })).toBe(5);
    const close = await h.db.prisma.monthClose.findUniqueOrThrow({ where: { month: M } });
    const record = close.exceptions as {
      exceptions: { reason: string; items: { name: string; kind: string }[] };
    };
    expect(record.exceptions.items).toEqual([
      expect.objectContaining({ name: "李娜", kind: "noQualityReview" }),
    ]);
    expect(record.exceptions.reason).toBe("李娜 is on leave; scored next month");

    // the channel: the ranking with every component, spread and totals (the scheme's language: zh-CN)
    const post = h.slack.messages(RESULTS).find((m) => (m.text ?? "").includes("考核结果"))!;
    const posted = textOf(post);
    expect(posted).toContain("分差");
    expect(posted).toMatch(/1\. 张伟：\*98\.00\*（质量 95\.00 · 数量 100\.00 · 机动 0\.00）/);
    expect(posted).toContain("✗一票否决");
    expect(posted).toContain("*总排名*");
    expect(close.announceTs).toBe(post.ts);
    // the chart: a PNG in the channel, uploaded through files.uploadV2
    const chart = h.slack.files.find((f) => f.completed && f.channels.includes(RESULTS));
    expect(chart?.filename).toBe("results-2026-10.png");
    expect(Buffer.from(chart!.bytes).subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    expect(h.slack.callsTo("files.completeUploadExternal").length).toBeGreaterThan(0);
    // a DM to every staff member with their own result
    for (const user of Object.keys(COUNTS)) {
      const dm = h.slack.messages(user).map((m) => textOf(m));
      expect(dm.some((d) => d.includes("2026-10") && (d.includes("Final") || d.includes("最终得分")))).toBe(
        true,
      );
    }
    expect(textOf(h.slack.messages(USERS.prefers).at(-1))).toContain("✗ veto"); // English reader
  });

  it("closing again creates no second set of results, and posts nothing again", async () => {
    const posts = h.slack.messages(RESULTS).length;
    const text = await kpi(USERS.anna, `close ${M}`);
    expect(text).toContain("2026-10 is published");
    // the publish time in the scheme's zone (the test clock: 2026-11-20 10:00 in Shanghai), as every other time
    expect(text).toMatch(/Published 2026-11-20 10:\d\d by /);
    expect(text).not.toContain("UTC");
    expect(text).not.toContain("[Publish…]");
    const r = await h.slack.sendInteraction({
      type: "view_submission",
      ...base(USERS.anna),
      view: {
        id: "VAGAIN",
        type: "modal",
        callback_id: "close_publish_modal",
        private_metadata: JSON.stringify({ m: M, h: "0123456789abcdef" }),
        state: { values: { close_reason: { close_reason: { type: "plain_text_input", value: "again" } } } },
      },
    });
    expect(r.acked).toBe(true);
    await settle(h, 500);
    expect(await h.db.prisma.monthResult.count()).toBe(5);
    expect(h.slack.messages(RESULTS).length).toBe(posts);
    expect(await h.db.prisma.auditLog.count({ where: { action: "month.publish", outcome: "OK" } })).toBe(1);
  });

  it("why: one's own steps, a chief's section, the group everyone; others refused", async () => {
    const own = await kpi(USERS.zhang, "why");
    expect(own).toContain("为何是 98.00：张伟，2026-10");
    expect(own).toContain("SV001 发票发售（2026-01 起的分值）：400 × 3.00 = 1200.00（2 条）");
    expect(own).toMatch(/公布时的合计：\d+ 条、\d+ 件 = [\d.]+/);
    expect(own).toContain("-5.00 发票发售差错 → 95.00");
    expect(own).toContain("✔ 仅凭以上步骤重算：98.00");
    expect(await kpi(USERS.zhang, `why <@${USERS.li}>`)).toContain("无权");
    // a staff member naming someone is refused the same way whether the name exists or not
    const known = await kpi(USERS.zhang, `why 刘洋 ${M}`);
    const unknown = await kpi(USERS.zhang, `why 没这个人 ${M}`);
    expect(known).toContain("无权");
    expect(unknown).toBe(known);
    const chief = await kpi(USERS.chief, `why <@${USERS.prefers}|刘洋> ${M}`);
    expect(chief).toContain("一票否决");
    const group = await kpi(USERS.anna, `why 张伟 ${M}`);
    expect(group).toContain("Why 98.00");
    expect(await kpi(USERS.anna, "why nobody")).toContain("nobody is not in the appraisal scheme");
  });
});
