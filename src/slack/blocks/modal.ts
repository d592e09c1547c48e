/**
 * Modals: the log form (item picker with external_select autocomplete, count, date, note, evidence:
 * links, Slack files and the item's checklist), the edit form, the plausibility confirmation and small
 * loading / message modals.
 */
import type { types } from "@slack/bolt";
import type { Lang, Translate } from "../../i18n/index.js";
import { ACTIONS, BLOCKS, CALLBACKS } from "../ids.js";
import type { ConfirmModalMeta, EditModalMeta, LogModalMeta } from "../values.js";
import { packValue } from "../values-pack.js";
import { amount, itemName, itemPlainLabel, unitName } from "./format.js";
import { context, type KnownBlock, LIMITS, type ModalView, plain, section, truncate } from "./kit.js";
import type { LineView } from "./list.js";

export const NOTE_MAX = 500;
export const LINKS_MAX = 10;
export const FILES_MAX = 10;

export interface ModalItem {
  id: string;
  code: string;
  name: string;
  nameEn?: string | null;
  unit: string;
  points: number;
  evidence: { id: string; name: string; nameEn?: string | null }[];
}

/**
 * A modal's frame, shared by every form the bot opens: title, optional submit button, the close button
 * (default label "Cancel"), state in private_metadata, blocks cut to Slack's limit.
 */
export function modal(
  t: Translate,
  callbackId: string,
  title: string,
  blocks: KnownBlock[],
  meta: unknown,
  submit?: string,
  closeLabel?: string,
): ModalView {
  return {
    type: "modal",
    callback_id: callbackId,
    title: plain(title, LIMITS.viewTitle),
    ...(submit ? { submit: plain(submit, LIMITS.viewButton) } : {}),
    close: plain(closeLabel ?? t("modal.close"), LIMITS.viewButton),
    private_metadata: packValue(meta ?? {}, LIMITS.privateMetadata),
    blocks: blocks.slice(0, LIMITS.viewBlocks),
  };
}

function itemOption(lang: Lang, item: ModalItem): types.PlainTextOption {
  return { text: plain(itemPlainLabel(lang, item), LIMITS.optionText), value: item.id };
}

/** The block id of an item's checklist (a new item gets a fresh, unticked checklist). */
export function checklistBlockId(itemId: string): string {
  return `${BLOCKS.checklistPrefix}${itemId}`;
}

function evidenceBlocks(
  t: Translate,
  lang: Lang,
  item: ModalItem | undefined,
  ticked: string[] = [],
  opts: { links?: string } = {},
): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  blocks.push({
    type: "input",
    block_id: BLOCKS.links,
    optional: true,
    label: plain(t("modal.links")),
    hint: plain(t("modal.linksHint")),
    element: {
      type: "plain_text_input",
      action_id: ACTIONS.links,
      multiline: true,
      max_length: 2000,
      ...(opts.links ? { initial_value: opts.links } : {}),
    },
  });
  blocks.push({
    type: "input",
    block_id: BLOCKS.files,
    optional: true,
    label: plain(t("modal.files")),
    element: { type: "file_input", action_id: ACTIONS.files, max_files: FILES_MAX },
  });
  if (!item) {
    blocks.push(context([t("modal.pickItemFirst")]));
  } else if (item.evidence.length === 0) {
    blocks.push(context([t("modal.noEvidence")]));
  } else {
    // Slack allows 10 options per checkboxes element; an item with more documents is split.
    for (let i = 0; i < item.evidence.length; i += LIMITS.checkboxOptions) {
      const docs = item.evidence.slice(i, i + LIMITS.checkboxOptions);
      const options = docs.map((d) => ({
        text: plain(truncate(lang === "en" && d.nameEn ? d.nameEn : d.name, LIMITS.optionText)),
        value: d.id,
      }));
      const initial = options.filter((o) => ticked.includes(o.value));
      blocks.push({
        type: "input",
        block_id:
          i === 0 ? checklistBlockId(item.id) : `${checklistBlockId(item.id)}:${i / LIMITS.checkboxOptions}`,
        optional: true,
        label: plain(t("modal.checklist")),
        element: {
          type: "checkboxes",
          action_id: ACTIONS.checklist,
          options,
          ...(initial.length > 0 ? { initial_options: initial } : {}),
        },
      });
    }
  }
  return blocks;
}

function itemInfo(t: Translate, lang: Lang, item: ModalItem): KnownBlock {
  return {
    type: "context",
    block_id: BLOCKS.itemInfo,
    elements: [
      {
        type: "mrkdwn",
        text:
          t("modal.itemInfo", {
            code: item.code,
            points: amount(item.points),
            unit: unitName(t, item.unit),
          }) + (lang === "zh-CN" && item.nameEn ? ` · ${item.nameEn}` : ""),
      },
    ],
  };
}

export interface LogModalInput {
  today: string;
  meta: LogModalMeta;
  item?: ModalItem;
}

/** The log form. With `item`, the picker shows it and the checklist lists its documents. */
export function logModal(t: Translate, lang: Lang, input: LogModalInput): ModalView {
  const blocks: KnownBlock[] = [
    {
      type: "input",
      block_id: BLOCKS.item,
      dispatch_action: true,
      label: plain(t("modal.item")),
      hint: plain(t("modal.itemHint")),
      element: {
        type: "external_select",
        action_id: ACTIONS.itemSelect,
        min_query_length: 0,
        placeholder: plain(t("modal.itemPlaceholder"), LIMITS.placeholder),
        ...(input.item ? { initial_option: itemOption(lang, input.item) } : {}),
      },
    },
  ];
  if (input.item) blocks.push(itemInfo(t, lang, input.item));
  blocks.push(
    {
      type: "input",
      block_id: BLOCKS.count,
      label: plain(t("modal.count")),
      element: {
        type: "number_input",
        action_id: ACTIONS.count,
        is_decimal_allowed: false,
        min_value: "1",
        initial_value: "1",
      },
    },
    {
      type: "input",
      block_id: BLOCKS.date,
      label: plain(t("modal.date")),
      element: { type: "datepicker", action_id: ACTIONS.date, initial_date: input.today },
    },
    {
      type: "input",
      block_id: BLOCKS.note,
      optional: true,
      label: plain(t("modal.note")),
      element: {
        type: "plain_text_input",
        action_id: ACTIONS.note,
        max_length: NOTE_MAX,
        placeholder: plain(t("modal.notePlaceholder")),
      },
    },
    ...evidenceBlocks(t, lang, input.item),
  );
  return modal(t, CALLBACKS.logModal, t("modal.title"), blocks, input.meta, t("modal.submit"));
}

export interface EditModalInput {
  meta: EditModalMeta;
  line: LineView;
  item?: ModalItem;
}

/** The edit form of one line: count, date, note, and evidence to add or tick. */
export function editModal(t: Translate, lang: Lang, input: EditModalInput): ModalView {
  const { line, item } = input;
  const missing = new Set(line.evidenceMissing.map((d) => d.id));
  const ticked = item ? item.evidence.filter((d) => !missing.has(d.id)).map((d) => d.id) : [];
  const blocks: KnownBlock[] = [
    section(
      `*${t("modal.editLine", { item: truncate(`${line.itemCode} ${itemName(lang, line)}`, 200), date: line.workDate })}*`,
    ),
    {
      type: "input",
      block_id: BLOCKS.count,
      label: plain(t("modal.count")),
      element: {
        type: "number_input",
        action_id: ACTIONS.count,
        is_decimal_allowed: false,
        min_value: "1",
        initial_value: String(line.count),
      },
    },
    {
      type: "input",
      block_id: BLOCKS.date,
      label: plain(t("modal.date")),
      element: { type: "datepicker", action_id: ACTIONS.date, initial_date: line.workDate },
    },
    {
      type: "input",
      block_id: BLOCKS.note,
      optional: true,
      label: plain(t("modal.note")),
      element: {
        type: "plain_text_input",
        action_id: ACTIONS.note,
        max_length: NOTE_MAX,
        ...(line.note ? { initial_value: truncate(line.note, NOTE_MAX) } : {}),
      },
    },
    ...evidenceBlocks(
      t,
      lang,
      item ?? { id: "none", code: line.itemCode, name: line.itemName, unit: "", points: 0, evidence: [] },
      ticked,
    ),
  ];
  return modal(t, CALLBACKS.editModal, t("modal.editTitle"), blocks, input.meta, t("modal.submit"));
}

/** A plausibility warning inside the modal flow (pushed over the form): submitting records anyway. */
export function confirmModal(t: Translate, text: string, meta: ConfirmModalMeta): ModalView {
  return modal(
    t,
    CALLBACKS.confirmModal,
    t("modal.confirmTitle"),
    [section(text)],
    meta,
    t("modal.confirmSubmit"),
  );
}

/** Opened at once with the trigger_id while the real content loads. */
export function loadingModal(t: Translate, callbackId: string = CALLBACKS.loadingModal): ModalView {
  return modal(t, callbackId, t("modal.loadingTitle"), [section(t("modal.loading"))], {});
}

/** A modal that only shows a message (an error, or a refusal). */
export function messageModal(t: Translate, text: string): ModalView {
  return modal(t, CALLBACKS.messageModal, t("modal.errorTitle"), [section(text)], {});
}
