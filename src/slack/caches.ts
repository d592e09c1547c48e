/**
 * Small per-process caches that keep database round trips and Slack API calls off the ack path:
 * - ActorCache: Person + roles by Slack user id, a few seconds (a role or locale change shows within the TTL);
 * - LocaleCache: the Slack user's locale (users.info include_locale), an hour; filled after ack;
 * - SettingsCache: the scheme settings, 30 seconds.
 * Each replica has its own; nothing here is a source of truth.
 */
import type { WebClient } from "@slack/web-api";
import type { Db } from "../db/client.js";
import { type Actor, requireActor } from "../domain/people.js";
import { defaultSettings, readSettings, type Settings } from "../domain/settings.js";
import { type Lang, normalizeLang } from "../i18n/index.js";

interface Stamped<T> {
  at: number;
  value: T;
}

export class ActorCache {
  private readonly map = new Map<string, Stamped<Actor>>();
  private readonly loading = new Map<string, Promise<Actor>>();

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached actor, if fresh. */
  peek(slackUserId: string): Actor | undefined {
    const hit = this.map.get(slackUserId);
    return hit && this.now() - hit.at < this.ttlMs ? hit.value : undefined;
  }

  /** The acting person (refuses unknown and inactive people with a DomainError, never cached). */
  async get(slackUserId: string): Promise<Actor> {
    const hit = this.peek(slackUserId);
    if (hit) return hit;
    let p = this.loading.get(slackUserId);
    if (!p) {
      p = requireActor(this.db, slackUserId)
        .then((actor) => {
          this.map.set(slackUserId, { at: this.now(), value: actor });
          if (this.map.size > 5000) this.map.delete(this.map.keys().next().value!);
          return actor;
        })
        .finally(() => this.loading.delete(slackUserId));
      this.loading.set(slackUserId, p);
    }
    return p;
  }

  /** Stores an actor just read from the database (e.g. by the /log statement, which resolves it too). */
  prime(actor: Actor): void {
    this.map.delete(actor.slackUserId);
    this.map.set(actor.slackUserId, { at: this.now(), value: actor });
    if (this.map.size > 5000) this.map.delete(this.map.keys().next().value!);
  }

  invalidate(slackUserId?: string): void {
    if (slackUserId) this.map.delete(slackUserId);
    else this.map.clear();
  }
}

export class LocaleCache {
  /** null: fetched, but Slack's locale is neither Chinese nor English (or unknown) */
  private readonly map = new Map<string, Stamped<Lang | null>>();
  private readonly loading = new Map<string, Promise<Lang | null>>();
  /** users.info failed (rate limited, Slack down): not asked again for `retryMs`, the answer is unknown */
  private readonly failed = new Map<string, number>();

  constructor(
    private readonly ttlMs = 60 * 60_000,
    private readonly now: () => number = Date.now,
    private readonly retryMs = 60_000,
  ) {}

  /** undefined: not known yet (fetch it after ack); null: known to be unsupported. */
  peek(slackUserId: string): Lang | null | undefined {
    const hit = this.map.get(slackUserId);
    return hit && this.now() - hit.at < this.ttlMs ? hit.value : undefined;
  }

  /**
   * The user's Slack locale as a supported language (users.info with include_locale), cached: one call
   * per user per TTL, shared by concurrent callers. After a failed call the first caller gets the error
   * and, for `retryMs`, later callers get null (unknown) without another call.
   */
  async fetch(client: WebClient, slackUserId: string): Promise<Lang | null> {
    const hit = this.peek(slackUserId);
    if (hit !== undefined) return hit;
    const failedAt = this.failed.get(slackUserId);
    if (failedAt !== undefined) {
      if (this.now() - failedAt < this.retryMs) return null;
      this.failed.delete(slackUserId);
    }
    let p = this.loading.get(slackUserId);
    if (!p) {
      p = client.users
        .info({ user: slackUserId, include_locale: true })
        .then(
          (res) => {
            const lang = normalizeLang(res.user?.locale) ?? null;
            this.set(slackUserId, lang);
            return lang;
          },
          (error: unknown) => {
            this.failed.set(slackUserId, this.now());
            if (this.failed.size > 5000) this.failed.delete(this.failed.keys().next().value!);
            throw error;
          },
        )
        .finally(() => this.loading.delete(slackUserId));
      this.loading.set(slackUserId, p);
    }
    return p;
  }

  set(slackUserId: string, lang: Lang | null): void {
    this.map.set(slackUserId, { at: this.now(), value: lang });
    if (this.map.size > 5000) this.map.delete(this.map.keys().next().value!);
  }

  invalidate(slackUserId: string): void {
    this.map.delete(slackUserId);
    this.failed.delete(slackUserId);
  }
}

export class SettingsCache {
  private cached: Stamped<Settings> | undefined;
  private loading: Promise<Settings> | undefined;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The last settings read (possibly stale), or the defaults before the first read. */
  peek(): Settings {
    return this.cached?.value ?? defaultSettings();
  }

  async get(): Promise<Settings> {
    if (this.cached && this.now() - this.cached.at < this.ttlMs) return this.cached.value;
    this.loading ??= readSettings(this.db)
      .then(({ problems: _problems, ...settings }) => {
        this.cached = { at: this.now(), value: settings };
        return settings;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}
