/**
 * Block Kit primitives: small typed constructors and Slack's limits. Every builder in this folder is
 * a pure function of its inputs (data + translator) so it can be unit-tested and rendered to text.
 */
import type { types } from "@slack/bolt";

export type KnownBlock = types.KnownBlock;
export type ModalView = types.ModalView;
export type HomeView = types.HomeView;
export type Button = types.Button;
export type PlainTextOption = types.PlainTextOption;
export type ActionsBlockElement = types.ActionsBlockElement;

/** Limits Slack enforces (docs and shared/notes/slack-testing.md). */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  optionValue: 150,
  options: 100,
  checkboxOptions: 10,
  contextElements: 10,
  actionsElements: 25,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  placeholder: 150,
} as const;

/** A message: fallback text plus blocks. */
export interface Message {
  text: string;
  blocks: KnownBlock[];
}

/** Cuts `s` to `max` characters (code points), ending with "…" when cut. */
export function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  return `${chars.slice(0, Math.max(0, max - 1)).join("")}…`;
}

/** Escapes user text for mrkdwn (&, <, > are control characters in Slack markup). */
export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Escapes and truncates user text shown inside mrkdwn. */
export function userText(s: string, max = 200): string {
  return esc(truncate(s.replace(/\s+/g, " ").trim(), max));
}

export function plain(text: string, max = 3000): types.PlainTextElement {
  return { type: "plain_text", text: truncate(text || " ", max), emoji: true };
}

export function mrkdwn(text: string, max: number = LIMITS.sectionText): types.MrkdwnElement {
  return { type: "mrkdwn", text: truncate(text || " ", max) };
}

export function section(text: string, extra: Partial<types.SectionBlock> = {}): types.SectionBlock {
  return { type: "section", text: mrkdwn(text), ...extra };
}

export function fields(list: string[], blockId?: string): types.SectionBlock {
  return {
    type: "section",
    fields: list.slice(0, 10).map((f) => mrkdwn(f, LIMITS.fieldText)),
    ...(blockId ? { block_id: blockId } : {}),
  };
}

export function header(text: string): types.HeaderBlock {
  return { type: "header", text: plain(text, LIMITS.headerText) };
}

export function context(texts: string[]): types.ContextBlock {
  return { type: "context", elements: texts.slice(0, LIMITS.contextElements).map((t) => mrkdwn(t)) };
}

export function divider(): types.DividerBlock {
  return { type: "divider" };
}

export function button(
  text: string,
  actionId: string,
  value?: string,
  style?: "primary" | "danger",
): types.Button {
  if (value !== undefined && value.length > LIMITS.buttonValue) {
    throw new Error(`button value for ${actionId} is ${value.length} characters (max ${LIMITS.buttonValue})`);
  }
  return {
    type: "button",
    text: plain(text, LIMITS.buttonText),
    action_id: actionId,
    ...(value !== undefined ? { value } : {}),
    ...(style ? { style } : {}),
  };
}

export function actions(elements: types.ActionsBlockElement[], blockId?: string): types.ActionsBlock {
  return {
    type: "actions",
    elements: elements.slice(0, LIMITS.actionsElements),
    ...(blockId ? { block_id: blockId } : {}),
  };
}

export function option(text: string, value: string): types.PlainTextOption {
  if (value.length > LIMITS.optionValue) throw new Error(`option value too long: ${value.length}`);
  return { text: plain(text, LIMITS.optionText), value };
}

/**
 * Keeps a message within `max` blocks: when `blocks` is longer, keeps the first `max - 1` and adds a
 * context note built by `more(hiddenCount)`.
 */
export function capBlocks(blocks: KnownBlock[], max: number, more: (hidden: number) => string): KnownBlock[] {
  if (blocks.length <= max) return blocks;
  const kept = blocks.slice(0, max - 1);
  return [...kept, context([more(blocks.length - kept.length)])];
}
