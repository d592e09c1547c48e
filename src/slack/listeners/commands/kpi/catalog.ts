/**
 * `/kpi items [search]` (browse the catalog), `/kpi propose <item> <points> <reason>` / `/kpi propose new`
 * (re-valuation proposals), `/kpi admin [panel]` (organisation and settings, admins only).
 */
import { searchCatalog } from "../../../../domain/catalog-admin.js";
import { parsePoints } from "../../../../domain/proposals.js";
import { itemPlainLabel } from "../../../blocks/format.js";
import { simpleMessage } from "../../../blocks/log-reply.js";
import { catalogMessage, newItemModal } from "../../../blocks/proposals.js";
import { today } from "../../../context.js";
import { resolveItem } from "../../../domain.js";
import {
  ADMIN_PANELS,
  type AdminPanel,
  adminMenu,
  openAdminPanel,
  requireAdmin,
} from "../../../flows/admin.js";
import { fileProposal } from "../../../flows/proposals.js";
import type { KpiSubcommand, KpiTable } from "./types.js";

const items: KpiSubcommand = async ({ ctx, lang, t, rest, send }) => {
  const query = rest.slice(0, 100);
  const found = await searchCatalog(ctx.db, today(ctx).slice(0, 7), query);
  await send(catalogMessage(t, lang, { query, entries: found.entries, total: found.total }));
};

/** the first number after the item is the points (parsePoints then refuses a malformed one clearly) */
const NUMBER = /^\d+(?:[.,]\d+)?$/;

const propose: KpiSubcommand = async ({ ctx, user, actor, lang, t, rest, args, send }) => {
  const words = rest.split(/\s+/).filter(Boolean);
  if (words[0]?.toLowerCase() === "new" || words[0] === "新增") {
    const categories = await ctx.db.category.findMany({ orderBy: [{ sortOrder: "asc" }, { code: "asc" }] });
    await args.client.views.open({
      trigger_id: args.command.trigger_id,
      view: newItemModal(t, lang, { categories, ch: args.command.channel_id }),
    });
    return;
  }
  const at = words.findIndex((w, i) => i > 0 && NUMBER.test(w));
  if (at < 1) return void (await send(simpleMessage(t("proposal.usage"))));
  const query = words.slice(0, at).join(" ");
  const pointsText = words[at]!;
  const reason = words.slice(at + 1).join(" ");
  const points = parsePoints(pointsText);
  const catalog = await ctx.catalog.items(today(ctx).slice(0, 7));
  const r = resolveItem(catalog, query);
  if (!r.item) {
    const list = r.candidates.map((c) => itemPlainLabel(lang, c)).join(", ");
    return void (await send(
      simpleMessage(
        t("proposal.pickItem", { query, items: list, code: r.candidates[0]!.code, points: pointsText }),
      ),
    ));
  }
  const { proposal, channel } = await fileProposal(ctx, args.client, actor, {
    itemId: r.item.id,
    points,
    reason,
  });
  await send(
    simpleMessage(
      t("proposal.posted", {
        item: itemPlainLabel(lang, r.item),
        from: proposal.item.currentPoints === null ? "—" : (proposal.item.currentPoints / 100).toFixed(2),
        to: (points / 100).toFixed(2),
        channel,
      }),
    ),
  );
  ctx.refreshHome(user);
};

const admin: KpiSubcommand = async ({ ctx, actor, lang, t, words, args, send }) => {
  await requireAdmin(ctx, actor);
  const panel = words[0] as AdminPanel | undefined;
  if (panel && (ADMIN_PANELS as readonly string[]).includes(panel)) {
    await openAdminPanel(ctx, args.client, args.command.trigger_id, actor, lang, panel);
    return;
  }
  await send(adminMenu(t));
};

export const catalogSubcommands: KpiTable = {
  items,
  item: items,
  catalog: items,
  目录: items,
  propose,
  提议: propose,
  admin,
  管理: admin,
};
