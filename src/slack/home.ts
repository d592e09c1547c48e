/**
 * App Home: gathers the person's month so far, the next deadline and the last published result, and
 * publishes it. Refreshes are scheduled after ack and coalesced per person: while one is running, further
 * requests for the same person collapse into one more run.
 */
import type { WebClient } from "@slack/web-api";
import type { Db } from "../db/client.js";
import { translator } from "../i18n/index.js";
import type { HomeData, HomeResultView } from "./blocks/home.js";
import { homeView, unknownUserHome } from "./blocks/home.js";
import { resolveLang, type SlackContext, today } from "./context.js";
import type { Actor } from "./domain.js";
import { defaultSubmitMonth, isDomainError, nextDeadline, sheetSummary } from "./domain.js";

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

export async function homeData(ctx: SlackContext, actor: Actor): Promise<HomeData> {
  const day = today(ctx);
  const month = day.slice(0, 7);
  const settings = await ctx.settings.get();
  const [summary, lastResult] = await Promise.all([
    sheetSummary(ctx.db, { ...ctx.deps, settings }, actor, month),
    lastPublishedResult(ctx.db, actor.personId),
  ]);
  return {
    month,
    total: summary.total,
    lines: summary.lines,
    state: summary.state ?? null,
    late: summary.late,
    evidenceGaps: summary.evidenceGaps.length,
    tempAwaiting: summary.tempTasks.awaiting,
    nextDeadline: nextDeadline(day, settings),
    lastResult,
    submitMonth: defaultSubmitMonth(day, settings.reviewDeadlineDay),
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

/** A coalescing scheduler of home refreshes: returns the function to call after every change. */
export function homeRefresher(
  ctx: SlackContext,
  client: WebClient,
): {
  schedule: (slackUserId: string) => void;
  idle: () => Promise<void>;
} {
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  const run = (user: string): Promise<void> => {
    const p = publishHome(ctx, client, user).finally(() => {
      running.delete(user);
      if (again.delete(user)) running.set(user, run(user));
    });
    return p;
  };
  return {
    schedule(user) {
      if (running.has(user)) {
        again.add(user);
        return;
      }
      running.set(user, run(user));
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running.values()]);
    },
  };
}
