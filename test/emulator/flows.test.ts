import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./helpers.js";

describe.each(["http", "socket"] as const)("FakeSlack drives a real Bolt app (%s mode)", (mode) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ mode });
    if (mode === "socket") expect(h.slack.socketConnections).toBe(1);
  });

  afterAll(async () => {
    await h?.close();
  });

  it("delivers a slash command and captures respond() and chat.postMessage", async () => {
    const { slack } = h;
    const result = await slack.slashCommand({ user: "U1", command: "/ping", text: "hello" });
    expect(result.via).toBe(mode);
    expect(result.acked).toBe(true);
    expect(result.status).toBe(200);
    expect(result.late).toBe(false);
    expect(result.responseUrl).toMatch(new RegExp(`^${slack.baseUrl}/response/[0-9a-f]+$`));

    const ephemeral = await slack.waitForEphemeral("U1", "pong hello");
    expect(ephemeral.source).toBe("response_url");
    const dm = await slack.waitForMessage("U1", "pong via DM");
    expect(dm.channel).toBe("DU1");
    expect(dm.blocks?.[1]?.block_id).toBe("pong_actions");
    expect(slack.messages("DU1")).toHaveLength(1);
    expect(slack.acceptedCount("U1")).toBe(1);

    const post = slack.callsTo("chat.postMessage")[0]!;
    expect(post.tokenType).toBe("bot");
    expect(Array.isArray(post.args.blocks)).toBe(true);
    expect(slack.callsTo("auth.test").length).toBeGreaterThanOrEqual(1);
  });

  it("opens a modal from a button, refuses the reused trigger and answers options", async () => {
    const { slack, probe } = h;
    const click = await slack.clickButton({ user: "U1", actionId: "open_modal" });
    expect(click.acked).toBe(true);
    expect(click.payload.type).toBe("block_actions");
    expect((click.payload.actions as Array<{ value: string }>)[0]!.value).toBe("v1");

    const modal = await slack.waitFor(() => slack.currentView("U1"));
    expect(modal.callbackId).toBe("log_modal");
    expect(modal.view.title).toMatchObject({ text: "Log work" });
    await slack.waitFor(() => probe.errors.includes("exchanged_trigger_id"));
    expect(slack.violations.map((v) => v.rule)).toContain("trigger_reused");

    const options = await slack.optionsRequest({ user: "U1", actionId: "project_select", value: "fp" });
    expect(options.acked).toBe(true);
    expect(options.options.map((o) => o.value)).toEqual(["fpfs", "fpga"]);
  });

  it("returns response_action errors for an invalid submission and closes the modal on success", async () => {
    const { slack } = h;
    const modal = slack.currentView("U1")!;
    const bad = await slack.submitView({ user: "U1", values: { hours: "three", project: "fpfs" } });
    expect(bad.responseAction).toBe("errors");
    expect(bad.errors).toEqual({ hours: "Must be a number" });
    expect(slack.currentView("U1")?.id).toBe(modal.id);

    const good = await slack.submitView({ user: "U1", values: { hours: "3", project: "fpfs" } });
    expect(good.acked).toBe(true);
    expect(good.responseAction).toBeUndefined();
    const submitted = good.payload.view as { state: { values: Record<string, Record<string, unknown>> } };
    expect(submitted.state.values.project?.project_select).toMatchObject({
      type: "external_select",
      selected_option: { value: "fpfs" },
    });
    expect(slack.currentView("U1")).toBeUndefined();
    expect(slack.views.find((v) => v.id === modal.id)?.status).toBe("closed");
  });

  it("delivers app_home_opened and captures views.publish", async () => {
    const { slack } = h;
    const result = await slack.openHome("U2");
    expect(result.acked).toBe(true);
    expect(result.payload).toMatchObject({
      type: "event_callback",
      event: { type: "app_home_opened", user: "U2" },
    });
    const home = await slack.waitFor(() => slack.home("U2"));
    expect(home.view.blocks).toHaveLength(2);
    expect(JSON.stringify(home.view.blocks)).toContain("KPI dashboard");
  });

  it("replaces the original message through response_url", async () => {
    const { slack, app } = h;
    const posted = await app.client.chat.postMessage({
      channel: "U2",
      text: "Task",
      blocks: [
        {
          type: "actions",
          elements: [{ type: "button", action_id: "mark_done", text: { type: "plain_text", text: "Done" } }],
        },
      ],
    });
    await slack.clickButton({
      user: "U2",
      actionId: "mark_done",
      message: { channel: "U2", ts: posted.ts! },
    });
    const replaced = await slack.waitForMessage("U2", (m) => m.text === "Marked done");
    expect(replaced.ts).toBe(posted.ts);
    expect(replaced.versions).toHaveLength(1);
    expect(slack.responses.at(-1)?.effect).toBe("replaced");
  });

  it("records only the intentional violation", () => {
    expect(h.slack.violations.map((v) => v.rule)).toEqual(["trigger_reused"]);
  });
});
