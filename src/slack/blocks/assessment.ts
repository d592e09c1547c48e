/**
 * Block Kit for the assessment group and the branch chief (pure functions of their inputs):
 * - the pricing queue (`/kpi pricing`), the pricing form, and the owner's DM;
 * - the quality form (`/kpi quality @person [month]`) with the running score, the recorded adjustments
 *   (each removable), the catalog's standards for the items worked on, a free adjustment, and the Veto
 *   button that pushes the veto confirmation;
 * - the discretionary pool form (`/kpi award`) and the recipient's DM.
 */

import type { PoolView } from "../../domain/awards.js";
import type { PricingTask } from "../../domain/pricing.js";
import type { QualitySheet } from "../../domain/quality.js";
import type { Lang, Translate } from "../../i18n/index.js";
import { ASSESS_ACTIONS, ASSESS_BLOCKS, ASSESS_CALLBACKS } from "../ids.js";
import type { AwardMeta, PricingMeta, QualityMeta, VetoMeta } from "../values-assessment.js";
import { packValue } from "../values-pack.js";
import { amount, itemName, unitName } from "./format.js";
import {
  actions,
  button,
  capBlocks,
  context,
  divider,
  header,
  type KnownBlock,
  LIMITS,
  type Message,
  type ModalView,
  option,
  plain,
  section,
  truncate,
  userText,
} from "./kit.js";
import { stripMarkup } from "./log-reply.js";
import { modal } from "./modal.js";

/** Signed display: "+1.00", "-2.00". */
function signed(h: number | bigint): string {
  const v = BigInt(h);
  return v > 0n ? `+${amount(v)}` : amount(v);
}

function rate(refPoints: number, refMinutes: number): string {
  // display only: hundredths per minute rounded half up
  const r = (2n * BigInt(refPoints) + BigInt(refMinutes)) / (2n * BigInt(refMinutes));
  return amount(r);
}

// ───────────────────────────── pricing ─────────────────────────────

function similarLine(t: Translate, lang: Lang, task: PricingTask): string {
  const it = task.similarItem;
  if (!it) return t("pricing.noSimilar");
  const item = userText(itemName(lang, it), 100);
  return it.pointsPerUnit === null
    ? t("pricing.similarNoPoints", { code: it.code, item })
    : t("pricing.similar", {
        code: it.code,
        item,
        points: amount(it.pointsPerUnit),
        unit: unitName(t, it.unit),
      });
}

/** How the suggestion was reached, in one line. */
export function suggestionLine(t: Translate, lang: Lang, task: PricingTask): string {
  const s = task.suggestion;
  const common = { points: amount(s.points), minutes: task.minutes };
  if (s.basis === "base") return t("pricing.suggestBase", common);
  const ref = {
    ...common,
    rate: rate(s.refPoints, s.refMinutes),
    refTasks: s.refTasks,
    refPoints: amount(s.refPoints),
    refMinutes: s.refMinutes,
  };
  return s.basis === "item"
    ? t("pricing.suggestItem", { ...ref, code: task.similarItem?.code ?? "" })
    : t("pricing.suggestCategory", {
        ...ref,
        category: task.category
          ? userText(lang === "en" ? task.category.nameEn : task.category.name, 60)
          : (s.categoryCode ?? ""),
      });
}

function taskText(t: Translate, task: PricingTask): string {
  return t("pricing.task", {
    name: userText(task.owner.name, 60),
    date: task.workDate,
    minutes: task.minutes,
    description: userText(task.description, 400),
  });
}

/** The queue: each task with its similar item, the suggestion and a Price… button. */
export function pricingQueueMessage(
  t: Translate,
  lang: Lang,
  queue: { month: string | null; tasks: PricingTask[]; total: number },
): Message {
  const m = queue.month;
  if (queue.tasks.length === 0) {
    const text = m ? t("pricing.queueEmptyMonth", { month: m }) : t("pricing.queueEmpty");
    return { text: stripMarkup(text), blocks: [section(text)] };
  }
  const title = m
    ? t("pricing.queueHeaderMonth", { month: m, count: queue.total })
    : t("pricing.queueHeader", { count: queue.total });
  const blocks: KnownBlock[] = [header(title)];
  // three blocks per task; 50 at most in a message
  const shown = queue.tasks.slice(0, 15);
  for (const task of shown) {
    blocks.push(
      section(taskText(t, task), {
        block_id: `pricing:${task.id}`,
        accessory: button(
          t("pricing.priceButton"),
          ASSESS_ACTIONS.pricingOpen,
          packValue({ t: task.id }, LIMITS.buttonValue),
          "primary",
        ),
      }),
      context([similarLine(t, lang, task), suggestionLine(t, lang, task)]),
    );
  }
  if (queue.total > shown.length)
    blocks.push(context([t("pricing.more", { count: queue.total - shown.length })]));
  return {
    text: stripMarkup(title),
    blocks: capBlocks(blocks, LIMITS.messageBlocks, (n) => t("common.truncated", { count: n })),
  };
}

/** The pricing form of one task, the suggestion filled in. */
export function pricingModal(t: Translate, lang: Lang, task: PricingTask, meta: PricingMeta): ModalView {
  const blocks: KnownBlock[] = [
    section(taskText(t, task)),
    context([similarLine(t, lang, task)]),
    context([suggestionLine(t, lang, task)]),
    {
      type: "input",
      block_id: ASSESS_BLOCKS.pricingPoints,
      label: plain(t("pricing.points")),
      hint: plain(t("pricing.pointsHint")),
      element: {
        type: "plain_text_input",
        action_id: ASSESS_ACTIONS.pricingPoints,
        initial_value: amount(task.suggestion.points),
        max_length: 12,
      },
    },
    {
      type: "input",
      block_id: ASSESS_BLOCKS.pricingReason,
      label: plain(t("pricing.reason")),
      element: {
        type: "plain_text_input",
        action_id: ASSESS_ACTIONS.pricingReason,
        multiline: true,
        max_length: 500,
        placeholder: plain(t("pricing.reasonPlaceholder"), LIMITS.placeholder),
      },
    },
  ];
  return modal(t, ASSESS_CALLBACKS.pricingModal, t("pricing.title"), blocks, meta, t("pricing.submit"));
}

/** A small result modal (priced, already priced…) shown in place of the form. */
export function noticeModal(t: Translate, title: string, text: string): ModalView {
  return modal(t, "assess_notice", title, [section(text)], {});
}

export function pricedText(t: Translate, task: PricingTask, repeated: boolean): string {
  const points = amount(task.points ?? 0);
  if (repeated) return t("pricing.doneRepeated", { points });
  return t("pricing.done", {
    points,
    name: userText(task.owner.name, 60),
    description: userText(task.description, 200),
    minutes: task.minutes,
    date: task.workDate,
  });
}

export function alreadyPricedText(t: Translate, task: PricingTask, at: string): string {
  return t("pricing.alreadyPriced", {
    points: amount(task.points ?? 0),
    by: userText(task.pricedBy?.name ?? "?", 60),
    at,
    reason: userText(task.pricingReason ?? "", 300),
  });
}

/** The DM to the task's owner. */
export function pricedDm(t: Translate, task: PricingTask, by: string): Message {
  const text = t("pricing.dm", {
    description: userText(task.description, 200),
    minutes: task.minutes,
    date: task.workDate,
    points: amount(task.points ?? 0),
    by: userText(by, 60),
    reason: userText(task.pricingReason ?? "", 500),
    month: task.month,
  });
  return { text: stripMarkup(text), blocks: [section(text)] };
}

// ───────────────────────────── quality ─────────────────────────────

export interface QualityModalOptions {
  meta: QualityMeta;
  /** a line shown on top after a save or a removal */
  notice?: string;
  /** "2026-11-20 10:05" of the review, formatted by the caller in the configured zone */
  reviewedAt?: string;
  /** the score if the form were saved now (ticked standards and the typed value), while editing */
  preview?: { value: string; vetoed: boolean };
}

function scoreBlocks(t: Translate, sheet: QualitySheet, opts: QualityModalOptions): KnownBlock[] {
  const s = sheet.score;
  const lines = [
    t("quality.heading", { name: userText(sheet.person.name, 60), month: sheet.month }),
    t("quality.score", {
      score: s.value,
      deductions: amount(-s.deductions),
      bonuses: amount(s.bonuses),
    }),
  ];
  if (s.vetoed) lines.push(t("quality.vetoed"));
  else if (s.beforeFloor !== s.value) lines.push(t("quality.floored", { before: s.beforeFloor }));
  if (opts.preview && opts.preview.value !== s.value)
    lines.push(t("quality.preview", { score: opts.preview.value }));
  const blocks: KnownBlock[] = [];
  if (opts.notice) blocks.push(section(opts.notice));
  blocks.push(section(lines.join("\n")));
  blocks.push(
    context([
      sheet.published
        ? t("quality.published", { month: sheet.month })
        : sheet.review
          ? t("quality.reviewed", {
              by: userText(sheet.review.by?.name ?? "?", 60),
              at: opts.reviewedAt ?? "",
            })
          : t("quality.notReviewed"),
    ]),
  );
  return blocks;
}

function adjustmentBlocks(t: Translate, sheet: QualitySheet): KnownBlock[] {
  const blocks: KnownBlock[] = [section(t("quality.recorded"))];
  if (sheet.adjustments.length === 0) {
    blocks.push(context([t("quality.none")]));
    return blocks;
  }
  const shown = sheet.adjustments.slice(0, 40);
  for (const a of shown) {
    const by = userText(a.createdBy?.name ?? "?", 40);
    const reason = userText(a.reason, 300);
    let text = a.veto
      ? t("quality.vetoLine", { reason, by })
      : t("quality.adjustment", { value: signed(a.value), reason, by });
    if (a.evidence) text += `\n${t("quality.evidenceLine", { evidence: userText(a.evidence, 300) })}`;
    blocks.push(
      section(text, {
        block_id: `quality_adj:${a.id}`,
        ...(sheet.published
          ? {}
          : {
              accessory: button(
                t("quality.remove"),
                ASSESS_ACTIONS.qualityRemove,
                packValue({ a: a.id }, LIMITS.buttonValue),
              ),
            }),
      }),
    );
  }
  if (sheet.adjustments.length > shown.length)
    blocks.push(context([t("common.truncated", { count: sheet.adjustments.length - shown.length })]));
  return blocks;
}

/**
 * An input's block id within one rendering of a form that stays open after saving: the form's key is part
 * of it, so the refreshed form starts with empty inputs (Slack keeps what was typed in a block whose id
 * does not change) and saving twice cannot add the same adjustment or gift twice.
 */
export function keyedBlock(base: string, key: string): string {
  return `${base}.${key}`;
}

/** The block id of the n-th checkboxes block of standards (Slack allows 10 options per element). */
export function qualityRulesBlockId(n: number, key: string): string {
  const base = keyedBlock(ASSESS_BLOCKS.qualityRules, key);
  return n === 0 ? base : `${base}:${n}`;
}

/** The quality form of one person and month. */
export function qualityModal(
  t: Translate,
  lang: Lang,
  sheet: QualitySheet,
  opts: QualityModalOptions,
): ModalView {
  const blocks: KnownBlock[] = [...scoreBlocks(t, sheet, opts), divider(), ...adjustmentBlocks(t, sheet)];
  if (sheet.published) {
    return modal(t, ASSESS_CALLBACKS.qualityModal, t("quality.title"), blocks, opts.meta);
  }
  blocks.push(divider());
  const standards = sheet.rules.filter((r) => !r.veto);
  if (standards.length === 0) {
    blocks.push(
      context([t("quality.noStandards", { name: userText(sheet.person.name, 60), month: sheet.month })]),
    );
  } else {
    for (let i = 0; i < standards.length && i < 50; i += LIMITS.checkboxOptions) {
      const part = standards.slice(i, i + LIMITS.checkboxOptions);
      blocks.push({
        type: "input",
        block_id: qualityRulesBlockId(i / LIMITS.checkboxOptions, opts.meta.k),
        optional: true,
        dispatch_action: true,
        label: plain(t("quality.standards")),
        ...(i === 0 ? { hint: plain(t("quality.standardsHint")) } : {}),
        element: {
          type: "checkboxes",
          action_id: ASSESS_ACTIONS.qualityRules,
          options: part.map((r) =>
            option(
              truncate(
                `${signed(r.value)} · ${r.itemCode} ${lang === "en" && r.descriptionEn ? r.descriptionEn : r.description}`,
                LIMITS.optionText,
              ),
              r.id,
            ),
          ),
        },
      });
    }
  }
  blocks.push(
    section(t("quality.free")),
    {
      type: "input",
      block_id: keyedBlock(ASSESS_BLOCKS.qualityValue, opts.meta.k),
      optional: true,
      dispatch_action: true,
      label: plain(t("quality.value")),
      element: {
        type: "plain_text_input",
        action_id: ASSESS_ACTIONS.qualityValue,
        dispatch_action_config: { trigger_actions_on: ["on_enter_pressed", "on_character_entered"] },
        max_length: 12,
        placeholder: plain(t("quality.valuePlaceholder"), LIMITS.placeholder),
      },
    },
    {
      type: "input",
      block_id: keyedBlock(ASSESS_BLOCKS.qualityReason, opts.meta.k),
      optional: true,
      label: plain(t("quality.reason")),
      element: {
        type: "plain_text_input",
        action_id: ASSESS_ACTIONS.qualityReason,
        multiline: true,
        max_length: 500,
        placeholder: plain(t("quality.reasonPlaceholder"), LIMITS.placeholder),
      },
    },
    {
      type: "input",
      block_id: keyedBlock(ASSESS_BLOCKS.qualityEvidence, opts.meta.k),
      optional: true,
      label: plain(t("quality.evidence")),
      element: {
        type: "plain_text_input",
        action_id: ASSESS_ACTIONS.qualityEvidence,
        max_length: 500,
        placeholder: plain(t("quality.evidencePlaceholder"), LIMITS.placeholder),
      },
    },
    divider(),
    actions(
      [
        button(
          t("quality.vetoButton"),
          ASSESS_ACTIONS.qualityVeto,
          packValue({ p: sheet.person.personId }),
          "danger",
        ),
      ],
      "quality_veto",
    ),
    context([t("quality.vetoHint")]),
  );
  return modal(t, ASSESS_CALLBACKS.qualityModal, t("quality.title"), blocks, opts.meta, t("quality.save"));
}

/** The veto confirmation pushed over the quality form. */
export function vetoModal(t: Translate, lang: Lang, sheet: QualitySheet, meta: VetoMeta): ModalView {
  const vetoes = sheet.rules.filter((r) => r.veto);
  const blocks: KnownBlock[] = [
    section(t("quality.vetoWarning", { name: userText(sheet.person.name, 60), month: sheet.month })),
  ];
  if (vetoes.length === 0) {
    blocks.push(context([t("quality.noVetoStandards")]));
  } else {
    blocks.push({
      type: "input",
      block_id: ASSESS_BLOCKS.vetoRule,
      optional: true,
      label: plain(t("quality.vetoStandard")),
      element: {
        type: "static_select",
        action_id: ASSESS_ACTIONS.vetoRule,
        placeholder: plain(t("quality.vetoStandardPlaceholder"), LIMITS.placeholder),
        options: vetoes
          .slice(0, LIMITS.options)
          .map((r) =>
            option(
              truncate(
                `${r.itemCode} ${lang === "en" && r.descriptionEn ? r.descriptionEn : r.description}`,
                LIMITS.optionText,
              ),
              r.id,
            ),
          ),
      },
    });
  }
  blocks.push(
    {
      type: "input",
      block_id: ASSESS_BLOCKS.vetoReason,
      optional: vetoes.length > 0,
      label: plain(t("quality.vetoReason")),
      element: {
        type: "plain_text_input",
        action_id: ASSESS_ACTIONS.vetoReason,
        multiline: true,
        max_length: 500,
      },
    },
    {
      type: "input",
      block_id: ASSESS_BLOCKS.vetoEvidence,
      optional: true,
      label: plain(t("quality.evidence")),
      element: {
        type: "plain_text_input",
        action_id: ASSESS_ACTIONS.vetoEvidence,
        max_length: 500,
        placeholder: plain(t("quality.evidencePlaceholder"), LIMITS.placeholder),
      },
    },
  );
  return modal(t, ASSESS_CALLBACKS.vetoModal, t("quality.vetoTitle"), blocks, meta, t("quality.vetoConfirm"));
}

// ───────────────────────────── discretionary pool ─────────────────────────────

/** The pool, what was given (each withdrawable) and the form to give more. */
export function awardModal(
  t: Translate,
  pool: PoolView,
  opts: { meta: AwardMeta; notice?: string },
): ModalView {
  const blocks: KnownBlock[] = [];
  if (opts.notice) blocks.push(section(opts.notice));
  blocks.push(
    section(
      [
        t("award.pool", {
          month: pool.month,
          size: amount(pool.size),
          perStaff: amount(pool.poolPerStaff),
          staff: pool.staffAssessed,
        }),
        t("award.given", { given: amount(pool.given), left: amount(pool.left) }),
      ].join("\n"),
    ),
    divider(),
    section(t("award.awardsHeading")),
  );
  if (pool.awards.length === 0) blocks.push(context([t("award.none")]));
  const shown = pool.awards.slice(0, 60);
  if (pool.awards.length > shown.length)
    blocks.push(context([t("common.truncated", { count: pool.awards.length - shown.length })]));
  for (const a of shown) {
    blocks.push(
      section(
        t("award.line", {
          name: userText(a.name, 60),
          points: amount(a.points),
          reason: userText(a.reason, 300),
          by: userText(a.awardedBy, 40),
        }),
        {
          block_id: `award:${a.id}`,
          ...(pool.published
            ? {}
            : {
                accessory: button(
                  t("award.withdraw"),
                  ASSESS_ACTIONS.awardWithdraw,
                  packValue({ a: a.id }, LIMITS.buttonValue),
                ),
              }),
        },
      ),
    );
  }
  if (pool.published) {
    blocks.push(context([t("award.published", { month: pool.month })]));
    return modal(t, ASSESS_CALLBACKS.awardModal, t("award.title"), blocks, opts.meta);
  }
  blocks.push(
    divider(),
    {
      type: "input",
      block_id: keyedBlock(ASSESS_BLOCKS.awardPerson, opts.meta.k),
      label: plain(t("award.person")),
      element: {
        type: "users_select",
        action_id: ASSESS_ACTIONS.awardPerson,
        placeholder: plain(t("award.personPlaceholder"), LIMITS.placeholder),
      },
    },
    {
      type: "input",
      block_id: keyedBlock(ASSESS_BLOCKS.awardPoints, opts.meta.k),
      label: plain(t("award.points")),
      element: {
        type: "plain_text_input",
        action_id: ASSESS_ACTIONS.awardPoints,
        max_length: 12,
        placeholder: plain(t("award.pointsPlaceholder"), LIMITS.placeholder),
      },
    },
    {
      type: "input",
      block_id: keyedBlock(ASSESS_BLOCKS.awardReason, opts.meta.k),
      label: plain(t("award.reason")),
      element: {
        type: "plain_text_input",
        action_id: ASSESS_ACTIONS.awardReason,
        multiline: true,
        max_length: 500,
      },
    },
  );
  return modal(t, ASSESS_CALLBACKS.awardModal, t("award.title"), blocks, opts.meta, t("award.submit"));
}

/** The DM to the recipient of discretionary points. */
export function awardDm(t: Translate, award: { points: number; reason: string }, month: string): Message {
  const text = t("award.dm", { points: amount(award.points), month, reason: userText(award.reason, 500) });
  return { text: stripMarkup(text), blocks: [section(text)] };
}
