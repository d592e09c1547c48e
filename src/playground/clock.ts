/**
 * The playground's clock: real time shifted by an offset. It flows like a wall clock (message times,
 * trigger expiry and response_url windows behave as in Slack) and the clock control jumps it to a chosen
 * instant, e.g. "the 5th of 2026-12, 09:00" in the scheme's time zone. Only the playground uses it; the
 * bot under real Slack runs on the system clock.
 */
import { TZDate } from "@date-fns/tz";
import { isMonth } from "../util/time.js";

export class PlaygroundClock {
  private offsetMs = 0;

  constructor(private readonly realNow: () => number = Date.now) {}

  /** epoch milliseconds (the emulator's clock) */
  readonly now = (): number => this.realNow() + this.offsetMs;

  /** the bot's clock (src/util/time.ts Clock) */
  readonly date = (): Date => new Date(this.now());

  /** Jumps to an instant; time flows on from there. */
  set(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`PlaygroundClock.set: invalid instant ${ms}`);
    this.offsetMs = ms - this.realNow();
  }

  /** Back to real time. */
  reset(): void {
    this.offsetMs = 0;
  }

  /** true while the clock is not real time */
  get shifted(): boolean {
    return this.offsetMs !== 0;
  }
}

/** The instant of `day` of `month` at `time` (HH:MM) in `timeZone`. */
export function zonedInstant(month: string, day: number, time: string, timeZone: string): number {
  if (!isMonth(month)) throw new RangeError(`not a month (YYYY-MM): ${month}`);
  const hm = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!hm) throw new RangeError(`not a time (HH:MM): ${time}`);
  const [y, m] = month.split("-").map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (!Number.isInteger(day) || day < 1 || day > last) throw new RangeError(`no day ${day} in ${month}`);
  return new TZDate(y, m - 1, day, Number(hm[1]), Number(hm[2]), 0, timeZone).getTime();
}
