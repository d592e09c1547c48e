/**
 * Reading a submitted modal: the values of the log / edit forms, checked field by field, with errors
 * keyed by input block (Slack's `response_action: "errors"`).
 */
import type { ViewStateValue } from "@slack/bolt";
import type { Translate } from "../../i18n/index.js";
import { isDate } from "../../util/time.js";
import { LINKS_MAX } from "../blocks/modal.js";
import { ACTIONS, BLOCKS } from "../ids.js";

type StateValues = Record<string, Record<string, ViewStateValue | undefined>>;

export interface FormValues {
  itemId?: string;
  count?: number;
  workDate?: string;
  note?: string;
  links: string[];
  files: { id: string; name?: string }[];
  checked: string[];
}

export const MAX_COUNT = 10_000;
const LINK_RE = /^https?:\/\/[^\s/$.?#][^\s]*$/i;

function value(values: StateValues, block: string, action: string): ViewStateValue | undefined {
  return values[block]?.[action];
}

/** The form's values and per-block errors (empty when valid). `needItem`: the log form's picker. */
export function readForm(
  t: Translate,
  values: StateValues,
  opts: { needItem: boolean },
): { form: FormValues; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const form: FormValues = { links: [], files: [], checked: [] };

  if (opts.needItem) {
    const item = value(values, BLOCKS.item, ACTIONS.itemSelect)?.selected_option?.value;
    if (item) form.itemId = item;
    else errors[BLOCKS.item] = t("modal.itemRequired");
  }

  const countRaw = String(value(values, BLOCKS.count, ACTIONS.count)?.value ?? "").trim();
  const count = /^\d{1,6}$/.test(countRaw) ? Number(countRaw) : Number.NaN;
  if (Number.isInteger(count) && count >= 1 && count <= MAX_COUNT) form.count = count;
  else errors[BLOCKS.count] = t("modal.countInvalid", { max: MAX_COUNT });

  const date = value(values, BLOCKS.date, ACTIONS.date)?.selected_date ?? "";
  if (date && isDate(date)) form.workDate = date;
  else errors[BLOCKS.date] = t("modal.dateInvalid");

  const note = value(values, BLOCKS.note, ACTIONS.note)?.value;
  if (note?.trim()) form.note = note.trim();

  const linksRaw = value(values, BLOCKS.links, ACTIONS.links)?.value ?? "";
  const links = linksRaw
    .split(/[\s,]+/)
    .map((l) => l.trim())
    .filter(Boolean);
  const bad = links.find((l) => !LINK_RE.test(l) || l.length > 2000);
  if (bad) errors[BLOCKS.links] = t("modal.linkInvalid", { link: bad.slice(0, 80) });
  else if (links.length > LINKS_MAX)
    errors[BLOCKS.links] = t("modal.linkInvalid", { link: `(${links.length} > ${LINKS_MAX})` });
  else form.links = [...new Set(links)];

  const files =
    (value(values, BLOCKS.files, ACTIONS.files) as { files?: { id?: string; name?: string }[] } | undefined)
      ?.files ?? [];
  form.files = files
    .filter((f) => typeof f.id === "string" && f.id)
    .map((f) => ({ id: f.id!, ...(f.name ? { name: f.name } : {}) }));

  for (const [blockId, actionsById] of Object.entries(values)) {
    if (!blockId.startsWith(BLOCKS.checklistPrefix)) continue;
    const selected = actionsById[ACTIONS.checklist]?.selected_options ?? [];
    for (const o of selected) if (o.value) form.checked.push(o.value);
  }
  return { form, errors };
}

/** The input block a DomainError is about, for `response_action: "errors"`; undefined: not a field's fault. */
export function blockForError(code: string, opts: { hasItem: boolean }): string | undefined {
  if (/^log\.(count|countRange|countInvalid)$/.test(code)) return BLOCKS.count;
  if (/^log\.(badDate|futureDate|dateTooOld)$/.test(code) || code === "entry.monthChange") return BLOCKS.date;
  if (code === "log.noteTooLong") return BLOCKS.note;
  if (code === "evidence.badLink" || code === "evidence.tooMany") return BLOCKS.links;
  if (code === "evidence.badFile") return BLOCKS.files;
  if (opts.hasItem && code.startsWith("item.")) return BLOCKS.item;
  return undefined;
}
