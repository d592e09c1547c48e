/**
 * The organisation and the scheme's settings, managed by admins (role ADMIN) from Slack: people
 * (active, section, default category, a month's category, roles), sections and their chiefs, settings.
 *
 * Rules:
 * - A section keeps at least one chief: a section is created with one, a chief list cannot be emptied,
 *   and the last chief of a section cannot be deactivated, lose the SECTION_CHIEF role or be moved out
 *   of the section they lead while they are its only chief.
 * - Chiefs must be active people; naming someone chief gives them the SECTION_CHIEF role.
 * - A month's category cannot be set for a closed (published) month, nor before the last closed month.
 * - An admin cannot take the ADMIN role from themselves nor deactivate themselves (no lock-out).
 * - Settings are validated with the settings schema (settings.ts) all at once: nothing is written when
 *   any value is refused; the time zone must be a real IANA zone.
 * Every change is one transaction, audited with before/after; refusals are audited (REFUSED).
 *
 * DomainError codes (i18n keys under "errors."):
 *   admin.personNotFound, admin.sectionNotFound, admin.categoryNotFound { code }
 *   admin.lastChief { section }          the change would leave the section without a chief
 *   admin.noChief                        a section needs at least one chief
 *   admin.chiefInactive { name }
 *   admin.selfLockout                    an admin cannot deactivate themselves or drop their own ADMIN role
 *   admin.badCode { value }, admin.codeTaken { code }, admin.noName
 *   admin.badMonth { value }, admin.closedMonth { month, closed }
 *   admin.badSetting { key, problem }
 *   auth.forbidden { roles }
 */
import type { Db, Tx } from "../db/client.js";
import { Role } from "../generated/prisma/enums.js";
import { audit } from "./audit.js";
import { checkOpenMonth } from "./catalog-admin.js";
import { DomainError } from "./errors.js";
import { refusalsAudited } from "./guard.js";
import { requireActive } from "./logging.js";
import { type Actor, requireRole } from "./people.js";
import { readSettings, type Settings, SettingsSchema } from "./settings.js";

export const ROLES = [
  Role.STAFF,
  Role.SECTION_CHIEF,
  Role.ASSESSMENT_GROUP,
  Role.BRANCH_CHIEF,
  Role.ADMIN,
] as const;

function asAdmin(actor: Actor): void {
  requireActive(actor);
  requireRole(actor, Role.ADMIN);
}

// ───────────────────────────── reading ─────────────────────────────

export interface PersonAdminView {
  id: string;
  slackUserId: string;
  name: string;
  nameEn: string | null;
  active: boolean;
  slackDeleted: boolean;
  sectionId: string | null;
  sectionCode: string | null;
  categoryCode: string | null;
  /** the month's category when one is set for the month asked */
  monthCategory: string | null;
  roles: Role[];
  chiefOf: string[];
}

export async function listPeople(db: Db | Tx, month: string): Promise<PersonAdminView[]> {
  const rows = await db.person.findMany({
    include: {
      roles: true,
      chiefOf: true,
      section: { select: { code: true } },
      monthCategories: { where: { month } },
    },
    orderBy: [{ active: "desc" }, { name: "asc" }],
  });
  return rows.map((p) => ({
    id: p.id,
    slackUserId: p.slackUserId,
    name: p.name,
    nameEn: p.nameEn,
    active: p.active,
    slackDeleted: p.slackDeleted,
    sectionId: p.sectionId,
    sectionCode: p.section?.code ?? null,
    categoryCode: p.categoryCode,
    monthCategory: p.monthCategories[0]?.categoryCode ?? null,
    roles: ROLES.filter((r) => p.roles.some((x) => x.role === r)),
    chiefOf: p.chiefOf.map((c) => c.sectionId),
  }));
}

export interface SectionAdminView {
  id: string;
  code: string;
  name: string;
  nameEn: string | null;
  chiefs: { id: string; slackUserId: string; name: string }[];
  members: number;
}

export async function listSections(db: Db | Tx): Promise<SectionAdminView[]> {
  const rows = await db.section.findMany({
    include: {
      chiefs: { include: { person: { select: { id: true, slackUserId: true, name: true } } } },
      _count: { select: { members: { where: { active: true } } } },
    },
    orderBy: { code: "asc" },
  });
  return rows.map((s) => ({
    id: s.id,
    code: s.code,
    name: s.name,
    nameEn: s.nameEn,
    chiefs: s.chiefs.map((c) => c.person),
    members: s._count.members,
  }));
}

// ───────────────────────────── people ─────────────────────────────

export interface PersonUpdate {
  personId: string;
  active?: boolean;
  /** null: no section */
  sectionId?: string | null;
  /** default category; null: none */
  categoryCode?: string | null;
  roles?: Role[];
  /** a month's category (with `month`) */
  month?: string;
  monthCategory?: string | null;
}

/** Sections whose only chief is `personId`. */
async function soleChiefOf(tx: Tx, personId: string): Promise<{ id: string; code: string }[]> {
  const led = await tx.sectionChief.findMany({
    where: { personId },
    include: { section: { include: { chiefs: { include: { person: { select: { active: true } } } } } } },
  });
  return led
    .filter((c) => c.section.chiefs.filter((x) => x.personId !== personId && x.person.active).length === 0)
    .map((c) => ({ id: c.section.id, code: c.section.code }));
}

export async function updatePerson(db: Db, actor: Actor, input: PersonUpdate): Promise<PersonAdminView> {
  return refusalsAudited(
    db,
    actor,
    { action: "person.update", entityType: "Person", entityId: input.personId, input },
    async () => {
      asAdmin(actor);
      return db.$transaction(async (tx) => {
        const p = await tx.person.findUnique({ where: { id: input.personId }, include: { roles: true } });
        if (!p) throw new DomainError("admin.personNotFound");
        const beforeRoles = p.roles.map((r) => r.role);
        const self = p.id === actor.personId;
        if (self && input.active === false) throw new DomainError("admin.selfLockout");
        if (self && input.roles && !input.roles.includes(Role.ADMIN))
          throw new DomainError("admin.selfLockout");
        const sole = await soleChiefOf(tx, p.id);
        const losesChief = input.roles !== undefined && !input.roles.includes(Role.SECTION_CHIEF);
        const deactivated = input.active === false && p.active;
        if (sole.length && (deactivated || losesChief))
          throw new DomainError("admin.lastChief", {
            section: sole.map((s) => s.code).join(", "),
            field: deactivated ? "active" : "roles",
          });
        if (input.sectionId !== undefined && input.sectionId !== null) {
          if (!(await tx.section.findUnique({ where: { id: input.sectionId } })))
            throw new DomainError("admin.sectionNotFound");
        }
        if (input.sectionId !== undefined && input.sectionId !== p.sectionId) {
          const leaving = sole.filter((s) => s.id === p.sectionId);
          if (leaving.length)
            throw new DomainError("admin.lastChief", { section: leaving[0]!.code, field: "section" });
        }
        for (const code of [input.categoryCode, input.monthCategory]) {
          if (code && !(await tx.category.findUnique({ where: { code } })))
            throw new DomainError("admin.categoryNotFound", { code });
        }
        const data: { active?: boolean; sectionId?: string | null; categoryCode?: string | null } = {};
        if (input.active !== undefined) data.active = input.active;
        if (input.sectionId !== undefined) data.sectionId = input.sectionId;
        if (input.categoryCode !== undefined) data.categoryCode = input.categoryCode;
        await tx.person.update({ where: { id: p.id }, data });
        if (input.roles) {
          const want = new Set(input.roles);
          await tx.roleAssignment.deleteMany({ where: { personId: p.id, role: { notIn: [...want] } } });
          for (const role of want) {
            if (!beforeRoles.includes(role))
              await tx.roleAssignment.create({ data: { personId: p.id, role } });
          }
          if (losesChief) await tx.sectionChief.deleteMany({ where: { personId: p.id } });
        }
        let monthBefore: string | null = null;
        if (input.month !== undefined && input.monthCategory !== undefined) {
          await checkOpenMonth(tx, input.month);
          const key = { personId_month: { personId: p.id, month: input.month } };
          monthBefore = (await tx.personMonthCategory.findUnique({ where: key }))?.categoryCode ?? null;
          if (input.monthCategory === null)
            await tx.personMonthCategory.deleteMany({ where: { personId: p.id, month: input.month } });
          else
            await tx.personMonthCategory.upsert({
              where: key,
              create: { personId: p.id, month: input.month, categoryCode: input.monthCategory },
              update: { categoryCode: input.monthCategory },
            });
        }
        await audit(tx, {
          actor: actor.slackUserId,
          action: "person.update",
          entityType: "Person",
          entityId: p.id,
          before: {
            active: p.active,
            sectionId: p.sectionId,
            categoryCode: p.categoryCode,
            roles: beforeRoles,
            ...(input.month ? { month: input.month, monthCategory: monthBefore } : {}),
          },
          after: input,
        });
        const month = input.month ?? "0000-00";
        const [view] = (await listPeople(tx, month)).filter((x) => x.id === p.id);
        return view!;
      });
    },
  );
}

// ───────────────────────────── sections ─────────────────────────────

export interface SectionInput {
  /** absent: create */
  sectionId?: string;
  code: string;
  name: string;
  nameEn?: string | null;
  chiefIds: string[];
}

export async function saveSection(db: Db, actor: Actor, input: SectionInput): Promise<SectionAdminView> {
  return refusalsAudited(
    db,
    actor,
    {
      action: input.sectionId ? "section.update" : "section.create",
      entityType: "Section",
      entityId: input.sectionId,
      input,
    },
    async () => {
      asAdmin(actor);
      const code = input.code.trim().toUpperCase();
      if (!/^[A-Z0-9_-]{1,20}$/.test(code)) throw new DomainError("admin.badCode", { value: input.code });
      if (!input.name.trim()) throw new DomainError("admin.noName");
      const chiefIds = [...new Set(input.chiefIds)];
      if (chiefIds.length === 0) throw new DomainError("admin.noChief");
      return db.$transaction(async (tx) => {
        const chiefs = await tx.person.findMany({
          where: { id: { in: chiefIds } },
          include: { roles: true },
        });
        if (chiefs.length !== chiefIds.length) throw new DomainError("admin.personNotFound");
        const inactive = chiefs.find((c) => !c.active);
        if (inactive) throw new DomainError("admin.chiefInactive", { name: inactive.name });
        const clash = await tx.section.findUnique({ where: { code } });
        if (clash && clash.id !== input.sectionId) throw new DomainError("admin.codeTaken", { code });
        let before: unknown = null;
        let id: string;
        const data = { code, name: input.name.trim(), nameEn: input.nameEn?.trim() || null };
        if (input.sectionId) {
          const s = await tx.section.findUnique({
            where: { id: input.sectionId },
            include: { chiefs: true },
          });
          if (!s) throw new DomainError("admin.sectionNotFound");
          before = {
            code: s.code,
            name: s.name,
            nameEn: s.nameEn,
            chiefIds: s.chiefs.map((c) => c.personId),
          };
          await tx.section.update({ where: { id: s.id }, data });
          await tx.sectionChief.deleteMany({ where: { sectionId: s.id, personId: { notIn: chiefIds } } });
          id = s.id;
        } else {
          id = (await tx.section.create({ data })).id;
        }
        for (const c of chiefs) {
          await tx.sectionChief.upsert({
            where: { sectionId_personId: { sectionId: id, personId: c.id } },
            create: { sectionId: id, personId: c.id },
            update: {},
          });
          if (!c.roles.some((r) => r.role === Role.SECTION_CHIEF))
            await tx.roleAssignment.create({ data: { personId: c.id, role: Role.SECTION_CHIEF } });
        }
        await audit(tx, {
          actor: actor.slackUserId,
          action: input.sectionId ? "section.update" : "section.create",
          entityType: "Section",
          entityId: id,
          before,
          after: { ...data, chiefIds },
        });
        return (await listSections(tx)).find((s) => s.id === id)!;
      });
    },
  );
}

// ───────────────────────────── settings ─────────────────────────────

export type SettingsPatch = Partial<Record<keyof Settings, unknown>>;

/**
 * Validates every key of `patch` first (all problems at once, by key), then writes the changed ones in
 * one transaction, each audited with before/after.
 */
export async function updateSettings(db: Db, actor: Actor, patch: SettingsPatch): Promise<Settings> {
  return refusalsAudited(
    db,
    actor,
    { action: "settings.update", entityType: "Setting", input: patch },
    async () => {
      asAdmin(actor);
      const problems: Record<string, string> = {};
      const parsed: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(patch)) {
        const shape = SettingsSchema.shape[key as keyof Settings];
        if (!shape) {
          problems[key] = "unknown setting";
          continue;
        }
        const r = shape.safeParse(value);
        if (r.success) parsed[key] = r.data;
        // by field: "earlyReminder.day" for a nested value
        else for (const i of r.error.issues) problems[[key, ...i.path.map(String)].join(".")] = i.message;
      }
      const keys = Object.keys(problems);
      if (keys.length)
        throw new DomainError("admin.badSetting", { key: keys[0], problem: problems[keys[0]!], problems });
      return db.$transaction(async (tx) => {
        const current = await readSettings(tx);
        for (const [key, value] of Object.entries(parsed)) {
          if (JSON.stringify(current[key as keyof Settings]) === JSON.stringify(value)) continue;
          await tx.setting.upsert({
            where: { key },
            create: { key, value: value as never, updatedById: actor.slackUserId },
            update: { value: value as never, updatedById: actor.slackUserId },
          });
          await audit(tx, {
            actor: actor.slackUserId,
            action: "settings.write",
            entityType: "Setting",
            entityId: key,
            before: current[key as keyof Settings],
            after: value,
          });
        }
        const { problems: _p, ...next } = await readSettings(tx);
        return next;
      });
    },
  );
}
