/**
 * Scheme settings kept in the database (Setting table), with defaults from SCHEME.md. Every key is
 * validated with zod on read and write; an unknown or malformed stored value falls back to the default
 * and is reported by `readSettings().problems`.
 */
import { z } from "zod";
import type { Db, Tx } from "../db/client.js";
import { DEFAULT_TIME_ZONE, isTimeZone } from "../util/time.js";
import { audit } from "./audit.js";
import { DomainError } from "./errors.js";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM");

export const SettingsSchema = z.object({
  /** IANA zone all dates, months and deadlines are computed in (the same check as TZ_DEFAULT) */
  timeZone: z.string().refine(isTimeZone, "not an IANA time zone").default(DEFAULT_TIME_ZONE),
  /** default language for people whose Slack locale is unknown */
  language: z.enum(["zh-CN", "en"]).default("zh-CN"),
  /** the organisation's name, printed as "unit" (单位) on the exported score sheets */
  unitName: z.string().max(100).nullable().default(null),
  /** channel the monthly results are posted to */
  resultsChannel: z.string().nullable().default(null),
  /** channel re-valuation proposals are posted to */
  reviewChannel: z.string().nullable().default(null),
  /** day of the month staff submit last month's sheet by */
  submitDeadlineDay: z.number().int().min(1).max(28).default(5),
  /** day of the month chiefs sign and the group scores quality by */
  reviewDeadlineDay: z.number().int().min(1).max(28).default(7),
  /** "calendar": keep the calendar day; "next-working-day": move off weekends and public holidays */
  holidayRule: z.enum(["calendar", "next-working-day"]).default("calendar"),
  reminderTime: hhmm.default("09:00"),
  earlyReminder: z
    .object({ enabled: z.boolean(), day: z.number().int().min(1).max(28), time: hhmm })
    .default({
      enabled: false,
      day: 3,
      time: "09:00",
    }),
  dailyNudge: z.object({ enabled: z.boolean(), time: hhmm }).default({ enabled: false, time: "17:30" }),
  /** escalations the day after each deadline (next working day under "next-working-day"): chiefs get who
   * missed the submit deadline, the assessment group which reviewers missed the review deadline */
  escalation: z.object({ enabled: z.boolean(), time: hhmm }).default({ enabled: true, time: "09:00" }),
  /** reminders and escalations on/off as a whole (the admin CLI and "send now" still work) */
  remindersEnabled: z.boolean().default(true),
  /** reminders sent per second at most (Slack: about 1 per second per channel, plus a workspace-wide limit) */
  fanoutPerSecond: z.number().int().min(1).max(1000).default(20),
  /** catch-up window for a job whose time passed while the bot was down, in hours (same day only) */
  catchUpHours: z.number().int().min(0).max(24).default(12),
  /** "full": everyone sees the whole ranking; "top": top N in the channel, own rank by DM */
  rankingPrivacy: z.enum(["full", "top"]).default("full"),
  rankingTopN: z.number().int().min(1).max(100).default(10),
  /** discretionary pool per assessed staff member, in points */
  poolPerStaff: z.number().min(0).max(1000).default(10),
  /** a day above this many points asks for confirmation */
  plausibleDailyPoints: z.number().int().min(1).default(480),
});

export type Settings = z.infer<typeof SettingsSchema>;
export type SettingKey = keyof Settings;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});

/**
 * The zone until an admin sets `timeZone`: the configuration's TZ_DEFAULT, installed at start-up by the
 * bot (createSlackApp) and the admin CLI. Once the setting is stored it is the only zone: the Slack layer's
 * "today", the deadlines and the reminder scheduler all read it from here.
 */
let zoneUntilSet = DEFAULT_TIME_ZONE;

export function setDefaultTimeZone(timeZone: string): void {
  zoneUntilSet = timeZone;
}

/** The settings before anything is stored (the configured zone included). */
export function defaultSettings(): Settings {
  return { ...DEFAULT_SETTINGS, timeZone: zoneUntilSet };
}

export async function readSettings(db: Db | Tx): Promise<Settings & { problems: string[] }> {
  return settingsFrom(await db.setting.findMany());
}

/** The settings from the Setting table's rows (key, value as stored), defaults for what is missing. */
export function settingsFrom(
  rows: readonly { key: string; value: unknown }[],
): Settings & { problems: string[] } {
  const raw: Record<string, unknown> = {};
  for (const r of rows) raw[r.key] = r.value;
  const problems: string[] = [];
  const out: Record<string, unknown> = defaultSettings();
  for (const key of Object.keys(SettingsSchema.shape) as SettingKey[]) {
    if (!(key in raw)) continue;
    const parsed = SettingsSchema.shape[key].safeParse(raw[key]);
    if (parsed.success) out[key] = parsed.data;
    else problems.push(`${key}: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  }
  return { ...(out as Settings), problems };
}

export async function writeSetting<K extends SettingKey>(
  db: Db | Tx,
  actor: string,
  key: K,
  value: unknown,
): Promise<Settings[K]> {
  const shape = SettingsSchema.shape[key];
  if (!shape) throw new DomainError("settings.unknownKey", { key });
  const parsed = shape.safeParse(value);
  if (!parsed.success) {
    throw new DomainError("settings.invalid", {
      key,
      problem: parsed.error.issues.map((i) => i.message).join("; "),
    });
  }
  const before = await db.setting.findUnique({ where: { key } });
  await db.setting.upsert({
    where: { key },
    create: { key, value: parsed.data as never, updatedById: actor },
    update: { value: parsed.data as never, updatedById: actor },
  });
  await audit(db, {
    actor,
    action: "settings.write",
    entityType: "Setting",
    entityId: key,
    before: before?.value,
    after: parsed.data,
  });
  return parsed.data as Settings[K];
}
