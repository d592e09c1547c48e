/**
 * People sync from Slack (`users.list`): the workspace's members compared with the scheme's people.
 * Members Slack reports as deactivated are flagged (Person.slackDeleted, shown to admins; their person
 * is not deactivated automatically: their sheets and results stay), and reactivated ones unflagged. Bots,
 * the app itself and Slackbot are left out. The admin then picks who among the new members is assessed:
 * `importPeople` creates them (role STAFF, with a section and category when given).
 *
 * DomainError codes: auth.forbidden, admin.sectionNotFound, admin.categoryNotFound { code },
 * admin.nothingPicked, admin.unknownMember { user }
 */
import type { Db } from "../db/client.js";
import { Role } from "../generated/prisma/enums.js";
import { audit } from "./audit.js";
import { DomainError } from "./errors.js";
import { refusalsAudited } from "./guard.js";
import { requireActive } from "./logging.js";
import { type Actor, requireRole } from "./people.js";

export interface SlackMember {
  id: string;
  name: string;
  realName?: string | null;
  deleted: boolean;
  isBot: boolean;
}

export interface SyncReport {
  /** members not in the scheme yet (not deleted, not bots), by name */
  candidates: SlackMember[];
  /** people newly flagged as deactivated in Slack */
  flagged: { slackUserId: string; name: string; active: boolean }[];
  /** people whose Slack account came back */
  unflagged: { slackUserId: string; name: string }[];
  /** everyone currently flagged */
  deactivatedInSlack: { slackUserId: string; name: string; active: boolean }[];
  /** people whose Slack user id is not in the workspace at all */
  missing: { slackUserId: string; name: string }[];
  members: number;
}

export async function syncPeople(db: Db, actor: Actor, members: SlackMember[]): Promise<SyncReport> {
  return refusalsAudited(db, actor, { action: "people.sync", entityType: "Person" }, async () => {
    requireActive(actor);
    requireRole(actor, Role.ADMIN);
    return db.$transaction(async (tx) => {
      const people = await tx.person.findMany({
        select: { id: true, slackUserId: true, name: true, active: true, slackDeleted: true },
      });
      const byId = new Map(members.map((m) => [m.id, m]));
      const known = new Set(people.map((p) => p.slackUserId));
      const flagged: SyncReport["flagged"] = [];
      const unflagged: SyncReport["unflagged"] = [];
      const missing: SyncReport["missing"] = [];
      for (const p of people) {
        const m = byId.get(p.slackUserId);
        if (!m) {
          missing.push({ slackUserId: p.slackUserId, name: p.name });
          continue;
        }
        if (m.deleted && !p.slackDeleted) {
          await tx.person.update({ where: { id: p.id }, data: { slackDeleted: true } });
          flagged.push({ slackUserId: p.slackUserId, name: p.name, active: p.active });
        } else if (!m.deleted && p.slackDeleted) {
          await tx.person.update({ where: { id: p.id }, data: { slackDeleted: false } });
          unflagged.push({ slackUserId: p.slackUserId, name: p.name });
        }
      }
      const candidates = members
        .filter((m) => !m.deleted && !m.isBot && m.id !== "USLACKBOT" && !known.has(m.id))
        .sort((a, b) => (a.realName || a.name).localeCompare(b.realName || b.name));
      const deactivatedInSlack = (
        await tx.person.findMany({ where: { slackDeleted: true }, orderBy: { name: "asc" } })
      ).map((p) => ({
        slackUserId: p.slackUserId,
        name: p.name,
        active: p.active,
      }));
      await audit(tx, {
        actor: actor.slackUserId,
        action: "people.sync",
        entityType: "Person",
        after: {
          members: members.length,
          candidates: candidates.length,
          flagged,
          unflagged,
          missing: missing.length,
        },
      });
      return { candidates, flagged, unflagged, deactivatedInSlack, missing, members: members.length };
    });
  });
}

export interface ImportPick {
  members: SlackMember[];
  sectionId?: string | null;
  categoryCode?: string | null;
}

/** Creates the picked members as assessed staff; members already in the scheme are skipped. */
export async function importPeople(
  db: Db,
  actor: Actor,
  input: ImportPick,
): Promise<{ created: string[]; skipped: string[] }> {
  return refusalsAudited(db, actor, { action: "people.import", entityType: "Person", input }, async () => {
    requireActive(actor);
    requireRole(actor, Role.ADMIN);
    if (input.members.length === 0) throw new DomainError("admin.nothingPicked");
    return db.$transaction(async (tx) => {
      if (input.sectionId && !(await tx.section.findUnique({ where: { id: input.sectionId } })))
        throw new DomainError("admin.sectionNotFound");
      if (input.categoryCode && !(await tx.category.findUnique({ where: { code: input.categoryCode } })))
        throw new DomainError("admin.categoryNotFound", { code: input.categoryCode });
      const created: string[] = [];
      const skipped: string[] = [];
      for (const m of input.members) {
        if (m.deleted || m.isBot) throw new DomainError("admin.unknownMember", { user: m.id });
        if (await tx.person.findUnique({ where: { slackUserId: m.id } })) {
          skipped.push(m.id);
          continue;
        }
        const p = await tx.person.create({
          data: {
            slackUserId: m.id,
            name: (m.realName || m.name).slice(0, 100),
            sectionId: input.sectionId ?? null,
            categoryCode: input.categoryCode ?? null,
            roles: { create: [{ role: Role.STAFF }] },
          },
        });
        created.push(m.id);
        await audit(tx, {
          actor: actor.slackUserId,
          action: "person.create",
          entityType: "Person",
          entityId: p.id,
          after: {
            slackUserId: m.id,
            name: p.name,
            sectionId: p.sectionId,
            categoryCode: p.categoryCode,
            roles: [Role.STAFF],
            source: "slack-sync",
          },
        });
      }
      return { created, skipped };
    });
  });
}
