/**
 * `/kpi close`: the preview (blockers, the table by category and overall with every component, ranks and
 * ties, the change from last month, totals) and the publish confirmation modal. Pure builders.
 */
import type { Lang, Translate } from "../../i18n/index.js";
import type { ClosePreview, MonthTable, NamedBlocker, ResultLine } from "../domain.js";
import { CLOSE_ACTIONS, CLOSE_BLOCKS, CLOSE_CALLBACKS } from "../ids.js";
import { packValue } from "../values-pack.js";
import {
  actions,
  button,
  context,
  divider,
  header,
  type KnownBlock,
  LIMITS,
  type Message,
  type ModalView,
  mrkdwn,
  plain,
  section,
  truncate,
  userText,
} from "./kit.js";

/** Display width in a monospace font: CJK and full-width characters take two cells. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w +=
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6)
        ? 2
        : 1;
  }
  return w;
}

function pad(s: string, width: number, right: boolean): string {
  const fill = " ".repeat(Math.max(0, width - displayWidth(s)));
  return right ? fill + s : s + fill;
}

/** Rows as aligned monospace lines (first column and `left` columns left-aligned, the rest right). */
export function textTable(rows: string[][], left: Set<number>): string[] {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, displayWidth(c));
    });
  }
  return rows.map((r) =>
    r
      .map((c, i) => pad(c, widths[i]!, !left.has(i)))
      .join("  ")
      .trimEnd(),
  );
}

/** Lines in ``` sections of at most 3000 characters each. */
export function codeSections(lines: string[]): KnownBlock[] {
  const out: KnownBlock[] = [];
  let cur: string[] = [];
  let len = 8;
  for (const l of lines) {
    const line = truncate(l, 400);
    if (len + line.length + 1 > LIMITS.sectionText && cur.length) {
      out.push(section(`\`\`\`${cur.join("\n")}\`\`\``));
      cur = [];
      len = 8;
    }
    cur.push(line);
    len += line.length + 1;
  }
  if (cur.length) out.push(section(`\`\`\`${cur.join("\n")}\`\`\``));
  return out;
}

export const personName = (lang: Lang, r: { name: string; nameEn: string | null }) =>
  lang === "en" && r.nameEn ? r.nameEn : r.name;

export const categoryName = (lang: Lang, c: { name: string; nameEn: string }) =>
  lang === "en" ? c.nameEn : c.name;

const rankText = (rank: number, tied: boolean) => `${tied ? "=" : ""}${rank}`;

function changeText(r: ResultLine): string {
  return r.previous ? `${r.previous.delta} (${r.previous.rankOverall})` : "-";
}

export function blockerWhat(t: Translate, b: NamedBlocker): string {
  switch (b.kind) {
    case "sheetNotApproved":
      return t("close.blocker.sheetNotApproved", {
        state: b.detail === "NONE" ? t("close.noSheet") : t(`sheetState.${b.detail}` as never),
      });
    case "unpricedTempTask":
      return t("close.blocker.unpricedTempTask", { detail: userText(b.detail, 120) });
    case "noQualityReview":
      return t("close.blocker.noQualityReview");
    case "noCategory":
      return t("close.blocker.noCategory");
    case "noWeights":
      return t("close.blocker.noWeights", { detail: b.detail });
  }
}

/** The blockers as one section: one line each, cut with "…and N more" to stay in a section. */
export function blockersText(t: Translate, blockers: NamedBlocker[], max = 25): string {
  const lines = blockers
    .slice(0, max)
    .map((b) => t("close.blockerLine", { name: userText(b.name, 40), what: blockerWhat(t, b) }));
  if (blockers.length > max) lines.push(t("close.moreBlockers", { count: blockers.length - max }));
  let text = `${t("close.blockersHeader", { count: blockers.length })}\n${lines.join("\n")}`;
  if (text.length > LIMITS.sectionText) text = truncate(text, LIMITS.sectionText);
  return text;
}

/** The table of a month: per category, then overall; at most `budget` blocks, then a "more" note. */
export function tableBlocks(t: Translate, lang: Lang, table: MonthTable, budget: number): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let hidden = 0;
  const headerRow = [
    t("close.col.rank"),
    t("close.col.name"),
    t("close.col.raw"),
    t("close.col.quantity"),
    t("close.col.quality"),
    t("close.col.qw"),
    t("close.col.nw"),
    t("close.col.disc"),
    t("close.col.final"),
    t("close.col.change"),
  ];
  const push = (bs: KnownBlock[], rows: number) => {
    if (blocks.length + bs.length > budget) {
      hidden += rows;
      return;
    }
    blocks.push(...bs);
  };
  for (const c of table.categories) {
    const rows = table.rows
      .filter((r) => r.categoryCode === c.code)
      .sort((a, b) => a.rankCategory - b.rankCategory || (a.name < b.name ? -1 : 1));
    const lines = textTable(
      [
        headerRow,
        ...rows.map((r) => [
          rankText(r.rankCategory, r.tiedCategory),
          truncate(personName(lang, r), 16),
          r.raw,
          r.quantity,
          `${r.quality}${r.vetoed ? "✗" : ""}`,
          r.qualityWeighted,
          r.quantityWeighted,
          r.discretionary,
          r.final,
          changeText(r),
        ]),
      ],
      new Set([1]),
    );
    push(
      [
        section(
          t("close.categoryHeader", {
            code: c.code,
            name: categoryName(lang, c),
            quality: c.qualityWeight,
            quantity: c.quantityWeight,
            max: c.groupMax,
            count: c.staff,
          }),
        ),
        ...codeSections(lines),
      ],
      rows.length,
    );
  }
  const overall = textTable(
    [
      [
        t("close.col.rank"),
        t("close.col.name"),
        t("close.col.category"),
        t("close.col.final"),
        t("close.col.change"),
      ],
      ...table.rows.map((r) => [
        rankText(r.rankOverall, r.tiedOverall),
        truncate(personName(lang, r), 16),
        r.categoryCode,
        r.final,
        changeText(r),
      ]),
    ],
    new Set([1, 2]),
  );
  push([section(t("close.overallHeader")), ...codeSections(overall)], table.rows.length);
  if (hidden > 0) blocks.push(context([t("close.truncated", { count: hidden, month: table.month })]));
  return blocks;
}

export function totalsText(t: Translate, table: MonthTable): string {
  return t("close.totals", { ...table.totals, ...table.pool });
}

export function legendText(t: Translate, table: MonthTable): string {
  return table.previousMonth
    ? t("close.legend", { month: table.previousMonth })
    : t("close.legendNoPrevious");
}

export interface PreviewExtras {
  /** who published, as a display name */
  publishedBy?: string;
  publishedAt?: string;
}

/** The preview message, ephemeral to the group member who asked. */
export function closePreviewMessage(
  t: Translate,
  lang: Lang,
  p: ClosePreview,
  extras: PreviewExtras = {},
): Message {
  const blocks: KnownBlock[] = [];
  const ref = packValue({ m: p.month, h: p.inputsHash }, LIMITS.buttonValue);
  if (p.state === "PUBLISHED") {
    blocks.push(header(t("close.publishedHeader", { month: p.month })));
    blocks.push(
      section(
        t("close.published", {
          month: p.month,
          at: extras.publishedAt ?? "",
          by: userText(extras.publishedBy ?? "", 60),
        }),
      ),
    );
    if (p.published && !p.published.announced) {
      blocks.push(
        section(t("close.notAnnounced"), {
          accessory: button(
            t("close.announceButton"),
            CLOSE_ACTIONS.announce,
            packValue({ m: p.month }, 200),
          ),
        }),
      );
    }
  } else {
    blocks.push(header(t("close.header", { month: p.month })));
    blocks.push(context([t("close.onlyYou"), t("close.inputs", { hash: p.inputsHash.slice(0, 12) })]));
    blocks.push(section(p.blockers.length ? blockersText(t, p.blockers) : t("close.noBlockers")));
    if (p.poolOverspent) blocks.push(section(t("close.poolOverspent", p.poolOverspent)));
  }
  blocks.push(divider());
  // leave room for the totals, legend, evidence note and the buttons
  blocks.push(...tableBlocks(t, lang, p.table, LIMITS.messageBlocks - blocks.length - 6));
  blocks.push(section(totalsText(t, p.table)));
  blocks.push(context([legendText(t, p.table)]));
  if (p.evidenceIncomplete.length) {
    const list = p.evidenceIncomplete
      .slice(0, 20)
      .map((e) => `${userText(e.name, 30)} ${e.itemCode} ×${e.lines} (${e.points})`)
      .join(", ");
    blocks.push(context([truncate(t("close.evidence", { list }), LIMITS.sectionText)]));
  }
  if (p.state === "OPEN") {
    blocks.push(
      actions([
        button(t("close.recompute"), CLOSE_ACTIONS.recompute, packValue({ m: p.month }, 200)),
        ...(p.poolOverspent ? [] : [button(t("close.publish"), CLOSE_ACTIONS.publish, ref, "primary")]),
      ]),
    );
  }
  const title =
    p.state === "PUBLISHED"
      ? t("close.publishedHeader", { month: p.month })
      : t("close.header", { month: p.month });
  return { text: title, blocks };
}

export interface PublishModalInput {
  month: string;
  hash: string;
  staff: number;
  /** the results channel as a mention, or null */
  channel: string | null;
  blockers: NamedBlocker[];
  /** the inputs changed since the preview the button came from */
  changed: boolean;
  alreadyPublished: boolean;
}

/** The confirmation of Publish: what it does, and the reason for the exceptions when there are blockers. */
export function publishModal(t: Translate, input: PublishModalInput): ModalView {
  const title = truncate(t("close.modalTitle", { month: input.month }), LIMITS.viewTitle);
  const base = {
    type: "modal" as const,
    callback_id: CLOSE_CALLBACKS.publishModal,
    title: plain(title, LIMITS.viewTitle),
    close: plain(t("common.cancel"), LIMITS.viewButton),
    private_metadata: JSON.stringify({ m: input.month, h: input.hash }),
  };
  if (input.alreadyPublished || input.changed) {
    const text = input.alreadyPublished
      ? t("close.alreadyPublished", { month: input.month })
      : t("close.changed", { month: input.month });
    return { ...base, blocks: [section(text)] };
  }
  const blocks: KnownBlock[] = [
    section(
      t("close.modalIntro", {
        month: input.month,
        staff: input.staff,
        channel: input.channel ? `<#${input.channel}>` : t("close.noChannel"),
      }),
    ),
  ];
  if (input.blockers.length) {
    blocks.push(
      section(
        blockersText(t, input.blockers, 20).replace(
          /^[^\n]*/,
          t("close.modalBlockers", { count: input.blockers.length }),
        ),
      ),
    );
    blocks.push({
      type: "input",
      block_id: CLOSE_BLOCKS.reason,
      label: plain(t("close.reasonLabel"), 2000),
      hint: plain(t("close.reasonHint"), 2000),
      element: {
        type: "plain_text_input",
        action_id: CLOSE_ACTIONS.reason,
        multiline: true,
        max_length: 500,
      },
    });
  }
  return { ...base, submit: plain(t("close.modalSubmit"), LIMITS.viewButton), blocks };
}

/** A modal with one message (publishing, the outcome, an error). */
export function closeMessageModal(t: Translate, month: string, text: string): ModalView {
  return {
    type: "modal",
    callback_id: `${CLOSE_CALLBACKS.publishModal}_done`,
    title: plain(truncate(t("close.modalTitle", { month }), LIMITS.viewTitle), LIMITS.viewTitle),
    close: plain(t("close.closeButton"), LIMITS.viewButton),
    blocks: [{ type: "section", text: mrkdwn(text) }],
  };
}
