/**
 * What every listener receives: the database, configuration, clock, logger and the per-process caches,
 * plus helpers to pick the reader's language and to turn errors into messages.
 */
import type { WebClient } from "@slack/web-api";
import type { Config } from "../config.js";
import type { Database, Db } from "../db/client.js";
import { isDatabaseUnavailable } from "../db/unavailable.js";
import type { Actor } from "../domain/people.js";
import {
  DEFAULT_LANG,
  type Lang,
  normalizeLang,
  type Translate,
  translateDynamic,
  translator,
} from "../i18n/index.js";
import type { JobScheduler } from "../jobs/scheduler.js";
import { type Clock, todayIn } from "../util/time.js";
import { roleNames, sheetStateName } from "./blocks/format.js";
import { esc, truncate } from "./blocks/kit.js";
import { ActorCache, LocaleCache, SettingsCache } from "./caches.js";
import { CatalogCache, isDomainError } from "./domain.js";
import type { Logger } from "./logger.js";
import type { Metrics } from "./metrics.js";
import { markOutcome } from "./observe.js";

export interface SlackContext {
  database: Database;
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  catalog: CatalogCache;
  actors: ActorCache;
  locales: LocaleCache;
  settings: SettingsCache;
  /** the deps every use-case takes; timeZone: the `timeZone` setting (TZ_DEFAULT until it is set), as
   * cached by `settings` (every request refreshes a cache older than 30 s before its listener runs) */
  deps: { clock: Clock; readonly timeZone: string };
  /** set once the App exists: the bot's Web API client */
  client?: WebClient;
  /** the reminder scheduler (set by createSlackApp) */
  jobs?: JobScheduler;
  /** publishes the person's App Home (after ack, debounced and coalesced; `now` when they opened it) */
  refreshHome: (slackUserId: string, opts?: { now?: boolean }) => void;
  /** the app's Prometheus metrics (set by createSlackApp) */
  metrics?: Metrics;
}

export function createContext(opts: {
  database: Database;
  config: Config;
  clock: Clock;
  logger: Logger;
}): SlackContext {
  const db = opts.database.prisma;
  const now = () => opts.clock().getTime();
  const settings = new SettingsCache(db, 30_000, now);
  return {
    database: opts.database,
    db,
    config: opts.config,
    clock: opts.clock,
    logger: opts.logger,
    catalog: new CatalogCache(db),
    actors: new ActorCache(db, 5_000, now),
    locales: new LocaleCache(60 * 60_000, now),
    settings,
    deps: {
      clock: opts.clock,
      get timeZone() {
        return settings.peek().timeZone;
      },
    },
    refreshHome: () => {},
  };
}

/** Today in the scheme's zone (the `timeZone` setting, TZ_DEFAULT until it is set). */
export function today(ctx: SlackContext): string {
  return todayIn(ctx.deps.timeZone, ctx.clock());
}

/**
 * The reader's language from what is known without waiting: the person's own setting, the cached
 * Slack locale, the scheme's default language.
 */
export function quickLang(ctx: SlackContext, slackUserId: string, actor?: Actor | null): Lang {
  return (
    normalizeLang(actor?.locale) ??
    ctx.locales.peek(slackUserId) ??
    normalizeLang(ctx.settings.peek().language) ??
    DEFAULT_LANG
  );
}

/** The reader's language, fetching the Slack locale (users.info) when not cached. Never throws. */
export async function resolveLang(
  ctx: SlackContext,
  slackUserId: string,
  actor?: Actor | null,
): Promise<Lang> {
  const own = normalizeLang(actor?.locale);
  if (own) return own;
  try {
    if (ctx.client) {
      const slack = await ctx.locales.fetch(ctx.client, slackUserId);
      if (slack) return slack;
    }
  } catch (error) {
    ctx.logger.warn({ err: error, user: slackUserId }, "users.info failed; using the default language");
  }
  try {
    return normalizeLang((await ctx.settings.get()).language) ?? DEFAULT_LANG;
  } catch {
    return normalizeLang(ctx.settings.peek().language) ?? DEFAULT_LANG;
  }
}

function formatParam(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return esc(truncate(value, 200));
  if (Array.isArray(value)) return value.map(formatParam);
  return value;
}

/**
 * The message for an error: a DomainError's `errors.<code>` in the reader's language; anything else is
 * logged and answered with the generic "try again" (never a stack trace).
 */
export function errorText(ctx: SlackContext, lang: Lang, error: unknown, where: string): string {
  const t = translator(lang);
  if (isDomainError(error)) markOutcome("user_error");
  else if (isDatabaseUnavailable(error)) {
    markOutcome("unavailable");
    ctx.logger.warn({ err: error, where }, "database unavailable; the user was asked to try again");
    return t("errors.unavailable");
  } else markOutcome("error");
  if (isDomainError(error)) {
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(error.params)) {
      params[k] =
        k === "state" && typeof v === "string"
          ? sheetStateName(t, v)
          : k === "roles" && typeof v === "string"
            ? roleNames(t, lang, v)
            : formatParam(v);
    }
    const text = translateDynamic(lang, `errors.${error.code}`, params);
    if (text) return text;
    ctx.logger.warn({ code: error.code, where }, "DomainError without a message in the catalog");
    return t("errors.generic");
  }
  ctx.logger.error({ err: error, where }, "unexpected error in a Slack handler");
  return t("errors.generic");
}

export function t(lang: Lang): Translate {
  return translator(lang);
}
