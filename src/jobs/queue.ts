/**
 * The fan-out queue: sends at Slack's pace.
 *
 * - a token bucket caps the workspace-wide rate (`perSecond`, small burst to absorb timer jitter);
 * - one message per second per channel (`perChannelMs`);
 * - at most `concurrency` calls in flight;
 * - a 429 pauses every send for its Retry-After (Slack does not say whether the channel or the workspace
 *   was over; pausing all is the safe reading, and what Slack's own WebClient does) and the refused call
 *   goes back to the front of the queue: nothing is lost, and since the refused call was not accepted,
 *   nothing is doubled;
 * - a transient failure (network, 5xx, Slack's internal_error) is retried with back-off, up to
 *   `maxAttempts`; any other failure is the task's result.
 *
 * Time comes from `now`/`sleep` (tests and the benchmark pass a virtual or the real clock).
 */

export class RateLimited extends Error {
  constructor(readonly retryAfterSec: number) {
    super(`rate limited: retry after ${retryAfterSec} s`);
    this.name = "RateLimited";
  }
}

export class Transient extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Transient";
  }
}

export interface QueueOptions {
  perSecond: number;
  /** token bucket capacity (default: a tenth of a second's worth, at least 1) */
  burst?: number;
  perChannelMs?: number;
  concurrency?: number;
  maxAttempts?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface QueueStats {
  started: number;
  rateLimited: number;
  /** seconds during which sending was paused by Retry-After (overlapping pauses counted once) */
  retryAfterSeconds: number;
  retries: number;
}

interface Item<T> {
  channel: string;
  run: () => Promise<T>;
  attempts: number;
  notBefore: number;
  resolve: (r: Settled<T>) => void;
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

export class FanoutQueue {
  private readonly pending: Item<unknown>[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private readonly channelNext = new Map<string, number>();
  private tokens: number;
  private lastRefill: number;
  private pausedUntil = 0;
  private pumping: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly burst: number;
  private stopped = false;
  readonly stats: QueueStats = { started: 0, rateLimited: 0, retryAfterSeconds: 0, retries: 0 };

  constructor(private readonly o: QueueOptions) {
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? realSleep;
    this.burst = o.burst ?? Math.max(1, Math.floor(o.perSecond / 10));
    this.tokens = this.burst;
    this.lastRefill = this.now();
  }

  /** Queues a call to `channel`; resolves with its result once it was made (retries included). */
  push<T>(channel: string, run: () => Promise<T>): Promise<Settled<T>> {
    return new Promise<Settled<T>>((resolve) => {
      this.pending.push({ channel, run, attempts: 0, notBefore: 0, resolve } as Item<unknown>);
      this.pumping ??= this.pump().finally(() => {
        this.pumping = undefined;
      });
    });
  }

  /** Stops taking new calls from the queue; calls still queued resolve as failed ("stopped"). */
  stop(): void {
    this.stopped = true;
  }

  async idle(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.lastRefill);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.o.perSecond) / 1000);
    this.lastRefill = now;
  }

  private pickReady(now: number): { index: number; wait: number } {
    let wait = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.pending.length; i++) {
      const item = this.pending[i]!;
      const ready = Math.max(item.notBefore, this.channelNext.get(item.channel) ?? 0);
      if (ready <= now) return { index: i, wait: 0 };
      wait = Math.min(wait, ready - now);
      if (i > 2000) break;
    }
    return { index: -1, wait };
  }

  private async pump(): Promise<void> {
    const concurrency = this.o.concurrency ?? 16;
    while (this.pending.length > 0 || this.inflight.size > 0) {
      if (this.stopped) {
        for (const item of this.pending.splice(0)) item.resolve({ ok: false, error: new Error("stopped") });
        if (this.inflight.size > 0) await Promise.race(this.inflight);
        continue;
      }
      const now = this.now();
      if (this.pending.length === 0 || this.inflight.size >= concurrency) {
        await Promise.race(this.inflight);
        continue;
      }
      if (now < this.pausedUntil) {
        await this.waitFor(this.pausedUntil - now);
        continue;
      }
      const { index, wait } = this.pickReady(now);
      if (index < 0) {
        await this.waitFor(wait);
        continue;
      }
      this.refill(now);
      if (this.tokens < 1) {
        await this.waitFor(((1 - this.tokens) * 1000) / this.o.perSecond);
        continue;
      }
      this.tokens -= 1;
      const [item] = this.pending.splice(index, 1) as [Item<unknown>];
      this.channelNext.set(item.channel, now + (this.o.perChannelMs ?? 1000));
      this.dispatch(item);
    }
  }

  private async waitFor(ms: number): Promise<void> {
    await this.sleep(Math.max(1, ms));
  }

  private dispatch(item: Item<unknown>): void {
    this.stats.started++;
    item.attempts++;
    const p = (async () => {
      try {
        const value = await item.run();
        item.resolve({ ok: true, value });
      } catch (error) {
        const now = this.now();
        if (error instanceof RateLimited) {
          this.stats.rateLimited++;
          item.attempts--;
          const until = now + Math.max(1, error.retryAfterSec) * 1000;
          // seconds of pause imposed, overlapping pauses counted once
          this.stats.retryAfterSeconds += Math.max(0, until - Math.max(now, this.pausedUntil)) / 1000;
          this.pausedUntil = Math.max(this.pausedUntil, until);
          this.channelNext.set(item.channel, Math.max(this.channelNext.get(item.channel) ?? 0, until));
          this.pending.unshift(item);
        } else if (error instanceof Transient && item.attempts < (this.o.maxAttempts ?? 4)) {
          this.stats.retries++;
          item.notBefore = now + 1000 * 2 ** (item.attempts - 1);
          this.pending.push(item);
        } else {
          item.resolve({ ok: false, error });
        }
      }
    })();
    const tracked = p.finally(() => {
      this.inflight.delete(tracked);
    });
    this.inflight.add(tracked);
  }
}
