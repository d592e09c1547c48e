/**
 * App Home: gathers the person's month so far, the next deadline and the last published result, and
 * publishes it. Refreshes are scheduled after ack, debounced and coalesced per person (one at a time per
 * person, a few at a time overall): see homeRefresher.
 */
import type { WebClient } from "@slack/web-api";
import type { Db } from "../db/client.js";
import { previousMonthWindow, withCalendar } from "../domain/deadlines.js";
import { pendingReviewCount } from "../domain/review.js";
import { translator } from "../i18n/index.js";
import type { HomeData, HomeResultView } from "./blocks/home.js";
import { homeView, unknownUserHome } from "./blocks/home.js";
import { resolveLang, type SlackContext, today } from "./context.js";
import type { Actor } from "./domain.js";
import { defaultSubmitMonth, isDomainError, nextDeadline, readHomeSummary, requireActive } from "./domain.js";

/** The last published MonthResult of a person, formatted for display. */
export async function lastPublishedResult(db: Db, personId: string): Promise<HomeResultView | null> {
  const closes = await db.monthClose.findMany({
    where: { state: "PUBLISHED" },
    orderBy: { month: "desc" },
    take: 24,
    select: { month: true },
  });
  if (closes.length === 0) return null;
  const r = await db.monthResult.findFirst({
    where: { personId, month: { in: closes.map((c) => c.month) } },
    orderBy: { month: "desc" },
  });
  if (!r) return null;
  return {
    month: r.month,
    final: r.final,
    raw: r.raw,
    discretionary: r.discretionary,
    quantity: r.quantity.toFixed(2),
    quality: r.quality.toFixed(2),
    qualityWeight: r.qualityWeight.toFixed(2),
    quantityWeight: r.quantityWeight.toFixed(2),
    vetoed: r.vetoed,
    rankOverall: r.rankOverall,
    rankCategory: r.rankCategory,
    rankSection: r.rankSection,
  };
}

/** The home's numbers: this month as sheetSummary counts it, and the last published result (one query). */
export async function homeData(ctx: SlackContext, actor: Actor): Promise<HomeData> {
  requireActive(actor);
  const day = today(ctx);
  const month = day.slice(0, 7);
  const settings = await withCalendar(ctx.db, await ctx.settings.get());
  const summary = await readHomeSummary(ctx.db, actor.personId, month);
  return {
    month,
    total: summary.total,
    lines: summary.lines,
    state: summary.state,
    late: summary.late,
    evidenceGaps: summary.evidenceGaps,
    tempAwaiting: summary.tempAwaiting,
    nextDeadline: nextDeadline(day, settings),
    lastResult: summary.lastResult,
    submitMonth: defaultSubmitMonth(day, previousMonthWindow(day, settings)),
    ...(actor.chiefOf.length > 0 || actor.roles.has("BRANCH_CHIEF")
      ? { pendingReviews: await pendingReviewCount(ctx.db, ctx.deps, actor) }
      : {}),
  };
}

/** Builds and publishes the person's home. Errors are logged, never thrown. */
export async function publishHome(ctx: SlackContext, client: WebClient, slackUserId: string): Promise<void> {
  let actor: Actor | undefined;
  try {
    actor = await ctx.actors.get(slackUserId);
  } catch (error) {
    if (!isDomainError(error)) {
      ctx.logger.error({ err: error, user: slackUserId }, "home: actor lookup failed");
      return;
    }
  }
  const lang = await resolveLang(ctx, slackUserId, actor);
  const t = translator(lang);
  try {
    const view = actor ? homeView(t, await homeData(ctx, actor)) : unknownUserHome(t, slackUserId);
    await client.views.publish({ user_id: slackUserId, view });
  } catch (error) {
    ctx.logger.error({ err: error, user: slackUserId }, "home: publish failed");
  }
}

export interface HomeRefresherOptions {
  /** quiet time after a person's last change before their home is rebuilt (default 1500 ms) */
  debounceMs?: number;
  /** someone who keeps changing things still sees their home rebuilt within this (default 10 s) */
  maxWaitMs?: number;
  /** home rebuilds running at once, everyone together (default 4) */
  concurrency?: number;
  /**
   * home rebuilds started per second, everyone together (default 50): under a burst of changes the
   * rebuilds queue (each person once, reading their latest data when their turn comes) instead of
   * taking the process from the commands that are waiting for their ack
   */
  perSecond?: number;
  /**
   * while `busy()` (requests are being handled), at most this many started per second (default 5):
   * rebuilds are background work, and yield to the commands and clicks people are waiting on; under
   * a sustained burst they still progress, and catch up at `perSecond` once it is over
   */
  perSecondWhenBusy?: number;
  busy?: () => boolean;
  /** what a rebuild does (default: publishHome; tests replace it) */
  publish?: (slackUserId: string) => Promise<void>;
}

export interface HomeRefresher {
  /**
   * Rebuilds the person's home after a change: once they have been quiet for `debounceMs` (at the latest
   * `maxWaitMs` after the first change), or at once with `{ now: true }` (they opened the home). A change
   * while their rebuild runs schedules one more; every rebuild reads the data when it starts, so no
   * change is ever left out, only coalesced.
   */
  schedule: (slackUserId: string, opts?: { now?: boolean }) => void;
  /**
   * runs every scheduled rebuild now (no more debounce) and resolves once none is left; `unthrottled`
   * also lifts the per-second rate (shutdown: the queue is worked off as fast as `concurrency` allows)
   */
  idle: (opts?: { unthrottled?: boolean }) => Promise<void>;
}

/**
 * A coalescing scheduler of home refreshes. After-ack work must never swamp the process that acks: one
 * rebuild per person at a time, debounced, at most `concurrency` in flight and `perSecond` started per
 * second overall (`perSecondWhenBusy` while requests are being handled).
 */
export function homeRefresher(
  ctx: SlackContext,
  client: WebClient,
  opts: HomeRefresherOptions = {},
): HomeRefresher {
  const debounceMs = opts.debounceMs ?? 1_500;
  const maxWaitMs = opts.maxWaitMs ?? 10_000;
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const spacingMs = 1000 / Math.max(0.001, opts.perSecond ?? 50);
  const busySpacingMs = 1000 / Math.max(0.001, opts.perSecondWhenBusy ?? 5);
  const busy = opts.busy ?? (() => false);
  const publish = opts.publish ?? ((user: string) => publishHome(ctx, client, user));
  /** when the next rebuild may start (rate limit), and the timer waiting for it */
  let nextStart = 0;
  let pumpTimer: ReturnType<typeof setTimeout> | undefined;
  let unthrottled = false;
  /** waiting for the person to be quiet */
  const waiting = new Map<string, { timer: ReturnType<typeof setTimeout>; first: number }>();
  /** ready, waiting for a free slot, in order: people who opened their home first */
  const urgent = new Set<string>();
  const ready = new Set<string>();
  const running = new Map<string, Promise<void>>();
  /** changed while their rebuild was running: true = rebuild at once after it */
  const again = new Map<string, boolean>();

  const nextReady = (): string | undefined => {
    for (const user of urgent) return user;
    for (const user of ready) return user;
    return undefined;
  };
  const pump = () => {
    for (let user = nextReady(); user !== undefined; user = nextReady()) {
      if (running.size >= concurrency) return;
      const now = Date.now();
      if (now < nextStart && !unthrottled) {
        if (!pumpTimer) {
          pumpTimer = setTimeout(() => {
            pumpTimer = undefined;
            pump();
          }, nextStart - now);
          pumpTimer.unref?.();
        }
        return;
      }
      nextStart = now + (!unthrottled && busy() ? busySpacingMs : spacingMs);
      urgent.delete(user);
      ready.delete(user);
      const who = user;
      const p = publish(who)
        .catch((error) => ctx.logger.error({ err: error, user: who }, "home: refresh failed"))
        .finally(() => {
          running.delete(who);
          const now = again.get(who);
          if (now !== undefined) {
            again.delete(who);
            schedule(who, { now });
          }
          pump();
        });
      running.set(who, p);
    }
  };
  const makeReady = (user: string, now: boolean) => {
    const w = waiting.get(user);
    if (w) {
      clearTimeout(w.timer);
      waiting.delete(user);
    }
    if (now) {
      ready.delete(user);
      urgent.add(user);
    } else if (!urgent.has(user)) ready.add(user);
    pump();
  };
  const schedule = (user: string, o: { now?: boolean } = {}) => {
    if (running.has(user)) {
      again.set(user, (again.get(user) ?? false) || o.now === true);
      return;
    }
    if (o.now) return makeReady(user, true);
    if (ready.has(user) || urgent.has(user)) return;
    const at = Date.now();
    const w = waiting.get(user);
    const first = w?.first ?? at;
    if (w) clearTimeout(w.timer);
    const delay = Math.max(0, Math.min(debounceMs, first + maxWaitMs - at));
    const timer = setTimeout(() => makeReady(user, false), delay);
    timer.unref?.();
    waiting.set(user, { timer, first });
  };
  return {
    schedule,
    async idle(o = {}) {
      if (o.unthrottled) {
        unthrottled = true;
        pump();
      }
      for (;;) {
        for (const user of [...waiting.keys()]) makeReady(user, false);
        if (running.size === 0 && ready.size === 0 && urgent.size === 0) return;
        if (running.size > 0) await Promise.allSettled([...running.values()]);
        else await new Promise((resolve) => setTimeout(resolve, Math.max(1, nextStart - Date.now())));
      }
    },
  };
}
