/**
 * Small helpers shared by the emulator: clocks, deterministic id generation and Slack-style timestamps.
 *
 * Everything here is dependency-free so the playground can reuse it.
 */

/** Returns "now" in epoch milliseconds. */
export type Clock = () => number;

/**
 * A clock that only moves when told to. Pass `clock.now` as the emulator's `clock` option to make
 * trigger expiry, response_url windows and rate-limit buckets deterministic.
 *
 * ```ts
 * const clock = new ManualClock(Date.parse("2025-03-01T09:00:00Z"));
 * const slack = await FakeSlack.start({ signingSecret, clock: clock.now });
 * clock.advance(3_001); // every trigger_id issued so far is now expired
 * ```
 */
export class ManualClock {
  private current: number;

  constructor(startMs: number = Date.now()) {
    this.current = startMs;
  }

  /** Bound so it can be passed around as a plain function. */
  readonly now: Clock = () => this.current;

  /** Moves the clock forward by `ms` milliseconds (negative values are refused). */
  advance(ms: number): number {
    if (ms < 0 || !Number.isFinite(ms)) throw new RangeError(`ManualClock.advance: invalid ms ${ms}`);
    this.current += ms;
    return this.current;
  }

  /** Jumps to an absolute instant (may go backwards; useful to reset between tests). */
  set(ms: number): void {
    this.current = ms;
  }
}

/** mulberry32: a tiny seedable PRNG, good enough for ids and random 429 decisions. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const HEX = "0123456789abcdef";

/**
 * Deterministic identifier factory. Ids look like Slack's (prefix + uppercase alphanumerics) and are
 * reproducible for a given seed, which keeps test failure dumps stable.
 */
export class IdFactory {
  private readonly rng: () => number;
  private counter = 0;

  constructor(seed: number) {
    this.rng = createRng(seed);
  }

  /** A uniformly random float in [0, 1) from the seeded generator. */
  random(): number {
    return this.rng();
  }

  /** `prefix` followed by `length` uppercase alphanumerics, e.g. `V0K3J9A1QZ`. */
  slackId(prefix: string, length = 10): string {
    let out = prefix;
    for (let i = 0; i < length; i += 1) out += ID_ALPHABET[Math.floor(this.rng() * ID_ALPHABET.length)];
    return out;
  }

  /** Lowercase hex string of `length` characters. */
  hex(length: number): string {
    let out = "";
    for (let i = 0; i < length; i += 1) out += HEX[Math.floor(this.rng() * 16)];
    return out;
  }

  /** A monotonically increasing counter value (1, 2, 3, ...). */
  next(): number {
    this.counter += 1;
    return this.counter;
  }

  /** Slack-looking trigger id: `<digits>.<digits>.<32 hex>`. */
  triggerId(nowMs: number): string {
    return `${Math.floor(nowMs)}.${String(100000 + this.next()).padStart(12, "0")}.${this.hex(32)}`;
  }

  /** Short opaque token used in URLs (response_url ids, socket tickets, envelope ids). */
  token(length = 24): string {
    return this.hex(length);
  }

  /** UUID-shaped string (Socket Mode envelope ids look like UUIDs). */
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

/**
 * Produces unique, strictly increasing Slack message timestamps (`"1700000000.000100"`) from a clock,
 * even when the clock stands still or goes backwards.
 */
export class TsFactory {
  private lastMicros = 0;

  constructor(private readonly clock: Clock) {}

  next(): string {
    let micros = Math.floor(this.clock() * 1000);
    if (micros <= this.lastMicros) micros = this.lastMicros + 1;
    this.lastMicros = micros;
    const seconds = Math.floor(micros / 1_000_000);
    const fraction = String(micros % 1_000_000).padStart(6, "0");
    return `${seconds}.${fraction}`;
  }
}

/** JSON-safe deep copy (records are plain data; Buffers are not expected here). */
export function clone<T>(value: T): T {
  if (value === undefined) return value;
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Shortens a string for human-readable dumps. */
export function truncate(text: string, max = 120): string {
  const single = text.replace(/\s+/g, " ");
  return single.length <= max ? single : `${single.slice(0, max - 1)}…`;
}

/** `true` for `true`, `"true"`, `"1"` and `1` (form bodies carry booleans as strings). */
export function truthy(value: unknown): boolean {
  return value === true || value === "true" || value === "1" || value === 1;
}

/** Reads an optional string argument (numbers are stringified, everything else ignored). */
export function str(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** Reads an optional integer argument. */
export function int(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) {
    return Math.trunc(Number(value));
  }
  return undefined;
}

/** Narrowing helper for plain objects. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
