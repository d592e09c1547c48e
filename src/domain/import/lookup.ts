/** Resolving the people a file names: by Slack user id, or by exact name when that name is unique. */
import type { Tx } from "../../db/client.js";
import { Role } from "../../generated/prisma/enums.js";

export interface ResolvedPerson {
  id: string;
  slackUserId: string;
  name: string;
  active: boolean;
  isStaff: boolean;
  roles: Role[];
  categoryCode: string | null;
  sectionId: string | null;
}

export type PersonLookup = (ref: string) => { person: ResolvedPerson } | { error: string };

export async function personLookup(tx: Tx, refs: Iterable<string>): Promise<PersonLookup> {
  const wanted = [...new Set(refs)].filter((r) => r !== "");
  const found = await tx.person.findMany({
    where: { OR: [{ slackUserId: { in: wanted } }, { name: { in: wanted } }] },
    include: { roles: true },
  });
  const bySlack = new Map<string, ResolvedPerson>();
  const byName = new Map<string, ResolvedPerson[]>();
  for (const p of found) {
    const r: ResolvedPerson = {
      id: p.id,
      slackUserId: p.slackUserId,
      name: p.name,
      active: p.active,
      isStaff: p.roles.some((x) => x.role === Role.STAFF),
      roles: p.roles.map((x) => x.role),
      categoryCode: p.categoryCode,
      sectionId: p.sectionId,
    };
    bySlack.set(p.slackUserId, r);
    byName.set(p.name, [...(byName.get(p.name) ?? []), r]);
  }
  return (ref) => {
    const p = bySlack.get(ref);
    if (p) return { person: p };
    const named = byName.get(ref) ?? [];
    if (named.length === 1) return { person: named[0]! };
    if (named.length > 1) return { error: `"${ref}" names ${named.length} people; use the Slack id` };
    return { error: `unknown person "${ref}" (give a Slack user id or an exact name)` };
  };
}
