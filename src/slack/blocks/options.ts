/** Options for the item picker (external_select): the person's recent items first, then matches. */
import type { types } from "@slack/bolt";
import type { Lang } from "../../i18n/index.js";
import { amount, itemPlainLabel } from "./format.js";
import { LIMITS, plain } from "./kit.js";

export interface OptionItem {
  id: string;
  code: string;
  name: string;
  nameEn?: string | null;
  points: number;
}

/**
 * `recent` (ids, most relevant first) come before `matches`; duplicates removed; at most 100.
 * Labels show code, name and points per unit.
 */
export function itemOptions(
  lang: Lang,
  recent: OptionItem[],
  matches: OptionItem[],
  max = 100,
): types.PlainTextOption[] {
  const seen = new Set<string>();
  const out: types.PlainTextOption[] = [];
  for (const item of [...recent, ...matches]) {
    if (seen.has(item.id) || out.length >= Math.min(max, LIMITS.options)) continue;
    seen.add(item.id);
    const suffix = ` (${amount(item.points)})`;
    out.push({
      text: plain(itemPlainLabel(lang, item, LIMITS.optionText - suffix.length) + suffix, LIMITS.optionText),
      value: item.id,
    });
  }
  return out;
}
