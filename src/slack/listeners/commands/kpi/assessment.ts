/**
 * `/kpi pricing [month]` (assessment group): the temporary tasks awaiting pricing, each with a Price… button.
 * `/kpi quality @person [month]` (assessment group): the quality form of that person for the month.
 * `/kpi award [month]` (branch chief): the discretionary pool form.
 * The month defaults to last month until it is published, then this month.
 */

import { pricingQueueMessage } from "../../../blocks/assessment.js";
import { simpleMessage } from "../../../blocks/log-reply.js";
import {
  defaultAssessmentMonth,
  findPersonRef,
  listPricingQueue,
  poolView,
  qualitySheet,
  requireQualityRight,
} from "../../../domain.js";
import { openAwardModal, openQualityModal } from "../../../flows/assessment.js";
import { isMonthValue } from "../../../values.js";
import type { KpiEnv, KpiSubcommand, KpiTable } from "./types.js";

/** The month argument, the default month when absent; null (and an answer sent) when it is not a month. */
async function monthArg(env: KpiEnv, word: string | undefined): Promise<string | null> {
  if (!word) return defaultAssessmentMonth(env.ctx.db, env.ctx.deps);
  if (isMonthValue(word)) return word;
  await env.send(simpleMessage(env.t("errors.log.badMonth", { value: word })));
  return null;
}

const pricing: KpiSubcommand = async (env) => {
  const { ctx, actor, t, lang, words } = env;
  if (words[0] && !isMonthValue(words[0])) {
    return void (await env.send(simpleMessage(t("errors.log.badMonth", { value: words[0] }))));
  }
  const queue = await listPricingQueue(ctx.db, actor, {
    ...(words[0] ? { month: words[0] } : {}),
    limit: 15,
  });
  await env.send(pricingQueueMessage(t, lang, queue));
};

/** `<@U123>`, `<@U123|name>`, `U123`, `@name` or a name → the person's Slack user id. */
async function personArg(env: KpiEnv, word: string): Promise<string | null> {
  const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(word);
  if (mention) return mention[1]!;
  return findPersonRef(env.ctx.db, word);
}

const quality: KpiSubcommand = async (env) => {
  const { ctx, actor, t, args } = env;
  // the role first: a non-member is refused the same way whatever (whoever) they typed
  await requireQualityRight(ctx.db, actor, { text: env.rest.slice(0, 200) });
  const parts = env.rest.split(/\s+/).filter(Boolean);
  if (parts.length === 0 || parts.length > 2) return void (await env.send(simpleMessage(t("quality.usage"))));
  const person = await personArg(env, parts[0]!);
  if (!person) return void (await env.send(simpleMessage(t("quality.unknownPerson", { value: parts[0]! }))));
  const month = await monthArg(env, parts[1]);
  if (!month) return;
  // refusals (not in the group, not staff, oneself) answer here, before any modal opens
  await qualitySheet(ctx.db, actor, { person, month });
  await openQualityModal(ctx, args.client, args.command.trigger_id, env.user, {
    person,
    month,
    channel: args.command.channel_id,
  });
};

const award: KpiSubcommand = async (env) => {
  const { ctx, actor, t, args, words } = env;
  if (words.length > 1)
    return void (await env.send(simpleMessage(t("errors.log.badMonth", { value: env.rest }))));
  const month = await monthArg(env, words[0]);
  if (!month) return;
  if (!actor.roles.has("BRANCH_CHIEF")) {
    // refused and audited by the use-case
    await poolView(ctx.db, actor, month);
    return;
  }
  await openAwardModal(ctx, args.client, args.command.trigger_id, env.user, {
    month,
    channel: args.command.channel_id,
  });
};

export const assessmentSubcommands: KpiTable = {
  pricing,
  price: pricing,
  定分: pricing,
  quality,
  质量: quality,
  award,
  机动分: award,
};
