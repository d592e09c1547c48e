/**
 * Reviewing sheets: the reviewer's card (a DM, updated in place after a decision), the Details modal (the
 * whole line list, paged), the Return, Adjust and Reopen modals, the staff member's notices, and the
 * `/kpi review` overview. Pure functions of the data and the translator, within Slack's limits: a card of
 * any length stays under 50 blocks with every text under 3000 characters (long lists are cut with a
 * pointer to Details), a modal under 100 blocks.
 */

import type { types } from "@slack/bolt";
import type {
  AdjustedLine,
  ChangesSinceReturn,
  DecisionInfo,
  PersonBrief,
  ReviewCard,
  ReviewOverview,
} from "../../domain/review.js";
import type { Lang, Translate } from "../../i18n/index.js";
import { localDateTime } from "../../util/time.js";
import { ACTIONS, BLOCKS, CALLBACKS } from "../ids.js";
import { packValue } from "../values-pack.js";
import { docNames, itemLabel, pts, sheetStateName, tempStatusName, unitName } from "./format.js";
import {
  actions,
  button,
  context,
  divider,
  esc,
  header,
  type KnownBlock,
  LIMITS,
  type Message,
  type ModalView,
  plain,
  section,
  truncate,
  userText,
} from "./kit.js";
import { stripMarkup } from "./log-reply.js";
import { modal as sharedModal } from "./modal.js";

/** What a section's text may hold, with room for a "…and N more" line. */
const CHUNK = 2800;
/** Item sections on a card at most (the rest: "see Details"). */
const MAX_ITEM_SECTIONS = 8;
/** Lines of each list (temporary tasks, gaps, flags, adjustments, changes) on a card. */
const CARD_LIST = 12;
/** Lines per page of the Details modal, and per page of the Adjust modal. */
export const DETAILS_PAGE = 200;
export const ADJUST_PAGE = 20;

export type CardData = ReviewCard;

function personName(lang: Lang, p: PersonBrief | null | undefined): string {
  if (!p) return "";
  return lang === "en" && p.nameEn ? p.nameEn : p.name;
}

function md(s: string): string {
  return userText(s, 300);
}

/** Joins lines into sections of at most CHUNK characters; past `maxSections`, one "more" line. */
function chunked(lines: string[], maxSections: number, more: (hidden: number) => string): KnownBlock[] {
  const out: KnownBlock[] = [];
  let chunk: string[] = [];
  let size = 0;
  let used = 0;
  for (const line of lines) {
    const l = truncate(line, CHUNK);
    if (size + l.length + 1 > CHUNK && chunk.length) {
      if (out.length === maxSections - 1) break;
      out.push(section(chunk.join("\n")));
      chunk = [];
      size = 0;
    }
    chunk.push(l);
    size += l.length + 1;
    used++;
  }
  if (used < lines.length) chunk.push(more(lines.length - used));
  if (chunk.length) out.push(section(truncate(chunk.join("\n"), LIMITS.sectionText)));
  return out;
}

/** A capped list as one section: a title line, up to `max` lines, then "…and N more lines". */
function listSection(t: Translate, title: string, lines: string[], max = CARD_LIST): KnownBlock {
  const more = (n: number) => t("review.moreLines", { n });
  const shown = lines.slice(0, max);
  const out = [title, ...shown];
  if (lines.length > shown.length) out.push(more(lines.length - shown.length));
  let text = out.join("\n");
  while (text.length > LIMITS.sectionText - 50 && shown.length > 1) {
    shown.pop();
    text = [title, ...shown, more(lines.length - shown.length)].join("\n");
  }
  return section(truncate(text, LIMITS.sectionText));
}

/** The temporary tasks of a sheet, with their pricing status. */
function tempSection(t: Translate, tasks: CardData["tempTasks"], max = CARD_LIST): KnownBlock {
  const lines = tasks.map((x) =>
    t("review.tempLine", {
      date: x.workDate,
      description: md(x.description),
      minutes: x.minutes,
      status: tempStatusName(t, x.status, x.points),
    }),
  );
  return listSection(t, t("review.tempHeader"), lines, max);
}

/** Adjusted lines: date, item, from → to, the reason. */
function adjustedLines(t: Translate, lang: Lang, list: Omit<AdjustedLine, "entryId">[]): string[] {
  return list.map((a) =>
    t("review.adjustedLine", {
      date: a.workDate,
      item: itemLabel(lang, a),
      from: a.from,
      to: a.to,
      reason: md(a.reason),
    }),
  );
}

/** "11-02 ×3, 11-05 ×2": the days of an item, cut at ~300 characters. */
function datesText(dates: { date: string; count: number }[]): string {
  const parts = dates.map((d) => `${d.date.slice(5)}${d.count > 1 ? ` ×${d.count}` : ""}`);
  return truncate(parts.join(", "), 300);
}

function formatAt(at: Date | null | undefined, timeZone: string): string {
  return at ? localDateTime(at, timeZone) : "";
}

/** Who decided: "王股长", or "李副 (for 王股长)" when a deputy acted. */
function decidedBy(t: Translate, lang: Lang, by: PersonBrief | null, forWhom: PersonBrief | null): string {
  const who = esc(personName(lang, by) || "?");
  return forWhom ? t("review.byDeputy", { deputy: who, principal: esc(personName(lang, forWhom)) }) : who;
}

/** The decision line of a decided card: outcome, who, when (and the reason of a return). */
export function decisionText(t: Translate, lang: Lang, d: DecisionInfo, timeZone: string): string {
  const at = formatAt(d.at, timeZone);
  if (d.state === "APPROVED") return t("review.approvedBy", { by: decidedBy(t, lang, d.by, d.for), at });
  if (d.state === "RETURNED")
    return t("review.returnedBy", { by: decidedBy(t, lang, d.by, d.for), at, reason: md(d.reason ?? "") });
  return t("review.lockedState");
}

function changesBlock(t: Translate, lang: Lang, c: ChangesSinceReturn, timeZone: string): KnownBlock {
  const lines: string[] = [];
  const item = (s: { itemCode: string; itemName: string; itemNameEn: string }) => itemLabel(lang, s);
  for (const s of c.added)
    lines.push(t("review.changeAdded", { date: s.workDate, item: item(s), n: s.count }));
  for (const s of c.removed)
    lines.push(t("review.changeRemoved", { date: s.workDate, item: item(s), n: s.count }));
  for (const s of c.changed) {
    lines.push(
      s.count !== s.fromCount
        ? t("review.changeChanged", { date: s.workDate, item: item(s), from: s.fromCount, to: s.count })
        : t("review.changeNote", { date: s.workDate, item: item(s) }),
    );
  }
  for (const x of c.tempAdded)
    lines.push(t("review.changeTempAdded", { description: md(x.description), minutes: x.minutes }));
  for (const x of c.tempRemoved)
    lines.push(t("review.changeTempRemoved", { description: md(x.description), minutes: x.minutes }));
  if (lines.length === 0) lines.push(t("review.noChanges"));
  const title = t("review.changesHeader", {
    at: formatAt(c.returnedAt, timeZone),
    reason: md(c.reason ?? ""),
  });
  return listSection(t, title, lines);
}

/** The card's value for its buttons. */
function refValue(card: { sheetId: string; version: number }, extra: { o?: 1 } = {}): string {
  return packValue({ s: card.sheetId, v: card.version, ...extra });
}

/** The body of a card (everything but the buttons), shared by the DM card and the Reopen message. */
function cardBody(t: Translate, lang: Lang, c: CardData, timeZone: string): KnownBlock[] {
  const blocks: KnownBlock[] = [
    header(t("review.cardHeader", { person: personName(lang, c.person), month: c.month })),
  ];
  const meta = [
    t("review.cardMeta", {
      at: formatAt(c.submittedAt, timeZone),
      lines: c.lines.length,
      state: sheetStateName(t, c.state),
    }),
    t("review.reviewer", {
      reviewer: c.reviewer ? esc(personName(lang, c.reviewer)) : t("review.unassigned"),
    }),
  ];
  blocks.push(context(meta));
  if (c.decision) blocks.push(section(decisionText(t, lang, c.decision, timeZone)));
  if (c.late) blocks.push(section(t("review.lateMark")));
  if (c.changesSinceReturn) blocks.push(changesBlock(t, lang, c.changesSinceReturn, timeZone));
  const itemLines = c.items.map((i) => {
    const base =
      i.pointsPerUnit !== null
        ? t("review.itemLine", {
            item: itemLabel(lang, i),
            n: i.count,
            ppu: pts(t, i.pointsPerUnit),
            points: pts(t, i.points),
            dates: datesText(i.dates),
          })
        : t("review.itemLineMixed", {
            item: itemLabel(lang, i),
            n: i.count,
            unit: unitName(t, i.unit),
            points: pts(t, i.points),
            dates: datesText(i.dates),
          });
    return (
      base +
      (i.gaps ? t("review.itemGaps", { n: i.gaps }) : "") +
      (i.adjusted ? t("review.itemAdjusted", { n: i.adjusted }) : "")
    );
  });
  if (itemLines.length)
    blocks.push(...chunked(itemLines, MAX_ITEM_SECTIONS, (n) => t("review.moreItems", { n })));
  if (c.tempTasks.length) blocks.push(tempSection(t, c.tempTasks));
  if (c.evidenceGaps.length) {
    blocks.push(
      listSection(
        t,
        t("review.gapsHeader", { n: c.evidenceGaps.length, points: pts(t, c.incompleteTotal) }),
        c.evidenceGaps.map((g) =>
          t("review.gapLine", {
            date: g.workDate,
            item: itemLabel(lang, g),
            docs: docNames(
              lang,
              g.missing.map((name, k) => ({ name, nameEn: g.missingEn[k] ?? null })),
            ),
          }),
        ),
      ),
    );
  }
  if (c.flags.length) {
    blocks.push(
      listSection(
        t,
        t("review.flagsHeader"),
        c.flags.map((f) =>
          f.kind === "dayOver"
            ? t("review.flagDayOver", { date: f.date, points: pts(t, f.points), limit: pts(t, f.limit) })
            : t("review.flagDuplicate", {
                date: f.date,
                item: itemLabel(lang, f),
                n: f.count,
                lines: f.lines,
              }),
        ),
      ),
    );
  }
  if (c.clean) blocks.push(context([t("review.clean")]));
  if (c.adjusted.length)
    blocks.push(listSection(t, t("review.adjustedHeader"), adjustedLines(t, lang, c.adjusted)));
  blocks.push(section(t("review.total", { total: pts(t, c.total), lines: c.lines.length })));
  return blocks;
}

/**
 * The reviewer's card. While SUBMITTED: Approve, Return…, Adjust…, Details. Once decided: the outcome,
 * who and when, and no buttons. Always within 50 blocks.
 */
export function reviewCardMessage(t: Translate, lang: Lang, c: CardData, timeZone: string): Message {
  const blocks = cardBody(t, lang, c, timeZone);
  if (c.state === "SUBMITTED") {
    const v = refValue(c);
    blocks.push(
      actions(
        [
          button(t("review.approve"), ACTIONS.reviewApprove, v, "primary"),
          button(t("review.return"), ACTIONS.reviewReturn, v, "danger"),
          button(t("review.adjust"), ACTIONS.reviewAdjust, v),
          button(t("review.details"), ACTIONS.reviewDetails, v),
        ],
        "review_actions",
      ),
    );
  } else if (c.state === "RETURNED") {
    blocks.push(context([t("review.waitingResubmit", { person: esc(personName(lang, c.person)) })]));
  }
  const text = stripMarkup(
    c.decision
      ? `${t("review.cardHeader", { person: personName(lang, c.person), month: c.month })} · ${decisionText(t, lang, c.decision, timeZone)}`
      : t("review.cardHeader", { person: personName(lang, c.person), month: c.month }),
  );
  return { text, blocks: blocks.slice(0, LIMITS.messageBlocks) };
}

/** An approved sheet shown to the assessment group with a Reopen… button (`/kpi reopen @user MONTH`). */
export function reopenPromptMessage(t: Translate, lang: Lang, c: CardData, timeZone: string): Message {
  const blocks = cardBody(t, lang, c, timeZone);
  if (c.state === "APPROVED") {
    blocks.push(
      actions(
        [button(t("review.reopenButton"), ACTIONS.reviewReopen, refValue(c), "danger")],
        "reopen_actions",
      ),
    );
  }
  return {
    text: stripMarkup(t("review.cardHeader", { person: personName(lang, c.person), month: c.month })),
    blocks: blocks.slice(0, LIMITS.messageBlocks),
  };
}

function modalView(
  t: Translate,
  callbackId: string,
  title: string,
  blocks: KnownBlock[],
  meta: unknown,
  submit?: string,
): ModalView {
  return sharedModal(t, callbackId, title, blocks, meta, submit, t("review.close"));
}

function pager(
  t: Translate,
  actionId: string,
  c: { sheetId: string; version: number },
  page: number,
  pages: number,
): KnownBlock[] {
  if (pages <= 1) return [];
  const buttons: types.Button[] = [];
  if (page > 0)
    buttons.push({
      ...button(t("review.prev"), actionId, packValue({ s: c.sheetId, v: c.version, p: page - 1 })),
      action_id: `${actionId}:prev`,
    });
  if (page < pages - 1)
    buttons.push({
      ...button(t("review.next"), actionId, packValue({ s: c.sheetId, v: c.version, p: page + 1 })),
      action_id: `${actionId}:next`,
    });
  return [actions(buttons, "review_pager")];
}

/** The full line list, DETAILS_PAGE lines a page, each page within 100 blocks. */
export function reviewDetailsModal(t: Translate, lang: Lang, c: CardData, page = 0): ModalView {
  const pages = Math.max(1, Math.ceil(c.lines.length / DETAILS_PAGE));
  const p = Math.min(Math.max(0, page), pages - 1);
  const lines = c.lines.slice(p * DETAILS_PAGE, (p + 1) * DETAILS_PAGE).map((l) => {
    let s = t("review.detailLine", {
      date: l.workDate,
      item: itemLabel(lang, l),
      n: l.count,
      points: pts(t, l.subtotal),
    });
    if (l.evidenceMissing.length) s += t("review.detailGap", { docs: docNames(lang, l.evidenceMissing) });
    if (l.originalCount !== null)
      s += t("review.detailAdjusted", { from: l.originalCount, reason: md(l.adjustReason ?? "") });
    if (l.note) s += ` · _${userText(l.note, 120)}_`;
    return s;
  });
  const blocks: KnownBlock[] = [
    section(
      t("review.detailsIntro", {
        person: esc(personName(lang, c.person)),
        month: c.month,
        lines: c.lines.length,
        total: pts(t, c.total),
        state: sheetStateName(t, c.state),
      }),
    ),
  ];
  if (pages > 1) blocks.push(context([t("review.detailsPage", { page: p + 1, pages })]));
  blocks.push(divider());
  blocks.push(...chunked(lines, 80, (n) => t("review.moreLines", { n })));
  if (c.tempTasks.length) blocks.push(tempSection(t, c.tempTasks, 40));
  blocks.push(...pager(t, ACTIONS.reviewDetailsPage, c, p, pages));
  return modalView(t, CALLBACKS.reviewDetailsModal, t("review.detailsTitle"), blocks, {
    s: c.sheetId,
    v: c.version,
    p,
  });
}

/** A modal asking for one required reason (Return…, Reopen…). */
function reasonModal(
  t: Translate,
  c: CardData,
  o: { callbackId: string; title: string; intro: string; submit: string; placeholder?: string },
): ModalView {
  return modalView(
    t,
    o.callbackId,
    o.title,
    [
      section(o.intro),
      {
        type: "input",
        block_id: BLOCKS.reviewReason,
        label: plain(t("review.reason")),
        element: {
          type: "plain_text_input",
          action_id: ACTIONS.reviewReason,
          multiline: true,
          max_length: 500,
          ...(o.placeholder ? { placeholder: plain(o.placeholder, LIMITS.placeholder) } : {}),
        },
      },
    ],
    { s: c.sheetId, v: c.version },
    o.submit,
  );
}

/** The Return modal: a required reason. */
export function reviewReturnModal(t: Translate, lang: Lang, c: CardData): ModalView {
  return reasonModal(t, c, {
    callbackId: CALLBACKS.reviewReturnModal,
    title: t("review.returnTitle"),
    intro: t("review.returnIntro", { person: esc(personName(lang, c.person)), month: c.month }),
    submit: t("review.returnSubmit"),
    placeholder: t("review.returnPlaceholder"),
  });
}

/** The Reopen modal (assessment group): a required reason. */
export function reviewReopenModal(t: Translate, lang: Lang, c: CardData): ModalView {
  return reasonModal(t, c, {
    callbackId: CALLBACKS.reviewReopenModal,
    title: t("review.reopenTitle"),
    intro: t("review.reopenIntro", { person: esc(personName(lang, c.person)), month: c.month }),
    submit: t("review.reopenSubmit"),
  });
}

/** The lines in the order the Adjust modal lists them: by item, then date. */
export function adjustOrder(c: CardData): CardData["lines"] {
  return [...c.lines].sort(
    (a, b) =>
      a.itemCode.localeCompare(b.itemCode) ||
      a.workDate.localeCompare(b.workDate) ||
      a.createdAt.getTime() - b.createdAt.getTime() ||
      a.id.localeCompare(b.id),
  );
}

/**
 * The Adjust modal: ADJUST_PAGE lines a page, each a count input (the current count) and an optional
 * reason (required by the submission when the count changes).
 */
export function reviewAdjustModal(t: Translate, lang: Lang, c: CardData, page = 0, note?: string): ModalView {
  const ordered = adjustOrder(c);
  const pages = Math.max(1, Math.ceil(ordered.length / ADJUST_PAGE));
  const p = Math.min(Math.max(0, page), pages - 1);
  const slice = ordered.slice(p * ADJUST_PAGE, (p + 1) * ADJUST_PAGE);
  const blocks: KnownBlock[] = [
    section(t("review.adjustIntro", { person: esc(personName(lang, c.person)), month: c.month })),
  ];
  if (note) blocks.push(section(note));
  if (pages > 1) {
    blocks.push(
      context([
        t("review.adjustPage", {
          from: p * ADJUST_PAGE + 1,
          to: p * ADJUST_PAGE + slice.length,
          total: ordered.length,
        }),
      ]),
    );
  }
  for (const l of slice) {
    const label = truncate(
      stripMarkup(
        t("review.adjustCount", {
          date: l.workDate,
          item: `${l.itemCode} ${lang === "en" && l.itemNameEn ? l.itemNameEn : l.itemName}`,
          ppu: pts(t, l.pointsPerUnit),
        }),
      ),
      LIMITS.headerText,
    );
    blocks.push({
      type: "input",
      block_id: `${BLOCKS.reviewCountPrefix}${l.id}`,
      label: plain(label, 2000),
      ...(l.originalCount !== null
        ? {
            hint: plain(
              `${t("review.adjustWas", { n: l.originalCount })}: ${truncate(l.adjustReason ?? "", 200)}`,
            ),
          }
        : {}),
      element: {
        type: "plain_text_input",
        action_id: ACTIONS.reviewCount,
        initial_value: String(l.count),
        max_length: 6,
      },
    });
    blocks.push({
      type: "input",
      block_id: `${BLOCKS.reviewReasonPrefix}${l.id}`,
      optional: true,
      label: plain(t("review.reason")),
      element: {
        type: "plain_text_input",
        action_id: ACTIONS.reviewLineReason,
        max_length: 500,
        placeholder: plain(t("review.adjustReasonPlaceholder"), LIMITS.placeholder),
      },
    });
  }
  blocks.push(...pager(t, ACTIONS.reviewAdjustPage, c, p, pages));
  return modalView(
    t,
    CALLBACKS.reviewAdjustModal,
    t("review.adjustTitle"),
    blocks,
    { s: c.sheetId, v: c.version, p },
    t("common.save"),
  );
}

// ───────────────────────────── notices ─────────────────────────────

export interface DecisionNotice {
  month: string;
  state: string;
  decidedBy: PersonBrief;
  decidedFor: PersonBrief | null;
  reason: string | null;
  adjusted: Omit<AdjustedLine, "entryId">[];
  total?: number;
}

/** The staff member's DM after a decision: outcome, who, the reason, adjusted lines. */
export function staffDecisionMessage(t: Translate, lang: Lang, n: DecisionNotice): Message {
  const by = decidedBy(t, lang, n.decidedBy, n.decidedFor);
  const main =
    n.state === "APPROVED"
      ? t("review.staffApproved", { month: n.month, by, total: pts(t, n.total ?? 0) })
      : t("review.staffReturned", { month: n.month, by, reason: md(n.reason ?? "") });
  const blocks: KnownBlock[] = [section(main)];
  if (n.adjusted.length) {
    blocks.push(listSection(t, t("review.staffAdjustedHeader"), adjustedLines(t, lang, n.adjusted), 30));
  }
  return { text: stripMarkup(main), blocks };
}

/** The staff member's DM after the reviewer adjusted lines of their submitted sheet. */
export function staffAdjustedMessage(t: Translate, lang: Lang, n: DecisionNotice): Message {
  const title = t("review.staffAdjusted", {
    by: decidedBy(t, lang, n.decidedBy, n.decidedFor),
    month: n.month,
    total: pts(t, n.total ?? 0),
  });
  return {
    text: stripMarkup(title),
    blocks: [listSection(t, title, adjustedLines(t, lang, n.adjusted), 30)],
  };
}

/** After a reopen: the staff member's and the reviewer's DMs. */
export function reopenNotices(
  t: Translate,
  lang: Lang,
  n: { month: string; by: PersonBrief; person: PersonBrief; reason: string },
): { staff: Message; reviewer: Message } {
  const by = esc(personName(lang, n.by));
  const staff = t("review.staffReopened", { by, month: n.month, reason: md(n.reason) });
  const reviewer = t("review.reviewerReopened", {
    by,
    person: esc(personName(lang, n.person)),
    month: n.month,
    reason: md(n.reason),
  });
  return {
    staff: { text: stripMarkup(staff), blocks: [section(staff)] },
    reviewer: { text: stripMarkup(reviewer), blocks: [section(reviewer)] },
  };
}

// ───────────────────────────── the overview ─────────────────────────────

/** Sheets listed with their buttons in `/kpi review` (each takes 2 blocks). */
const OVERVIEW_SHEETS = 20;

/** `/kpi review`: pending sheets with per-sheet buttons, Approve all clean, who has not submitted. */
export function reviewOverviewMessage(t: Translate, lang: Lang, o: ReviewOverview, note?: string): Message {
  const blocks: KnownBlock[] = [header(t("review.overviewHeader", { month: o.month }))];
  if (note) blocks.push(section(note));
  if (o.published) blocks.push(section(t("review.overviewPublished", { month: o.month })));
  else if (o.pending.length === 0) blocks.push(section(t("review.overviewNone", { month: o.month })));
  const clean = o.pending.filter((p) => p.clean);
  for (const p of o.pending.slice(0, OVERVIEW_SHEETS)) {
    const line =
      t("review.overviewLine", {
        person: esc(personName(lang, p.person)),
        total: pts(t, p.total),
        lines: p.lines,
      }) +
      (p.onBehalfOf ? t("review.overviewFor", { principal: esc(personName(lang, p.onBehalfOf)) }) : "") +
      (p.late ? t("review.overviewLate") : "");
    const status = p.clean
      ? t("review.overviewClean")
      : t("review.overviewIssues", { gaps: p.evidenceGaps, flags: p.flags, temp: p.tempAwaiting });
    const v = packValue({ s: p.sheetId, v: p.version, o: 1 });
    blocks.push(
      section(`${line}\n${status}`, {
        block_id: `review:${p.sheetId}`,
        accessory: button(t("review.details"), ACTIONS.reviewDetails, v),
      }),
    );
    blocks.push(
      actions(
        [
          button(t("review.approve"), ACTIONS.reviewApprove, v, "primary"),
          button(t("review.return"), ACTIONS.reviewReturn, v, "danger"),
          button(t("review.adjust"), ACTIONS.reviewAdjust, v),
        ],
        `review_actions:${p.sheetId}`,
      ),
    );
  }
  if (o.pending.length > OVERVIEW_SHEETS) {
    blocks.push(context([t("review.moreSheets", { n: o.pending.length - OVERVIEW_SHEETS })]));
  }
  if (clean.length > 0) {
    // the value names the sheets (id → version) the click may approve: as many as fit, in the overview's
    // order, and the label counts exactly those (never "the whole month", which would approve unseen sheets)
    const sheets: Record<string, number> = {};
    let value = JSON.stringify({ m: o.month, s: sheets });
    for (const p of clean) {
      const next = JSON.stringify({ m: o.month, s: { ...sheets, [p.sheetId]: p.version } });
      if (next.length > LIMITS.buttonValue) break;
      sheets[p.sheetId] = p.version;
      value = next;
    }
    const n = Object.keys(sheets).length;
    blocks.push(
      actions(
        [button(t("review.approveAll", { n }), ACTIONS.reviewApproveAll, value, "primary")],
        "review_approve_all",
      ),
    );
  }
  blocks.push(divider());
  // a published month has nobody left to chase
  if (o.notSubmitted.length === 0) {
    if (o.sections > 0 && !o.published)
      blocks.push(context([t("review.everyoneSubmitted", { month: o.month })]));
  } else {
    blocks.push(
      listSection(
        t,
        t("review.notSubmittedHeader"),
        o.notSubmitted.map((n) =>
          t("review.notSubmittedLine", {
            person: esc(personName(lang, n.person)),
            state: sheetStateName(t, n.state),
            lines: n.lines,
          }),
        ),
        40,
      ),
    );
  }
  if (o.decided > 0) blocks.push(context([t("review.decidedCount", { n: o.decided, month: o.month })]));
  return {
    text: stripMarkup(t("review.overviewHeader", { month: o.month })),
    blocks: blocks.slice(0, LIMITS.messageBlocks),
  };
}
