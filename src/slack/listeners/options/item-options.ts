/**
 * Autocomplete of the item picker (external_select): the person's recent and frequent items first
 * (matching what is typed), then the catalog's best matches. Must answer within 3 s: the catalog is in
 * memory, the recent items are one small query.
 */
import type { AllMiddlewareArgs, BlockSuggestion, SlackOptionsMiddlewareArgs } from "@slack/bolt";
import { itemOptions, type OptionItem } from "../../blocks/options.js";
import { quickLang, type SlackContext, today } from "../../context.js";
import { type CatalogItem, PLAUSIBLE_SCORE, recentItems, scoreItem } from "../../domain.js";

type Args = SlackOptionsMiddlewareArgs<"block_suggestion"> & AllMiddlewareArgs;

const asOption = (i: CatalogItem): OptionItem => ({
  id: i.id,
  code: i.code,
  name: i.name,
  nameEn: i.nameEn,
  points: i.points,
});

export function itemOptionsHandler(ctx: SlackContext) {
  return async ({ ack, body }: Args): Promise<void> => {
    const user = (body as BlockSuggestion).user.id;
    const query = String((body as BlockSuggestion).value ?? "")
      .slice(0, 100)
      .trim();
    try {
      const actor = await ctx.actors.get(user);
      const lang = quickLang(ctx, user, actor);
      const items = await ctx.catalog.items(today(ctx).slice(0, 7));
      const byId = new Map(items.map((i) => [i.id, i]));
      const recent = (await recentItems(ctx.db, actor.personId, 10))
        .map((id) => byId.get(id))
        .filter((i): i is CatalogItem => !!i);
      if (!query) {
        await ack({ options: itemOptions(lang, recent.map(asOption), items.map(asOption)) });
        return;
      }
      const scored = items
        .map((i) => ({ i, s: scoreItem(i, query) }))
        .filter((x) => x.s >= 0.3)
        .sort((a, b) => b.s - a.s || a.i.code.localeCompare(b.i.code));
      const good = new Set(scored.filter((x) => x.s >= PLAUSIBLE_SCORE).map((x) => x.i.id));
      const recentMatching = recent.filter((i) => good.has(i.id));
      await ack({
        options: itemOptions(
          lang,
          recentMatching.map(asOption),
          scored.map((x) => asOption(x.i)),
          50,
        ),
      });
    } catch (error) {
      ctx.logger.warn({ err: error, user }, "item options failed");
      await ack({ options: [] });
    }
  };
}
