/**
 * `/kpi admin`: opening the admin panels (modals), re-rendering them when a picker changes, and reading
 * their submissions into use-case calls. Only admins: every entry point checks the role and audits a
 * refusal (a forged button or submission from a non-admin changes nothing and leaves a REFUSED row).
 */
import type { WebClient } from "@slack/web-api";
import { audit } from "../../domain/audit.js";
import {
  checkOpenMonth,
  createCategory,
  deleteCategory,
  listCategories,
  setCategoryWeights,
} from "../../domain/catalog-admin.js";
import { listDeputies, revokeDeputy, setDeputy } from "../../domain/deputies.js";
import { DomainError, isDomainError } from "../../domain/errors.js";
import { lastClosedMonth } from "../../domain/guard.js";
import {
  listPeople,
  listSections,
  type PersonUpdate,
  type SettingsPatch,
  saveSection,
  updatePerson,
  updateSettings,
} from "../../domain/org-admin.js";
import { hasRole } from "../../domain/people.js";
import { importPeople, type SlackMember, syncPeople } from "../../domain/people-sync.js";
import { readSettings } from "../../domain/settings.js";
import type { Role } from "../../generated/prisma/enums.js";
import { type Lang, type MessageKey, type Translate, translator } from "../../i18n/index.js";
import { shiftMonth } from "../../util/time.js";
import {
  ADMIN_BLOCKS,
  adminMenu,
  categoryModal,
  deputiesModal,
  NONE,
  personModal,
  ROLE_KEYS,
  sectionModal,
  settingsModal,
  syncModal,
} from "../blocks/admin.js";
import { type InputValue, list, str } from "../blocks/inputs.js";
import type { Message, ModalView } from "../blocks/kit.js";
import { loadingModal, messageModal } from "../blocks/modal.js";
import { errorText, type SlackContext, today } from "../context.js";
import type { Actor } from "../domain.js";

export const ADMIN_PANELS = ["people", "sections", "categories", "settings", "sync", "deputies"] as const;
export type AdminPanel = (typeof ADMIN_PANELS)[number];

/** Refuses (and audits) anyone without the Admin role. */
export async function requireAdmin(ctx: SlackContext, actor: Actor, what = "admin.open"): Promise<void> {
  if (hasRole(actor, "ADMIN")) return;
  await audit(ctx.db, {
    actor: actor.slackUserId,
    action: what,
    entityType: "Admin",
    outcome: "REFUSED",
    reason: "auth.forbidden",
  }).catch(() => {});
  throw new DomainError("auth.forbidden", { roles: "ADMIN" });
}

export { adminMenu };

function month(ctx: SlackContext): string {
  return today(ctx).slice(0, 7);
}

async function nextOpenMonth(ctx: SlackContext): Promise<string> {
  const closed = await lastClosedMonth(ctx.db);
  const now = month(ctx);
  return closed && closed >= now ? shiftMonth(closed, 1) : now;
}

/** Every Slack member, following users.list's cursor. */
export async function fetchMembers(client: WebClient): Promise<SlackMember[]> {
  const out: SlackMember[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 200; page++) {
    const res = await client.users.list({ limit: 200, ...(cursor ? { cursor } : {}) });
    for (const m of res.members ?? []) {
      if (!m.id) continue;
      out.push({
        id: m.id,
        name: m.name ?? m.id,
        realName: m.real_name ?? m.profile?.real_name ?? null,
        deleted: m.deleted === true,
        isBot: m.is_bot === true || m.id === "USLACKBOT",
      });
    }
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) break;
  }
  return out;
}

export async function panelView(
  ctx: SlackContext,
  client: WebClient,
  actor: Actor,
  lang: Lang,
  panel: AdminPanel,
  chosen: string | null = null,
): Promise<ModalView> {
  const t = translator(lang);
  const m = month(ctx);
  switch (panel) {
    case "people": {
      const [people, sections, categories] = await Promise.all([
        listPeople(ctx.db, m),
        listSections(ctx.db),
        listCategories(ctx.db, m),
      ]);
      const person = chosen ? (people.find((p) => p.slackUserId === chosen) ?? null) : null;
      return personModal(t, lang, { slackUserId: chosen, person, sections, categories, month: m });
    }
    case "sections":
      return sectionModal(t, { sections: await listSections(ctx.db), chosen });
    case "categories":
      return categoryModal(t, lang, {
        categories: await listCategories(ctx.db, m),
        chosen,
        month: m,
        nextOpenMonth: await nextOpenMonth(ctx),
      });
    case "settings": {
      const { problems: _p, ...s } = await readSettings(ctx.db);
      return settingsModal(t, s);
    }
    case "deputies":
      return deputiesModal(t, { deputies: await listDeputies(ctx.db, ctx.deps, actor), today: today(ctx) });
    case "sync": {
      const members = await fetchMembers(client);
      const report = await syncPeople(ctx.db, actor, members);
      ctx.actors.invalidate();
      const [sections, categories] = await Promise.all([listSections(ctx.db), listCategories(ctx.db, m)]);
      return syncModal(t, lang, { report, sections, categories });
    }
  }
}

/** Opens a panel: a loading modal at once (the trigger expires in 3 s), then the panel. */
export async function openAdminPanel(
  ctx: SlackContext,
  client: WebClient,
  triggerId: string,
  actor: Actor,
  lang: Lang,
  panel: AdminPanel,
): Promise<void> {
  await requireAdmin(ctx, actor, `admin.${panel}`);
  const t = translator(lang);
  const opened = await client.views.open({ trigger_id: triggerId, view: loadingModal(t) });
  const viewId = opened.view?.id;
  if (!viewId) return;
  try {
    await client.views.update({ view_id: viewId, view: await panelView(ctx, client, actor, lang, panel) });
  } catch (error) {
    await client.views
      .update({ view_id: viewId, view: messageModal(t, errorText(ctx, lang, error, `admin.${panel}`)) })
      .catch(() => {});
  }
}

// ───────────────────────────── submissions ─────────────────────────────

/** Which form block a refusal belongs on (so it is shown with response_action: errors). */
export function blockFor(panel: AdminPanel, e: DomainError): string[] {
  const p = e.params as Record<string, unknown>;
  switch (e.code) {
    case "admin.badWeight":
      return [String(p.field)];
    case "admin.badMonth":
    case "admin.closedMonth":
      return [panel === "people" ? ADMIN_BLOCKS.month : ADMIN_BLOCKS.effectiveMonth];
    case "admin.badCode":
      return [panel === "categories" && p.value === p.normGroup ? ADMIN_BLOCKS.normGroup : ADMIN_BLOCKS.code];
    case "admin.codeTaken":
      return [ADMIN_BLOCKS.code];
    case "admin.noName":
      return [ADMIN_BLOCKS.name];
    case "admin.categoryInUse":
      return [ADMIN_BLOCKS.delete];
    case "admin.lastChief":
    case "admin.selfLockout":
      return panel === "people" ? [String(p.field ?? ADMIN_BLOCKS.roles)] : [ADMIN_BLOCKS.chiefs];
    case "admin.noChief":
    case "admin.chiefInactive":
      return [ADMIN_BLOCKS.chiefs];
    case "admin.personNotFound":
      return [panel === "sections" ? ADMIN_BLOCKS.chiefs : ADMIN_BLOCKS.person];
    case "admin.categoryNotFound":
      return [ADMIN_BLOCKS.category];
    case "admin.sectionNotFound":
      return [ADMIN_BLOCKS.section];
    case "admin.nothingPicked":
      return [ADMIN_BLOCKS.members];
    case "deputy.badDate":
    case "deputy.badRange":
    case "deputy.past":
      return [ADMIN_BLOCKS.to];
    case "deputy.self":
    case "deputy.unknownPerson":
      return [ADMIN_BLOCKS.deputy];
    case "deputy.notReviewer":
      return [ADMIN_BLOCKS.principal];
    case "deputy.notFound":
      return [ADMIN_BLOCKS.revoke];
    case "admin.deputyMissing":
      return (p.blocks as string[] | undefined) ?? [ADMIN_BLOCKS.deputy];
    default:
      return [];
  }
}

const SETTING_HINT: Record<string, MessageKey> = {
  "earlyReminder.day": "errors.admin.setting.day",
  "earlyReminder.time": "errors.admin.setting.time",
  "dailyNudge.time": "errors.admin.setting.time",
  "escalation.time": "errors.admin.setting.time",
  timeZone: "errors.admin.setting.timeZone",
  submitDeadlineDay: "errors.admin.setting.day",
  reviewDeadlineDay: "errors.admin.setting.day",
  reminderTime: "errors.admin.setting.time",
  rankingTopN: "errors.admin.setting.topN",
};

/** A refusal as `response_action: errors` (by block), or undefined when it belongs on no field. */
export function fieldErrors(
  ctx: SlackContext,
  lang: Lang,
  panel: AdminPanel,
  error: unknown,
): Record<string, string> | undefined {
  if (!isDomainError(error)) return undefined;
  const t = translator(lang);
  if (error.code === "admin.badSetting") {
    const problems = (error.params.problems ?? {}) as Record<string, string>;
    const out: Record<string, string> = {};
    for (const key of Object.keys(problems)) out[key] = t(SETTING_HINT[key] ?? "errors.admin.setting.other");
    return Object.keys(out).length ? out : undefined;
  }
  const blocks = blockFor(panel, error);
  if (!blocks.length) return undefined;
  const text = errorText(ctx, lang, error, `admin.${panel}`);
  return Object.fromEntries(blocks.map((b) => [b, text]));
}

function intOrRaw(v: string): unknown {
  return /^\d{1,6}$/.test(v) ? Number(v) : v;
}

export type Inputs = Record<string, InputValue>;

/** Runs an admin form's submission; returns the confirmation text. */
export async function submitAdminForm(
  ctx: SlackContext,
  client: WebClient,
  actor: Actor,
  t: Translate,
  panel: AdminPanel,
  meta: Record<string, unknown>,
  v: Inputs,
): Promise<string> {
  await requireAdmin(ctx, actor, `admin.${panel}.submit`);
  switch (panel) {
    case "people": {
      const personId = typeof meta.p === "string" ? meta.p : null;
      if (!personId) throw new DomainError("admin.personNotFound");
      const sectionId = str(v[ADMIN_BLOCKS.section]);
      const category = str(v[ADMIN_BLOCKS.category]);
      const m = str(v[ADMIN_BLOCKS.month]);
      const monthCategory = str(v[ADMIN_BLOCKS.monthCategory]);
      const input: PersonUpdate = {
        personId,
        active: list(v[ADMIN_BLOCKS.active]).includes("active"),
        sectionId: !sectionId || sectionId === NONE ? null : sectionId,
        categoryCode: !category || category === NONE ? null : category,
        roles: list(v[ADMIN_BLOCKS.roles]).filter((r): r is Role => (ROLE_KEYS as string[]).includes(r)),
      };
      if (monthCategory) {
        if (!m) throw new DomainError("admin.badMonth", { value: "" });
        input.month = m;
        input.monthCategory = monthCategory;
      } else if (m && m !== month(ctx)) {
        // a month typed without a category: checked, so a typo is not silently ignored
        await checkOpenMonth(ctx.db, m);
      }
      await updatePerson(ctx.db, actor, input);
      ctx.actors.invalidate();
      return t("admin.saved");
    }
    case "sections": {
      const chosen = typeof meta.s === "string" ? meta.s : null;
      const chiefUsers = list(v[ADMIN_BLOCKS.chiefs]);
      const people = chiefUsers.length
        ? await ctx.db.person.findMany({ where: { slackUserId: { in: chiefUsers } }, select: { id: true } })
        : [];
      if (people.length !== chiefUsers.length) throw new DomainError("admin.personNotFound");
      await saveSection(ctx.db, actor, {
        ...(chosen && chosen !== "new" ? { sectionId: chosen } : {}),
        code: str(v[ADMIN_BLOCKS.code]),
        name: str(v[ADMIN_BLOCKS.name]),
        nameEn: str(v[ADMIN_BLOCKS.nameEn]) || null,
        chiefIds: people.map((p) => p.id),
      });
      ctx.actors.invalidate();
      return t("admin.saved");
    }
    case "categories": {
      const chosen = typeof meta.c === "string" ? meta.c : null;
      const weights = {
        effectiveMonth: str(v[ADMIN_BLOCKS.effectiveMonth]),
        qualityWeight: str(v[ADMIN_BLOCKS.qualityWeight]),
        quantityWeight: str(v[ADMIN_BLOCKS.quantityWeight]),
        normGroup: str(v[ADMIN_BLOCKS.normGroup]),
      };
      if (!chosen) throw new DomainError("admin.categoryNotFound", { code: "" });
      if (chosen === "new") {
        await createCategory(ctx.db, actor, {
          ...weights,
          code: str(v[ADMIN_BLOCKS.code]),
          name: str(v[ADMIN_BLOCKS.name]),
          nameEn: str(v[ADMIN_BLOCKS.nameEn]),
          coefficientGroup: str(v[ADMIN_BLOCKS.coefficientGroup]),
        });
        return t("admin.saved");
      }
      if (list(v[ADMIN_BLOCKS.delete]).includes("delete")) {
        await deleteCategory(ctx.db, actor, chosen);
        return t("admin.deleted", { code: chosen });
      }
      await setCategoryWeights(ctx.db, actor, { code: chosen, ...weights });
      return t("admin.saved");
    }
    case "settings": {
      const patch: SettingsPatch = {
        reviewChannel: str(v[ADMIN_BLOCKS.reviewChannel]) || null,
        resultsChannel: str(v[ADMIN_BLOCKS.resultsChannel]) || null,
        timeZone: str(v[ADMIN_BLOCKS.timeZone]),
        language: str(v[ADMIN_BLOCKS.language]),
        submitDeadlineDay: intOrRaw(str(v[ADMIN_BLOCKS.submitDeadlineDay])),
        reviewDeadlineDay: intOrRaw(str(v[ADMIN_BLOCKS.reviewDeadlineDay])),
        holidayRule: str(v[ADMIN_BLOCKS.holidayRule]),
        reminderTime: str(v[ADMIN_BLOCKS.reminderTime]),
        rankingPrivacy: str(v[ADMIN_BLOCKS.rankingPrivacy]),
        rankingTopN: intOrRaw(str(v[ADMIN_BLOCKS.rankingTopN])),
        earlyReminder: {
          enabled: list(v[ADMIN_BLOCKS.earlyReminderOn]).includes("on"),
          day: intOrRaw(str(v[ADMIN_BLOCKS.earlyReminderDay])),
          time: str(v[ADMIN_BLOCKS.earlyReminderTime]),
        },
        dailyNudge: {
          enabled: list(v[ADMIN_BLOCKS.dailyNudgeOn]).includes("on"),
          time: str(v[ADMIN_BLOCKS.dailyNudgeTime]),
        },
        remindersEnabled: list(v[ADMIN_BLOCKS.remindersEnabled]).includes("on"),
        escalation: {
          enabled: list(v[ADMIN_BLOCKS.escalationOn]).includes("on"),
          time: str(v[ADMIN_BLOCKS.escalationTime]),
        },
      };
      await updateSettings(ctx.db, actor, patch);
      ctx.settings.invalidate();
      return t("admin.saved");
    }
    case "deputies": {
      const fields = {
        [ADMIN_BLOCKS.principal]: str(v[ADMIN_BLOCKS.principal]),
        [ADMIN_BLOCKS.deputy]: str(v[ADMIN_BLOCKS.deputy]),
        [ADMIN_BLOCKS.from]: str(v[ADMIN_BLOCKS.from]),
        [ADMIN_BLOCKS.to]: str(v[ADMIN_BLOCKS.to]),
      };
      const given = Object.values(fields).some(Boolean) && (fields.principal || fields.deputy || fields.to);
      const revoke = list(v[ADMIN_BLOCKS.revoke]);
      let set = 0;
      if (given) {
        const missing = Object.entries(fields)
          .filter(([, x]) => !x)
          .map(([k]) => k);
        if (missing.length) throw new DomainError("admin.deputyMissing", { blocks: missing });
        await setDeputy(ctx.db, ctx.deps, actor, {
          principal: fields.principal!,
          deputy: fields.deputy!,
          from: fields.from!,
          to: fields.to!,
        });
        set = 1;
      }
      for (const id of revoke) await revokeDeputy(ctx.db, ctx.deps, actor, id);
      if (!set && !revoke.length)
        throw new DomainError("admin.deputyMissing", { blocks: [ADMIN_BLOCKS.deputy] });
      return t("admin.deputiesSaved", { set, revoked: revoke.length });
    }
    case "sync": {
      const picked = list(v[ADMIN_BLOCKS.members]);
      if (!picked.length) throw new DomainError("admin.nothingPicked");
      const members = await fetchMembers(client);
      const chosen = picked.map(
        (id) => members.find((m) => m.id === id) ?? { id, name: id, deleted: true, isBot: false },
      );
      const section = str(v[ADMIN_BLOCKS.section]);
      const category = str(v[ADMIN_BLOCKS.category]);
      const r = await importPeople(ctx.db, actor, {
        members: chosen,
        sectionId: section || null,
        categoryCode: category || null,
      });
      ctx.actors.invalidate();
      return t("admin.synced", {
        count: r.created.length,
        skipped: r.skipped.length ? t("admin.syncedSkipped", { count: r.skipped.length }) : "",
      });
    }
  }
}

export type { Message };
