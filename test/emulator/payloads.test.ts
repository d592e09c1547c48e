/**
 * Payload shapes and state handling, checked against a bare HTTP capture server instead of Bolt.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Activity, FakeSlack, verifySignature } from "../../src/emulator/index.js";
import { SIGNING_SECRET, USERS } from "./helpers.js";

interface Captured {
  headers: IncomingMessage["headers"];
  raw: string;
  body: Record<string, unknown>;
}

describe("payloads sent to the app", () => {
  let slack: FakeSlack;
  let server: Server;
  const captured: Captured[] = [];
  let reply: (c: Captured) => string = () => "";

  beforeAll(async () => {
    slack = await FakeSlack.start({ signingSecret: SIGNING_SECRET, users: USERS });
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const isJson = req.headers["content-type"] === "application/json";
        const form = new URLSearchParams(raw);
        const body = isJson
          ? JSON.parse(raw)
          : form.has("payload")
            ? JSON.parse(form.get("payload")!)
            : Object.fromEntries(form.entries());
        const entry = { headers: req.headers, raw, body };
        captured.push(entry);
        const out = reply(entry);
        res.writeHead(200, out ? { "content-type": "application/json" } : {});
        res.end(out);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    slack.setRequestUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`);
  });

  beforeEach(() => {
    captured.length = 0;
    reply = () => "";
    slack.reset();
  });

  afterAll(async () => {
    await slack.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("signs requests and sends slash commands as form fields", async () => {
    await slack.slashCommand({ user: "U1", command: "/log", text: "fpfs 3", channel: "U1" });
    const [req] = captured;
    expect(req!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(
      verifySignature({
        secret: SIGNING_SECRET,
        body: req!.raw,
        signature: req!.headers["x-slack-signature"] as string,
        timestamp: req!.headers["x-slack-request-timestamp"] as string,
      }),
    ).toBeNull();
    expect(req!.body).toMatchObject({
      command: "/log",
      text: "fpfs 3",
      user_id: "U1",
      user_name: "zhang.wei",
      channel_id: "DU1",
      channel_name: "directmessage",
      team_id: slack.team.id,
      api_app_id: slack.appId,
    });
    expect(String(req!.body.trigger_id)).toMatch(/^\d+\.\d+\.[0-9a-f]{32}$/);
  });

  it("tracks select state in modals and builds block_actions from the view", async () => {
    const trigger = slack.state.issueTrigger("U1", "test");
    const opened = await fetch(`${slack.apiUrl}views.open`, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        authorization: `Bearer ${slack.botToken}`,
      },
      body: JSON.stringify({
        trigger_id: trigger,
        view: {
          type: "modal",
          title: { type: "plain_text", text: "Pick" },
          submit: { type: "plain_text", text: "OK" },
          blocks: [
            {
              type: "input",
              block_id: "team",
              dispatch_action: true,
              label: { type: "plain_text", text: "Team" },
              element: {
                type: "static_select",
                action_id: "team_select",
                options: [
                  { text: { type: "plain_text", text: "Platform" }, value: "platform" },
                  { text: { type: "plain_text", text: "Billing" }, value: "billing" },
                ],
              },
            },
            { type: "input", label: { type: "plain_text", text: "When" }, element: { type: "datepicker" } },
          ],
        },
      }),
    }).then(
      (r) => r.json() as Promise<{ ok: boolean; view: { id: string; blocks: Array<{ block_id: string }> } }>,
    );
    expect(opened.ok).toBe(true);
    const generatedBlockId = opened.view.blocks[1]!.block_id;
    expect(generatedBlockId).toMatch(/^[0-9A-Z]{5}$/);

    await slack.selectOption({ user: "U1", actionId: "team_select", value: "billing" });
    const action = captured[0]!.body;
    expect(action).toMatchObject({
      type: "block_actions",
      container: { type: "view", view_id: opened.view.id },
      actions: [
        {
          type: "static_select",
          action_id: "team_select",
          block_id: "team",
          selected_option: { value: "billing" },
        },
      ],
    });
    expect(action.response_url).toBeUndefined();

    reply = () =>
      JSON.stringify({
        response_action: "update",
        view: { type: "modal", title: { type: "plain_text", text: "Done" }, blocks: [] },
      });
    const result = await slack.submitView({ user: "U1", values: { [generatedBlockId]: "2025-03-01" } });
    const values = (captured[1]!.body.view as { state: { values: Record<string, Record<string, unknown>> } })
      .state.values;
    expect(values.team?.team_select).toMatchObject({
      selected_option: { text: { text: "Billing" }, value: "billing" },
    });
    expect(Object.values(values[generatedBlockId]!)[0]).toEqual({
      type: "datepicker",
      selected_date: "2025-03-01",
    });
    expect(result.responseAction).toBe("update");
    expect(slack.currentView("U1")?.view.title).toMatchObject({ text: "Done" });
    expect(slack.currentView("U1")?.updates).toBe(1);
  });

  it("wraps events in event_callback with retry headers and emits activity", async () => {
    const seen: Activity[] = [];
    const listener = (a: Activity) => seen.push(a);
    slack.on("activity", listener);
    try {
      const first = await slack.userMessage({ user: "U2", text: "hi bot" });
      await slack.retryEvent(first, { retryReason: "http_error" });
      expect(captured[0]!.body).toMatchObject({
        type: "event_callback",
        event: { type: "message", channel: "DU2", user: "U2", text: "hi bot", channel_type: "im" },
      });
      expect(captured[0]!.headers["x-slack-retry-num"]).toBeUndefined();
      expect(captured[1]!.headers["x-slack-retry-num"]).toBe("1");
      expect(captured[1]!.headers["x-slack-retry-reason"]).toBe("http_error");
      expect(captured[1]!.body.event_id).toBe(captured[0]!.body.event_id);
      expect(seen.map((a) => a.type)).toEqual(["message_posted", "delivery", "delivery"]);
      expect(JSON.parse(JSON.stringify(slack.snapshot()))).toMatchObject({
        messages: { DU2: [{ text: "hi bot" }] },
      });
    } finally {
      slack.off("activity", listener);
    }
  });

  it("reports a clear error from waitFor with a state dump", async () => {
    await expect(slack.waitForMessage("C0GENERAL", "never", 50)).rejects.toThrow(
      /message in C0GENERAL not met within 50ms[\s\S]*--- FakeSlack state ---/,
    );
  });
});
