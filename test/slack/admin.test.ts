/**
 * `/kpi admin` through the real Bolt app and the fake Slack: each panel's validation errors come back
 * with `response_action: errors` on the field at fault (nothing written), valid changes are saved and
 * audited, non-admins are refused (command, buttons and forged submissions) and the refusals audited,
 * and the people sync reads every page of users.list, flags people deactivated in Slack and adds the
 * members the admin picks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSettings } from "../../src/domain/settings.js";
import { renderView } from "../../src/slack/blocks/render.js";
import { USERS } from "./fixtures.js";
import { type Harness, settle, startHarness } from "./harness.js";

const ADMIN = USERS.li;

describe("administration in Slack", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness("http");
    const p = h.db.prisma;
    await p.roleAssignment.create({ data: { personId: h.fx.people.li!, role: "ADMIN" } });
    await p.person.updateMany({ data: { locale: "en" } });
  });
  afterAll(async () => {
    await h?.close();
  });

  const openPanel = async (panel: string, marker: RegExp) => {
    await h.slack.slashCommand({ user: ADMIN, command: "/kpi", text: `admin ${panel}` });
    return h.slack.waitFor(() => {
      const v = h.slack.currentView(ADMIN);
      return v && marker.test(renderView(v.view)) ? v : undefined;
    });
  };
  const refusedCount = (user: string) =>
    h.db.prisma.auditLog.count({ where: { actor: user, outcome: "REFUSED" } });
  /** The /kpi handler acks first and writes the refusal after: wait for the count (10 s at most). */
  const refusedReaches = async (user: string, n: number) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const count = await refusedCount(user);
      if (count >= n || Date.now() > deadline) return count;
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it("/kpi admin shows the panels to an admin and refuses anyone else (audited)", async () => {
    await h.slack.slashCommand({ user: ADMIN, command: "/kpi", text: "admin" });
    await h.slack.waitForEphemeral(ADMIN, /Administration/);
    const before = await refusedCount(USERS.zhang);
    await h.slack.slashCommand({ user: USERS.zhang, command: "/kpi", text: "admin" });
    await h.slack.waitForEphemeral(USERS.zhang, /not allowed/);
    await h.slack.slashCommand({ user: USERS.zhang, command: "/kpi", text: "admin settings" });
    expect(await refusedReaches(USERS.zhang, before + 2)).toBe(before + 2);
    expect(h.slack.currentView(USERS.zhang)).toBeUndefined();
  });

  it("settings: invalid values are shown on their fields; valid ones are saved and audited", async () => {
    await openPanel("settings", /Review channel/);
    const bad = await h.slack.submitView({
      user: ADMIN,
      values: {
        timeZone: "Mars/Olympus",
        submitDeadlineDay: "31",
        reminderTime: "9 am",
        rankingTopN: "0",
        "earlyReminder.day": "40",
        "escalation.time": "25:00",
      },
    });
    expect(bad.responseAction).toBe("errors");
    expect(bad.errors).toMatchObject({
      timeZone: expect.stringMatching(/IANA/),
      submitDeadlineDay: expect.stringMatching(/1 to 28/),
      reminderTime: expect.stringMatching(/HH:MM/),
      rankingTopN: expect.stringMatching(/1 to 100/),
      "earlyReminder.day": expect.stringMatching(/1 to 28/),
      "escalation.time": expect.stringMatching(/HH:MM/),
    });
    expect(await h.db.prisma.setting.count()).toBe(0);
    const ok = await h.slack.submitView({
      user: ADMIN,
      values: {
        reviewChannel: "C0REVIEW",
        timeZone: "Asia/Shanghai",
        submitDeadlineDay: "6",
        reminderTime: "09:00",
        "earlyReminder.enabled": ["on"],
        "earlyReminder.day": "3",
        "escalation.time": "10:30",
        language: "en",
        holidayRule: "next-working-day",
        rankingPrivacy: "top",
        rankingTopN: "5",
      },
    });
    expect(ok.errors).toBeUndefined();
    const s = await readSettings(h.db.prisma);
    expect(s).toMatchObject({
      reviewChannel: "C0REVIEW",
      submitDeadlineDay: 6,
      language: "en",
      holidayRule: "next-working-day",
      rankingPrivacy: "top",
      rankingTopN: 5,
      earlyReminder: { enabled: true, day: 3, time: "09:00" },
    });
    const rows = await h.db.prisma.auditLog.findMany({ where: { action: "settings.write", actor: ADMIN } });
    expect(rows.map((r) => r.entityId).sort()).toEqual(
      [
        "earlyReminder",
        "escalation",
        "holidayRule",
        "language",
        "rankingPrivacy",
        "rankingTopN",
        "reviewChannel",
        "submitDeadlineDay",
      ].sort(),
    );
    expect(rows.find((r) => r.entityId === "submitDeadlineDay")).toMatchObject({ before: 5, after: 6 });
    await h.slack.waitForMessage(ADMIN, /Saved/);
  });

  it("categories: negative weight, closed month and deleting a category in use are refused on their fields", async () => {
    await h.db.prisma.monthClose.create({ data: { month: "2026-10", state: "PUBLISHED" } });
    const view = await openPanel("categories", /Category/);
    await h.slack.selectOption({
      user: ADMIN,
      viewId: view.id,
      actionId: "admin_pick_category",
      value: "SERVICE",
    });
    await h.slack.waitFor(() => {
      const v = h.slack.currentView(ADMIN);
      return v && renderView(v.view).includes("Quality weight") ? v : undefined;
    });
    const negative = await h.slack.submitView({
      user: ADMIN,
      values: { effectiveMonth: "2026-12", qualityWeight: "-0.4", quantityWeight: "0.6" },
    });
    expect(negative.responseAction).toBe("errors");
    expect(negative.errors?.qualityWeight).toMatch(/not a weight/);
    const closed = await h.slack.submitView({
      user: ADMIN,
      values: { effectiveMonth: "2026-10", qualityWeight: "0.5", quantityWeight: "0.5" },
    });
    expect(closed.errors?.effectiveMonth).toMatch(/2026-10 is closed/);
    const inUse = await h.slack.submitView({
      user: ADMIN,
      values: { effectiveMonth: "2026-12", qualityWeight: "0.5", quantityWeight: "0.5", delete: ["delete"] },
    });
    expect(inUse.errors?.delete).toMatch(/in use/);
    expect(await h.db.prisma.categoryWeight.count()).toBe(1);
    const ok = await h.slack.submitView({
      user: ADMIN,
      values: {
        effectiveMonth: "2026-12",
        qualityWeight: "0.45",
        quantityWeight: "0.55",
        normGroup: "hall",
        delete: [],
      },
    });
    expect(ok.errors).toBeUndefined();
    const w = await h.db.prisma.categoryWeight.findUniqueOrThrow({
      where: { categoryCode_effectiveMonth: { categoryCode: "SERVICE", effectiveMonth: "2026-12" } },
    });
    expect([w.qualityWeight.toString(), w.quantityWeight.toString(), w.normGroup]).toEqual([
      "0.45",
      "0.55",
      "HALL",
    ]);
    const refusals = await h.db.prisma.auditLog.findMany({
      where: { actor: ADMIN, action: { in: ["category.weights", "category.delete"] }, outcome: "REFUSED" },
    });
    expect(refusals.map((r) => r.reason).sort()).toEqual([
      "admin.badWeight",
      "admin.categoryInUse",
      "admin.closedMonth",
    ]);
  });

  it("categories: a new category is created; an unused one can be deleted", async () => {
    const view = await openPanel("categories", /Category/);
    await h.slack.selectOption({
      user: ADMIN,
      viewId: view.id,
      actionId: "admin_pick_category",
      value: "new",
    });
    await h.slack.waitFor(() => {
      const v = h.slack.currentView(ADMIN);
      return v && renderView(v.view).includes("Coefficient group") ? v : undefined;
    });
    const bad = await h.slack.submitView({
      user: ADMIN,
      values: {
        code: "bad code!",
        name: "税务检查",
        nameEn: "Tax inspection",
        coefficientGroup: "C",
        effectiveMonth: "2026-11",
        qualityWeight: "0.6",
        quantityWeight: "0.4",
      },
    });
    expect(bad.errors?.code).toMatch(/letters, digits/);
    const ok = await h.slack.submitView({
      user: ADMIN,
      values: {
        code: "INSPECT",
        name: "税务检查",
        nameEn: "Tax inspection",
        coefficientGroup: "C",
        effectiveMonth: "2026-11",
        qualityWeight: "0.6",
        quantityWeight: "0.4",
      },
    });
    expect(ok.errors).toBeUndefined();
    expect(await h.db.prisma.category.findUnique({ where: { code: "INSPECT" } })).not.toBeNull();
    const again = await openPanel("categories", /Category/);
    await h.slack.selectOption({
      user: ADMIN,
      viewId: again.id,
      actionId: "admin_pick_category",
      value: "INSPECT",
    });
    await h.slack.waitFor(() => {
      const v = h.slack.currentView(ADMIN);
      return v && renderView(v.view).includes("Delete this category") ? v : undefined;
    });
    const del = await h.slack.submitView({
      user: ADMIN,
      values: { effectiveMonth: "2026-12", qualityWeight: "0.6", quantityWeight: "0.4", delete: ["delete"] },
    });
    expect(del.errors).toBeUndefined();
    expect(await h.db.prisma.category.findUnique({ where: { code: "INSPECT" } })).toBeNull();
  });

  it("sections: a section keeps at least one chief", async () => {
    const view = await openPanel("sections", /Section/);
    await h.slack.selectOption({
      user: ADMIN,
      viewId: view.id,
      actionId: "admin_pick_section",
      value: h.fx.sectionId,
    });
    await h.slack.waitFor(() => {
      const v = h.slack.currentView(ADMIN);
      return v && renderView(v.view).includes("Chiefs") ? v : undefined;
    });
    const none = await h.slack.submitView({ user: ADMIN, values: { chiefs: [] } });
    expect(none.responseAction).toBe("errors");
    expect(none.errors?.chiefs).toMatch(/at least one chief/);
    const gone = await h.slack.submitView({ user: ADMIN, values: { chiefs: [USERS.gone] } });
    expect(gone.errors?.chiefs).toMatch(/deactivated/);
    const ok = await h.slack.submitView({
      user: ADMIN,
      values: { name: "办税服务股", chiefs: [USERS.chief, USERS.anna] },
    });
    expect(ok.errors).toBeUndefined();
    const chiefs = await h.db.prisma.sectionChief.findMany({ where: { sectionId: h.fx.sectionId } });
    expect(chiefs.map((c) => c.personId).sort()).toEqual([h.fx.people.chief, h.fx.people.anna].sort());
    const annaRoles = await h.db.prisma.roleAssignment.findMany({ where: { personId: h.fx.people.anna } });
    expect(annaRoles.map((r) => r.role)).toContain("SECTION_CHIEF");
  });

  it("people: roles, section, category for a month; the last chief cannot be removed; audited", async () => {
    // back to one chief
    await h.db.prisma.sectionChief.deleteMany({ where: { personId: h.fx.people.anna } });
    const view = await openPanel("people", /Person/);
    await h.slack.selectOption({
      user: ADMIN,
      viewId: view.id,
      actionId: "admin_pick_person",
      value: USERS.chief,
    });
    await h.slack.waitFor(() => {
      const v = h.slack.currentView(ADMIN);
      return v && renderView(v.view).includes("Roles") ? v : undefined;
    });
    const lastChief = await h.slack.submitView({ user: ADMIN, values: { roles: ["STAFF"] } });
    expect(lastChief.responseAction).toBe("errors");
    expect(lastChief.errors?.roles).toMatch(/without a chief/);
    const chiefRoles = ["STAFF", "SECTION_CHIEF"];
    const deactivate = await h.slack.submitView({ user: ADMIN, values: { active: [], roles: chiefRoles } });
    expect(deactivate.errors?.active).toMatch(/without a chief/);
    const closedMonth = await h.slack.submitView({
      user: ADMIN,
      values: { active: ["active"], roles: chiefRoles, month: "2026-10", monthCategory: "SERVICE" },
    });
    expect(closedMonth.errors?.month).toMatch(/closed/);
    const ok = await h.slack.submitView({
      user: ADMIN,
      values: {
        roles: ["STAFF", "SECTION_CHIEF", "ASSESSMENT_GROUP"],
        month: "2026-12",
        monthCategory: "SERVICE",
      },
    });
    expect(ok.errors).toBeUndefined();
    const roles = await h.db.prisma.roleAssignment.findMany({ where: { personId: h.fx.people.chief } });
    expect(roles.map((r) => r.role).sort()).toEqual(["ASSESSMENT_GROUP", "SECTION_CHIEF", "STAFF"]);
    expect(
      await h.db.prisma.personMonthCategory.findUnique({
        where: { personId_month: { personId: h.fx.people.chief!, month: "2026-12" } },
      }),
    ).toMatchObject({ categoryCode: "SERVICE" });
    const row = await h.db.prisma.auditLog.findFirstOrThrow({
      where: { action: "person.update", outcome: "OK", entityId: h.fx.people.chief },
    });
    expect(row.before).toMatchObject({ roles: ["STAFF", "SECTION_CHIEF"] });
    // deactivating someone else
    const v2 = await openPanel("people", /Person/);
    await h.slack.selectOption({
      user: ADMIN,
      viewId: v2.id,
      actionId: "admin_pick_person",
      value: USERS.prefers,
    });
    await h.slack.waitFor(() => {
      const v = h.slack.currentView(ADMIN);
      return v && renderView(v.view).includes("Roles") ? v : undefined;
    });
    await h.slack.submitView({ user: ADMIN, values: { active: [] } });
    expect((await h.db.prisma.person.findUniqueOrThrow({ where: { id: h.fx.people.prefers! } })).active).toBe(
      false,
    );
  });

  it("deputies: set and revoke in the panel; missing fields and a self-deputy are shown on their fields", async () => {
    await openPanel("deputies", /No deputy reviewer is set/);
    const missing = await h.slack.submitView({ user: ADMIN, values: { principal: USERS.chief } });
    expect(missing.responseAction).toBe("errors");
    expect(Object.keys(missing.errors ?? {}).sort()).toEqual(["deputy", "to"]);
    const self = await h.slack.submitView({
      user: ADMIN,
      values: { principal: USERS.chief, deputy: USERS.chief, from: "2026-11-20", to: "2026-11-30" },
    });
    expect(self.errors?.deputy).toMatch(/own deputy/);
    const ok = await h.slack.submitView({
      user: ADMIN,
      values: { principal: USERS.chief, deputy: USERS.anna, from: "2026-11-20", to: "2026-11-30" },
    });
    expect(ok.errors).toBeUndefined();
    const row = await h.db.prisma.deputy.findFirstOrThrow({ where: { principalId: h.fx.people.chief! } });
    expect(row).toMatchObject({
      deputyId: h.fx.people.anna,
      startDate: "2026-11-20",
      endDate: "2026-11-30",
      revokedAt: null,
    });
    await h.slack.waitForMessage(ADMIN, /Deputies: 1 set, 0 revoked/);
    const again = await openPanel("deputies", /reviews for/);
    expect(renderView(again.view)).toContain(
      `<@${USERS.anna}> reviews for <@${USERS.chief}>: 2026-11-20 – 2026-11-30 (today)`,
    );
    const revoke = await h.slack.submitView({
      user: ADMIN,
      values: { revoke: [row.id], principal: "", deputy: "", to: "" },
    });
    expect(revoke.errors).toBeUndefined();
    expect((await h.db.prisma.deputy.findUniqueOrThrow({ where: { id: row.id } })).revokedAt).not.toBeNull();
    expect(
      await h.db.prisma.auditLog.count({
        where: { actor: ADMIN, action: { in: ["deputy.set", "deputy.revoke"] }, outcome: "OK" },
      }),
    ).toBe(2);
  });

  it("forged admin submissions and picker clicks from a non-admin are refused and audited", async () => {
    const forge = (callbackId: string, values: Record<string, unknown>, meta: unknown = {}) =>
      h.slack.sendInteraction({
        type: "view_submission",
        user: { id: USERS.zhang, username: "zhang.wei", team_id: h.slack.team.id },
        team: { id: h.slack.team.id, domain: h.slack.team.domain },
        api_app_id: h.slack.appId,
        token: "emulator-verification-token",
        trigger_id: "0.0.forged",
        view: {
          id: "VFORGED",
          type: "modal",
          callback_id: callbackId,
          private_metadata: JSON.stringify(meta),
          state: { values },
        },
      });
    const before = await refusedCount(USERS.zhang);
    const settingsBefore = await readSettings(h.db.prisma);
    const r1 = await forge("admin_settings", {
      language: { field: { type: "static_select", selected_option: { value: "zh-CN" } } },
      timeZone: { field: { type: "plain_text_input", value: "UTC" } },
    });
    expect(JSON.stringify(r1.ackBody)).toContain("not allowed");
    const r2 = await forge(
      "admin_person",
      {
        roles: { field: { type: "checkboxes", selected_options: [{ value: "ADMIN" }, { value: "STAFF" }] } },
      },
      { p: h.fx.people.zhang },
    );
    expect(JSON.stringify(r2.ackBody)).toContain("not allowed");
    const r3 = await forge(
      "admin_category",
      {
        effectiveMonth: { field: { type: "plain_text_input", value: "2027-01" } },
        qualityWeight: { field: { type: "plain_text_input", value: "1" } },
        quantityWeight: { field: { type: "plain_text_input", value: "0" } },
      },
      { c: "SERVICE" },
    );
    expect(JSON.stringify(r3.ackBody)).toContain("not allowed");
    const { problems: _a, ...s1 } = settingsBefore;
    const { problems: _b, ...s2 } = await readSettings(h.db.prisma);
    expect(s2).toEqual(s1);
    expect(
      (await h.db.prisma.roleAssignment.findMany({ where: { personId: h.fx.people.zhang } })).map(
        (r) => r.role,
      ),
    ).toEqual(["STAFF"]);
    expect(await h.db.prisma.categoryWeight.count({ where: { effectiveMonth: "2027-01" } })).toBe(0);
    // the admin menu's buttons, clicked by a non-admin
    const menu = h.slack.ephemerals(ADMIN).find((e) => /Administration/.test(e.text))!;
    await h.slack.sendInteraction({
      type: "block_actions",
      user: { id: USERS.zhang, username: "zhang.wei", team_id: h.slack.team.id },
      team: { id: h.slack.team.id, domain: h.slack.team.domain },
      api_app_id: h.slack.appId,
      token: "emulator-verification-token",
      trigger_id: "0.0.forged",
      container: { type: "message", message_ts: menu.ts, channel_id: menu.channel, is_ephemeral: true },
      actions: [{ type: "button", action_id: "admin_open:people", value: "people", action_ts: "1" }],
    });
    await h.slack.waitForMessage(USERS.zhang, /not allowed/);
    expect(await refusedCount(USERS.zhang)).toBe(before + 4);
  });

  it("people sync reads every page of users.list, flags deactivated Slack users and adds the members picked", async () => {
    // 230 deactivated accounts (never candidates) make users.list span two pages of 200
    for (let i = 0; i < 230; i++) h.slack.addUser({ id: `U0OLD${i}`, name: `old${i}`, deleted: true });
    h.slack.addUser({ id: "U0NEW1", name: "new.one", realName: "New One" });
    h.slack.user(USERS.zhang).deleted = true;
    const view = await openPanel("sync", /Slack members/);
    expect(h.slack.callsTo("users.list").length).toBeGreaterThanOrEqual(2);
    const text = renderView(view.view);
    expect(text).toContain(`Deactivated in Slack: <@${USERS.zhang}>`);
    expect(
      (await h.db.prisma.person.findUniqueOrThrow({ where: { id: h.fx.people.zhang! } })).slackDeleted,
    ).toBe(true);
    const json = JSON.stringify(view.view);
    expect(json).toContain("New One (@new.one)");
    expect(json).not.toContain("old12");
    const none = await h.slack.submitView({ user: ADMIN, values: { members: [] } });
    expect(none.responseAction).toBe("errors");
    expect(none.errors?.members).toMatch(/at least one/);
    const ok = await h.slack.submitView({
      user: ADMIN,
      values: { members: ["U0NEW1", USERS.stranger], section: h.fx.sectionId, category: "SERVICE" },
    });
    expect(ok.errors).toBeUndefined();
    await h.slack.waitForMessage(ADMIN, /Added 2 people as staff/);
    const added = await h.db.prisma.person.findMany({
      where: { slackUserId: { in: ["U0NEW1", USERS.stranger] } },
      include: { roles: true },
    });
    expect(
      added.map((p) => [p.name, p.sectionId, p.categoryCode, p.roles.map((r) => r.role)]).sort(),
    ).toEqual(
      [
        ["New One", h.fx.sectionId, "SERVICE", ["STAFF"]],
        ["Stranger", h.fx.sectionId, "SERVICE", ["STAFF"]],
      ].sort(),
    );
    expect(await h.db.prisma.auditLog.count({ where: { action: "person.create", actor: ADMIN } })).toBe(2);
    await settle(h);
    h.slack.assertNoViolations();
  });
});
