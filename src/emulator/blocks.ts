/**
 * Block Kit support: the limits Slack enforces (reported in Slack's own
 * `"<reason> [json-pointer:/blocks/3/text/text]"` style), the normalisation Slack applies before
 * echoing blocks back (generated `block_id` / `action_id`), element lookup for interactions and
 * the shape of `view.state.values`.
 */
import type { JsonObject } from "./types.js";
import { type IdFactory, isRecord } from "./util.js";

/** Limits from Slack's Block Kit reference (and `slack-testing.md`). */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  messageText: 40_000,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  actionId: 255,
  blockId: 255,
  actionsElements: 25,
  contextElements: 10,
  inputLabel: 2000,
  hint: 2000,
  placeholder: 150,
  optionText: 75,
  optionValue: 150,
  selectOptions: 100,
  checkboxOptions: 10,
  overflowOptions: 5,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  viewBytes: 250_000,
  modalStack: 3,
  attachments: 100,
} as const;

/** One validation problem. */
export interface BlockIssue {
  pointer: string;
  message: string;
}

/** Formats an issue the way Slack does in `errors` / `response_metadata.messages`. */
export function formatIssue(issue: BlockIssue): string {
  return `${issue.message} [json-pointer:${issue.pointer}]`;
}

const BLOCK_TYPES = new Set([
  "section",
  "divider",
  "image",
  "actions",
  "context",
  "input",
  "header",
  "rich_text",
  "file",
  "video",
  "markdown",
  "call",
  "context_actions",
]);

const TEXT_INPUTS = new Set(["plain_text_input", "email_text_input", "url_text_input", "number_input"]);
const SINGLE_SELECTS = new Set(["static_select", "external_select", "radio_buttons"]);
const MULTI_SELECTS = new Set(["multi_static_select", "multi_external_select", "checkboxes"]);

type Surface = "message" | "modal" | "home";

class Checker {
  readonly issues: BlockIssue[] = [];

  add(pointer: string, message: string): void {
    this.issues.push({ pointer, message });
  }

  /** Validates a text object; `max` is the limit on its `text`. */
  text(
    value: unknown,
    pointer: string,
    options: { max: number; plainOnly?: boolean; required?: boolean } = { max: 3000 },
  ): void {
    if (value === undefined || value === null) {
      if (options.required) this.add(pointer, "must provide an object");
      return;
    }
    if (!isRecord(value)) {
      this.add(pointer, "must provide an object");
      return;
    }
    const type = value.type;
    if (type !== "plain_text" && type !== "mrkdwn") {
      this.add(`${pointer}/type`, "must be one of plain_text, mrkdwn");
    } else if (options.plainOnly && type !== "plain_text") {
      this.add(`${pointer}/type`, "must be plain_text");
    }
    if (typeof value.text !== "string") {
      this.add(`${pointer}/text`, "must provide a string");
      return;
    }
    if (value.text.length === 0) this.add(`${pointer}/text`, "must be more than 0 characters");
    if (value.text.length > options.max) {
      this.add(`${pointer}/text`, `must be less than ${options.max + 1} characters`);
    }
  }

  maxLength(value: unknown, pointer: string, max: number): void {
    if (typeof value === "string" && value.length > max) {
      this.add(pointer, `must be less than ${max + 1} characters`);
    }
  }

  option(value: unknown, pointer: string): void {
    if (!isRecord(value)) {
      this.add(pointer, "must provide an object");
      return;
    }
    this.text(value.text, `${pointer}/text`, { max: LIMITS.optionText, required: true });
    if (typeof value.value !== "string") this.add(`${pointer}/value`, "must provide a string");
    else this.maxLength(value.value, `${pointer}/value`, LIMITS.optionValue);
  }

  options(value: unknown, pointer: string, max: number): void {
    if (value === undefined) return;
    if (!Array.isArray(value)) {
      this.add(pointer, "must provide an array");
      return;
    }
    if (value.length > max) this.add(pointer, `must be less than ${max + 1} items`);
    value.forEach((option, i) => {
      this.option(option, `${pointer}/${i}`);
    });
  }

  element(element: unknown, pointer: string): void {
    if (!isRecord(element)) {
      this.add(pointer, "must provide an object");
      return;
    }
    const type = element.type;
    if (typeof type !== "string") {
      this.add(`${pointer}/type`, "must provide a string");
      return;
    }
    this.maxLength(element.action_id, `${pointer}/action_id`, LIMITS.actionId);
    if (element.placeholder !== undefined) {
      this.text(element.placeholder, `${pointer}/placeholder`, { max: LIMITS.placeholder, plainOnly: true });
    }
    if (type === "button") {
      this.text(element.text, `${pointer}/text`, { max: LIMITS.buttonText, plainOnly: true, required: true });
      this.maxLength(element.value, `${pointer}/value`, LIMITS.buttonValue);
      this.maxLength(element.url, `${pointer}/url`, LIMITS.url);
      if (element.style !== undefined && element.style !== "primary" && element.style !== "danger") {
        this.add(`${pointer}/style`, "must be one of primary, danger");
      }
    } else if (type === "overflow") {
      if (!Array.isArray(element.options) || element.options.length < 1) {
        this.add(`${pointer}/options`, "must provide an array");
      }
      this.options(element.options, `${pointer}/options`, LIMITS.overflowOptions);
    } else if (type === "checkboxes" || type === "radio_buttons") {
      this.options(element.options, `${pointer}/options`, LIMITS.checkboxOptions);
    } else if (type === "static_select" || type === "multi_static_select") {
      if (element.options === undefined && element.option_groups === undefined) {
        this.add(pointer, "must provide either options or option_groups");
      }
      this.options(element.options, `${pointer}/options`, LIMITS.selectOptions);
      if (Array.isArray(element.option_groups)) {
        element.option_groups.forEach((group, i) => {
          if (isRecord(group))
            this.options(group.options, `${pointer}/option_groups/${i}/options`, LIMITS.selectOptions);
        });
      }
    }
  }

  blocks(blocks: unknown, pointer: string, surface: Surface): void {
    if (blocks === undefined) return;
    if (!Array.isArray(blocks)) {
      this.add(pointer, "must provide an array");
      return;
    }
    const max = surface === "message" ? LIMITS.messageBlocks : LIMITS.viewBlocks;
    if (blocks.length > max) this.add(pointer, `must be less than ${max + 1} items`);
    const blockIds = new Set<string>();
    blocks.forEach((block, i) => {
      this.block(block, `${pointer}/${i}`, blockIds);
    });
  }

  block(block: unknown, pointer: string, blockIds: Set<string>): void {
    if (!isRecord(block)) {
      this.add(pointer, "must provide an object");
      return;
    }
    const type = block.type;
    if (typeof type !== "string" || !BLOCK_TYPES.has(type)) {
      this.add(`${pointer}/type`, `unsupported block type ${JSON.stringify(type)}`);
      return;
    }
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== "string") this.add(`${pointer}/block_id`, "must provide a string");
      else {
        this.maxLength(block.block_id, `${pointer}/block_id`, LIMITS.blockId);
        if (blockIds.has(block.block_id)) this.add(`${pointer}/block_id`, "duplicate block_id");
        blockIds.add(block.block_id);
      }
    }
    const actionIds = new Set<string>();
    const checkActionId = (element: unknown, elementPointer: string): void => {
      if (!isRecord(element) || typeof element.action_id !== "string") return;
      if (actionIds.has(element.action_id)) {
        this.add(`${elementPointer}/action_id`, "action_id must be unique within a block");
      }
      actionIds.add(element.action_id);
    };
    switch (type) {
      case "section": {
        if (block.text === undefined && block.fields === undefined) {
          this.add(pointer, "must provide either text or fields");
        }
        this.text(block.text, `${pointer}/text`, { max: LIMITS.sectionText });
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields)) this.add(`${pointer}/fields`, "must provide an array");
          else {
            if (block.fields.length > LIMITS.sectionFields) {
              this.add(`${pointer}/fields`, `must be less than ${LIMITS.sectionFields + 1} items`);
            }
            block.fields.forEach((field, i) => {
              this.text(field, `${pointer}/fields/${i}`, { max: LIMITS.sectionFieldText, required: true });
            });
          }
        }
        if (block.accessory !== undefined) {
          this.element(block.accessory, `${pointer}/accessory`);
          checkActionId(block.accessory, `${pointer}/accessory`);
        }
        break;
      }
      case "header":
        this.text(block.text, `${pointer}/text`, { max: LIMITS.headerText, plainOnly: true, required: true });
        break;
      case "actions": {
        if (!Array.isArray(block.elements) || block.elements.length === 0) {
          this.add(`${pointer}/elements`, "must provide a non-empty array");
          break;
        }
        if (block.elements.length > LIMITS.actionsElements) {
          this.add(`${pointer}/elements`, `must be less than ${LIMITS.actionsElements + 1} items`);
        }
        block.elements.forEach((element, i) => {
          this.element(element, `${pointer}/elements/${i}`);
          checkActionId(element, `${pointer}/elements/${i}`);
        });
        break;
      }
      case "context": {
        if (!Array.isArray(block.elements) || block.elements.length === 0) {
          this.add(`${pointer}/elements`, "must provide a non-empty array");
          break;
        }
        if (block.elements.length > LIMITS.contextElements) {
          this.add(`${pointer}/elements`, `must be less than ${LIMITS.contextElements + 1} items`);
        }
        block.elements.forEach((element, i) => {
          if (isRecord(element) && (element.type === "plain_text" || element.type === "mrkdwn")) {
            this.text(element, `${pointer}/elements/${i}`, { max: LIMITS.sectionText });
          }
        });
        break;
      }
      case "input": {
        this.text(block.label, `${pointer}/label`, {
          max: LIMITS.inputLabel,
          plainOnly: true,
          required: true,
        });
        if (block.hint !== undefined)
          this.text(block.hint, `${pointer}/hint`, { max: LIMITS.hint, plainOnly: true });
        if (block.element === undefined) this.add(`${pointer}/element`, "must provide an object");
        else this.element(block.element, `${pointer}/element`);
        break;
      }
      case "image":
        this.maxLength(block.image_url, `${pointer}/image_url`, LIMITS.url);
        break;
      default:
        break;
    }
  }
}

/** Validates the content of a `chat.postMessage` / `chat.update` / response_url message. */
export function validateMessage(message: {
  text?: unknown;
  blocks?: unknown;
  attachments?: unknown;
}): BlockIssue[] {
  const checker = new Checker();
  checker.blocks(message.blocks, "/blocks", "message");
  if (typeof message.text === "string" && message.text.length > LIMITS.messageText) {
    checker.add("/text", `must be less than ${LIMITS.messageText + 1} characters`);
  }
  if (Array.isArray(message.attachments)) {
    if (message.attachments.length > LIMITS.attachments) {
      checker.add("/attachments", `must be less than ${LIMITS.attachments + 1} items`);
    }
    message.attachments.forEach((attachment, i) => {
      if (isRecord(attachment)) checker.blocks(attachment.blocks, `/attachments/${i}/blocks`, "message");
    });
  }
  return checker.issues;
}

/** Validates a view object for `views.open|push|update|publish` and `response_action` payloads. */
export function validateView(view: unknown, expectedType?: "modal" | "home"): BlockIssue[] {
  const checker = new Checker();
  if (!isRecord(view)) {
    checker.add("/view", "must provide an object");
    return checker.issues;
  }
  const type = view.type;
  if (type !== "modal" && type !== "home") {
    checker.add("/view/type", "must be one of modal, home");
    return checker.issues;
  }
  if (expectedType && type !== expectedType) checker.add("/view/type", `must be ${expectedType}`);
  if (type === "modal") {
    checker.text(view.title, "/view/title", { max: LIMITS.viewTitle, plainOnly: true, required: true });
    checker.text(view.submit, "/view/submit", { max: LIMITS.viewButton, plainOnly: true });
    checker.text(view.close, "/view/close", { max: LIMITS.viewButton, plainOnly: true });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isRecord(b) && b.type === "input");
    if (hasInput && view.submit === undefined) {
      checker.add("/view/submit", "must provide submit when the view contains input blocks");
    }
  }
  if (!Array.isArray(view.blocks)) checker.add("/view/blocks", "must provide an array");
  else checker.blocks(view.blocks, "/view/blocks", type);
  checker.maxLength(view.private_metadata, "/view/private_metadata", LIMITS.privateMetadata);
  checker.maxLength(view.callback_id, "/view/callback_id", LIMITS.callbackId);
  checker.maxLength(view.external_id, "/view/external_id", LIMITS.externalId);
  return checker.issues;
}

/** True when the serialised view is larger than Slack accepts (`view_too_large`). */
export function viewTooLarge(view: unknown): boolean {
  return Buffer.byteLength(JSON.stringify(view)) > LIMITS.viewBytes;
}

/** Adds `emoji: true` to plain_text objects, like Slack's echo does. */
function normalizeText(value: unknown): unknown {
  if (isRecord(value) && value.type === "plain_text" && value.emoji === undefined) {
    return { ...value, emoji: true };
  }
  return value;
}

function normalizeElement(element: unknown, ids: IdFactory): unknown {
  if (!isRecord(element)) return element;
  const out: JsonObject = { ...element };
  if (
    typeof out.type === "string" &&
    out.type !== "image" &&
    out.type !== "plain_text" &&
    out.type !== "mrkdwn"
  ) {
    if (out.action_id === undefined) out.action_id = ids.slackId("", 5);
  }
  for (const key of ["text", "placeholder"]) if (key in out) out[key] = normalizeText(out[key]);
  return out;
}

/**
 * Returns a copy of `blocks` with the fields Slack fills in: a `block_id` on every block and an
 * `action_id` on interactive elements that lack one.
 */
export function normalizeBlocks(blocks: unknown, ids: IdFactory): JsonObject[] | undefined {
  if (!Array.isArray(blocks)) return undefined;
  return blocks.map((block) => {
    if (!isRecord(block)) return block as JsonObject;
    const out: JsonObject = { ...block };
    if (out.block_id === undefined) out.block_id = ids.slackId("", 5);
    if ("text" in out) out.text = normalizeText(out.text);
    if ("label" in out) out.label = normalizeText(out.label);
    if (out.accessory !== undefined) out.accessory = normalizeElement(out.accessory, ids);
    if (out.element !== undefined) out.element = normalizeElement(out.element, ids);
    if (Array.isArray(out.elements) && out.type === "actions") {
      out.elements = out.elements.map((element) => normalizeElement(element, ids));
    }
    return out;
  });
}

/** An interactive element located inside a list of blocks. */
export interface ElementMatch {
  block: JsonObject;
  blockId: string;
  element: JsonObject;
}

/** Lists every interactive element (section accessories, actions elements, input elements). */
export function listElements(blocks: unknown): ElementMatch[] {
  const out: ElementMatch[] = [];
  if (!Array.isArray(blocks)) return out;
  for (const block of blocks) {
    if (!isRecord(block)) continue;
    const blockId = typeof block.block_id === "string" ? block.block_id : "";
    const candidates: unknown[] = [];
    if (block.accessory !== undefined) candidates.push(block.accessory);
    if (block.element !== undefined) candidates.push(block.element);
    if (block.type === "actions" && Array.isArray(block.elements)) candidates.push(...block.elements);
    for (const element of candidates) {
      if (isRecord(element) && typeof element.action_id === "string") out.push({ block, blockId, element });
    }
  }
  return out;
}

/** Finds the element with `actionId` (and `blockId`, when given). */
export function findElement(blocks: unknown, actionId: string, blockId?: string): ElementMatch | undefined {
  return listElements(blocks).find(
    (match) => match.element.action_id === actionId && (blockId === undefined || match.blockId === blockId),
  );
}

/**
 * What a test passes as the user's input for an element: a string (text value, option value, date,
 * user id ...), a list of strings for multi-selects/checkboxes, an explicit `{ value, text }` option, or
 * a raw Slack state object (anything with a `type`), which is used verbatim.
 */
export type ElementInput = string | number | string[] | { value: string; text?: string } | JsonObject;

function allOptions(element: JsonObject): JsonObject[] {
  const options: JsonObject[] = [];
  if (Array.isArray(element.options)) options.push(...element.options.filter(isRecord));
  if (Array.isArray(element.option_groups)) {
    for (const group of element.option_groups) {
      if (isRecord(group) && Array.isArray(group.options)) options.push(...group.options.filter(isRecord));
    }
  }
  return options;
}

function toOption(element: JsonObject, input: unknown): JsonObject {
  if (isRecord(input) && typeof input.value === "string") {
    const known = allOptions(element).find((option) => option.value === input.value);
    if (typeof input.text === "string")
      return { text: { type: "plain_text", text: input.text, emoji: true }, value: input.value };
    return known ?? { text: { type: "plain_text", text: input.value, emoji: true }, value: input.value };
  }
  const value = String(input);
  const known = allOptions(element).find((option) => option.value === value);
  return known ?? { text: { type: "plain_text", text: value, emoji: true }, value };
}

/** Slack's `state.values[block_id][action_id]` entry for `element`, from user input or initial values. */
export function stateValueFor(element: JsonObject, input?: ElementInput | null): JsonObject {
  const type = String(element.type);
  if (isRecord(input) && typeof (input as JsonObject).type === "string") return input as JsonObject;
  const has = input !== undefined && input !== null;
  const list = (): unknown[] => (Array.isArray(input) ? input : has ? [input] : []);
  if (TEXT_INPUTS.has(type)) {
    return {
      type,
      value: has ? String(isRecord(input) ? input.value : input) : (element.initial_value ?? null),
    };
  }
  if (SINGLE_SELECTS.has(type)) {
    return { type, selected_option: has ? toOption(element, input) : (element.initial_option ?? null) };
  }
  if (MULTI_SELECTS.has(type)) {
    return {
      type,
      selected_options: has ? list().map((item) => toOption(element, item)) : (element.initial_options ?? []),
    };
  }
  switch (type) {
    case "users_select":
      return { type, selected_user: has ? String(input) : (element.initial_user ?? null) };
    case "multi_users_select":
      return { type, selected_users: has ? list().map(String) : (element.initial_users ?? []) };
    case "conversations_select":
      return { type, selected_conversation: has ? String(input) : (element.initial_conversation ?? null) };
    case "multi_conversations_select":
      return {
        type,
        selected_conversations: has ? list().map(String) : (element.initial_conversations ?? []),
      };
    case "channels_select":
      return { type, selected_channel: has ? String(input) : (element.initial_channel ?? null) };
    case "multi_channels_select":
      return { type, selected_channels: has ? list().map(String) : (element.initial_channels ?? []) };
    case "datepicker":
      return { type, selected_date: has ? String(input) : (element.initial_date ?? null) };
    case "timepicker":
      return { type, selected_time: has ? String(input) : (element.initial_time ?? null) };
    case "datetimepicker":
      return { type, selected_date_time: has ? Number(input) : (element.initial_date_time ?? null) };
    case "overflow":
      return { type, selected_option: has ? toOption(element, input) : null };
    case "rich_text_input":
      return { type, rich_text_value: has ? input : (element.initial_value ?? null) };
    default:
      return has ? { type, value: String(isRecord(input) ? input.value : input) } : { type, value: null };
  }
}

/** Element types that carry state in `view.state.values` (buttons and overflow menus do not). */
function isStateful(element: JsonObject): boolean {
  return element.type !== "button" && element.type !== "overflow" && element.type !== "workflow_button";
}

/**
 * Builds `state.values` for a view: every stateful element gets its initial value, then `previous`
 * values for the same block_id/action_id are kept (Slack preserves input across `views.update`).
 */
export function initialState(
  blocks: unknown,
  previous?: Record<string, Record<string, JsonObject>>,
): Record<string, Record<string, JsonObject>> {
  const values: Record<string, Record<string, JsonObject>> = {};
  for (const { blockId, element } of listElements(blocks)) {
    if (!isStateful(element)) continue;
    const actionId = String(element.action_id);
    const kept = previous?.[blockId]?.[actionId];
    values[blockId] ??= {};
    values[blockId][actionId] = kept ?? stateValueFor(element, null);
  }
  return values;
}

/** The `actions[0]` entry of a block_actions payload. */
export function actionFor(
  match: ElementMatch,
  input: ElementInput | undefined,
  actionTs: string,
): JsonObject {
  const { element, blockId } = match;
  const base: JsonObject = { type: element.type, action_id: element.action_id, block_id: blockId };
  if (element.type === "button") {
    const out: JsonObject = { ...base, text: element.text };
    const value = input !== undefined ? String(isRecord(input) ? input.value : input) : element.value;
    if (value !== undefined) out.value = value;
    if (element.style !== undefined) out.style = element.style;
    if (element.url !== undefined) out.url = element.url;
    out.action_ts = actionTs;
    return out;
  }
  const { type: _type, ...state } = stateValueFor(element, input ?? null);
  const out: JsonObject = { ...base, ...state };
  if (element.placeholder !== undefined) out.placeholder = element.placeholder;
  out.action_ts = actionTs;
  return out;
}
