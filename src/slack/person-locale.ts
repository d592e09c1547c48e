/**
 * The per-person language setting (Person.locale): "zh-CN", "en", or null to follow Slack. Written with
 * its audit row. (A small write the domain has no use-case for yet.)
 */
import type { Db } from "../db/client.js";
import { audit } from "../domain/audit.js";
import type { Actor } from "../domain/people.js";
import type { Lang } from "../i18n/index.js";

export async function setPersonLocale(db: Db, actor: Actor, locale: Lang | null): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.person.update({ where: { id: actor.personId }, data: { locale } });
    await audit(tx, {
      actor: actor.slackUserId,
      action: "person.locale",
      entityType: "Person",
      entityId: actor.personId,
      before: { locale: actor.locale },
      after: { locale },
    });
  });
}
