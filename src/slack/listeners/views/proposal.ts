/**
 * The propose modal submitted (new points for an item, or a new item) and the assessment group's
 * decision modal submitted. Field problems come back on their blocks (response_action: errors);
 * anything else replaces the modal with the message.
 */

import { z } from "zod";
import { DomainError, isDomainError } from "../../../domain/errors.js";
import { decideProposal, parsePoints } from "../../../domain/proposals.js";
import { translator } from "../../../i18n/index.js";
import { readInputs, str } from "../../blocks/inputs.js";
import { simpleMessage } from "../../blocks/log-reply.js";
import { messageModal } from "../../blocks/modal.js";
import { DECIDE_BLOCKS, PROPOSE_BLOCKS } from "../../blocks/proposals.js";
import { errorText, quickLang, resolveLang, type SlackContext } from "../../context.js";
import { announceDecision, fileProposal } from "../../flows/proposals.js";
import { unpack } from "../../values.js";
import { notify } from "../common.js";
import type { ViewArgs } from "./log-modal.js";

const ProposeMeta = z.object({
  i: z.string().max(64).optional(),
  n: z.number().optional(),
  ch: z.string().max(64).optional(),
});
const DecideMeta = z.object({ p: z.string().min(1).max(64) });

/** Which block a proposal refusal belongs on. */
function proposeBlock(code: string, params: Record<string, unknown>): string | undefined {
  switch (code) {
    case "proposal.badPoints":
    case "proposal.samePoints":
      return PROPOSE_BLOCKS.points;
    case "proposal.noReason":
    case "proposal.reasonTooLong":
      return PROPOSE_BLOCKS.reason;
    case "proposal.codeTaken":
      return PROPOSE_BLOCKS.code;
    case "proposal.badNewItem": {
      const f = String(params.field ?? "");
      return f === "categoryCode" ? PROPOSE_BLOCKS.category : f in PROPOSE_BLOCKS ? f : PROPOSE_BLOCKS.code;
    }
    default:
      return undefined;
  }
}

export function proposeSubmission(ctx: SlackContext) {
  return async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const user = body.user.id;
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    const meta = unpack(ProposeMeta, view.private_metadata);
    const v = readInputs(view.state.values as never);
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      const t = translator(lang);
      if (!meta || (!meta.i && !meta.n)) throw new DomainError("proposal.notFound");
      const points = parsePoints(str(v[PROPOSE_BLOCKS.points]));
      const reason = str(v[PROPOSE_BLOCKS.reason]);
      const input = meta.i
        ? { itemId: meta.i, points, reason }
        : {
            newItem: {
              code: str(v[PROPOSE_BLOCKS.code]),
              name: str(v[PROPOSE_BLOCKS.name]),
              nameEn: str(v[PROPOSE_BLOCKS.nameEn]),
              categoryCode: str(v[PROPOSE_BLOCKS.category]),
              unit: str(v[PROPOSE_BLOCKS.unit]),
              evidence: str(v[PROPOSE_BLOCKS.evidence])
                .split("\n")
                .map((s) => s.trim())
                .filter(Boolean),
            },
            points,
            reason,
          };
      const { proposal, channel } = await fileProposal(ctx, client, actor, input);
      await ack();
      const item = `${proposal.item.code} ${lang === "en" ? proposal.item.nameEn : proposal.item.name}`;
      const text = proposal.isNew
        ? t("proposal.postedNew", { item, to: (points / 100).toFixed(2), channel })
        : t("proposal.posted", {
            item,
            from: proposal.item.currentPoints === null ? "—" : (proposal.item.currentPoints / 100).toFixed(2),
            to: (points / 100).toFixed(2),
            channel,
          });
      await notify(ctx, client, user, meta.ch, simpleMessage(text));
    } catch (error) {
      const text = errorText(ctx, lang, error, "view.propose");
      const block = isDomainError(error) ? proposeBlock(error.code, error.params) : undefined;
      if (block && view.state.values[block])
        await ack({ response_action: "errors", errors: { [block]: text } });
      else await ack({ response_action: "update", view: messageModal(translator(lang), text) });
    }
  };
}

function decideBlock(code: string): string | undefined {
  if (code === "proposal.badPoints") return DECIDE_BLOCKS.points;
  if (code === "proposal.badMonth" || code === "proposal.versionExists") return DECIDE_BLOCKS.month;
  return undefined;
}

export function decideSubmission(ctx: SlackContext) {
  return async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const user = body.user.id;
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    const meta = unpack(DecideMeta, view.private_metadata);
    const v = readInputs(view.state.values as never);
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      const t = translator(lang);
      if (!meta) throw new DomainError("proposal.notFound");
      const decision = str(v[DECIDE_BLOCKS.decision]);
      if (decision !== "adopt" && decision !== "amend" && decision !== "reject") {
        await ack({
          response_action: "errors",
          errors: { [DECIDE_BLOCKS.decision]: t("errors.invalidRequest") },
        });
        return;
      }
      const pointsText = str(v[DECIDE_BLOCKS.points]);
      const result = await decideProposal(ctx.db, ctx.deps, actor, {
        proposalId: meta.p,
        decision,
        ...(decision === "amend" ? { points: parsePoints(pointsText) } : {}),
        ...(decision !== "reject" ? { effectiveMonth: str(v[DECIDE_BLOCKS.month]) } : {}),
        note: str(v[DECIDE_BLOCKS.note]),
      });
      await ack();
      ctx.catalog.invalidate();
      await announceDecision(ctx, client, result).catch((error) =>
        ctx.logger.error({ err: error, proposal: meta.p }, "proposal announcement failed"),
      );
      const channel = result.proposal.channel ?? "";
      await notify(ctx, client, user, undefined, simpleMessage(t("proposal.decidedReply", { channel })));
    } catch (error) {
      const text = errorText(ctx, lang, error, "view.decide");
      const block = isDomainError(error) ? decideBlock(error.code) : undefined;
      if (block) await ack({ response_action: "errors", errors: { [block]: text } });
      else await ack({ response_action: "update", view: messageModal(translator(lang), text) });
    }
  };
}
