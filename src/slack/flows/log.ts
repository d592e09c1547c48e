/**
 * The logging flows shared by the command, the buttons and the modal: record a line (or ask for a
 * confirmation), find an item from what was typed, and render the outcomes.
 */
import type { Lang } from "../../i18n/index.js";
import { translator } from "../../i18n/index.js";
import type { Message } from "../blocks/kit.js";
import {
  type CandidateView,
  type ConfirmView,
  candidatesReply,
  confirmReply,
  type LoggedView,
  loggedReply,
} from "../blocks/log-reply.js";
import type { SlackContext } from "../context.js";
import {
  type Actor,
  type CatalogItem,
  type LogWorkResult,
  logWork,
  logWorkAs,
  matchItems,
  PLAUSIBLE_SCORE,
} from "../domain.js";
import type { PendingLog } from "../values.js";

export interface EvidenceInput {
  links?: string[];
  files?: { id: string; name?: string }[];
  checked?: string[];
}

export type LogOutcome =
  | { kind: "logged"; view: LoggedView; pending: PendingLog }
  | { kind: "confirm"; view: ConfirmView; pending: PendingLog };

/** Records the pending line (one use-case call). Throws DomainError on refusal. */
export async function recordLine(
  ctx: SlackContext,
  actor: Actor,
  pending: PendingLog,
  opts: { confirm?: boolean; evidence?: EvidenceInput } = {},
): Promise<LogOutcome> {
  const r = await logWork(ctx.db, ctx.deps, actor, logInput(pending, opts));
  return toOutcome(r, pending);
}

/**
 * recordLine for a Slack user not resolved yet: the person is looked up in the same round trip (the
 * /log command's path) and the actor cache refreshed with them, also when the line is refused (the
 * refusal is then answered in their language). Refuses unknown and deactivated people with the same
 * DomainErrors as the actor cache.
 */
export async function recordLineAs(
  ctx: SlackContext,
  slackUserId: string,
  pending: PendingLog,
): Promise<{ actor: Actor; outcome: LogOutcome }> {
  const { actor, result } = await logWorkAs(ctx.db, ctx.deps, slackUserId, logInput(pending, {}), {
    onActor: (a) => ctx.actors.prime(a),
  });
  return { actor, outcome: toOutcome(result, pending) };
}

function logInput(pending: PendingLog, opts: { confirm?: boolean; evidence?: EvidenceInput }) {
  return {
    itemId: pending.i,
    count: pending.c,
    workDate: pending.d,
    ...(pending.n ? { note: pending.n } : {}),
    ...(opts.evidence ? { evidence: opts.evidence } : {}),
    ...(opts.confirm ? { confirm: true } : {}),
  };
}

function toOutcome(r: LogWorkResult, pending: PendingLog): LogOutcome {
  if (r.status === "confirm") {
    return {
      kind: "confirm",
      pending,
      view: { reason: r.reason, dayTotal: r.dayTotal, limit: r.limit },
    };
  }
  return {
    kind: "logged",
    pending,
    view: {
      entry: { ...r.entry, note: pending.n ?? null },
      dayTotal: r.dayTotal,
      monthTotal: r.monthTotal,
      monthLines: r.monthLines,
      evidenceMissing: r.evidenceMissing,
    },
  };
}

export function renderOutcome(lang: Lang, o: LogOutcome): Message {
  const t = translator(lang);
  return o.kind === "logged" ? loggedReply(t, lang, o.view, o.pending.n) : confirmReply(t, o.view, o.pending);
}

export type ItemMatch =
  | { kind: "exact"; item: CatalogItem }
  | { kind: "ambiguous" | "unknown"; candidates: CandidateView[] };

/** What the typed item names, from the in-memory catalog. */
export function findItem(items: CatalogItem[], query: string): ItemMatch {
  const m = matchItems(items, query, { limit: 5 });
  if (m.exact) return { kind: "exact", item: m.exact };
  const plausible = (m.candidates[0]?.score ?? 0) >= PLAUSIBLE_SCORE;
  return {
    kind: plausible ? "ambiguous" : "unknown",
    candidates: m.candidates.map((c) => ({
      id: c.item.id,
      code: c.item.code,
      name: c.item.name,
      nameEn: c.item.nameEn,
      points: c.item.points,
    })),
  };
}

export function renderCandidates(
  lang: Lang,
  match: Exclude<ItemMatch, { kind: "exact" }>,
  query: string,
  pending: Omit<PendingLog, "i">,
): Message {
  return candidatesReply(translator(lang), lang, match.kind, query, match.candidates, pending);
}
