/**
 * Slack request signing (https://docs.slack.dev/authentication/verifying-requests-from-slack):
 * `x-slack-signature: v0=<hex HMAC-SHA256(signingSecret, "v0:{timestamp}:{rawBody}")>`.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The two headers Slack attaches to every HTTP request it sends to an app. */
export interface SlackSignatureHeaders {
  "x-slack-signature": string;
  "x-slack-request-timestamp": string;
}

export interface SignRequestOptions {
  /** The app's signing secret (use a different one to produce an invalid signature). */
  secret: string;
  /** The exact raw body that will be sent. */
  body: string;
  /** Unix seconds; defaults to the current wall-clock time (Bolt checks it against `Date.now()`). */
  timestamp?: number;
}

/** Computes the signature headers for `body`, exactly as Slack does. */
export function signRequest({ secret, body, timestamp }: SignRequestOptions): SlackSignatureHeaders {
  const ts = timestamp ?? Math.floor(Date.now() / 1000);
  const digest = createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex");
  return { "x-slack-signature": `v0=${digest}`, "x-slack-request-timestamp": String(ts) };
}

export interface VerifySignatureOptions {
  secret: string;
  body: string;
  signature: string | undefined;
  timestamp: string | number | undefined;
  /** Current time in ms (defaults to `Date.now()`). */
  nowMs?: number;
  /** Maximum accepted age in seconds (Slack recommends 5 minutes). */
  maxAgeSec?: number;
}

/**
 * Verifies a Slack signature. Returns `null` when valid, otherwise a short reason
 * (`"missing_headers" | "stale_timestamp" | "bad_signature"`).
 */
export function verifySignature(options: VerifySignatureOptions): string | null {
  const { secret, body, signature } = options;
  const ts = Number(options.timestamp);
  if (!signature || options.timestamp === undefined || Number.isNaN(ts)) return "missing_headers";
  const nowSec = Math.floor((options.nowMs ?? Date.now()) / 1000);
  if (Math.abs(nowSec - ts) > (options.maxAgeSec ?? 300)) return "stale_timestamp";
  const expected = Buffer.from(signRequest({ secret, body, timestamp: ts })["x-slack-signature"]);
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return "bad_signature";
  return null;
}
