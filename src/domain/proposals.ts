/**
 * Re-valuation proposals (SCHEME.md "The work item catalog": points are versioned; staff propose a
 * change, the whole branch reviews it, the assessment group decides, and the change takes effect from a
 * stated month with its reason and decision recorded).
 *
 * - Anyone active proposes new points for an item, or a new item (code, names, category, unit, points).
 * - Anyone active votes Agree / Disagree: one vote per person (ProposalVote's key), changeable while the
 *   proposal is OPEN; the same vote again changes nothing and says so (`outcome: "same"`).
 * - The assessment group decides: adopt (the proposed points), amend (other points), or reject. Adopting
 *   writes a new ItemPointVersion effective from the chosen month (a new WorkItem first, for a new-item
 *   proposal), with `proposalId`, `decisionRef` "proposal:<id>" and the reason + decision note. The month
 *   must not be before the current month nor a published (closed) month, so no closed or past month ever
 *   changes; lines already logged keep the points of the version they were logged with.
 * - The effect preview recomputes last month with the scoring module twice: as it is, and with every
 *   approved line of the item at the new points (per person raw, quantity, final and rank before → after).
 * Every change is one transaction, audited; refusals are audited too.
 *
 * DomainError codes (i18n keys under "errors."):
 *   proposal.badPoints { value }            points not a positive amount with ≤ 2 decimals (≤ 100000)
 *   proposal.noReason                        the reason is empty
 *   proposal.reasonTooLong { max }
 *   proposal.samePoints { points }           the item already has these points
 *   proposal.notFound                        no such proposal
 *   proposal.closed { state }                the proposal is adopted or rejected already
 *   proposal.badMonth { month, earliest }    effective month before `earliest` or closed
 *   proposal.versionExists { code, month }   the item already has a version effective from that month
 *   proposal.codeTaken { code }              a new item's code is already used
 *   proposal.badNewItem { field }            a new item's definition is incomplete or invalid
 *   proposal.noChannel / proposal.postFailed { channel }   (Slack layer) no review channel / posting failed
 *   item.notFound / item.inactive { code, nameEn }
 *   auth.forbidden { roles }
 */
import { z } from "zod";
import type { Db, Tx } from "../db/client.js";
import { Role } from "../generated/prisma/enums.js";
import { computeMonth, type MonthInput, type MonthResult } from "../scoring/index.js";
import { type Clock, currentMonth, isMonth, previousMonth, shiftMonth } from "../util/time.js";
import { audit } from "./audit.js";
import { pinyinInitialsOf } from "./catalog.js";
import { DomainError } from "./errors.js";
import { isClosedMonth, lastClosedMonth, refusalsAudited } from "./guard.js";
import { codeField, MAX_POINTS_HUNDREDTHS } from "./import/fields.js";
import { loadMonthInput } from "./month-input.js";
import { type Actor, requireRole } from "./people.js";

export interface ProposalDeps {
  clock: Clock;
  timeZone: string;
}

export const UNITS = ["TXN", "TAXPAYER", "DOC", "VISIT", "CASE"] as const;
export const REASON_MAX = 1000;
const MAX_POINTS = MAX_POINTS_HUNDREDTHS; // as the catalog import: 100000 points per unit

export const NewItemSchema = z.object({
  /** the catalog import's rule for codes (letters, digits, _ - ., upper-cased) */
  code: z.string().trim().pipe(codeField),
  name: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().min(1).max(200),
  categoryCode: z.string().min(1).max(40),
  unit: z.enum(UNITS),
  evidence: z.array(z.string().trim().min(1).max(100)).max(10).default([]),
});
export type NewItem = z.infer<typeof NewItemSchema>;

/** "3.5" → 350 hundredths; refuses anything but a positive amount with at most 2 decimals. */
export function parsePoints(value: string): number {
  const m = /^(\d{1,6})(?:[.,](\d{1,2}))?$/.exec(value.trim());
  const v = m ? Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0")) : Number.NaN;
  if (!m || !(v > 0) || v > MAX_POINTS) throw new DomainError("proposal.badPoints", { value });
  return v;
}

function checkReason(reason: string): string {
  const r = reason.trim();
  if (!r) throw new DomainError("proposal.noReason");
  if (r.length > REASON_MAX) throw new DomainError("proposal.reasonTooLong", { max: REASON_MAX });
  return r;
}

export interface Tally {
  agree: number;
  disagree: number;
}

export interface ProposalItemView {
  id: string | null;
  code: string;
  name: string;
  nameEn: string;
  categoryCode: string;
  unit: string;
  /** points in force now (hundredths), null for a new item */
  currentPoints: number | null;
}

export interface ProposalView {
  id: string;
  state: "OPEN" | "ADOPTED" | "REJECTED";
  isNew: boolean;
  item: ProposalItemView;
  evidence: string[];
  proposedPoints: number;
  reason: string;
  proposer: { slackUserId: string; name: string };
  tally: Tally;
  /** Slack user ids by choice, in vote order */
  agree: string[];
  disagree: string[];
  channel: string | null;
  ts: string | null;
  decidedBy: string | null;
  adoptedPoints: number | null;
  effectiveMonth: string | null;
  decisionNote: string | null;
  createdAt: Date;
}

export async function readProposal(db: Db | Tx, id: string, month: string): Promise<ProposalView> {
  const p = await db.proposal.findUnique({
    where: { id },
    include: { votes: { orderBy: { updatedAt: "asc" } } },
  });
  if (!p) throw new DomainError("proposal.notFound");
  const people = await db.person.findMany({
    where: {
      id: {
        in: [p.proposerId, ...p.votes.map((v) => v.personId), ...(p.decidedById ? [p.decidedById] : [])],
      },
    },
    select: { id: true, slackUserId: true, name: true },
  });
  const byId = new Map(people.map((x) => [x.id, x]));
  let item: ProposalItemView;
  let evidence: string[] = [];
  if (p.itemId) {
    // an adopted proposal shows the points it replaced (in force the month before its version)
    const asOf = p.state === "ADOPTED" && p.effectiveMonth ? shiftMonth(p.effectiveMonth, -1) : month;
    const w = await db.workItem.findUniqueOrThrow({
      where: { id: p.itemId },
      include: {
        versions: { where: { effectiveMonth: { lte: asOf } }, orderBy: { effectiveMonth: "desc" }, take: 1 },
        evidence: { orderBy: { sortOrder: "asc" } },
      },
    });
    item = {
      id: w.id,
      code: w.code,
      name: w.name,
      nameEn: w.nameEn,
      categoryCode: w.categoryCode,
      unit: w.unit,
      currentPoints: w.versions[0]?.points ?? null,
    };
    evidence = w.evidence.map((e) => e.name);
  } else {
    const n = NewItemSchema.parse(p.newItem);
    item = {
      id: null,
      code: n.code,
      name: n.name,
      nameEn: n.nameEn,
      categoryCode: n.categoryCode,
      unit: n.unit,
      currentPoints: null,
    };
    evidence = n.evidence;
  }
  const agree = p.votes
    .filter((v) => v.choice === "AGREE")
    .map((v) => byId.get(v.personId)?.slackUserId ?? v.personId);
  const disagree = p.votes
    .filter((v) => v.choice === "DISAGREE")
    .map((v) => byId.get(v.personId)?.slackUserId ?? v.personId);
  const proposer = byId.get(p.proposerId);
  return {
    id: p.id,
    state: p.state,
    isNew: !p.itemId,
    item,
    evidence,
    proposedPoints: p.proposedPoints,
    reason: p.reason,
    proposer: { slackUserId: proposer?.slackUserId ?? "", name: proposer?.name ?? "" },
    tally: { agree: agree.length, disagree: disagree.length },
    agree,
    disagree,
    channel: p.channel,
    ts: p.ts,
    decidedBy: p.decidedById ? (byId.get(p.decidedById)?.slackUserId ?? null) : null,
    adoptedPoints: p.adoptedPoints,
    effectiveMonth: p.effectiveMonth,
    decisionNote: p.decisionNote,
    createdAt: p.createdAt,
  };
}

export type ProposalInput =
  | { itemId: string; points: number; reason: string }
  | { newItem: unknown; points: number; reason: string };

/** Files a proposal (OPEN). The caller posts it to the review channel and records where (setProposalMessage). */
export async function createProposal(
  db: Db,
  deps: ProposalDeps,
  actor: Actor,
  input: ProposalInput,
): Promise<ProposalView> {
  const month = currentMonth(deps.timeZone, deps.clock());
  return refusalsAudited(db, actor, { action: "proposal.create", entityType: "Proposal", input }, () =>
    db.$transaction(async (tx) => {
      if (!Number.isInteger(input.points) || input.points <= 0 || input.points > MAX_POINTS)
        throw new DomainError("proposal.badPoints", { value: String(input.points / 100) });
      const reason = checkReason(input.reason);
      let itemId: string | null = null;
      let newItem: NewItem | null = null;
      if ("itemId" in input) {
        const item = await tx.workItem.findUnique({ where: { id: input.itemId } });
        if (!item) throw new DomainError("item.notFound");
        if (!item.active) throw new DomainError("item.inactive", { code: item.code, nameEn: item.nameEn });
        const v = await tx.itemPointVersion.findFirst({
          where: { itemId: item.id, effectiveMonth: { lte: month } },
          orderBy: { effectiveMonth: "desc" },
        });
        if (v && v.points === input.points)
          throw new DomainError("proposal.samePoints", { points: (input.points / 100).toFixed(2) });
        itemId = item.id;
      } else {
        newItem = await checkNewItem(tx, input.newItem);
      }
      const p = await tx.proposal.create({
        data: {
          itemId,
          newItem: newItem ?? undefined,
          proposedPoints: input.points,
          reason,
          proposerId: actor.personId,
          createdAt: deps.clock(),
        },
      });
      await audit(tx, {
        actor: actor.slackUserId,
        action: "proposal.create",
        entityType: "Proposal",
        entityId: p.id,
        after: { itemId, newItem, proposedPoints: input.points, reason },
      });
      return readProposal(tx, p.id, month);
    }),
  );
}

async function checkNewItem(tx: Tx, raw: unknown): Promise<NewItem> {
  const parsed = NewItemSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DomainError("proposal.badNewItem", {
      field: String(parsed.error.issues[0]?.path[0] ?? "item"),
    });
  }
  const n = parsed.data;
  if (await tx.workItem.findUnique({ where: { code: n.code } }))
    throw new DomainError("proposal.codeTaken", { code: n.code });
  if (!(await tx.category.findUnique({ where: { code: n.categoryCode } })))
    throw new DomainError("proposal.badNewItem", { field: "categoryCode" });
  return n;
}

/** Where the proposal's card was posted (for chat.update and its comment thread). */
export async function setProposalMessage(db: Db, id: string, channel: string, ts: string): Promise<void> {
  await db.proposal.update({ where: { id }, data: { channel, ts } });
}

/** Removes a proposal nobody could see (its card could not be posted), with an audit row. */
export async function withdrawProposal(db: Db, actor: string, id: string, reason: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const p = await tx.proposal.findUnique({ where: { id } });
    if (!p || p.ts) return;
    await tx.proposal.delete({ where: { id } });
    await audit(tx, {
      actor,
      action: "proposal.withdraw",
      entityType: "Proposal",
      entityId: id,
      reason,
      before: { ...p, newItem: p.newItem ?? null },
    });
  });
}

export interface VoteResult {
  /** new: first vote; changed: switched sides; same: that vote was already recorded (nothing written) */
  outcome: "new" | "changed" | "same";
  choice: "AGREE" | "DISAGREE";
  proposal: ProposalView;
}

export async function voteOnProposal(
  db: Db,
  deps: ProposalDeps,
  actor: Actor,
  input: { proposalId: string; choice: "AGREE" | "DISAGREE" },
): Promise<VoteResult> {
  const month = currentMonth(deps.timeZone, deps.clock());
  return refusalsAudited(
    db,
    actor,
    { action: "proposal.vote", entityType: "Proposal", entityId: input.proposalId, input },
    () =>
      db.$transaction(async (tx) => {
        // the proposal row locked: a vote cannot slip in after the decision
        const rows = await tx.$queryRaw<{ state: string }[]>`
          SELECT state::text FROM "Proposal" WHERE id = ${input.proposalId} FOR UPDATE`;
        const row = rows[0];
        if (!row) throw new DomainError("proposal.notFound");
        if (row.state !== "OPEN") throw new DomainError("proposal.closed", { state: row.state });
        const key = { proposalId_personId: { proposalId: input.proposalId, personId: actor.personId } };
        const before = await tx.proposalVote.findUnique({ where: key });
        let outcome: VoteResult["outcome"];
        if (before?.choice === input.choice) outcome = "same";
        else {
          outcome = before ? "changed" : "new";
          await tx.proposalVote.upsert({
            where: key,
            create: { proposalId: input.proposalId, personId: actor.personId, choice: input.choice },
            update: { choice: input.choice },
          });
          await audit(tx, {
            actor: actor.slackUserId,
            action: "proposal.vote",
            entityType: "Proposal",
            entityId: input.proposalId,
            before: before ? { choice: before.choice } : null,
            after: { choice: input.choice },
          });
        }
        return { outcome, choice: input.choice, proposal: await readProposal(tx, input.proposalId, month) };
      }),
  );
}

// ───────────────────────────── effect preview ─────────────────────────────

export interface EffectRow {
  personId: string;
  slackUserId: string;
  name: string;
  categoryCode: string;
  /** hundredths */
  rawBefore: bigint;
  rawAfter: bigint;
  /** 2-decimal display strings */
  quantityBefore: string;
  quantityAfter: string;
  finalBefore: bigint;
  finalAfter: bigint;
  rankBefore: number;
  rankAfter: number;
  /** the person logged the item in the month */
  usesItem: boolean;
}

export interface EffectPreview {
  month: string;
  itemCode: string;
  points: number;
  /** everyone assessed, ordered by rank after (changed first when asked by the builder) */
  rows: EffectRow[];
  /** people whose raw, final or rank changes */
  changed: number;
  /** approved lines of the item in the month */
  lines: number;
}

/** The month input with every line of `itemCode` priced at `points` (pure). */
export function repriceInput(input: MonthInput, itemCode: string, points: number): MonthInput {
  return {
    ...input,
    people: input.people.map((p) => ({
      ...p,
      lines: p.lines.map((l) => (l.itemCode === itemCode ? { ...l, points: BigInt(points) } : l)),
    })),
  };
}

/** Before/after rows from two computations of the same month (pure). */
export function compareResults(
  before: MonthResult,
  after: MonthResult,
  who: Map<string, { slackUserId: string; name: string }>,
  users: Set<string>,
): EffectRow[] {
  const afterOf = new Map(after.people.map((p) => [p.personId, p]));
  return before.people
    .map((b) => {
      const a = afterOf.get(b.personId)!;
      const w = who.get(b.personId);
      return {
        personId: b.personId,
        slackUserId: w?.slackUserId ?? "",
        name: w?.name ?? b.name ?? "",
        categoryCode: b.categoryCode,
        rawBefore: b.raw,
        rawAfter: a.raw,
        quantityBefore: b.display.quantity,
        quantityAfter: a.display.quantity,
        finalBefore: b.finalRounded,
        finalAfter: a.finalRounded,
        rankBefore: b.rankOverall,
        rankAfter: a.rankOverall,
        usesItem: users.has(b.personId),
      };
    })
    .sort((x, y) => x.rankAfter - y.rankAfter || x.name.localeCompare(y.name));
}

/**
 * How `month` (default: last month) would have come out had `itemCode` been priced `points` per unit:
 * the month recomputed with the scoring module as it is and repriced.
 */
export async function effectPreview(
  db: Db,
  deps: ProposalDeps,
  input: { itemCode: string; points: number; month?: string },
): Promise<EffectPreview> {
  const month = input.month ?? previousMonth(currentMonth(deps.timeZone, deps.clock()));
  const loaded = await loadMonthInput(db, month);
  const before = computeMonth(loaded.input);
  const after = computeMonth(repriceInput(loaded.input, input.itemCode, input.points));
  const users = new Set<string>();
  let lines = 0;
  for (const p of loaded.input.people) {
    for (const l of p.lines) {
      if (l.itemCode !== input.itemCode) continue;
      users.add(p.personId);
      lines += Number(/×(\d+)$/.exec(l.ref ?? "")?.[1] ?? 1);
    }
  }
  const rows = compareResults(before, after, loaded.people, users);
  const changed = rows.filter(
    (r) => r.rawBefore !== r.rawAfter || r.finalBefore !== r.finalAfter || r.rankBefore !== r.rankAfter,
  ).length;
  return { month, itemCode: input.itemCode, points: input.points, rows, changed, lines };
}

// ───────────────────────────── decision ─────────────────────────────

export interface DecideInput {
  proposalId: string;
  decision: "adopt" | "amend" | "reject";
  /** hundredths; required for amend */
  points?: number;
  /** required for adopt and amend */
  effectiveMonth?: string;
  note?: string;
}

export interface DecideResult {
  proposal: ProposalView;
  /** the version written (adopt/amend) */
  version: { id: string; itemId: string; points: number; effectiveMonth: string } | null;
  /** the points in force before, for the announcement */
  previousPoints: number | null;
}

/** The first month an adoption may take effect from: the current month, or after the last closed one. */
export async function earliestEffectiveMonth(db: Db | Tx, deps: ProposalDeps): Promise<string> {
  const now = currentMonth(deps.timeZone, deps.clock());
  const closed = await lastClosedMonth(db);
  return closed && closed >= now ? shiftMonth(closed, 1) : now;
}

export async function decideProposal(
  db: Db,
  deps: ProposalDeps,
  actor: Actor,
  input: DecideInput,
): Promise<DecideResult> {
  const month = currentMonth(deps.timeZone, deps.clock());
  return refusalsAudited(
    db,
    actor,
    { action: `proposal.${input.decision}`, entityType: "Proposal", entityId: input.proposalId, input },
    async () => {
      requireRole(actor, Role.ASSESSMENT_GROUP);
      const note = input.note?.trim() ? input.note.trim().slice(0, REASON_MAX) : null;
      return db.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<{ state: string }[]>`
          SELECT state::text FROM "Proposal" WHERE id = ${input.proposalId} FOR UPDATE`;
        if (!rows[0]) throw new DomainError("proposal.notFound");
        if (rows[0].state !== "OPEN") throw new DomainError("proposal.closed", { state: rows[0].state });
        const p = await tx.proposal.findUniqueOrThrow({ where: { id: input.proposalId } });
        const tally = await tx.proposalVote.groupBy({
          by: ["choice"],
          where: { proposalId: p.id },
          _count: { _all: true },
        });
        const tallyJson = Object.fromEntries(tally.map((t) => [t.choice, t._count._all]));
        const now = deps.clock();
        if (input.decision === "reject") {
          await tx.proposal.update({
            where: { id: p.id },
            data: { state: "REJECTED", decidedById: actor.personId, decidedAt: now, decisionNote: note },
          });
          await audit(tx, {
            actor: actor.slackUserId,
            action: "proposal.reject",
            entityType: "Proposal",
            entityId: p.id,
            before: { state: "OPEN" },
            after: { state: "REJECTED", note, tally: tallyJson },
          });
          return { proposal: await readProposal(tx, p.id, month), version: null, previousPoints: null };
        }
        const points = input.decision === "amend" ? input.points : (input.points ?? p.proposedPoints);
        if (points === undefined || !Number.isInteger(points) || points <= 0 || points > MAX_POINTS)
          throw new DomainError("proposal.badPoints", { value: String((points ?? 0) / 100) });
        const eff = input.effectiveMonth ?? "";
        const earliest = await earliestEffectiveMonth(tx, deps);
        if (!isMonth(eff) || eff < earliest || (await isClosedMonth(tx, eff)))
          throw new DomainError("proposal.badMonth", { month: eff, earliest });
        let itemId = p.itemId;
        let previousPoints: number | null = null;
        if (itemId) {
          const item = await tx.workItem.findUniqueOrThrow({ where: { id: itemId } });
          const clash = await tx.itemPointVersion.findUnique({
            where: { itemId_effectiveMonth: { itemId, effectiveMonth: eff } },
          });
          if (clash) throw new DomainError("proposal.versionExists", { code: item.code, month: eff });
          const prev = await tx.itemPointVersion.findFirst({
            where: { itemId, effectiveMonth: { lte: eff } },
            orderBy: { effectiveMonth: "desc" },
          });
          previousPoints = prev?.points ?? null;
        } else {
          const n = await checkNewItem(tx, p.newItem);
          const created = await tx.workItem.create({
            data: {
              code: n.code,
              categoryCode: n.categoryCode,
              name: n.name,
              nameEn: n.nameEn,
              unit: n.unit,
              pinyinInitials: pinyinInitialsOf(n.name),
              evidence: { create: n.evidence.map((name, i) => ({ name, nameEn: name, sortOrder: i })) },
            },
          });
          itemId = created.id;
          await audit(tx, {
            actor: actor.slackUserId,
            action: "item.create",
            entityType: "WorkItem",
            entityId: created.id,
            after: { ...n, proposalId: p.id },
          });
        }
        const reason = note ? `${p.reason} — ${note}` : p.reason;
        const version = await tx.itemPointVersion.create({
          data: {
            itemId,
            points,
            effectiveMonth: eff,
            reason: reason.slice(0, 2000),
            decisionRef: `proposal:${p.id}`,
            proposalId: p.id,
            createdById: actor.personId,
          },
        });
        await tx.proposal.update({
          where: { id: p.id },
          data: {
            state: "ADOPTED",
            itemId,
            decidedById: actor.personId,
            decidedAt: now,
            adoptedPoints: points,
            effectiveMonth: eff,
            decisionNote: note,
          },
        });
        await audit(tx, {
          actor: actor.slackUserId,
          action: `proposal.${input.decision}`,
          entityType: "Proposal",
          entityId: p.id,
          before: { state: "OPEN", proposedPoints: p.proposedPoints, previousPoints },
          after: {
            state: "ADOPTED",
            points,
            effectiveMonth: eff,
            note,
            versionId: version.id,
            tally: tallyJson,
          },
        });
        return {
          proposal: await readProposal(tx, p.id, month),
          version: { id: version.id, itemId, points, effectiveMonth: eff },
          previousPoints,
        };
      });
    },
  );
}

/** Open proposals, newest first (for the App Home and `/kpi proposals`). */
export async function openProposals(db: Db, limit = 20): Promise<{ id: string; itemId: string | null }[]> {
  return db.proposal.findMany({
    where: { state: "OPEN" },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { id: true, itemId: true },
  });
}
