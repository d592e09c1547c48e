import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/emulator/index.js";
import { type Harness, MODAL_VIEW, startHarness } from "./helpers.js";

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Calls the fake's Web API with a plain form POST (what any HTTP client would send). */
async function api(apiUrl: string, method: string, args: Record<string, string>, token = "xoxb-test") {
  const response = await fetch(`${apiUrl}${method}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Bearer ${token}` },
    body: new URLSearchParams(args).toString(),
  });
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body };
}

describe("ack deadline", () => {
  it.each(["http", "socket"] as const)(
    "records ack_timeout for a late ack and ignores its body (%s)",
    async (mode) => {
      h = await startHarness({ mode, fake: { ackTimeoutMs: 200 } });
      const result = await h.slack.slashCommand({ user: "U1", command: "/slow" });
      expect(result.acked).toBe(true);
      expect(result.late).toBe(true);
      expect(result.ackMs).toBeGreaterThan(200);
      expect(result.ackBody).toEqual({ text: "finally" });
      expect(h.slack.violations).toMatchObject([
        { rule: "ack_timeout", details: { kind: "slash_command", via: mode } },
      ]);
      // Slack would have shown an error instead of the late ack's message.
      expect(h.slack.ephemerals("U1")).toHaveLength(0);
    },
  );

  it("shows a timely ack body as an ephemeral response", async () => {
    h = await startHarness({ mode: "socket" });
    await h.slack.slashCommand({ user: "U1", command: "/slow" });
    expect(h.slack.ephemerals("U1")).toMatchObject([{ text: "finally", source: "ack" }]);
    expect(h.slack.violations).toEqual([]);
  });
});

describe("trigger_id", () => {
  it("expires 3 s after the interaction (controllable clock)", async () => {
    const clock = new ManualClock(Date.parse("2025-03-01T01:00:00Z"));
    h = await startHarness({ mode: "http", fake: { clock: clock.now } });
    let release = () => {};
    h.probe.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const result = await h.slack.slashCommand({ user: "U1", command: "/late-modal" });
    expect(result.acked).toBe(true);
    clock.advance(3001);
    release();
    const call = await h.slack.waitForCall("views.open");
    expect(call.error).toBe("expired_trigger_id");
    await h.slack.waitFor(() => h?.probe.errors.includes("expired_trigger_id"));
    expect(h.slack.violations).toMatchObject([{ rule: "trigger_expired", details: { ageMs: 3001 } }]);
    expect(h.slack.currentView("U1")).toBeUndefined();
  });
});

describe("Block Kit limits", () => {
  it("refuses a 51-block message with invalid_blocks", async () => {
    h = await startHarness({ mode: "http" });
    await h.slack.slashCommand({ user: "U1", command: "/big" });
    await h.slack.waitFor(() => h?.probe.errors.length);
    expect(h.probe.errors).toEqual(["invalid_blocks"]);
    const call = h.slack.callsTo("chat.postMessage")[0]!;
    expect(call.response).toMatchObject({
      ok: false,
      error: "invalid_blocks",
      errors: ["must be less than 51 items [json-pointer:/blocks]"],
    });
    expect(h.slack.messages("U1")).toHaveLength(0);
    expect(h.slack.violations.map((v) => v.rule)).toEqual(["invalid_blocks"]);
  });

  it("limits the modal stack to 3 views and view titles to 24 characters", async () => {
    h = await startHarness({ mode: "http" });
    const { slack, app } = h;
    const trigger = () => slack.state.issueTrigger("U1", "test");
    await app.client.views.open({ trigger_id: trigger(), view: MODAL_VIEW });
    await app.client.views.push({ trigger_id: trigger(), view: MODAL_VIEW });
    await app.client.views.push({ trigger_id: trigger(), view: MODAL_VIEW });
    await expect(app.client.views.push({ trigger_id: trigger(), view: MODAL_VIEW })).rejects.toMatchObject({
      data: { error: "push_limit_reached" },
    });
    expect(slack.viewStack("U1")).toHaveLength(3);

    const longTitle = { ...MODAL_VIEW, title: { type: "plain_text" as const, text: "x".repeat(25) } };
    await expect(app.client.views.open({ trigger_id: trigger(), view: longTitle })).rejects.toMatchObject({
      data: {
        error: "invalid_arguments",
        response_metadata: {
          messages: ["[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"],
        },
      },
    });
    expect(slack.violations.map((v) => v.rule)).toEqual(["modal_stack_limit", "invalid_blocks"]);
  });
});

describe("rate limits", () => {
  it("injects a 429 that the WebClient honours and retries; the message is counted once", async () => {
    h = await startHarness({ mode: "http", retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } });
    h.slack.inject429({ method: "chat.postMessage", times: 1, retryAfter: 1 });
    await h.slack.slashCommand({ user: "U1", command: "/ping", text: "rl" });
    await h.slack.waitForMessage("U1", "pong via DM", 4000);
    const calls = h.slack.callsTo("chat.postMessage");
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[0]).toMatchObject({ error: "ratelimited", retryAfter: 1 });
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(900);
    expect(h.slack.acceptedCount("U1")).toBe(1);
    expect(h.slack.messages("U1")).toHaveLength(1);
  });

  it("applies per-channel token buckets on the logical clock", async () => {
    const clock = new ManualClock(Date.parse("2025-03-01T01:00:00Z"));
    h = await startHarness({ mode: "http", fake: { clock: clock.now, rateLimits: { perChannelPerSec: 1 } } });
    const first = await api(h.slack.apiUrl, "chat.postMessage", { channel: "U1", text: "1" });
    const second = await api(h.slack.apiUrl, "chat.postMessage", { channel: "U1", text: "2" });
    const other = await api(h.slack.apiUrl, "chat.postMessage", { channel: "U2", text: "3" });
    expect([first.status, second.status, other.status]).toEqual([200, 429, 200]);
    expect(second.retryAfter).toBe("1");
    clock.advance(1000);
    expect((await api(h.slack.apiUrl, "chat.postMessage", { channel: "U1", text: "4" })).status).toBe(200);
    expect(h.slack.acceptedCounts()).toEqual({ DU1: 2, DU2: 1 });
  });
});

describe("Web API surface", () => {
  it("uploads files through files.uploadV2 and keeps the bytes", async () => {
    h = await startHarness({ mode: "socket" });
    await h.slack.slashCommand({ user: "U1", command: "/export" });
    const file = await h.slack.waitFor(() => h?.slack.files.find((f) => f.completed));
    expect(file.bytes.toString("utf8")).toBe("user,points\nzhang.wei,42\n");
    expect(file).toMatchObject({
      filename: "report.csv",
      title: "Monthly report",
      channels: ["DU1"],
      initialComment: "Here is your report",
      size: 25,
    });
    expect(h.slack.lastMessage("U1")).toMatchObject({ text: "Here is your report", files: [file.id] });
    expect(h.slack.activity.some((a) => a.type === "file_uploaded")).toBe(true);
  });

  it("answers users.info with the locale when include_locale is set", async () => {
    h = await startHarness({ mode: "http" });
    await h.slack.slashCommand({ user: "U1", command: "/whoami" });
    await h.slack.waitForEphemeral("U1", "locale=zh-CN tz=Asia/Shanghai");
    const info = await h.app.client.users.info({ user: "U1" });
    expect(info.user?.locale).toBeUndefined();
    expect(info.user).toMatchObject({ real_name: "张伟", tz_offset: 8 * 3600 });
  });

  it("pages users.list, refuses unknown methods and bad tokens", async () => {
    h = await startHarness({ mode: "http" });
    const { app, slack } = h;
    const first = await app.client.users.list({ limit: 2, include_locale: true });
    expect(first.members?.map((m) => m.id)).toEqual([slack.botUserId, "U1"]);
    expect(first.members?.[1]?.locale).toBe("zh-CN");
    const cursor = first.response_metadata?.next_cursor;
    expect(cursor).toBeTruthy();
    const second = await app.client.users.list({ limit: 2, cursor });
    expect(second.members?.map((m) => m.id)).toEqual(["U2"]);
    expect(second.response_metadata?.next_cursor).toBe("");

    expect((await api(slack.apiUrl, "nope.nothing", {})).body).toEqual({
      ok: false,
      error: "unknown_method",
    });
    expect((await api(slack.apiUrl, "auth.test", {}, "xoxb-wrong")).body).toMatchObject({
      error: "invalid_auth",
    });
    expect(
      (await api(slack.apiUrl, "chat.postMessage", { channel: "U1", text: "x" }, "xapp-test")).body,
    ).toMatchObject({
      error: "not_allowed_token_type",
    });
    const opened = await api(slack.apiUrl, "apps.connections.open", {}, "xapp-test");
    expect(String(opened.body.url)).toMatch(
      new RegExp(`^ws://127\\.0\\.0\\.1:${slack.port}/socket\\?ticket=`),
    );
  });

  it("limits a response_url to 5 posts", async () => {
    h = await startHarness({ mode: "http" });
    const result = await h.slack.slashCommand({ user: "U1", command: "/ping", text: "quota" });
    await h.slack.waitForEphemeral("U1", "pong quota");
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await fetch(result.responseUrl!, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: `extra ${i}`, response_type: i === 0 ? "in_channel" : "ephemeral" }),
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 404]);
    expect(h.slack.violations.map((v) => v.rule)).toEqual(["response_url_limit"]);
    expect(h.slack.messages("C0GENERAL").map((m) => m.text)).toEqual(["extra 0"]);
    expect(h.slack.responses.at(-1)).toMatchObject({ effect: "refused", error: "used_url" });
  });
});
