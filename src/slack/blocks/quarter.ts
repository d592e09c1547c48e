/**
 * The quarterly summary posted to the results channel (issue 6 item 8): each person's monthly finals,
 * their sum and the rank by the sum. With ranking privacy "top" only the top N are listed. Long
 * rankings are split into sections (≤ 3000 characters each) and capped to what a message can hold; the
 * rest is one `/kpi export` away.
 */

import type { QuarterResults } from "../../domain/quarter-results.js";
import type { Translate } from "../../i18n/index.js";
import { context, header, type KnownBlock, LIMITS, type Message, section, userText } from "./kit.js";

export interface QuarterPostOptions {
  privacy: "full" | "top";
  topN: number;
}

/** At most this many people are listed in the channel (the file export has everyone). */
export const QUARTER_POST_MAX_LINES = 200;

export function quarterSummaryMessage(t: Translate, q: QuarterResults, opts: QuarterPostOptions): Message {
  const limit = opts.privacy === "top" ? Math.min(opts.topN, QUARTER_POST_MAX_LINES) : QUARTER_POST_MAX_LINES;
  const shown = q.rows.filter((r) => r.rank <= limit).slice(0, limit);
  const lines = shown.map((r) =>
    t("quarter.line", {
      rank: r.rank,
      name: userText(r.name, 60),
      sum: r.sum,
      months: r.months.map((m) => m.final ?? t("quarter.notAssessed")).join(" + "),
    }),
  );
  const blocks: KnownBlock[] = [
    header(t("quarter.header", { quarter: q.quarter })),
    context([
      t("quarter.intro", { months: q.published.join(", ") }),
      ...(q.missing.length ? [t("quarter.missing", { months: q.missing.join(", ") })] : []),
    ]),
  ];
  // lines packed into sections under Slack's text limit
  let chunk: string[] = [];
  let size = 0;
  const flush = () => {
    if (chunk.length) blocks.push(section(chunk.join("\n")));
    chunk = [];
    size = 0;
  };
  for (const line of lines) {
    if (size + line.length + 1 > LIMITS.sectionText - 100) flush();
    chunk.push(line);
    size += line.length + 1;
  }
  flush();
  const hidden = q.rows.length - shown.length;
  if (opts.privacy === "top")
    blocks.push(context([t("quarter.topOnly", { count: limit, quarter: q.quarter })]));
  else if (hidden > 0) blocks.push(context([t("quarter.more", { count: hidden, quarter: q.quarter })]));
  const capped =
    blocks.length > LIMITS.messageBlocks
      ? [
          ...blocks.slice(0, LIMITS.messageBlocks - 1),
          context([t("quarter.more", { count: hidden, quarter: q.quarter })]),
        ]
      : blocks;
  return { text: t("quarter.fallback", { quarter: q.quarter }), blocks: capped };
}
