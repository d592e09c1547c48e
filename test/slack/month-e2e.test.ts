/**
 * A whole month end to end through the real Bolt app and the fake Slack (issue 6, acceptance): staff log
 * work and a temporary task, submit; the chiefs approve from their cards; the group prices the task, scores
 * quality (one veto), the branch chief awards discretionary points; `/kpi close` first shows a blocker,
 * then (after the last quality score and Recompute) none; Publish. Checked: the channel post, every DM,
 * the uploaded files (the chart is a PNG; the score sheet from `/kpi export` opens with exceljs and holds
 * the same finals), the persisted results equal the scoring module's, and `why` reproduces every final.
 * A forged close from a staff member changes nothing.
 */
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMonthInput } from "../../src/domain/month-input.js";
import { explainResult } from "../../src/domain/why.js";
import type { StoredMessage } from "../../src/emulator/index.js";
import { computeMonth, formatHundredths } from "../../src/scoring/index.js";
import { renderView } from "../../src/slack/blocks/render.js";
import { USERS } from "./fixtures.js";
import { type Harness, lastEphemeral, settle, startHarness, textOf } from "./harness.js";

const BOSS = "U0BOSS";
const M = "2026-11";
const RESULTS = "C0RESULTS";
const STAFF = [USERS.zhang, USERS.anna, USERS.li, USERS.chief, USERS.prefers];

let h: Harness;
let vetoRule: string;

beforeAll(async () => {
  h = await startHarness("http");
  const p = h.db.prisma;
  h.slack.addUser({
    id: BOSS,
    name: "boss",
    realName: "Director Zhao",
    locale: "en-US",
    tz: "Asia/Shanghai",
  });
  await p.person.create({
    data: {
      slackUserId: BOSS,
      name: "赵局长",
      nameEn: "Director Zhao",
      locale: "en",
      roles: { create: [{ role: "BRANCH_CHIEF" }, { role: "ASSESSMENT_GROUP" }] },
    },
  });
  await p.roleAssignment.create({ data: { personId: h.fx.people.chief!, role: "ASSESSMENT_GROUP" } });
  await p.setting.create({ data: { key: "resultsChannel", value: RESULTS } });
  vetoRule = (
    await p.itemQualityRule.create({
      data: { itemId: h.fx.items.invoice, description: "违规发售发票", value: 0, veto: true },
    })
  ).id;
});
afterAll(async () => {
  await h?.close();
});

async function until<T>(fn: () => Promise<T | undefined | null | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`condition not met: ${fn.toString().slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function command(user: string, cmd: "/log" | "/kpi", text: string): Promise<string> {
  const seen = h.slack.ephemerals(user).length;
  const r = await h.slack.slashCommand({ user, command: cmd, text });
  const ack = r.ackBody && (r.ackBody.text || r.ackBody.blocks) ? textOf(r.ackBody as never) : "";
  if (ack.trim()) return ack;
  const e = await h.slack.waitFor(() => h.slack.ephemerals(user).slice(seen).at(-1));
  return textOf(e);
}

async function modalOf(user: string, callbackId: string, includes?: string) {
  return h.slack.waitFor(() => {
    const v = h.slack.currentView(user);
    return v?.callbackId === callbackId && (!includes || renderView(v.view).includes(includes))
      ? v
      : undefined;
  });
}

async function submitSheet(user: string) {
  const before = h.slack.ephemerals(user).length;
  await h.slack.slashCommand({ user, command: "/log", text: `submit ${M}` });
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
}

async function approveFromCard(reviewer: string, name: string) {
  const card: StoredMessage = await h.slack.waitFor(() =>
    h.slack
      .messages(reviewer)
      .find((m) => textOf(m).includes(name) && /review_approve/.test(JSON.stringify(m.blocks))),
  );
  await h.slack.clickButton({
    user: reviewer,
    actionId: "review_approve",
    message: { channel: card.channel, ts: card.ts },
  });
}

/** Form values keyed by block id prefix ("quality_value" also names "quality_value.<form key>"). */
function byPrefix(user: string, values: Record<string, unknown>): Record<string, unknown> {
  const blocks = ((h.slack.currentView(user)?.view.blocks ?? []) as { block_id?: string }[]).map(
    (b) => b.block_id ?? "",
  );
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values))
    out[blocks.find((id) => id === k || id.startsWith(`${k}.`)) ?? k] = v;
  return out;
}

async function qualityForm(scorer: string, person: string, values: Record<string, unknown>) {
  await h.slack.slashCommand({ user: scorer, command: "/kpi", text: `quality ${person} ${M}` });
  await modalOf(scorer, "quality_modal", person);
  const r = await h.slack.submitView({ user: scorer, values: byPrefix(scorer, values) });
  expect(r.responseAction).toBe("update");
  await h.slack.closeView({ user: scorer });
}

describe("a month end to end", () => {
  it("log, submit, approve", async () => {
    expect(await command(USERS.zhang, "/log", "fpfs 100 2026-11-02")).toContain("SV001");
    expect(await command(USERS.zhang, "/log", "fpfs 60 2026-11-03")).toContain("SV001");
    await command(USERS.zhang, "/log", "temp 45 协助整理防汛材料 similar:fpfs");
    await command(USERS.anna, "/log", "fpfs 120 2026-11-03");
    await command(USERS.li, "/log", "dagjzl 90 2026-11-04");
    await command(USERS.chief, "/log", "fpdk 30 2026-11-05");
    await command(USERS.prefers, "/log", "fpfs 70 2026-11-05");
    await settle(h);
    for (const u of STAFF) await submitSheet(u);
    await until(
      async () => (await h.db.prisma.sheet.count({ where: { month: M, state: "SUBMITTED" } })) === 5,
    );
    for (const name of ["张伟", "安娜", "李娜", "刘洋"]) await approveFromCard(USERS.chief, name);
    await approveFromCard(BOSS, "王股长");
    await until(
      async () => (await h.db.prisma.sheet.count({ where: { month: M, state: "APPROVED" } })) === 5,
    );
  });

  it("price the temporary task, score quality with one veto, award discretionary points", async () => {
    const queue = await command(BOSS, "/kpi", `pricing ${M}`);
    expect(queue).toContain("协助整理防汛材料");
    const task = await h.db.prisma.tempTask.findFirstOrThrow({ where: { month: M } });
    const q = lastEphemeral(h.slack, BOSS)!;
    await h.slack.clickButton({
      user: BOSS,
      actionId: "pricing_open",
      blockId: `pricing:${task.id}`,
      message: { channel: q.channel, ts: q.ts },
    });
    await modalOf(BOSS, "pricing_modal");
    const priced = await h.slack.submitView({
      user: BOSS,
      values: byPrefix(BOSS, { pricing_points: "40", pricing_reason: "half of an invoice day" }),
    });
    expect(priced.responseAction).toBe("update");
    await h.slack.closeView({ user: BOSS });

    await qualityForm(USERS.chief, "张伟", { quality_value: "-5", quality_reason: "发票发售差错" });
    await qualityForm(USERS.chief, "安娜", {});
    await qualityForm(BOSS, "王股长", {});
    // the veto: a distinct, confirmed action pushed over the quality form
    await h.slack.slashCommand({ user: USERS.chief, command: "/kpi", text: `quality 刘洋 ${M}` });
    await modalOf(USERS.chief, "quality_modal", "刘洋");
    await h.slack.clickButton({ user: USERS.chief, actionId: "quality_veto" });
    await modalOf(USERS.chief, "veto_modal");
    await h.slack.submitView({
      user: USERS.chief,
      values: { veto_rule: vetoRule, veto_reason: "违规发售发票 1 份" },
    });
    await until(async () => (await h.db.prisma.qualityAdjustment.count({ where: { veto: true } })) === 1);
    await h.slack.closeView({ user: USERS.chief });

    await h.slack.slashCommand({ user: BOSS, command: "/kpi", text: `award ${M}` });
    await modalOf(BOSS, "award_modal");
    const award = await h.slack.submitView({
      user: BOSS,
      values: byPrefix(BOSS, { award_person: USERS.anna, award_points: "5", award_reason: "window praised" }),
    });
    expect(award.responseAction).toBe("update");
    await h.slack.closeView({ user: BOSS });
    expect(await h.db.prisma.discretionaryAward.count({ where: { month: M, revokedAt: null } })).toBe(1);
  });

  it("a staff member cannot close, even with a forged confirmation", async () => {
    expect(await command(USERS.zhang, "/kpi", `close ${M}`)).toContain("无权");
    const r = await h.slack.sendInteraction({
      type: "view_submission",
      user: { id: USERS.li, username: "li", team_id: h.slack.team.id },
      team: { id: h.slack.team.id, domain: h.slack.team.domain },
      api_app_id: h.slack.appId,
      token: "emulator-verification-token",
      trigger_id: "0.0.forged",
      view: {
        id: "VFORGED",
        type: "modal",
        callback_id: "close_publish_modal",
        private_metadata: JSON.stringify({ m: M, h: "0123456789abcdef" }),
        state: { values: { close_reason: { close_reason: { type: "plain_text_input", value: "x" } } } },
      },
    });
    expect(JSON.stringify(r.ackBody)).toContain("无权");
    expect(await h.db.prisma.monthResult.count()).toBe(0);
  });

  it("close shows a blocker; after the last quality score, Recompute shows none; Publish", async () => {
    const first = await command(BOSS, "/kpi", `close ${M}`);
    expect(first).toContain("1 blockers");
    expect(first).toContain("李娜: not quality-scored yet");
    await qualityForm(USERS.chief, "李娜", {});

    const preview = lastEphemeral(h.slack, BOSS)!;
    await h.slack.clickButton({
      user: BOSS,
      actionId: "close_recompute",
      message: { channel: preview.channel, ts: preview.ts },
    });
    const again = await h.slack.waitFor(() => {
      const e = h.slack
        .ephemerals(BOSS)
        .find((x) => x.ts === preview.ts && textOf(x).includes("No blockers"));
      return e;
    });
    expect(textOf(again)).toContain("[Publish…]");
    await h.slack.clickButton({
      user: BOSS,
      actionId: "close_publish",
      message: { channel: again.channel, ts: again.ts },
    });
    const modal = await modalOf(BOSS, "close_publish_modal", "Publishing");
    expect(JSON.stringify(modal.view)).not.toContain("close_reason");
    const r = await h.slack.submitView({ user: BOSS, values: {} });
    expect(r.responseAction).toBe("update");
    await h.slack.waitFor(() => {
      const v = h.slack.currentView(BOSS);
      return v && renderView(v.view).includes("Posted to") ? v : undefined;
    }, 20_000);
    expect(await h.db.prisma.monthClose.findUnique({ where: { month: M } })).toMatchObject({
      state: "PUBLISHED",
      exceptions: expect.objectContaining({ exceptions: null }),
    });
  });

  it("the results: persisted = scoring module, channel post, DMs, chart PNG, XLSX with the same finals, why", async () => {
    const expected = computeMonth((await loadMonthInput(h.db, M)).input);
    const saved = await h.db.prisma.monthResult.findMany({ where: { month: M } });
    expect(saved).toHaveLength(5);
    const finalOf = new Map<string, string>();
    for (const e of expected.people) {
      const s = saved.find((x) => x.personId === e.personId)!;
      expect([s.final, s.raw, s.groupMax, s.discretionary, s.vetoed, s.rankOverall, s.rankCategory]).toEqual([
        e.finalRounded,
        e.raw,
        e.groupMax,
        e.discretionary,
        e.vetoed,
        e.rankOverall,
        e.rankCategory,
      ]);
      finalOf.set(e.name!, formatHundredths(e.finalRounded));
    }
    // 刘洋's veto: quality 0; 张伟's raw includes the priced temporary task
    const liu = expected.people.find((p) => p.name === "刘洋")!;
    expect(liu.vetoed).toBe(true);
    expect(expected.people.find((p) => p.name === "张伟")!.tempRaw).toBe(4000n);

    const post = textOf(h.slack.messages(RESULTS).find((m) => (m.text ?? "").includes("考核结果")));
    for (const [name, final] of finalOf) expect(post).toContain(`${name}：*${final}*`);
    expect(post).toContain("分差");
    const chart = h.slack.files.find((f) => f.completed && f.channels.includes(RESULTS))!;
    expect(Buffer.from(chart.bytes).subarray(1, 4).toString("latin1")).toBe("PNG");
    for (const u of STAFF) {
      expect(
        h.slack.messages(u).some((m) => /2026-11/.test(textOf(m)) && /最终得分|Final/.test(textOf(m))),
      ).toBe(true);
    }

    // the score sheet the group exports holds the same finals
    const before = h.slack.files.length;
    expect(await command(BOSS, "/kpi", `export ${M}`)).toBeTruthy();
    const xlsx = await h.slack.waitFor(() =>
      h.slack.files.slice(before).find((f) => f.completed && f.filename.endsWith(".xlsx")),
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(xlsx.bytes) as never);
    const cells: string[] = [];
    wb.eachSheet((ws) =>
      ws.eachRow((row) =>
        row.eachCell((c) => {
          cells.push(typeof c.value === "number" ? c.value.toFixed(2) : String(c.value ?? ""));
        }),
      ),
    );
    for (const final of finalOf.values()) expect(cells).toContain(final);

    // why reproduces every final from the stored steps
    const boss = await h.app.ctx.actors.get(BOSS);
    for (const s of saved) {
      const person = await h.db.prisma.person.findUniqueOrThrow({ where: { id: s.personId } });
      const e = await explainResult(h.db.prisma, boss, { target: person.slackUserId, month: M });
      expect(e.replay).toEqual({ final: s.final, ok: true, problem: null });
    }
    const own = await command(USERS.prefers, "/kpi", "why");
    expect(own).toContain("veto");
    expect(own).toContain("✔ Replayed from these steps alone");
  });
});
