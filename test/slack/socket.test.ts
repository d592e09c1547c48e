/** The same app over Socket Mode: /log happy path, the modal, the list, and the App Home. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { USERS } from "./fixtures.js";
import { ackText, type Harness, settle, startHarness, textOf } from "./harness.js";

describe("Socket Mode", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("socket");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("connects over apps.connections.open and a WebSocket", () => {
    expect(h.slack.socketConnections).toBe(1);
    expect(h.slack.callsTo("apps.connections.open").length).toBeGreaterThanOrEqual(1);
  });

  it("/log <item> answers in the socket ack", async () => {
    const r = await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "fpfs 2" });
    expect(r.via).toBe("socket");
    expect(r.acked).toBe(true);
    expect(ackText(r)).toContain("✅ 已记录 *SV001 发票发售* × 2");
    expect(await h.db.prisma.entry.count({ where: { personId: h.fx.people.zhang } })).toBe(1);
  });

  it("/log opens the modal; the picker and the submission work", async () => {
    await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "" });
    await h.slack.waitFor(() => h.slack.currentView(USERS.zhang));
    const options = await h.slack.optionsRequest({ user: USERS.zhang, actionId: "item_select", value: "" });
    expect(options.options[0]).toMatchObject({ value: h.fx.items.invoice });
    const res = await h.slack.submitView({
      user: USERS.zhang,
      values: { item: h.fx.items.archive, count: "3", date: "2026-11-19" },
    });
    expect(res.via).toBe("socket");
    expect(res.responseAction).toBeUndefined();
    const reply = await h.slack.waitForEphemeral(USERS.zhang, /SV003/);
    expect(textOf(reply)).toContain("3 × 2.00 = *6.00 分*");
  });

  it("/log list and the App Home", async () => {
    await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "list" });
    const list = await h.slack.waitForEphemeral(USERS.zhang, /我的记录/);
    expect(textOf(list)).toContain("合计 *12.00 分*，共 2 条");
    await h.slack.openHome(USERS.zhang);
    await h.slack.waitFor(() => JSON.stringify(h.slack.home(USERS.zhang)?.view ?? {}).includes("12.00 分"));
    await settle(h);
    h.slack.assertNoViolations();
  });
});
