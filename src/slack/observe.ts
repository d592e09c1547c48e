/**
 * Per-request observability, in one Bolt global middleware (HTTP and Socket Mode alike):
 * - a request context (AsyncLocalStorage) holding the request id, the Slack user and what was asked, so
 *   every log line written while handling the request carries them (the logger's mixin reads it);
 * - one JSON log line per request: request id, user, kind and name (command, action id, view callback
 *   id, event type), outcome and latency. Never the command text, the payload, tokens or response_urls;
 * - the request metrics (count by kind and outcome, latency histogram, in flight), and the 429s the
 *   listener's Web API client meets.
 * The outcome starts "ok"; `markOutcome` (called where an error becomes the user's message) downgrades it.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { Logger } from "./logger.js";
import type { Metrics, RequestOutcome } from "./metrics.js";

export interface RequestInfo {
  requestId: string;
  user?: string;
  kind: string;
  name?: string;
  outcome: RequestOutcome;
}

export const requestStore = new AsyncLocalStorage<RequestInfo>();

/** The request being handled (undefined outside a request, e.g. in after-ack timers started later). */
export function currentRequest(): RequestInfo | undefined {
  return requestStore.getStore();
}

const SEVERITY: Record<RequestOutcome, number> = {
  ok: 0,
  duplicate: 0,
  user_error: 1,
  unavailable: 2,
  error: 3,
  refused: 1,
  replayed: 1,
  too_large: 1,
  malformed: 1,
};

/** Records how the request ended for the user (the worst outcome wins). */
export function markOutcome(outcome: RequestOutcome): void {
  const r = requestStore.getStore();
  if (r && SEVERITY[outcome] > SEVERITY[r.outcome]) r.outcome = outcome;
}

type Body = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const rec = (v: unknown): Body | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Body) : undefined;

/** What a Slack request is: kind (command, action, view, options, event, shortcut), name, user. */
export function describeRequest(body: unknown): { kind: string; name?: string; user?: string } {
  const b = rec(body) ?? {};
  if (str(b.command)) return { kind: "command", name: str(b.command), user: str(b.user_id) };
  const user = str(rec(b.user)?.id) ?? str(b.user_id);
  switch (b.type) {
    case "block_actions": {
      const first = rec(Array.isArray(b.actions) ? b.actions[0] : undefined);
      return { kind: "action", name: str(first?.action_id)?.split(":")[0], user };
    }
    case "view_submission":
    case "view_closed":
      return { kind: "view", name: `${b.type}:${str(rec(b.view)?.callback_id) ?? "?"}`, user };
    case "block_suggestion":
      return { kind: "options", name: str(b.action_id), user };
    case "shortcut":
    case "message_action":
      return { kind: "shortcut", name: str(b.callback_id), user };
    case "event_callback": {
      const ev = rec(b.event);
      const evUser = ev?.user;
      return {
        kind: "event",
        name: str(ev?.type),
        user: str(evUser) ?? str(rec(evUser)?.id),
      };
    }
    default:
      return { kind: str(b.type) ?? "unknown", user };
  }
}

const watched = new WeakSet<WebClient>();

/** Counts the 429s a Web API client meets (Bolt may hand listeners a client per team). */
export function watchRateLimits(client: WebClient | undefined, metrics: Metrics): void {
  if (!client || watched.has(client)) return;
  watched.add(client);
  // WebClientEvent.RATE_LIMITED ("rate_limited"): emitted on every HTTP 429 before the client waits
  const emitter = client as unknown as { on(e: string, f: (s: number, i?: { url?: string }) => void): void };
  emitter.on("rate_limited", (_retrySec, info) => {
    metrics.rateLimited.inc({ method: String(info?.url ?? "unknown").replace(/^.*\/api\//, "") });
  });
}

/**
 * The global middleware: first in the chain. `ids` lets the HTTP front pass the request id it assigned
 * (context.requestId); Socket Mode requests get a fresh one.
 */
export function observeRequests(opts: {
  logger: Logger;
  metrics: Metrics;
  /** requests being handled now, for background work that yields to them */
  onStart?: () => void;
  onEnd?: () => void;
}): Middleware<AnyMiddlewareArgs> {
  const { logger, metrics } = opts;
  return async (args) => {
    const { body, context, next } = args;
    const d = describeRequest(body);
    const info: RequestInfo = {
      requestId: str((context as Body).requestId) ?? randomUUID(),
      kind: d.kind,
      outcome: "ok",
      ...(d.name ? { name: d.name } : {}),
      ...(d.user ? { user: d.user } : {}),
    };
    watchRateLimits((args as { client?: WebClient }).client, metrics);
    const started = performance.now();
    opts.onStart?.();
    metrics.inflight.inc();
    try {
      await requestStore.run(info, next);
    } catch (error) {
      info.outcome = "error";
      throw error;
    } finally {
      metrics.inflight.dec();
      opts.onEnd?.();
      const ms = performance.now() - started;
      metrics.requests.inc({ kind: info.kind, outcome: info.outcome });
      metrics.duration.observe({ kind: info.kind }, ms / 1000);
      const line = {
        reqId: info.requestId,
        user: info.user,
        kind: info.kind,
        name: info.name,
        outcome: info.outcome,
        ms: Math.round(ms * 10) / 10,
        ...((context as Body).retryNum !== undefined ? { retryNum: (context as Body).retryNum } : {}),
      };
      if (info.outcome === "error") logger.warn(line, "request");
      else logger.info(line, "request");
    }
  };
}
