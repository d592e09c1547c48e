/** Start-up and shutdown: configuration errors are named, /healthz answers, stop() is clean. */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { createSlackApp } from "../../src/slack/app.js";
import { type Harness, startHarness } from "./harness.js";

describe("the Slack app process", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("http");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("names a missing or bad variable", () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "xoxb-1" })).toThrow(
      /SLACK_SIGNING_SECRET is required in HTTP mode/,
    );
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "nope", SLACK_SIGNING_SECRET: "s" })).toThrow(ConfigError);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "nope", SLACK_SIGNING_SECRET: "s" })).toThrow(
      /SLACK_BOT_TOKEN/,
    );
    expect(() => createSlackApp({ config: loadConfig({}), db: h.db })).toThrow(/Slack is not configured/);
  });

  it("picks Socket Mode with an app token, HTTP mode otherwise", () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" }).slackMode).toBe("socket");
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }).slackMode).toBe("http");
  });

  it("answers GET /healthz in HTTP mode", async () => {
    const url = new URL(h.slack.requestUrl!);
    const res = await request(`http://${url.host}/healthz`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe("ok");
  });

  it("uses SLACK_API_URL for every Web API call", () => {
    expect(h.slack.callsTo("auth.test").length).toBeGreaterThanOrEqual(1);
  });
});
