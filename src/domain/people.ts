/**
 * Who is acting: a Slack user resolved to a Person with roles. Every use-case receives an Actor and
 * checks permissions against it; nothing trusts a user id carried inside a button value.
 */
import type { Db, Tx } from "../db/client.js";
import type { Role } from "../generated/prisma/enums.js";
import { DomainError } from "./errors.js";

export interface Actor {
  personId: string;
  slackUserId: string;
  name: string;
  roles: ReadonlySet<Role>;
  sectionId: string | null;
  /** sections this person is chief of */
  chiefOf: readonly string[];
  locale: string | null;
  active: boolean;
}

export async function findActor(db: Db | Tx, slackUserId: string): Promise<Actor | null> {
  const p = await db.person.findUnique({
    where: { slackUserId },
    include: { roles: true, chiefOf: true },
  });
  if (!p) return null;
  return {
    personId: p.id,
    slackUserId: p.slackUserId,
    name: p.name,
    roles: new Set(p.roles.map((r) => r.role)),
    sectionId: p.sectionId,
    chiefOf: p.chiefOf.map((c) => c.sectionId),
    locale: p.locale,
    active: p.active,
  };
}

/** The acting person, or a refusal naming why (unknown to the scheme, or deactivated). */
export async function requireActor(db: Db | Tx, slackUserId: string): Promise<Actor> {
  const actor = await findActor(db, slackUserId);
  if (!actor) throw new DomainError("auth.unknownUser", { user: slackUserId });
  if (!actor.active) throw new DomainError("auth.inactive", { user: slackUserId });
  return actor;
}

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return roles.some((r) => actor.roles.has(r));
}

export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!hasRole(actor, ...roles)) throw new DomainError("auth.forbidden", { roles: roles.join(", ") });
}
