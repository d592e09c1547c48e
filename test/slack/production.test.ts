/**
 * Production behaviour of one HTTP replica: health, readiness and metrics endpoints; one structured log
 * line per request with no secret in any line; replayed requests, oversized and malformed bodies
 * refused; Events API retries handled once; a database outage answered with "try again".
 */
import { Writable } from "node:stream";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "../../src/db/unavailable.js";
import { signRequest } from "../../src/emulator/index.js";
import { createLogger, scrub } from "../../src/slack/logger.js";
import { startOpsServer } from "../../src/slack/ops-server.js";
import { USERS } from "./fixtures.js";
import { type Harness, SIGNING_SECRET, settle, startHarness } from "./harness.js";

describe("a production HTTP replica", () => {
  let h: Harness;
  const lines: string[] = [];
  let base: string;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        cb();
      },
    });
    const logger = createLogger("debug", { secrets: [SIGNING_SECRET, "xoxb-test"], destination: sink });
    h = await startHarness("http", { logger });
    base = new URL(h.slack.requestUrl!).origin;
  });
  afterAll(async () => {
    await h?.close();
  });

  const get = async (path: string) => {
    const r = await request(`${base}${path}`);
    return { status: r.statusCode, text: await r.body.text(), type: String(r.headers["content-type"]) };
  };

  it("answers /healthz, /readyz (database and migrations) and /metrics", async () => {
    expect(await get("/healthz")).toMatchObject({ status: 200, text: "ok" });
    expect(await get("/readyz")).toMatchObject({ status: 200, text: "ready" });
    // a migration of this release missing from the database: not ready, and says which
    const [last] = (
      await h.db.sql.query<{ migration_name: string }>(
        `SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`,
      )
    ).rows;
    await h.db.sql.query(`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = $1`, [
      last!.migration_name,
    ]);
    const notReady = await get("/readyz");
    expect(notReady.status).toBe(503);
    expect(notReady.text).toContain(`migrations pending: ${last!.migration_name}`);
    await h.db.sql.query(`UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE migration_name = $1`, [
      last!.migration_name,
    ]);
    expect((await get("/readyz")).status).toBe(200);

    await h.slack.slashCommand({ user: USERS.anna, command: "/log", text: "fpfs 1" });
    await h.slack.slashCommand({ user: USERS.stranger, command: "/log", text: "fpfs 1" });
    const m = await get("/metrics");
    expect(m.status).toBe(200);
    expect(m.type).toContain("text/plain");
    expect(m.text).toMatch(/kpi_requests_total\{kind="command",outcome="ok"\} [1-9]/);
    expect(m.text).toMatch(/kpi_requests_total\{kind="command",outcome="user_error"\} 1/);
    expect(m.text).toMatch(/kpi_request_duration_seconds_bucket\{le="0.5",kind="command"\} [1-9]/);
    expect(m.text).toContain("# TYPE kpi_jobs_total counter");
    expect(m.text).toContain("# TYPE kpi_slack_rate_limited_total counter");
    expect(m.text).toContain("kpi_process_cpu_seconds_total");
  });

  it("logs one JSON line per request (request id, user, command, outcome, latency)", async () => {
    lines.length = 0;
    await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "fpfs 2 log-line-test" });
    await settle(h);
    const reqs = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === "request");
    expect(reqs).toHaveLength(1);
    expect(reqs[0]).toMatchObject({ user: USERS.zhang, kind: "command", name: "/log", outcome: "ok" });
    expect(reqs[0]!.reqId).toMatch(/^[\w-]{8,}$/);
    expect(typeof reqs[0]!.ms).toBe("number");
    // the command text (a person's note) is not logged
    expect(lines.join("\n")).not.toContain("log-line-test");
  });

  it("counts Slack's 429s, and logs no token, secret or response_url, even when Slack calls fail", async () => {
    lines.length = 0;
    h.slack.inject429({ method: "views.publish", times: 1, retryAfter: 1 });
    h.slack.stubMethod("users.info", () => ({ ok: false, error: "invalid_auth" }));
    h.app.ctx.locales.invalidate(USERS.li);
    const r = await h.slack.slashCommand({ user: USERS.li, command: "/log", text: "fpfs 1" });
    await h.slack.slashCommand({ user: USERS.li, command: "/log", text: "list" });
    await settle(h, 1500);
    h.slack.removeStub("users.info");
    const all = lines.join("\n");
    expect(all).toContain("users.info"); // the failure was logged…
    for (const secret of [SIGNING_SECRET, h.slack.botToken, "xoxb-", "/response/", r.responseUrl!]) {
      expect(all).not.toContain(secret); // …without any secret
    }
    const m = await get("/metrics");
    expect(m.text).toMatch(/kpi_slack_rate_limited_total\{method="views.publish"\} 1/);
  });

  it("Socket Mode's side port (HEALTH_PORT) answers /healthz, /readyz and /metrics", async () => {
    const ops = await startOpsServer(h.app, 0);
    try {
      const at = (p: string) =>
        request(`http://127.0.0.1:${ops.port}${p}`).then(
          async (r) => [r.statusCode, await r.body.text()] as const,
        );
      expect(await at("/healthz")).toEqual([200, "ok"]);
      expect(await at("/readyz")).toEqual([200, "ready"]);
      const [status, text] = await at("/metrics");
      expect(status).toBe(200);
      expect(text).toContain("kpi_requests_total");
      expect((await at("/nope"))[0]).toBe(404);
    } finally {
      ops.close();
    }
  });

  it("scrubs tokens, hooks and passwords from any line", () => {
    const line = scrub(
      '{"a":"Bearer xoxb-123-456-abc","b":"xapp-1-A0-xyz","c":"https://hooks.slack.com/commands/T1/2/3","d":"postgresql://kpi:hunter22@db/kpi","e":"s3cret-value"}',
      ["s3cret-value"],
    );
    expect(line).not.toMatch(/xoxb-123|xapp-1|hooks\.slack\.com\/commands|hunter22|s3cret-value/);
  });

  it("refuses a replayed request (same signature), whatever the timestamp window says", async () => {
    const body = new URLSearchParams({
      command: "/log",
      text: "fpfs 1 replay-test",
      user_id: USERS.anna,
      team_id: h.slack.team.id,
      channel_id: "C0GENERAL",
      response_url: `${h.slack.baseUrl}/response/none`,
      trigger_id: "1.2.3",
    }).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const first = await h.slack.signedPost(body, { timestamp });
    const again = await h.slack.signedPost(body, { timestamp });
    expect(first.status).toBe(200);
    expect(again.status).toBe(401);
    expect(await h.db.prisma.entry.count({ where: { note: "replay-test" } })).toBe(1);
  });

  it("refuses a 20 MB body with 413 and a malformed payload with 400, and keeps serving", async () => {
    const big = `command=%2Flog&user_id=${USERS.anna}&text=${"a".repeat(20 * 1024 * 1024)}`;
    const r = await h.slack.signedPost(big);
    expect(r.status).toBe(413);
    for (const [raw, type] of [
      ["payload=%7Bnot-json", "application/x-www-form-urlencoded"],
      ['{"no":"type"}', "application/json"],
      ["{truncated", "application/json"],
      ["hello=world", "application/x-www-form-urlencoded"],
    ] as const) {
      const bad = await h.slack.signedPost(raw, { contentType: type });
      expect(bad.status, raw).toBe(400);
    }
    const ok = await h.slack.slashCommand({ user: USERS.anna, command: "/log", text: "help" });
    expect(ok.status).toBe(200);
  });

  it("handles an Events API event once, however often Slack retries it", async () => {
    await settle(h);
    const before = h.slack.callsTo("views.publish").length;
    const first = await h.slack.openHome(USERS.zhang);
    await settle(h);
    const d = h.slack.deliveries.find((x) => x.eventId === first.eventId)!;
    await h.slack.retryEvent(d);
    await h.slack.retryEvent(d);
    await settle(h);
    const published = h.slack.callsTo("views.publish").slice(before);
    expect(published.filter((c) => c.args.user_id === USERS.zhang)).toHaveLength(1);
    expect(await h.db.prisma.processedEvent.count({ where: { eventId: first.eventId! } })).toBe(1);
  });

  it("a request with a forged signature is refused before anything runs", async () => {
    const raw = `command=%2Flog&text=fpfs+1&user_id=${USERS.anna}`;
    const headers = signRequest({ secret: "another-secret", body: raw });
    const r = await request(h.slack.requestUrl!, {
      method: "POST",
      body: raw,
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    });
    expect(r.statusCode).toBe(401);
    await r.body.text();
  });
});

describe("database outages", () => {
  it("recognises the errors of a database that cannot be reached", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5499"), { code: "ECONNREFUSED" });
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("terminating connection"), { code: "57P01" }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("x", { cause: { kind: "postgres", code: "08006" } }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([refused]))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("x is undefined"))).toBe(false);
  });
});
