/**
 * A `/kpi` subcommand: one file per feature exports a table of these (words → handler), merged in
 * ./index.ts. The dispatcher has already acknowledged the command, resolved the actor and the reader's
 * language; errors thrown here become a message in that language.
 */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { Lang, Translate } from "../../../../i18n/index.js";
import type { Message } from "../../../blocks/kit.js";
import type { SlackContext } from "../../../context.js";
import type { Actor } from "../../../domain.js";

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

export interface KpiEnv {
  ctx: SlackContext;
  user: string;
  actor: Actor;
  lang: Lang;
  t: Translate;
  /** the words after the subcommand, lower-cased */
  words: string[];
  /** the text after the subcommand, as typed (case and spacing kept) */
  rest: string;
  args: CommandArgs;
  /** an ephemeral reply to the person who typed the command */
  send: (m: Message) => Promise<void>;
}

export type KpiSubcommand = (env: KpiEnv) => Promise<void>;

/** Subcommand words (several spellings, e.g. "review" and "审核") → handler. */
export type KpiTable = Record<string, KpiSubcommand>;
