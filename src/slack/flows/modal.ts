/** Opening modals: open at once with the trigger_id, then fill or correct with views.update. */
import type { WebClient } from "@slack/web-api";
import { translator } from "../../i18n/index.js";
import { editModal, loadingModal, logModal, type ModalItem, messageModal } from "../blocks/modal.js";
import { errorText, quickLang, resolveLang, type SlackContext, today } from "../context.js";
import { type Actor, type CatalogItem, listLines } from "../domain.js";
import { toLineView } from "./views.js";

export function modalItem(item: CatalogItem): ModalItem {
  return {
    id: item.id,
    code: item.code,
    name: item.name,
    nameEn: item.nameEn,
    unit: item.unit,
    points: item.points,
    evidence: item.evidence,
  };
}

/**
 * `/log` alone or the Home's "Log work": the form is opened immediately (no database before
 * views.open); then the person is checked and, if the language was a guess, the form is re-rendered.
 */
export async function openLogModal(
  ctx: SlackContext,
  client: WebClient,
  triggerId: string,
  user: string,
  channel?: string,
): Promise<void> {
  const cached = ctx.actors.peek(user);
  const lang0 = quickLang(ctx, user, cached);
  const meta = channel ? { ch: channel } : {};
  const opened = await client.views.open({
    trigger_id: triggerId,
    view: logModal(translator(lang0), lang0, { today: today(ctx), meta }),
  });
  const viewId = opened.view?.id;
  if (!viewId) return;
  let actor: Actor | undefined = cached;
  try {
    actor ??= await ctx.actors.get(user);
  } catch (error) {
    const lang = await resolveLang(ctx, user, null);
    await client.views.update({
      view_id: viewId,
      view: messageModal(translator(lang), errorText(ctx, lang, error, "modal.actor")),
    });
    return;
  }
  const lang = await resolveLang(ctx, user, actor);
  if (lang !== lang0) {
    await client.views.update({
      view_id: viewId,
      hash: opened.view?.hash,
      view: logModal(translator(lang), lang, { today: today(ctx), meta }),
    });
  }
}

/** The edit form of one of the person's lines: opened as "loading", filled once the line is read. */
export async function openEditModal(
  ctx: SlackContext,
  client: WebClient,
  triggerId: string,
  user: string,
  ref: { id: string; m: string },
  channel?: string,
): Promise<void> {
  const lang0 = quickLang(ctx, user, ctx.actors.peek(user));
  const opened = await client.views.open({ trigger_id: triggerId, view: loadingModal(translator(lang0)) });
  const viewId = opened.view?.id;
  if (!viewId) return;
  let lang = lang0;
  try {
    const actor = await ctx.actors.get(user);
    lang = await resolveLang(ctx, user, actor);
    const t = translator(lang);
    const list = await listLines(ctx.db, ctx.deps, actor, ref.m);
    const line = list.lines.find((l) => l.id === ref.id);
    if (!line?.editable) {
      await client.views.update({
        view_id: viewId,
        view: messageModal(t, t("list.notFound", { month: ref.m })),
      });
      return;
    }
    const items = await ctx.catalog.items(line.workDate.slice(0, 7));
    const item = items.find((i) => i.code === line.itemCode);
    await client.views.update({
      view_id: viewId,
      view: editModal(t, lang, {
        meta: { id: line.id, m: ref.m, ...(channel ? { ch: channel } : {}), ...(item ? { i: item.id } : {}) },
        line: toLineView(line),
        ...(item ? { item: modalItem(item) } : {}),
      }),
    });
  } catch (error) {
    await client.views
      .update({
        view_id: viewId,
        view: messageModal(translator(lang), errorText(ctx, lang, error, "modal.edit")),
      })
      .catch(() => {});
  }
}
