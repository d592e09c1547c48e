/**
 * `/kpi deputy @user FROM TO [for @chief]`: names a deputy reviewer for a date range (the chief for
 * themselves; an admin or the assessment group for any reviewer with `for`). `/kpi deputy list`,
 * `/kpi deputy revoke ID`. The deputy is told by DM.
 */
import { listDeputies, revokeDeputy, setDeputy } from "../../../../domain/deputies.js";
import { translator } from "../../../../i18n/index.js";
import { esc } from "../../../blocks/kit.js";
import { simpleMessage } from "../../../blocks/log-reply.js";
import { resolveLang } from "../../../context.js";
import { personArg } from "./review.js";
import type { KpiSubcommand, KpiTable } from "./types.js";

const deputy: KpiSubcommand = async ({ ctx, actor, t, rest, send, args }) => {
  const parts = rest.split(/\s+/).filter(Boolean);
  const first = (parts[0] ?? "").toLowerCase();
  if (first === "list" || first === "列表") {
    const list = await listDeputies(ctx.db, ctx.deps, actor);
    if (list.length === 0) return void (await send(simpleMessage(t("deputy.none"))));
    const lines = list.map((d) =>
      t("deputy.listLine", {
        deputy: esc(d.deputy.name),
        principal: esc(d.principal.name),
        from: d.from,
        to: d.to,
        active: d.active ? t("deputy.activeNow") : "",
        id: d.id,
      }),
    );
    return void (await send(simpleMessage([t("deputy.listHeader"), ...lines].join("\n"))));
  }
  if (first === "revoke" || first === "撤销") {
    const id = parts[1];
    if (!id) return void (await send(simpleMessage(t("deputy.usage"))));
    const r = await revokeDeputy(ctx.db, ctx.deps, actor, id);
    const text = r.alreadyRevoked
      ? t("deputy.alreadyRevoked")
      : t("deputy.revoked", { deputy: esc(r.deputy.deputy.name), principal: esc(r.deputy.principal.name) });
    return void (await send(simpleMessage(text)));
  }
  const [who, from, to, forWord, principal] = parts;
  const hasFor = forWord !== undefined && /^(for|代)$/i.test(forWord) && principal !== undefined;
  if (!who || !from || !to || (forWord !== undefined && !hasFor) || parts.length > 5) {
    return void (await send(simpleMessage(t("deputy.usage"))));
  }
  const d = await setDeputy(ctx.db, ctx.deps, actor, {
    deputy: personArg(who),
    from,
    to,
    ...(hasFor ? { principal: personArg(principal!) } : {}),
  });
  await send(
    simpleMessage(
      t("deputy.set", {
        deputy: esc(d.deputy.name),
        principal: esc(d.principal.name),
        from: d.from,
        to: d.to,
        id: d.id,
      }),
    ),
  );
  try {
    const dl = await resolveLang(
      ctx,
      d.deputy.slackUserId,
      await ctx.actors.get(d.deputy.slackUserId).catch(() => null),
    );
    const text = translator(dl)("deputy.notifyDeputy", {
      principal: esc(d.principal.name),
      from: d.from,
      to: d.to,
    });
    await args.client.chat.postMessage({
      channel: d.deputy.slackUserId,
      text,
      blocks: simpleMessage(text).blocks,
    });
  } catch (error) {
    ctx.logger.warn({ err: error }, "deputy: could not tell the deputy");
  }
};

export const deputySubcommands: KpiTable = { deputy, 代审: deputy };
