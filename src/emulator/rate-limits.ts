/**
 * Rate limiting for the fake Web API: on-demand 429 injection, token buckets for `chat.postMessage`
 * (per channel and workspace-wide), per-method per-minute limits and a random 429 rate.
 * All time comes from the emulator's injectable clock.
 */
import type { RateLimitOptions } from "./types.js";
import type { Clock } from "./util.js";

/** A refused call: answer HTTP 429 with `Retry-After: retryAfter`. */
export interface RateLimitDecision {
  retryAfter: number;
  reason: "injected" | "per_channel" | "workspace" | "method" | "random";
}

/** Classic token bucket: `capacity` tokens, refilled at `ratePerSec`. */
class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.ratePerSec);
    this.last = now;
  }

  /** Seconds until a token is available (0 when one is available now). */
  waitSeconds(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) return 0;
    return (1 - this.tokens) / this.ratePerSec;
  }

  take(): void {
    this.tokens -= 1;
  }
}

const EXEMPT_FROM_RANDOM = new Set(["auth.test", "apps.connections.open"]);

/** Holds rate-limit configuration and state for one emulator instance. */
export class RateLimiter {
  private options: RateLimitOptions = {};
  private readonly injected = new Map<string, { remaining: number; retryAfter: number }>();
  private channelBuckets = new Map<string, TokenBucket>();
  private workspaceBucket: TokenBucket | undefined;
  private methodBuckets = new Map<string, TokenBucket>();

  constructor(
    private readonly clock: Clock,
    private readonly random: () => number,
    options: RateLimitOptions = {},
  ) {
    this.configure(options);
  }

  /** Replaces the configuration and resets every bucket (injections are kept). */
  configure(options: RateLimitOptions): void {
    this.options = { ...options };
    this.channelBuckets = new Map();
    this.methodBuckets = new Map();
    const { workspacePerSec, workspaceBurst } = this.options;
    this.workspaceBucket =
      workspacePerSec && workspacePerSec > 0
        ? new TokenBucket(workspacePerSec, workspaceBurst ?? Math.max(1, workspacePerSec), this.clock())
        : undefined;
  }

  get config(): RateLimitOptions {
    return { ...this.options };
  }

  /** The next `times` calls to `method` (or `"*"` for any method) answer 429 with `Retry-After: retryAfter`. */
  inject(method: string, times: number, retryAfter: number): void {
    const current = this.injected.get(method);
    this.injected.set(method, { remaining: (current?.remaining ?? 0) + times, retryAfter });
  }

  /** Remaining injected 429s per method. */
  pendingInjections(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [method, entry] of this.injected) if (entry.remaining > 0) out[method] = entry.remaining;
    return out;
  }

  /** Drops every injection and bucket. */
  reset(): void {
    this.injected.clear();
    this.configure(this.options);
  }

  /**
   * Decides whether a call is refused. `channel` is the resolved destination of `chat.postMessage`.
   * When the call is accepted, the relevant bucket tokens are consumed.
   */
  check(method: string, channel?: string): RateLimitDecision | undefined {
    for (const key of [method, "*"]) {
      const entry = this.injected.get(key);
      if (entry && entry.remaining > 0) {
        entry.remaining -= 1;
        return { retryAfter: entry.retryAfter, reason: "injected" };
      }
    }
    const floor = this.options.retryAfter ?? 1;
    const rate = this.options.random429Rate ?? 0;
    if (rate > 0) {
      const methods = this.options.random429Methods;
      const eligible = methods ? methods.includes(method) : !EXEMPT_FROM_RANDOM.has(method);
      if (eligible && this.random() < rate) return { retryAfter: floor, reason: "random" };
    }
    const now = this.clock();
    const buckets: Array<{ bucket: TokenBucket; reason: RateLimitDecision["reason"] }> = [];
    const perMinute = this.options.methodsPerMinute?.[method];
    if (perMinute && perMinute > 0) {
      let bucket = this.methodBuckets.get(method);
      if (!bucket) {
        bucket = new TokenBucket(perMinute / 60, Math.max(1, perMinute / 60), now);
        this.methodBuckets.set(method, bucket);
      }
      buckets.push({ bucket, reason: "method" });
    }
    if (method === "chat.postMessage") {
      const perChannel = this.options.perChannelPerSec;
      if (channel && perChannel && perChannel > 0) {
        let bucket = this.channelBuckets.get(channel);
        if (!bucket) {
          bucket = new TokenBucket(perChannel, this.options.perChannelBurst ?? Math.max(1, perChannel), now);
          this.channelBuckets.set(channel, bucket);
        }
        buckets.push({ bucket, reason: "per_channel" });
      }
      if (this.workspaceBucket) buckets.push({ bucket: this.workspaceBucket, reason: "workspace" });
    }
    for (const { bucket, reason } of buckets) {
      const wait = bucket.waitSeconds(now);
      if (wait > 0) return { retryAfter: Math.max(1, Math.ceil(wait), this.options.retryAfter ?? 0), reason };
    }
    for (const { bucket } of buckets) bucket.take();
    return undefined;
  }
}
