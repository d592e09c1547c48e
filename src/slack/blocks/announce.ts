/**
 * The results announcement (channel) and each staff member's own result (DM). Pure builders.
 * - Channel: the ranking per category and overall with final, quality, quantity and discretionary, the
 *   spread and the month's totals. Privacy "full": everyone; "top": the top N of each ranking, and a note
 *   that everyone has their own rank by DM. A ranking longer than one message continues in more messages
 *   (the caller posts them in the thread of the first).
 * - DM: the final, the ranks (shared ranks marked), the breakdown and the change from last month.
 */
import type { Lang, Translate } from "../../i18n/index.js";
import type { MonthTable, ResultLine } from "../domain.js";
import { categoryName, personName } from "./close.js";
import { context, divider, header, type KnownBlock, LIMITS, type Message, section, userText } from "./kit.js";

export interface AnnounceOptions {
  privacy: "full" | "top";
  topN: number;
}

/** Lines as sections of at most 3000 characters. */
function lineSections(lines: string[]): KnownBlock[] {
  const out: KnownBlock[] = [];
  let cur = "";
  for (const l of lines) {
    if (cur && cur.length + l.length + 1 > LIMITS.sectionText) {
      out.push(section(cur));
      cur = "";
    }
    cur = cur ? `${cur}\n${l}` : l;
  }
  if (cur) out.push(section(cur));
  return out;
}

const rankMark = (rank: number, tied: boolean) => (tied ? `=${rank}` : String(rank));

/** The announcement as one or more messages (the first is the post, the rest continue it in its thread). */
export function announcementMessages(
  t: Translate,
  lang: Lang,
  table: MonthTable,
  opts: AnnounceOptions,
): Message[] {
  const top = opts.privacy === "top";
  const head: KnownBlock[] = [
    header(t("announce.header", { month: table.month })),
    section(t("announce.summary", { ...table.totals, spent: table.pool.spent })),
    context([t("announce.formula")]),
  ];
  if (top) head.push(context([t("announce.topOnly", { count: opts.topN })]));
  const body: KnownBlock[] = [];
  for (const c of table.categories) {
    const rows = table.rows
      .filter((r) => r.categoryCode === c.code)
      .sort((a, b) => a.rankCategory - b.rankCategory || (a.name < b.name ? -1 : 1))
      .filter((r) => !top || r.rankCategory <= opts.topN);
    body.push(divider());
    body.push(
      section(
        t("announce.categoryHeader", {
          code: c.code,
          name: categoryName(lang, c),
          quality: c.qualityWeight,
          quantity: c.quantityWeight,
        }),
      ),
    );
    body.push(
      ...lineSections(
        rows.map((r) =>
          t("announce.line", {
            rank: rankMark(r.rankCategory, r.tiedCategory),
            name: userText(personName(lang, r), 40),
            final: r.final,
            quality: r.quality,
            veto: r.vetoed ? t("announce.veto") : "",
            quantity: r.quantity,
            disc: r.discretionary,
          }),
        ),
      ),
    );
  }
  body.push(divider());
  body.push(section(t("announce.overallHeader")));
  body.push(
    ...lineSections(
      table.rows
        .filter((r) => !top || r.rankOverall <= opts.topN)
        .map((r) =>
          t("announce.overallLine", {
            rank: rankMark(r.rankOverall, r.tiedOverall),
            name: userText(personName(lang, r), 40),
            category: r.categoryCode,
            final: r.final,
          }),
        ),
    ),
  );

  const messages: Message[] = [];
  let blocks = [...head];
  for (const b of body) {
    if (blocks.length >= LIMITS.messageBlocks) {
      messages.push({ text: t("announce.fallback", { month: table.month }), blocks });
      blocks = [context([t("announce.continued", { month: table.month })])];
    }
    blocks.push(b);
  }
  messages.push({ text: t("announce.fallback", { month: table.month }), blocks });
  return messages;
}

/** One staff member's own result, by DM. */
export function resultDmMessage(t: Translate, lang: Lang, table: MonthTable, r: ResultLine): Message {
  const inCategory = table.categories.find((c) => c.code === r.categoryCode);
  const lines = [
    t("announce.dm", {
      final: r.final,
      rankOverall: r.rankOverall,
      staff: table.totals.staff,
      tie: r.tiedOverall ? t("announce.shared") : "",
      rankCategory: `${r.rankCategory}${r.tiedCategory ? t("announce.shared") : ""}`,
      category: inCategory ? `${r.categoryCode} ${categoryName(lang, inCategory)}` : r.categoryCode,
      rankSection: r.rankSection ?? "-",
    }),
    t("announce.dmBreakdown", {
      raw: r.raw,
      max: r.groupMax,
      quantity: r.quantity,
      nw: r.quantityWeight,
      nweighted: r.quantityWeighted,
      quality: r.quality,
      veto: r.vetoed ? t("announce.veto") : "",
      qw: r.qualityWeight,
      qweighted: r.qualityWeighted,
      disc: r.discretionary,
    }),
  ];
  if (r.previous)
    lines.push(
      t("announce.dmChange", {
        month: r.previous.month,
        delta: r.previous.delta,
        rank: r.previous.rankOverall,
      }),
    );
  return {
    text: `${t("announce.dmHeader", { month: table.month })}: ${r.final}`,
    blocks: [
      header(t("announce.dmHeader", { month: table.month })),
      section(lines.join("\n")),
      context([t("announce.dmWhy")]),
    ],
  };
}
