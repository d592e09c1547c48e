/**
 * Refusals: a bad signature or a stale timestamp changes nothing; forged payloads (another person's entry
 * or sheet id in a button value or private_metadata, a crafted payload) cannot see, edit, delete or
 * submit someone else's lines.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderView } from "../../src/slack/blocks/render.js";
import { USERS } from "./fixtures.js";
import { counts, type Harness, lastEphemeral, settle, startHarness, textOf } from "./harness.js";

describe("refusals over signed HTTP", () => {
  let h: Harness;
  let zhangEntry: string;
  let zhangSheet: string;
  beforeAll(async () => {
    h = await startHarness("http");
    await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "cbcj 1" });
    const e = await h.db.prisma.entry.findFirstOrThrow({ where: { personId: h.fx.people.zhang } });
    zhangEntry = e.id;
    zhangSheet = e.sheetId;
    h.clock.advance(1000);
    await h.slack.slashCommand({ user: USERS.anna, command: "/log", text: "fpfs 1" });
    await settle(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  const zhangUntouched = async () => {
    const e = await h.db.prisma.entry.findUniqueOrThrow({
      where: { id: zhangEntry },
      include: { evidence: true },
    });
    expect(e).toMatchObject({ status: "ACTIVE", count: 1, note: null });
    expect(e.evidence).toHaveLength(0);
    expect((await h.db.prisma.sheet.findUniqueOrThrow({ where: { id: zhangSheet } })).state).toBe("OPEN");
  };

  it("refuses a request signed with the wrong secret, and changes nothing", async () => {
    const before = await counts(h.db);
    const r = await h.slack.slashCommand({
      user: USERS.anna,
      command: "/log",
      text: "fpfs 2",
      via: "http",
      signing: { secret: "not-the-secret" },
    });
    expect(r.status).toBe(401);
    const click = await h.slack.clickButton({
      user: USERS.anna,
      actionId: "log_undo_entry",
      via: "http",
      signing: { secret: "x" },
    });
    expect(click.status).toBe(401);
    await settle(h);
    expect(await counts(h.db)).toEqual(before);
  });

  it("refuses a timestamp older than 5 minutes, and changes nothing", async () => {
    const before = await counts(h.db);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const r = await h.slack.slashCommand({
      user: USERS.anna,
      command: "/log",
      text: "fpfs 2",
      signing: { timestamp: stale },
    });
    expect(r.status).toBe(401);
    const raw = await h.slack.signedPost("command=%2Flog&text=fpfs+2&user_id=U0ANNA", { timestamp: stale });
    expect(raw.status).toBe(401);
    await settle(h);
    expect(await counts(h.db)).toEqual(before);
  });

  it("an Undo button carrying another person's entry id is refused", async () => {
    const reply = lastEphemeral(h.slack, USERS.anna)!;
    await h.slack.clickButton({
      user: USERS.anna,
      actionId: "log_undo_entry",
      message: { channel: reply.channel, ts: reply.ts },
      value: zhangEntry,
    });
    await h.slack.waitForEphemeral(USERS.anna, /That line is not among your lines/);
    await zhangUntouched();
    const refusal = await h.db.prisma.auditLog.findFirst({
      where: { actor: USERS.anna, outcome: "REFUSED", entityId: zhangEntry },
    });
    expect(refusal).not.toBeNull();
  });

  it("Edit and Delete values naming another person's line are refused", async () => {
    await h.slack.slashCommand({ user: USERS.anna, command: "/log", text: "list" });
    const list = await h.slack.waitForEphemeral(USERS.anna, /My lines/);
    const forged = (a: string) => JSON.stringify({ a, id: zhangEntry, m: "2026-11" });
    await h.slack.selectOption({
      user: USERS.anna,
      actionId: "line_menu",
      message: { channel: list.channel, ts: list.ts },
      value: forged("delete"),
    });
    await h.slack.waitForEphemeral(USERS.anna, /not among your lines of 2026-11/);
    await h.slack.selectOption({
      user: USERS.anna,
      actionId: "line_menu",
      message: { channel: list.channel, ts: list.ts },
      value: forged("edit"),
    });
    const modal = await h.slack.waitFor(() => {
      const v = h.slack.currentView(USERS.anna);
      return v && renderView(v.view).includes("not among your lines") ? v : undefined;
    });
    expect(renderView(modal.view)).not.toContain("SV004");
    await h.slack.closeView({ user: USERS.anna });
    // the confirm button of a delete prompt, forged
    await h.slack.sendInteraction({
      type: "block_actions",
      user: { id: USERS.anna, username: "anna", team_id: h.slack.team.id },
      team: { id: h.slack.team.id, domain: h.slack.team.domain },
      api_app_id: h.slack.appId,
      token: "emulator-verification-token",
      trigger_id: "0.0.forged",
      container: { type: "message", message_ts: list.ts, channel_id: list.channel, is_ephemeral: true },
      channel: { id: list.channel, name: "general" },
      actions: [
        {
          type: "button",
          action_id: "line_delete",
          block_id: "x",
          value: JSON.stringify({ id: zhangEntry, m: "2026-11" }),
          action_ts: "1",
        },
      ],
    });
    await settle(h);
    await zhangUntouched();
  });

  it("an edit modal whose private_metadata names another person's line is refused", async () => {
    const payload = {
      type: "view_submission",
      user: { id: USERS.anna, username: "anna", team_id: h.slack.team.id },
      team: { id: h.slack.team.id, domain: h.slack.team.domain },
      api_app_id: h.slack.appId,
      token: "emulator-verification-token",
      trigger_id: "0.0.forged2",
      view: {
        id: "VFORGED",
        type: "modal",
        callback_id: "edit_modal",
        private_metadata: JSON.stringify({ id: zhangEntry, m: "2026-11" }),
        state: {
          values: {
            count: { count_input: { type: "number_input", value: "9" } },
            date: { date_input: { type: "datepicker", selected_date: "2026-11-20" } },
            note: { note_input: { type: "plain_text_input", value: "hijacked" } },
            links: { links_input: { type: "plain_text_input", value: "https://evil.example/x" } },
          },
        },
      },
    };
    const r = await h.slack.sendInteraction(payload);
    expect(r.acked).toBe(true);
    expect(JSON.stringify(r.ackBody)).toContain("not among your lines");
    await zhangUntouched();
  });

  it("a Submit button carrying another person's sheet id is refused", async () => {
    await h.slack.slashCommand({ user: USERS.anna, command: "/log", text: "submit 2026-11" });
    const summary = await h.slack.waitForEphemeral(USERS.anna, /Submit 2026-11/);
    await h.slack.clickButton({
      user: USERS.anna,
      actionId: "sheet_submit",
      message: { channel: summary.channel, ts: summary.ts },
      value: JSON.stringify({ m: "2026-11", s: zhangSheet }),
    });
    await h.slack.waitForEphemeral(USERS.anna, /could not be understood/);
    await zhangUntouched();
    expect(await h.db.prisma.sheet.count({ where: { state: "SUBMITTED" } })).toBe(0);
  });

  it("a list never shows another person's lines", async () => {
    await h.slack.slashCommand({ user: USERS.anna, command: "/log", text: "list 2026-11" });
    const list = await h.slack.waitForEphemeral(USERS.anna, (e) => textOf(e).includes("My lines: 2026-11"));
    expect(textOf(list)).not.toContain("SV004");
  });
});
