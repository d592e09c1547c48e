/** Formatting shared by the block builders: amounts, item names, units, states. */
import type { Lang, MessageKey, Translate } from "../../i18n/index.js";
import { formatHundredths } from "../../scoring/index.js";
import { esc, truncate } from "./kit.js";

/** Integer hundredths (number or bigint) → "3.25". */
export function amount(hundredths: number | bigint | string | null | undefined): string {
  if (hundredths === null || hundredths === undefined) return "0.00";
  const big = typeof hundredths === "bigint" ? hundredths : BigInt(Math.trunc(Number(hundredths)) || 0);
  return formatHundredths(big);
}

/** Hundredths → "3.25 pts" / "3.25 分". */
export function pts(t: Translate, hundredths: number | bigint | string | null | undefined): string {
  return t("common.points", { value: amount(hundredths) });
}

export interface Named {
  code?: string;
  name: string;
  nameEn?: string | null;
}

/** The item's name in the reader's language (Chinese name, or English when the reader reads English). */
export function itemName(
  lang: Lang,
  item: { name?: string; nameEn?: string | null; itemName?: string; itemNameEn?: string | null },
): string {
  const zh = item.name ?? item.itemName ?? "";
  const enName = item.nameEn ?? item.itemNameEn ?? "";
  return lang === "en" && enName ? enName : zh || enName;
}

/** "A012 发票发售", escaped for mrkdwn. */
export function itemLabel(
  lang: Lang,
  item: {
    code?: string;
    itemCode?: string;
    name?: string;
    nameEn?: string | null;
    itemName?: string;
    itemNameEn?: string | null;
  },
): string {
  const code = item.code ?? item.itemCode;
  const name = itemName(lang, item);
  return esc(code ? `${code} ${name}` : name);
}

/** Plain (unescaped) label for buttons and options. */
export function itemPlainLabel(
  lang: Lang,
  item: { code: string; name: string; nameEn?: string | null },
  max = 75,
): string {
  return truncate(`${item.code} ${itemName(lang, item)}`, max);
}

const UNITS = new Set(["TXN", "TAXPAYER", "DOC", "VISIT", "CASE"]);

export function unitName(t: Translate, unit: string | null | undefined): string {
  return UNITS.has(unit ?? "") ? t(`units.${unit}` as MessageKey) : t("units.other");
}

const STATES = new Set(["OPEN", "SUBMITTED", "APPROVED", "RETURNED", "LOCKED"]);

export function sheetStateName(t: Translate, state: string | null | undefined): string {
  return STATES.has(state ?? "") ? t(`sheetState.${state}` as MessageKey) : t("sheetState.NONE");
}

const ROLES = new Set(["STAFF", "SECTION_CHIEF", "BRANCH_CHIEF", "ASSESSMENT_GROUP", "ADMIN"]);

/** "ASSESSMENT_GROUP, ADMIN" (a refusal's roles) → "assessment group, admin" / "考核小组、管理员". */
export function roleNames(t: Translate, lang: Lang, roles: string): string {
  return roles
    .split(/\s*,\s*/)
    .filter(Boolean)
    .map((r) => (ROLES.has(r) ? t(`roles.${r}` as MessageKey) : r))
    .join(lang === "en" ? ", " : "、");
}

export function tempStatusName(t: Translate, status: string, points?: number | bigint | null): string {
  if (status === "PRICED") return t("tempStatus.PRICED", { points: pts(t, points ?? 0) });
  if (status === "DELETED") return t("tempStatus.DELETED");
  return t("tempStatus.AWAITING_PRICING");
}

/** Names of documents in the reader's language, joined. */
export function docNames(lang: Lang, docs: { name: string; nameEn?: string | null }[]): string {
  const sep = lang === "en" ? ", " : "、";
  return docs.map((d) => esc(lang === "en" && d.nameEn ? d.nameEn : d.name)).join(sep);
}

/** A date string "YYYY-MM-DD" or a Date (shown as its UTC date) → "YYYY-MM-DD"; "" when absent. */
export function dateText(d: string | Date | null | undefined): string {
  if (!d) return "";
  if (typeof d === "string") return d.slice(0, 10);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString().slice(0, 10);
}
