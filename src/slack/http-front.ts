/**
 * The HTTP side of a replica: Bolt's HTTPReceiver behind a small front that
 * - answers GET /healthz (liveness: the process serves requests), GET /readyz (database reachable and
 *   every migration this release knows applied; 503 while shutting down) and GET /metrics (Prometheus);
 * - for POST /slack/events: assigns the request id (nginx's X-Request-Id when given), refuses a body
 *   over `bodyLimit` with 413 (read and discarded, so the client sees the answer), checks the signature
 *   and the timestamp (401), refuses a replay of an already seen signature (401), refuses a body that is
 *   not a Slack payload (400), and only then hands the buffered request to Bolt (whose own check is
 *   switched off: it is done here);
 * - drains on shutdown: /readyz answers 503 at once and every response says `Connection: close`, but the
 *   listener stays open for a delay (a load balancer polling /readyz stops sending meanwhile), then
 *   closes; the caller waits for the requests being handled.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { HTTPReceiver } from "@slack/bolt";
import { boltLogger, type Logger } from "./logger.js";
import type { Metrics, RequestOutcome } from "./metrics.js";
import type { ReplayGuard } from "./replay.js";

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
const MAX_AGE_SEC = 5 * 60;

export interface Readiness {
  ok: boolean;
  problems: string[];
}

export interface HttpFrontOptions {
  signingSecret: string;
  logger: Logger;
  metrics: Metrics;
  replay: ReplayGuard;
  /** readiness beyond "not draining": database and migrations */
  ready: () => Promise<Readiness>;
  /** bytes (default 1 MiB; Slack's payloads are far smaller) */
  bodyLimit?: number;
}

export interface HttpFront {
  receiver: HTTPReceiver;
  /** HTTP requests received and not yet answered */
  pending(): number;
  /**
   * Not ready from now on (/readyz 503, responses with Connection: close); requests are still accepted and
   * served for `keepListeningMs`, then the listener closes (resolves then). A second call returns the
   * first one's promise.
   */
  beginDrain(server: Server | undefined, keepListeningMs?: number): Promise<void>;
  draining(): boolean;
}

type Buffered = IncomingMessage & { rawBody?: Buffer; requestId?: string };

/** The body as Slack sends it: a form (slash command, or `payload=` JSON) or JSON (Events API). */
export function parseSlackBody(raw: string, contentType: string | undefined): Record<string, unknown> | null {
  try {
    if ((contentType ?? "").includes("application/json")) {
      const v = JSON.parse(raw) as unknown;
      return v &&
        typeof v === "object" &&
        !Array.isArray(v) &&
        typeof (v as { type?: unknown }).type === "string"
        ? (v as Record<string, unknown>)
        : null;
    }
    const form = new URLSearchParams(raw);
    if (form.has("ssl_check")) return { ssl_check: form.get("ssl_check") };
    const payload = form.get("payload");
    if (payload !== null) {
      const v = JSON.parse(payload) as unknown;
      return v && typeof v === "object" && typeof (v as { type?: unknown }).type === "string"
        ? (v as Record<string, unknown>)
        : null;
    }
    const command = form.get("command");
    if (command && form.get("user_id")) return Object.fromEntries(form);
    return null;
  } catch {
    return null;
  }
}

function signatureProblem(secret: string, raw: Buffer, sig: unknown, ts: unknown): string | null {
  if (typeof sig !== "string" || typeof ts !== "string" || !/^\d{1,12}$/.test(ts)) return "missing headers";
  const age = Math.abs(Math.floor(Date.now() / 1000) - Number(ts));
  if (age > MAX_AGE_SEC) return "stale timestamp";
  const expected = Buffer.from(
    `v0=${createHmac("sha256", secret).update(`v0:${ts}:`).update(raw).digest("hex")}`,
  );
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "bad signature";
  return null;
}

export function createHttpFront(opts: HttpFrontOptions): HttpFront {
  const { logger, metrics } = opts;
  const limit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  let pending = 0;
  let draining = false;
  let drained: Promise<void> | undefined;
  const receiver = new HTTPReceiver({
    signingSecret: opts.signingSecret,
    signatureVerification: false, // checked by the front, before the replay check
    logger: boltLogger(logger),
    bodyLimit: limit,
    customPropertiesExtractor: (req) => ({ requestId: (req as Buffered).requestId }),
  });
  const inner = receiver.requestListener;

  const plain = (res: ServerResponse, status: number, body: string, type = "text/plain; charset=utf-8") => {
    res.writeHead(status, { "content-type": type, ...(draining ? { connection: "close" } : {}) });
    res.end(body);
  };
  const refuse = (
    res: ServerResponse,
    status: number,
    outcome: RequestOutcome,
    requestId: string,
    why: string,
  ) => {
    metrics.requests.inc({ kind: "http", outcome });
    logger.warn({ reqId: requestId, status, outcome, why }, "request refused");
    plain(res, status, why);
  };

  const slackEvent = (req: Buffered, res: ServerResponse) => {
    const header = req.headers["x-request-id"];
    const requestId = typeof header === "string" && /^[\w.:-]{1,64}$/.test(header) ? header : randomUUID();
    req.requestId = requestId;
    if (draining) res.setHeader("connection", "close");
    const declared = Number(req.headers["content-length"] ?? 0);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > limit;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
      else if (size > 64 * limit) req.destroy(); // not worth reading any further
    });
    req.on("error", () => {});
    req.on("end", () => {
      if (tooLarge) {
        res.setHeader("connection", "close");
        return refuse(res, 413, "too_large", requestId, `body over ${limit} bytes`);
      }
      const raw = Buffer.concat(chunks);
      const problem = signatureProblem(
        opts.signingSecret,
        raw,
        req.headers["x-slack-signature"],
        req.headers["x-slack-request-timestamp"],
      );
      if (problem) return refuse(res, 401, "refused", requestId, problem);
      const body = parseSlackBody(raw.toString("utf8"), req.headers["content-type"]);
      if (!body) return refuse(res, 400, "malformed", requestId, "not a Slack payload");
      const retry = req.headers["x-slack-retry-num"];
      // an Events API retry is signed anew but may carry the same body and second: its retry number
      // tells it apart (a replayed event with a forged retry number is still handled once, by event_id)
      const key =
        body.type === "event_callback" && typeof retry === "string" && /^\d{1,2}$/.test(retry)
          ? `${req.headers["x-slack-signature"]}:r${retry}`
          : String(req.headers["x-slack-signature"]);
      opts.replay.firstSeen(key).then(
        (first) => {
          if (!first) return refuse(res, 401, "replayed", requestId, "request already received (replay)");
          req.rawBody = raw;
          inner(req, res);
        },
        (error: unknown) => {
          logger.error({ err: error, reqId: requestId }, "replay check failed");
          plain(res, 503, "try again");
        },
      );
    });
  };

  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    pending++;
    res.once("close", () => {
      pending--;
    });
    const path = (req.url ?? "/").split("?")[0];
    const method = req.method ?? "GET";
    if (method === "GET" || method === "HEAD") {
      if (path === "/healthz") return plain(res, 200, "ok");
      if (path === "/readyz") {
        if (draining) return plain(res, 503, "shutting down");
        opts.ready().then(
          (r) => plain(res, r.ok ? 200 : 503, r.ok ? "ready" : `not ready: ${r.problems.join("; ")}`),
          (e: unknown) => plain(res, 503, `not ready: ${e instanceof Error ? e.message : String(e)}`),
        );
        return;
      }
      if (path === "/metrics") {
        metrics.registry.metrics().then(
          (text) => plain(res, 200, text, metrics.registry.contentType),
          () => plain(res, 500, "metrics unavailable"),
        );
        return;
      }
    }
    if (method === "POST" && path === "/slack/events") return slackEvent(req as Buffered, res);
    return inner(req, res);
  };

  return {
    receiver,
    pending: () => pending,
    draining: () => draining,
    beginDrain(server, keepListeningMs = 0) {
      draining = true;
      drained ??= (async () => {
        // Keep accepting while the load balancer notices /readyz: it has sent requests here until its
        // last poll, and a request still in the kernel's accept queue when the listener closes is reset
        // (a POST it has sent and will not send again).
        if (keepListeningMs > 0) await new Promise((resolve) => setTimeout(resolve, keepListeningMs));
        if (!server) return;
        // Stop listening, right after the event loop's poll phase has accepted every connection waiting
        // in the kernel's accept queue (setImmediate runs just after it): with no delay, or behind a
        // balancer that does not read /readyz, that leaves the rest of that poll phase as the window, not
        // a whole turn of a busy loop.
        await new Promise<void>((resolve) => setImmediate(resolve));
        // Node's close() also drops the connections it deems idle, which includes one just accepted whose
        // request is not parsed yet: that request would be lost the same way. Keep them: every response
        // now says Connection: close, and the connections still open once the requests are done are
        // closed by the caller.
        const closeIdle = server.closeIdleConnections;
        server.closeIdleConnections = () => {};
        try {
          server.close(() => {});
        } finally {
          server.closeIdleConnections = closeIdle;
        }
      })();
      return drained;
    },
  };
}
