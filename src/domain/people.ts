/**
 * Who is acting: a Slack user resolved to a Person with roles. Every use-case receives an Actor and
 * checks permissions against it; nothing trusts a user id carried inside a button value.
 */
import type { Db, Tx } from "../db/client.js";
import { rawSqlOf } from "../db/raw.js";
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

const FIND_ACTOR_SQL = `SELECT p.id, p."slackUserId", p.name, p."sectionId", p.locale, p.active,
    (SELECT string_agg(r.role::text, ',') FROM "RoleAssignment" r WHERE r."personId" = p.id) AS roles,
    (SELECT string_agg(c."sectionId", ',') FROM "SectionChief" c WHERE c."personId" = p.id) AS "chiefOf"
  FROM "Person" p WHERE p."slackUserId" = $1`;

interface ActorRow {
  id: string;
  slackUserId: string;
  name: string;
  sectionId: string | null;
  locale: string | null;
  active: boolean;
  roles: string | null;
  chiefOf: string | null;
}

/**
 * One round trip: the person with their roles and sections led, aggregated in SQL (Prisma's `include`
 * would take three queries, and this runs on the ack path of every command but /log, and before every
 * App Home rebuild): through the raw driver when `db` has one, else through Prisma (transactions).
 */
export async function findActor(db: Db | Tx, slackUserId: string): Promise<Actor | null> {
  const raw = rawSqlOf(db);
  const rows = raw
    ? await raw.query<ActorRow>("kpi_find_actor", FIND_ACTOR_SQL, [slackUserId])
    : await db.$queryRawUnsafe<ActorRow[]>(FIND_ACTOR_SQL, slackUserId);
  const p = rows[0];
  if (!p) return null;
  return {
    personId: p.id,
    slackUserId: p.slackUserId,
    name: p.name,
    roles: new Set((p.roles ? p.roles.split(",") : []) as Role[]),
    sectionId: p.sectionId,
    chiefOf: p.chiefOf ? p.chiefOf.split(",") : [],
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
