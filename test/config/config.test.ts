import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, loadDotEnv } from "../../src/config.js";

describe("configuration", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  });

  it("defaults to the embedded database and no Slack (playground)", () => {
    const c = loadConfig({});
    expect(c.slackMode).toBe("playground");
    expect(c.timeZone).toBe("Asia/Shanghai");
    expect(c.PORT).toBe(3000);
  });

  it("TZ_DEFAULT takes the zones the timeZone setting takes: an IANA Area/Location name or UTC", () => {
    expect(loadConfig({ TZ_DEFAULT: "America/New_York" }).timeZone).toBe("America/New_York");
    expect(loadConfig({ TZ_DEFAULT: "UTC" }).timeZone).toBe("UTC");
    // aliases the runtime knows but the admin's Settings form refuses (PRC is Asia/Shanghai, EST no DST)
    for (const tz of ["PRC", "EST"])
      expect(() => loadConfig({ TZ_DEFAULT: tz })).toThrow(/TZ_DEFAULT unknown time zone/);
  });

  it("chooses Socket Mode with an app token, HTTP mode with a signing secret", () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" }).slackMode).toBe("socket");
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }).slackMode).toBe("http");
  });

  it("SHUTDOWN_DRAIN_MS: 5 s by default, 0 allowed (close at once), a negative or non-number refused", () => {
    expect(loadConfig({}).SHUTDOWN_DRAIN_MS).toBe(5000);
    expect(loadConfig({ SHUTDOWN_DRAIN_MS: "0" }).SHUTDOWN_DRAIN_MS).toBe(0);
    expect(loadConfig({ SHUTDOWN_DRAIN_MS: "1500" }).SHUTDOWN_DRAIN_MS).toBe(1500);
    for (const v of ["-1", "soon", "120000"])
      expect(() => loadConfig({ SHUTDOWN_DRAIN_MS: v })).toThrow(/SHUTDOWN_DRAIN_MS/);
  });

  it("names every missing or malformed variable", () => {
    try {
      loadConfig({
        SLACK_BOT_TOKEN: "xoxp-user",
        DATABASE_URL: "mysql://x",
        PORT: "eighty",
        TZ_DEFAULT: "Mars/Base",
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toMatch(/SLACK_BOT_TOKEN must be a bot token starting with xoxb-/);
      expect(msg).toMatch(/DATABASE_URL must be a postgresql:\/\/ URL/);
      expect(msg).toMatch(/PORT/);
      expect(msg).toMatch(/TZ_DEFAULT unknown time zone/);
    }
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "xoxb-1" })).toThrow(
      /SLACK_SIGNING_SECRET is required in HTTP mode/,
    );
  });

  it("reads .env without overriding what the environment already sets", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "kpi-env-"));
    const file = path.join(dir, ".env");
    writeFileSync(file, "KPI_TEST_FROM_FILE=file\nKPI_TEST_BOTH=file\n");
    process.env.KPI_TEST_BOTH = "environment";
    expect(loadDotEnv(file)).toBe(file);
    expect(process.env.KPI_TEST_FROM_FILE).toBe("file");
    expect(process.env.KPI_TEST_BOTH).toBe("environment");
    expect(loadDotEnv(path.join(dir, "missing.env"))).toBeUndefined();
  });
});
