/**
 * Graceful stop of an HTTP replica with a drain delay (shutdownDelayMs, SHUTDOWN_DRAIN_MS in production):
 * /readyz answers 503 at once while new requests are still accepted and served (with Connection: close),
 * the port refuses connections once the delay is over, and a request still arriving then is answered
 * before stop() returns.
 */
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { signRequest } from "../../src/emulator/index.js";
import { USERS } from "./fixtures.js";
import { SIGNING_SECRET, startHarness } from "./harness.js";

const DELAY_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GET on a fresh connection: status, body and the Connection header. */
function get(port: number, path: string) {
  return new Promise<{ status: number; text: string; connection: string | undefined }>((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => {
        text += c.toString("utf8");
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text, connection: res.headers.connection }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Whether a TCP connection to the port is refused (the listener is closed). */
function refused(port: number) {
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED"));
  });
}

/**
 * A signed `/log` whose headers and first half are sent now and the rest when `finish()` is called: a
 * request in flight for as long as the test wants.
 */
function slowLog(port: number, slackBase: string, teamId: string, note: string) {
  const body = new URLSearchParams({
    command: "/log",
    text: `fpfs 1 ${note}`,
    user_id: USERS.anna,
    team_id: teamId,
    channel_id: "C0GENERAL",
    response_url: `${slackBase}/response/none`,
    trigger_id: "1.2.3",
  }).toString();
  const req = httpRequest({
    host: "127.0.0.1",
    port,
    path: "/slack/events",
    method: "POST",
    agent: false,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "content-length": String(Buffer.byteLength(body)),
      ...signRequest({ secret: SIGNING_SECRET, body }),
    },
  });
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.on("response", (res) => {
      let text = "";
      res.on("data", (c: Buffer) => {
        text += c.toString("utf8");
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
  });
  const half = Math.floor(body.length / 2);
  req.write(body.slice(0, half));
  return { answer, finish: () => req.end(body.slice(half)) };
}

describe("graceful stop with a drain delay (HTTP mode)", () => {
  it("is not ready at once but serves for the delay, then refuses connections; a request in flight is answered", async () => {
    const h = await startHarness("http", { shutdownDelayMs: DELAY_MS });
    try {
      const port = Number(new URL(h.slack.requestUrl!).port);
      expect((await get(port, "/readyz")).status).toBe(200);
      const slow = slowLog(port, h.slack.baseUrl, h.slack.team.id, "drain-in-flight");
      await sleep(100); // its headers are read: the replica holds the request

      const started = Date.now();
      let stopped = false;
      const stopping = h.app.stop().then(() => {
        stopped = true;
      });
      const ready = await get(port, "/readyz");
      expect(ready).toEqual({ status: 503, text: "shutting down", connection: "close" });
      expect((await get(port, "/healthz")).status).toBe(200); // alive: a process manager leaves it be

      // a command sent during the delay (a balancer that has not polled /readyz yet) is served
      const during = await h.slack.slashCommand({
        user: USERS.anna,
        command: "/log",
        text: "fpfs 1 drain-during",
      });
      expect(during.acked).toBe(true);
      expect(during.late).toBe(false);
      expect(Date.now() - started).toBeLessThan(DELAY_MS);
      expect(await refused(port)).toBe(false);

      // once the delay is over the port refuses connections (a balancer then skips it)
      while (!(await refused(port))) {
        if (Date.now() - started > DELAY_MS + 5_000) throw new Error("the listener did not close");
        await sleep(25);
      }
      expect(Date.now() - started).toBeGreaterThanOrEqual(DELAY_MS - 20);

      // the request held since before the stop is finished and answered; stop() waited for it
      expect(stopped).toBe(false);
      slow.finish();
      const answer = await slow.answer;
      expect(answer.status).toBe(200);
      expect(answer.text).toContain("Logged");
      await stopping;

      const notes = await h.db.prisma.entry.findMany({
        where: { note: { in: ["drain-during", "drain-in-flight"] } },
        select: { note: true },
      });
      expect(notes.map((e) => e.note).sort()).toEqual(["drain-during", "drain-in-flight"]);
    } finally {
      await h.close();
    }
  });

  it("with no delay (the default: tests, the playground) the listener closes at once", async () => {
    const h = await startHarness("http");
    try {
      const port = Number(new URL(h.slack.requestUrl!).port);
      const started = Date.now();
      await h.app.stop();
      expect(Date.now() - started).toBeLessThan(DELAY_MS);
      expect(await refused(port)).toBe(true);
    } finally {
      await h.close();
    }
  });
});
