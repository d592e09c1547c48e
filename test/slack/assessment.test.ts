/**
 * `/kpi pricing`, `/kpi quality @person [month]` and `/kpi award` through the real Bolt app and the fake
 * Slack: the queue and the pricing form (suggestion, validation errors, the owner's DM, a second pricer told
 * who won), the quality form (standards of the items worked on, running score, review recorded with nothing
 * adjusted, the veto pushed and confirmed, Remove), the discretionary pool (overspending refused with the
 * numbers, the recipient's DM), and forged payloads (non-members, ids that do not exist) that change nothing
 * and are audited.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderView } from "../../src/slack/blocks/render.js";
import { USERS } from "./fixtures.js";
import { type Harness, lastEphemeral, settle, startHarness, textOf } from "./harness.js";

const BOSS = "U0BOSS";
const M = "2026-11";

describe("pricing, quality and the discretionary pool over signed HTTP", () => {
  let h: Harness;
  let rules: { minor: string; praise: string; veto: string };
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
    const rule = (description: string, value: number, veto = false) =>
      p.itemQualityRule
        .create({ data: { itemId: h.fx.items.invoice, description, value, veto } })
        .then((r) => r.id);
    rules = {
      minor: await rule("错票一张", -200),
      praise: await rule("纳税人书面表扬", 100),
      veto: await rule("违规发售发票", 0, true),
    };
    await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "fpfs 3 2026-11-02" });
    await h.slack.slashCommand({
      user: USERS.zhang,
      command: "/log",
      text: "temp 45 协助整理防汛材料 类似:fpfs",
    });
    await h.slack.slashCommand({ user: USERS.anna, command: "/log", text: "temp 30 visitor reception" });
    await settle(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** The block ids of the form open for `user` (the form's key is part of its input block ids). */
  const keyed = (user: string) => {
    const v = h.slack.currentView(user)!;
    const k = JSON.parse(String(v.view.private_metadata)).k as string;
    return (base: string) => `${base}.${k}`;
  };

  const audits = (action: string, outcome = "REFUSED") =>
    h.db.prisma.auditLog.findMany({ where: { action, outcome }, orderBy: { id: "asc" } });

  describe("/kpi pricing", () => {
    it("is refused to someone outside the assessment group, and audited", async () => {
      await h.slack.slashCommand({ user: USERS.anna, command: "/kpi", text: "pricing" });
      const e = await h.slack.waitForEphemeral(USERS.anna, /not allowed/);
      expect(textOf(e)).toContain("You are not allowed to do that (needs: assessment group).");
      expect((await audits("pricing.list")).at(-1)).toMatchObject({
        actor: USERS.anna,
        reason: "auth.forbidden",
      });
    });

    it("lists the tasks with the similar item and an explained suggestion; pricing DMs the owner", async () => {
      const zhangTask = await h.db.prisma.tempTask.findFirstOrThrow({
        where: { personId: h.fx.people.zhang },
      });
      await h.slack.slashCommand({ user: USERS.chief, command: "/kpi", text: "pricing" });
      const queue = await h.slack.waitForEphemeral(USERS.chief, /待定分的临时性工作/);
      const text = textOf(queue);
      expect(text).toContain("待定分的临时性工作：2 项");
      expect(text).toContain("*张伟* · 2026-11-20 · 45 分钟");
      expect(text).toContain("协助整理防汛材料");
      expect(text).toContain("参照事项：*SV001 发票发售*（每笔 3.00 分）");
      expect(text).toContain("建议 *45.00* 分 = 每分钟 1 分 × 45 分钟");
      expect(text).toContain("未注明参照事项");

      // the branch chief opens the same task's form first …
      await h.slack.slashCommand({ user: BOSS, command: "/kpi", text: "pricing" });
      const bossQueue = await h.slack.waitForEphemeral(BOSS, /awaiting pricing/);
      await h.slack.clickButton({
        user: BOSS,
        actionId: "pricing_open",
        blockId: `pricing:${zhangTask.id}`,
        message: { channel: bossQueue.channel, ts: bossQueue.ts },
      });
      await h.slack.waitFor(() => h.slack.currentView(BOSS)?.callbackId === "pricing_modal");

      // … the chief prices it
      await h.slack.clickButton({
        user: USERS.chief,
        actionId: "pricing_open",
        blockId: `pricing:${zhangTask.id}`,
        message: { channel: queue.channel, ts: queue.ts },
      });
      const modal = await h.slack.waitFor(() => {
        const v = h.slack.currentView(USERS.chief);
        return v?.callbackId === "pricing_modal" ? v : undefined;
      });
      expect(modal.openedBy).toBe("views.open");
      const form = renderView(modal.view);
      expect(form).toContain("┌ 临时性工作定分 ┐");
      expect(form).toContain("[45.00]");
      expect(form).toContain("建议 *45.00* 分");

      const bad = await h.slack.submitView({
        user: USERS.chief,
        values: { pricing_points: "四十", pricing_reason: "参照发票发售" },
      });
      expect(bad.responseAction).toBe("errors");
      expect(bad.errors).toEqual({ pricing_points: "“四十”不是有效分值：例如 45 或 37.5。" });
      const noReason = await h.slack.submitView({
        user: USERS.chief,
        values: { pricing_points: "40", pricing_reason: "   " },
      });
      expect(noReason.errors).toEqual({ pricing_reason: "请填写定分理由。" });
      expect((await h.db.prisma.tempTask.findUniqueOrThrow({ where: { id: zhangTask.id } })).status).toBe(
        "AWAITING_PRICING",
      );

      const ok = await h.slack.submitView({
        user: USERS.chief,
        values: { pricing_points: "40", pricing_reason: "参照发票发售，约一半时间" },
      });
      expect(ok.responseAction).toBe("update");
      expect(renderView(h.slack.currentView(USERS.chief)!.view)).toContain(
        "✅ 已定分 *40.00* 分：张伟 的工作",
      );
      const dm = await h.slack.waitForMessage(USERS.zhang, /已由 王股长 定分/);
      expect(textOf(dm)).toContain(
        "您的临时性工作“协助整理防汛材料”（45 分钟，2026-11-20）已由 王股长 定分 *40.00* 分",
      );
      expect(textOf(dm)).toContain("理由：参照发票发售，约一半时间");
      expect(await h.db.prisma.tempTask.findUniqueOrThrow({ where: { id: zhangTask.id } })).toMatchObject({
        status: "PRICED",
        points: 4000,
        suggestedPoints: 4500,
        pricingReason: "参照发票发售，约一半时间",
      });

      // … and the branch chief, submitting later, is told who priced it
      const late = await h.slack.submitView({
        user: BOSS,
        values: { pricing_points: "50", pricing_reason: "more effort" },
      });
      expect(late.responseAction).toBe("errors");
      expect(late.errors!.pricing_points).toBe(
        "王股长 already priced this task at 40.00 points (2026-11-20 10:00).",
      );
      expect((await h.db.prisma.tempTask.findUniqueOrThrow({ where: { id: zhangTask.id } })).points).toBe(
        4000,
      );
      expect(await h.db.prisma.auditLog.count({ where: { action: "pricing.price", outcome: "OK" } })).toBe(1);
      expect((await audits("pricing.price")).at(-1)).toMatchObject({
        actor: BOSS,
        reason: "pricing.alreadyPriced",
      });
    });

    it("a forged pricing form from a non-member, or for a task that does not exist, changes nothing", async () => {
      const annaTask = await h.db.prisma.tempTask.findFirstOrThrow({ where: { personId: h.fx.people.anna } });
      const forged = (user: string, taskId: string) =>
        h.slack.sendInteraction({
          type: "view_submission",
          user: { id: user, username: user, team_id: h.slack.team.id },
          team: { id: h.slack.team.id, domain: h.slack.team.domain },
          api_app_id: h.slack.appId,
          token: "emulator-verification-token",
          trigger_id: "0.0.forged",
          view: {
            id: "VFORGED",
            type: "modal",
            callback_id: "pricing_modal",
            private_metadata: JSON.stringify({ t: taskId }),
            state: {
              values: {
                pricing_points: { pricing_points: { type: "plain_text_input", value: "999" } },
                pricing_reason: { pricing_reason: { type: "plain_text_input", value: "myself" } },
              },
            },
          },
        });
      const r1 = await forged(USERS.anna, annaTask.id);
      expect(JSON.stringify(r1.ackBody)).toContain("not allowed");
      const r2 = await forged(USERS.chief, "c_nonexistent_task");
      expect(JSON.stringify(r2.ackBody)).toContain("该临时性工作不存在");
      expect((await h.db.prisma.tempTask.findUniqueOrThrow({ where: { id: annaTask.id } })).status).toBe(
        "AWAITING_PRICING",
      );
      expect((await audits("pricing.price")).map((a) => [a.actor, a.reason])).toEqual(
        expect.arrayContaining([
          [USERS.anna, "auth.forbidden"],
          [USERS.chief, "pricing.notFound"],
        ]),
      );
    });
  });

  describe("/kpi quality", () => {
    it("needs a person, and refuses non-members before any modal opens", async () => {
      await h.slack.slashCommand({ user: USERS.chief, command: "/kpi", text: "quality" });
      await h.slack.waitForEphemeral(USERS.chief, /用法：`\/kpi quality @某人/);
      await h.slack.slashCommand({ user: USERS.chief, command: "/kpi", text: "quality @nobody" });
      await h.slack.waitForEphemeral(USERS.chief, /“@nobody”不是考核范围内的人员/);
      const opened = h.slack.callsTo("views.open").length;
      await h.slack.slashCommand({ user: USERS.li, command: "/kpi", text: `quality <@${USERS.zhang}> ${M}` });
      await h.slack.waitForEphemeral(USERS.li, /无权|not allowed|needs|需要/);
      expect(h.slack.callsTo("views.open").length).toBe(opened);
      expect((await audits("quality.view")).at(-1)).toMatchObject({
        actor: USERS.li,
        reason: "auth.forbidden",
      });
    });

    it("refuses a non-member the same way whatever they name: nobody learns whether a name exists", async () => {
      const since = (await h.db.prisma.auditLog.aggregate({ _max: { id: true } }))._max.id ?? 0n;
      const answers: string[] = [];
      for (const text of ["quality @nobody", "quality 张伟", `quality <@${USERS.zhang}> ${M}`, "quality"]) {
        const n0 = h.slack.ephemerals(USERS.li).length;
        await h.slack.slashCommand({ user: USERS.li, command: "/kpi", text });
        const e = await h.slack.waitFor(() => h.slack.ephemerals(USERS.li)[n0]);
        answers.push(textOf(e));
      }
      expect(answers[0]).toContain("您无权执行此操作");
      expect(answers[0]).not.toContain("nobody");
      expect(new Set(answers).size).toBe(1);
      const refused = await h.db.prisma.auditLog.findMany({
        where: { outcome: "REFUSED", id: { gt: since } },
        orderBy: { id: "asc" },
      });
      expect(refused.map((r) => `${r.actor} ${r.action} ${r.reason}`)).toEqual(
        Array(4).fill(`${USERS.li} quality.view auth.forbidden`),
      );
    });

    it("shows the standards and the running score; saving with nothing records the review at 100", async () => {
      await h.slack.slashCommand({
        user: USERS.chief,
        command: "/kpi",
        text: `quality <@${USERS.anna}|anna> ${M}`,
      });
      const v = await h.slack.waitFor(() => {
        const x = h.slack.currentView(USERS.chief);
        return x?.callbackId === "quality_modal" ? x : undefined;
      });
      const text = renderView(v.view);
      expect(text).toContain("*安娜* · 2026-11");
      expect(text).toContain("当前质量得分：*100.00*");
      expect(text).toContain("尚未考核");
      // Anna worked on no item with standards
      expect(text).toContain("安娜 在 2026-11 办理的事项在目录中没有质量标准");
      const r = await h.slack.submitView({ user: USERS.chief, values: {} });
      expect(r.responseAction).toBe("update");
      const after = renderView(h.slack.currentView(USERS.chief)!.view);
      expect(after).toContain("✅ 已保存：已记录考核，无扣加分。");
      expect(after).toContain("王股长 已考核，2026-11-20 10:00");
      expect(await h.db.prisma.qualityReview.count({ where: { personId: h.fx.people.anna, month: M } })).toBe(
        1,
      );
      await h.slack.closeView({ user: USERS.chief });
    });

    it("records standards and a free adjustment; bad values get errors; veto is pushed, confirmed, removable", async () => {
      await h.slack.slashCommand({ user: USERS.chief, command: "/kpi", text: `quality 张伟 ${M}` });
      const v = await h.slack.waitFor(() => {
        const x = h.slack.currentView(USERS.chief);
        return x?.callbackId === "quality_modal" && renderView(x.view).includes("张伟") ? x : undefined;
      });
      const text = renderView(v.view);
      expect(text).toContain("-2.00 · SV001 错票一张");
      expect(text).toContain("+1.00 · SV001 纳税人书面表扬");
      expect(text).not.toContain("违规发售发票");
      expect(text).toContain("[一票否决…]");

      let b = keyed(USERS.chief);
      const nan = await h.slack.submitView({
        user: USERS.chief,
        values: { [b("quality_value")]: "five", [b("quality_reason")]: "x" },
      });
      expect(nan.errors).toEqual({ [b("quality_value")]: "“five”不是数字：例如 -5 或 +2.5。" });
      const noReason = await h.slack.submitView({
        user: USERS.chief,
        values: { [b("quality_value")]: "-3", [b("quality_reason")]: "" },
      });
      expect(noReason.errors).toEqual({ [b("quality_reason")]: "请填写扣加分理由。" });
      const zero = await h.slack.submitView({
        user: USERS.chief,
        values: { [b("quality_value")]: "0", [b("quality_reason")]: "x" },
      });
      expect(zero.errors).toEqual({ [b("quality_value")]: "0 分不改变任何结果：扣分填负数，加分填正数。" });
      const noValue = await h.slack.submitView({
        user: USERS.chief,
        values: { [b("quality_value")]: "", [b("quality_reason")]: "迟到" },
      });
      expect(noValue.errors).toEqual({ [b("quality_value")]: "请填写该理由对应的分值。" });
      expect(await h.db.prisma.qualityAdjustment.count()).toBe(0);

      // ticking a standard and typing a value show the score as it would be once saved (nothing written)
      await h.slack.selectOption({
        user: USERS.chief,
        actionId: "quality_rules",
        blockId: b("quality_rules"),
        value: [rules.minor] as never,
      });
      await h.slack.waitFor(() =>
        renderView(h.slack.currentView(USERS.chief)!.view).includes("保存后将为：*98.00*"),
      );
      await h.slack.selectOption({ user: USERS.chief, actionId: "quality_value", value: "-3.5" });
      await h.slack.waitFor(() =>
        renderView(h.slack.currentView(USERS.chief)!.view).includes("保存后将为：*94.50*"),
      );
      expect(renderView(h.slack.currentView(USERS.chief)!.view)).toContain("当前质量得分：*100.00*");
      expect(await h.db.prisma.qualityAdjustment.count()).toBe(0);

      const saved = await h.slack.submitView({
        user: USERS.chief,
        values: {
          [b("quality_rules")]: [rules.minor],
          [b("quality_value")]: "-3.5",
          [b("quality_reason")]: "窗口投诉一次",
          [b("quality_evidence")]: "https://example.org/complaints/17",
        },
      });
      expect(saved.responseAction).toBe("update");
      let form = renderView(h.slack.currentView(USERS.chief)!.view);
      expect(form).toContain("✅ 已保存：新增 2 项扣加分，已记录考核。");
      expect(form).toContain("当前质量得分：*94.50*（100 − 5.50 + 0.00）");
      expect(form).toContain("*-2.00* · 错票一张");
      expect(form).toContain("*-3.50* · 窗口投诉一次");
      expect(form).toContain("📎 https://example.org/complaints/17");
      // the refreshed form starts empty: saving it again adds nothing
      b = keyed(USERS.chief);
      expect(form).not.toContain("[-3.5]");
      const again = await h.slack.submitView({ user: USERS.chief, values: {} });
      expect(again.responseAction).toBe("update");
      expect(renderView(h.slack.currentView(USERS.chief)!.view)).toContain("当前质量得分：*94.50*");
      expect(await h.db.prisma.qualityAdjustment.count()).toBe(2);

      // the veto: a distinct action, confirmed in a pushed view
      await h.slack.clickButton({ user: USERS.chief, actionId: "quality_veto" });
      const veto = await h.slack.waitFor(() => {
        const x = h.slack.currentView(USERS.chief);
        return x?.callbackId === "veto_modal" ? x : undefined;
      });
      expect(veto.openedBy).toBe("views.push");
      expect(h.slack.viewStack(USERS.chief)).toHaveLength(2);
      const vt = renderView(veto.view);
      expect(vt).toContain("一票否决将使 张伟 在 2026-11 的质量得分为 0");
      expect(vt).toContain("[确认否决]");
      const vr = await h.slack.submitView({
        user: USERS.chief,
        values: { veto_rule: rules.veto, veto_reason: "违规发售发票 2 份" },
      });
      expect(vr.responseAction).toBeUndefined();
      const root = await h.slack.waitFor(() => {
        const x = h.slack.currentView(USERS.chief);
        return x && renderView(x.view).includes("已记录一票否决") ? x : undefined;
      });
      form = renderView(root.view);
      expect(form).toContain("当前质量得分：*0.00*");
      expect(form).toContain("⛔ *一票否决* · 违规发售发票 2 份 · _王股长_");
      const vetoRow = await h.db.prisma.qualityAdjustment.findFirstOrThrow({ where: { veto: true } });
      expect(vetoRow).toMatchObject({ ruleId: rules.veto, personId: h.fx.people.zhang, month: M });

      // Remove withdraws it: back to 94.50
      await h.slack.clickButton({
        user: USERS.chief,
        actionId: "quality_remove",
        blockId: `quality_adj:${vetoRow.id}`,
      });
      await h.slack.waitFor(() => {
        const x = h.slack.currentView(USERS.chief);
        return x && renderView(x.view).includes("已撤销。") ? x : undefined;
      });
      expect(renderView(h.slack.currentView(USERS.chief)!.view)).toContain("当前质量得分：*94.50*");
      expect(
        (await h.db.prisma.qualityAdjustment.findUniqueOrThrow({ where: { id: vetoRow.id } })).revokedAt,
      ).not.toBeNull();
      await h.slack.closeView({ user: USERS.chief });
    });

    it("a forged quality form or veto from a non-member changes nothing and is audited", async () => {
      const before = await h.db.prisma.qualityAdjustment.count();
      const base = {
        user: { id: USERS.li, username: "li", team_id: h.slack.team.id },
        team: { id: h.slack.team.id, domain: h.slack.team.domain },
        api_app_id: h.slack.appId,
        token: "emulator-verification-token",
        trigger_id: "0.0.forged",
      };
      const r = await h.slack.sendInteraction({
        type: "view_submission",
        ...base,
        view: {
          id: "VFORGEDQ",
          type: "modal",
          callback_id: "veto_modal",
          private_metadata: JSON.stringify({ p: h.fx.people.zhang, m: M, k: "forgedkey01" }),
          state: { values: { veto_reason: { veto_reason: { type: "plain_text_input", value: "revenge" } } } },
        },
      });
      expect(JSON.stringify(r.ackBody)).toContain("无权");
      const r2 = await h.slack.sendInteraction({
        type: "view_submission",
        ...base,
        view: {
          id: "VFORGEDQ2",
          type: "modal",
          callback_id: "quality_modal",
          private_metadata: JSON.stringify({ p: h.fx.people.zhang, m: M, k: "forgedkey02" }),
          state: {
            values: {
              "quality_value.forgedkey02": { quality_value: { type: "plain_text_input", value: "-50" } },
              "quality_reason.forgedkey02": {
                quality_reason: { type: "plain_text_input", value: "revenge" },
              },
            },
          },
        },
      });
      expect(JSON.stringify(r2.ackBody)).toContain("无权");
      expect(await h.db.prisma.qualityAdjustment.count()).toBe(before);
      expect((await audits("quality.veto")).at(-1)).toMatchObject({
        actor: USERS.li,
        reason: "auth.forbidden",
      });
      expect((await audits("quality.record")).at(-1)).toMatchObject({
        actor: USERS.li,
        reason: "auth.forbidden",
      });
    });
  });

  it("forged Remove and Withdraw buttons (a non-member, an id that does not exist) change nothing and are audited", async () => {
    const adj = await h.db.prisma.qualityAdjustment.findFirstOrThrow({ where: { revokedAt: null } });
    const click = (user: string, actionId: string, callbackId: string, meta: object, value: object) =>
      h.slack.sendInteraction({
        type: "block_actions",
        user: { id: user, username: user, team_id: h.slack.team.id },
        team: { id: h.slack.team.id, domain: h.slack.team.domain },
        api_app_id: h.slack.appId,
        token: "emulator-verification-token",
        trigger_id: "0.0.forged",
        container: { type: "view", view_id: "VFORGEDB" },
        view: {
          id: "VFORGEDB",
          hash: "h",
          type: "modal",
          callback_id: callbackId,
          private_metadata: JSON.stringify(meta),
          state: { values: {} },
        },
        actions: [
          {
            type: "button",
            action_id: actionId,
            block_id: "x",
            value: JSON.stringify(value),
            action_ts: "1",
          },
        ],
      });
    await click(
      USERS.li,
      "quality_remove",
      "quality_modal",
      { p: h.fx.people.zhang, m: M, k: "forgedkey03" },
      { a: adj.id },
    );
    await click(BOSS, "award_withdraw", "award_modal", { m: M, k: "forgedkey04" }, { a: "c_no_such_award" });
    await settle(h);
    expect(
      (await h.db.prisma.qualityAdjustment.findUniqueOrThrow({ where: { id: adj.id } })).revokedAt,
    ).toBeNull();
    expect((await audits("quality.revoke")).at(-1)).toMatchObject({
      actor: USERS.li,
      reason: "auth.forbidden",
    });
    expect((await audits("award.revoke")).at(-1)).toMatchObject({ actor: BOSS, reason: "award.notFound" });
  });

  it("malformed forms and buttons are refused in the reader's language, write nothing but one audit row each", async () => {
    const p = h.db.prisma;
    const state = async () => ({
      tasks: await p.tempTask.findMany({ orderBy: { id: "asc" } }),
      adjustments: await p.qualityAdjustment.findMany({ orderBy: { id: "asc" } }),
      reviews: await p.qualityReview.findMany({ orderBy: { personId: "asc" } }),
      awards: await p.discretionaryAward.findMany({ orderBy: { id: "asc" } }),
    });
    const before = await state();
    const since = (await p.auditLog.aggregate({ _max: { id: true } }))._max.id ?? 0n;
    const base = (user: string) => ({
      user: { id: user, username: user, team_id: h.slack.team.id },
      team: { id: h.slack.team.id, domain: h.slack.team.domain },
      api_app_id: h.slack.appId,
      token: "emulator-verification-token",
      trigger_id: "0.0.forged",
    });
    const submit = (user: string, callbackId: string, meta: string) =>
      h.slack.sendInteraction({
        type: "view_submission",
        ...base(user),
        view: {
          id: `VMAL${callbackId}`,
          type: "modal",
          callback_id: callbackId,
          private_metadata: meta,
          state: { values: {} },
        },
      });
    const zh = "无法读取该表单，未保存任何内容";
    const en = "This form could not be read, so nothing was saved";

    // forms whose private_metadata does not parse
    const r1 = await submit(USERS.chief, "pricing_modal", "not json");
    expect(JSON.stringify(r1.ackBody)).toContain(zh);
    const r2 = await submit(USERS.chief, "quality_modal", JSON.stringify({ p: h.fx.people.zhang, m: M }));
    expect(JSON.stringify(r2.ackBody)).toContain(zh);
    const r3 = await submit(
      USERS.chief,
      "veto_modal",
      JSON.stringify({ p: h.fx.people.zhang, m: "2026-13", k: "forgedkey05" }),
    );
    expect(JSON.stringify(r3.ackBody)).toContain(zh);
    const r4 = await submit(BOSS, "award_modal", JSON.stringify({ m: M, k: "short" }));
    expect(JSON.stringify(r4.ackBody)).toContain(en);

    // buttons inside the quality form, on the chief's real open form: the form says so
    await h.slack.slashCommand({ user: USERS.chief, command: "/kpi", text: `quality 张伟 ${M}` });
    const form = await h.slack.waitFor(() => {
      const x = h.slack.currentView(USERS.chief);
      return x?.callbackId === "quality_modal" && renderView(x.view).includes("张伟") ? x : undefined;
    });
    const click = (
      user: string,
      viewId: string,
      actionId: string,
      callbackId: string,
      meta: string,
      value: string,
    ) =>
      h.slack.sendInteraction({
        type: "block_actions",
        ...base(user),
        container: { type: "view", view_id: viewId },
        view: {
          id: viewId,
          hash: "h",
          type: "modal",
          callback_id: callbackId,
          private_metadata: meta,
          state: { values: {} },
        },
        actions: [{ type: "button", action_id: actionId, block_id: "x", value, action_ts: "1" }],
      });
    const goodMeta = String(form.view.private_metadata);
    // a tampered client: the open form's private_metadata no longer parses
    form.view.private_metadata = "{}";
    await h.slack.clickButton({ user: USERS.chief, actionId: "quality_veto", viewId: form.id });
    const pushed = await h.slack.waitFor(() => {
      const x = h.slack.currentView(USERS.chief);
      return x && x.id !== form.id ? x : undefined;
    });
    expect(renderView(pushed.view)).toContain(zh);
    await h.slack.closeView({ user: USERS.chief, viewId: pushed.id });
    await h.slack.selectOption({
      user: USERS.chief,
      actionId: "quality_value",
      viewId: form.id,
      value: "-3",
    });
    await settle(h);
    await click(USERS.chief, form.id, "quality_remove", "quality_modal", goodMeta, "not json");
    await h.slack.waitFor(() => renderView(h.slack.currentView(USERS.chief)!.view).includes(zh));
    await click(
      BOSS,
      "VMALAWARD",
      "award_withdraw",
      "award_modal",
      JSON.stringify({ m: M, k: "forgedkey06" }),
      "{}",
    );
    await settle(h);
    // the queue's Price… button with a value that does not parse
    await h.slack.slashCommand({ user: USERS.chief, command: "/kpi", text: "pricing" });
    const queue = await h.slack.waitForEphemeral(USERS.chief, /待定分的临时性工作/);
    const n0 = h.slack.ephemerals(USERS.chief).length;
    await h.slack.clickButton({
      user: USERS.chief,
      actionId: "pricing_open",
      message: { channel: queue.channel, ts: queue.ts },
      value: "not json",
    });
    await h.slack.waitFor(() =>
      h.slack
        .ephemerals(USERS.chief)
        .slice(n0)
        .find((e) => textOf(e).includes("无法识别该请求")),
    );
    await settle(h);
    await h.slack.closeView({ user: USERS.chief });

    expect(await state()).toEqual(before);
    const rows = await p.auditLog.findMany({ where: { id: { gt: since } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => `${r.outcome} ${r.actor} ${r.action} ${r.reason}`).sort()).toEqual(
      [
        `REFUSED ${USERS.chief} pricing.price invalidRequest`,
        `REFUSED ${USERS.chief} quality.record invalidRequest`,
        `REFUSED ${USERS.chief} quality.veto invalidRequest`,
        `REFUSED ${BOSS} award.give invalidRequest`,
        `REFUSED ${USERS.chief} quality.revoke invalidRequest`,
        `REFUSED ${USERS.chief} quality.view invalidRequest`,
        `REFUSED ${USERS.chief} quality.view invalidRequest`,
        `REFUSED ${BOSS} award.revoke invalidRequest`,
        `REFUSED ${USERS.chief} pricing.view invalidRequest`,
      ].sort(),
    );
  });

  describe("/kpi award", () => {
    it("is the branch chief's only", async () => {
      const opened = h.slack.callsTo("views.open").length;
      await h.slack.slashCommand({ user: USERS.chief, command: "/kpi", text: `award ${M}` });
      const e = await h.slack.waitForEphemeral(USERS.chief, /您无权执行此操作/);
      expect(textOf(e)).toContain("（需要：分局长）");
      expect(textOf(e)).not.toContain("BRANCH_CHIEF");
      expect(h.slack.callsTo("views.open").length).toBe(opened);
      expect((await audits("award.view")).at(-1)).toMatchObject({
        actor: USERS.chief,
        reason: "auth.forbidden",
      });
    });

    it("shows the pool, gives with a reason (DM), refuses overspending with the numbers", async () => {
      await h.slack.slashCommand({ user: BOSS, command: "/kpi", text: `award ${M}` });
      const v = await h.slack.waitFor(() => {
        const x = h.slack.currentView(BOSS);
        return x?.callbackId === "award_modal" ? x : undefined;
      });
      // zhang, anna, li, chief, prefers: 5 staff assessed (gone is deactivated)
      expect(renderView(v.view)).toContain("Pool for 2026-11: *50.00* points (10.00 × 5 staff assessed)");
      expect(renderView(v.view)).toContain("Given *0.00* · left *50.00*");

      let b = keyed(BOSS);
      const bad = await h.slack.submitView({
        user: BOSS,
        values: { [b("award_person")]: USERS.zhang, [b("award_points")]: "lots", [b("award_reason")]: "" },
      });
      expect(bad.errors).toEqual({
        [b("award_points")]: "“lots” is not a number of points: use e.g. 5 or 2.5.",
        [b("award_reason")]: "Give the reason for these points.",
      });
      const ok = await h.slack.submitView({
        user: BOSS,
        values: {
          [b("award_person")]: USERS.zhang,
          [b("award_points")]: "30",
          [b("award_reason")]: "防汛期间连续加班",
        },
      });
      expect(ok.responseAction).toBe("update");
      const form = renderView(h.slack.currentView(BOSS)!.view);
      expect(form).toContain("✅ Gave *30.00* points to 张伟. Left in the pool: *20.00*.");
      expect(form).toContain("*张伟* +30.00 · 防汛期间连续加班 · _赵局长_");
      const dm = await h.slack.waitForMessage(USERS.zhang, /机动分/);
      expect(textOf(dm)).toContain("分局长给予您 2026-11 机动分 *30.00* 分");

      b = keyed(BOSS);
      const over = await h.slack.submitView({
        user: BOSS,
        values: {
          [b("award_person")]: USERS.anna,
          [b("award_points")]: "25",
          [b("award_reason")]: "窗口服务好评",
        },
      });
      expect(over.responseAction).toBe("errors");
      expect(over.errors).toEqual({
        [b("award_points")]:
          "Not enough left in the 2026-11 pool: the pool is 50.00 points, 30.00 already given, 20.00 left; 25.00 asked.",
      });
      expect(await h.db.prisma.discretionaryAward.count()).toBe(1);
      expect((await audits("award.give")).at(-1)).toMatchObject({ actor: BOSS, reason: "award.overspent" });

      const notStaff = await h.slack.submitView({
        user: BOSS,
        values: { [b("award_person")]: USERS.gone, [b("award_points")]: "5", [b("award_reason")]: "x" },
      });
      expect(notStaff.errors![b("award_person")]).toContain("is not assessed in 2026-11");
    });

    it("a forged award form from someone else is refused and audited", async () => {
      const r = await h.slack.sendInteraction({
        type: "view_submission",
        user: { id: USERS.chief, username: "chief", team_id: h.slack.team.id },
        team: { id: h.slack.team.id, domain: h.slack.team.domain },
        api_app_id: h.slack.appId,
        token: "emulator-verification-token",
        trigger_id: "0.0.forged",
        view: {
          id: "VFORGEDA",
          type: "modal",
          callback_id: "award_modal",
          private_metadata: JSON.stringify({ m: M, k: "forgedaward1" }),
          state: {
            values: {
              "award_person.forgedaward1": {
                award_person: { type: "users_select", selected_user: USERS.chief },
              },
              "award_points.forgedaward1": { award_points: { type: "plain_text_input", value: "10" } },
              "award_reason.forgedaward1": { award_reason: { type: "plain_text_input", value: "me" } },
            },
          },
        },
      });
      expect(JSON.stringify(r.ackBody)).toContain("无权");
      expect(await h.db.prisma.discretionaryAward.count()).toBe(1);
      expect((await audits("award.give")).at(-1)).toMatchObject({
        actor: USERS.chief,
        reason: "auth.forbidden",
      });
    });
  });

  it("the fake Slack saw no protocol violation", async () => {
    await settle(h);
    expect(lastEphemeral(h.slack, USERS.chief)).toBeDefined();
    h.slack.assertNoViolations();
  });
});
