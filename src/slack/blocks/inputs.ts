/**
 * Input blocks for the admin and proposal forms: one element per block, its action_id always
 * ACTIONS.field, so the block id names the field; `readInputs` turns a view's state back into
 * { blockId: value } (text, option value, user/channel id, or a list for multi-selects and checkboxes).
 */
import type { types } from "@slack/bolt";
import { ACTIONS } from "../ids.js";
import { type KnownBlock, LIMITS, option, plain } from "./kit.js";

interface Common {
  optional?: boolean;
  hint?: string;
  /** dispatch block_actions when the value changes (pickers that re-render the form) */
  dispatch?: boolean;
  /** default ACTIONS.field; pickers that dispatch block_actions get their own (routing) */
  actionId?: string;
}

function input(blockId: string, label: string, element: Record<string, unknown>, o: Common): KnownBlock {
  return {
    type: "input",
    block_id: blockId,
    label: plain(label, 2000),
    element: { action_id: o.actionId ?? ACTIONS.field, ...element } as never,
    ...(o.optional ? { optional: true } : {}),
    ...(o.hint ? { hint: plain(o.hint, 2000) } : {}),
    ...(o.dispatch ? { dispatch_action: true } : {}),
  } as KnownBlock;
}

export function textInput(
  blockId: string,
  label: string,
  o: Common & { initial?: string | null; multiline?: boolean; placeholder?: string; max?: number } = {},
): KnownBlock {
  return input(
    blockId,
    label,
    {
      type: "plain_text_input",
      ...(o.initial ? { initial_value: o.initial } : {}),
      ...(o.multiline ? { multiline: true } : {}),
      ...(o.placeholder ? { placeholder: plain(o.placeholder, LIMITS.placeholder) } : {}),
      ...(o.max ? { max_length: o.max } : {}),
      ...(o.dispatch ? { dispatch_action_config: { trigger_actions_on: ["on_enter_pressed"] } } : {}),
    },
    o,
  );
}

export interface Choice {
  text: string;
  value: string;
}

/** The elements that offer choices: how many options each takes, and whether several can be chosen. */
const CHOICE_ELEMENTS = {
  static_select: { max: LIMITS.options, multi: false },
  multi_static_select: { max: LIMITS.options, multi: true },
  checkboxes: { max: LIMITS.checkboxOptions, multi: true },
  radio_buttons: { max: LIMITS.checkboxOptions, multi: false },
} as const;

/** An input offering `choices` (cut to what the element takes), those in `initial` chosen. */
function choiceInput(
  type: keyof typeof CHOICE_ELEMENTS,
  blockId: string,
  label: string,
  choices: Choice[],
  initial: readonly (string | null | undefined)[],
  element: Record<string, unknown>,
  o: Common,
): KnownBlock {
  const { max, multi } = CHOICE_ELEMENTS[type];
  const options = choices.slice(0, max).map((c) => option(c.text, c.value));
  const chosen = options.filter((x) => initial.includes(x.value));
  const preset = multi
    ? chosen.length
      ? { initial_options: chosen }
      : {}
    : chosen[0]
      ? { initial_option: chosen[0] }
      : {};
  return input(blockId, label, { type, options, ...preset, ...element }, o);
}

export function selectInput(
  blockId: string,
  label: string,
  choices: Choice[],
  o: Common & { initial?: string | null; placeholder?: string } = {},
): KnownBlock {
  const placeholder = o.placeholder ? { placeholder: plain(o.placeholder, LIMITS.placeholder) } : {};
  return choiceInput("static_select", blockId, label, choices, [o.initial], placeholder, o);
}

export function multiSelectInput(
  blockId: string,
  label: string,
  choices: Choice[],
  o: Common & { initial?: string[] } = {},
): KnownBlock {
  return choiceInput("multi_static_select", blockId, label, choices, o.initial ?? [], {}, o);
}

export function checkboxesInput(
  blockId: string,
  label: string,
  choices: Choice[],
  o: Common & { initial?: string[] } = {},
): KnownBlock {
  return choiceInput("checkboxes", blockId, label, choices, o.initial ?? [], {}, { optional: true, ...o });
}

export function radioInput(
  blockId: string,
  label: string,
  choices: Choice[],
  o: Common & { initial?: string } = {},
): KnownBlock {
  return choiceInput("radio_buttons", blockId, label, choices, [o.initial], {}, o);
}

export function userInput(
  blockId: string,
  label: string,
  o: Common & { initial?: string | null } = {},
): KnownBlock {
  return input(
    blockId,
    label,
    { type: "users_select", ...(o.initial ? { initial_user: o.initial } : {}) },
    o,
  );
}

export function usersInput(
  blockId: string,
  label: string,
  o: Common & { initial?: string[] } = {},
): KnownBlock {
  return input(
    blockId,
    label,
    { type: "multi_users_select", ...(o.initial?.length ? { initial_users: o.initial } : {}) },
    o,
  );
}

export function channelInput(
  blockId: string,
  label: string,
  o: Common & { initial?: string | null } = {},
): KnownBlock {
  return input(
    blockId,
    label,
    { type: "conversations_select", ...(o.initial ? { initial_conversation: o.initial } : {}) },
    { optional: true, ...o },
  );
}

export function dateInput(
  blockId: string,
  label: string,
  o: Common & { initial?: string | null } = {},
): KnownBlock {
  return input(blockId, label, { type: "datepicker", ...(o.initial ? { initial_date: o.initial } : {}) }, o);
}

export type InputValue = string | string[] | null;

type StateValue = {
  type?: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[];
  selected_user?: string | null;
  selected_users?: string[];
  selected_conversation?: string | null;
  selected_channel?: string | null;
  selected_date?: string | null;
};

/** { blockId: value } of a view's state (the ACTIONS.field element of each block). */
export function readInputs(
  values: Record<string, Record<string, unknown>> | undefined,
): Record<string, InputValue> {
  const out: Record<string, InputValue> = {};
  for (const [blockId, elements] of Object.entries(values ?? {})) {
    const v = (elements[ACTIONS.field] ?? Object.values(elements)[0]) as StateValue | undefined;
    if (!v) continue;
    if (v.selected_options) out[blockId] = v.selected_options.map((o) => o.value);
    else if (v.selected_users) out[blockId] = v.selected_users;
    else if ("selected_option" in v) out[blockId] = v.selected_option?.value ?? null;
    else if ("selected_user" in v) out[blockId] = v.selected_user ?? null;
    else if ("selected_conversation" in v) out[blockId] = v.selected_conversation ?? null;
    else if ("selected_channel" in v) out[blockId] = v.selected_channel ?? null;
    else if ("selected_date" in v) out[blockId] = v.selected_date ?? null;
    else out[blockId] = typeof v.value === "string" ? v.value : null;
  }
  return out;
}

/** A single string from readInputs ("" when absent). */
export function str(v: InputValue | undefined): string {
  return typeof v === "string" ? v.trim() : "";
}

/** A list from readInputs ([] when absent). */
export function list(v: InputValue | undefined): string[] {
  return Array.isArray(v) ? v : typeof v === "string" && v ? [v] : [];
}

export type { types };
