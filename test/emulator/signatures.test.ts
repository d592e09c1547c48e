import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signRequest, verifySignature } from "../../src/emulator/index.js";
import { type Harness, SIGNING_SECRET, sleep, startHarness } from "./helpers.js";

describe("HTTP signature checks are enforced by Bolt", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ mode: "http" });
  });

  afterAll(async () => {
    await h?.close();
  });

  it("refuses a request signed with the wrong secret (401) and does not run the handler", async () => {
    const result = await h.slack.slashCommand({
      user: "U1",
      command: "/ping",
      text: "x",
      signing: { secret: "not-the-secret" },
    });
    expect(result.status).toBe(401);
    expect(result.acked).toBe(false);
    await sleep(50);
    expect(h.probe.ping).toBe(0);
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("refuses a timestamp older than 5 minutes (401)", async () => {
    const stale = Math.floor(Date.now() / 1000) - 5 * 60 - 5;
    const result = await h.slack.slashCommand({
      user: "U1",
      command: "/ping",
      signing: { timestamp: stale },
    });
    expect(result.status).toBe(401);
    expect(h.probe.ping).toBe(0);
  });

  it("signedPost sends arbitrary bodies; a valid one is accepted", async () => {
    const body = new URLSearchParams({
      command: "/ping",
      text: "raw",
      user_id: "U1",
      user_name: "zhang.wei",
      channel_id: "C0GENERAL",
      team_id: h.slack.team.id,
      response_url: `${h.slack.baseUrl}/response/unknown`,
      trigger_id: "1.2.3",
    }).toString();
    const tampered = await h.slack.signedPost(body, { secret: "wrong" });
    expect(tampered.status).toBe(401);
    const ok = await h.slack.signedPost(body);
    expect(ok.status).toBe(200);
    await h.slack.waitFor(() => h.probe.ping === 1);
    // The made-up response_url is unknown to the fake, so respond() fails like an invalid URL would.
    expect(h.slack.responses).toHaveLength(0);
    // No rule violations were caused by refused requests.
    expect(h.slack.violations).toEqual([]);
  });

  it("signRequest/verifySignature agree", () => {
    const headers = signRequest({ secret: SIGNING_SECRET, body: "a=b", timestamp: 1_700_000_000 });
    expect(headers["x-slack-signature"]).toMatch(/^v0=[0-9a-f]{64}$/);
    const check = (secret: string, nowMs: number) =>
      verifySignature({
        secret,
        body: "a=b",
        signature: headers["x-slack-signature"],
        timestamp: headers["x-slack-request-timestamp"],
        nowMs,
      });
    expect(check(SIGNING_SECRET, 1_700_000_000_000)).toBeNull();
    expect(check("other", 1_700_000_000_000)).toBe("bad_signature");
    expect(check(SIGNING_SECRET, 1_700_000_400_000)).toBe("stale_timestamp");
  });
});
