/**
 * `/kpi export [month|quarter]` (issue 6 item 7): the score sheet (XLSX) and results (CSV) of a month,
 * or the quarterly summary of a quarter, uploaded to the requester's DM with files.uploadV2. What the
 * files hold depends on who asks (domain/export-files.ts: the group and the branch chief everyone, a
 * chief their section, staff their own line; previews of an unpublished month for the group only).
 */
import { exportPeriod } from "../../../../domain/export-files.js";
import type { Message } from "../../../blocks/kit.js";
import { simpleMessage } from "../../../blocks/log-reply.js";
import { errorMessage } from "../../common.js";
import type { KpiSubcommand, KpiTable } from "./types.js";

const exportFiles: KpiSubcommand = async ({ ctx, user, actor, lang, t, words, args, send }) => {
  if (words[0] === "help" || words[0] === "帮助") return void (await send(simpleMessage(t("exports.usage"))));
  if (!ctx.client) throw new Error("no Slack client");
  const period = words.join(" ");
  // a large month takes a few seconds: say so, then replace that line with the outcome
  await send(simpleMessage(t("exports.preparing", { period: period || t("exports.latest") })));
  const replace = (m: Message) =>
    args.respond({
      response_type: "ephemeral",
      replace_original: true,
      text: m.text,
      blocks: m.blocks as never,
    });
  try {
    const result = await exportPeriod(
      ctx.database,
      { kind: "person", actor },
      { period, lang, now: ctx.clock(), timeZone: ctx.deps.timeZone },
    );
    const scope = t(
      result.scope === "all"
        ? "exports.scopeAll"
        : result.scope === "sections"
          ? "exports.scopeSections"
          : "exports.scopeOwn",
    );
    const opened = await ctx.client.conversations.open({ users: user });
    const channel = opened.channel?.id;
    if (!channel) throw new Error("conversations.open returned no channel");
    await ctx.client.filesUploadV2({
      channel_id: channel,
      initial_comment: t("exports.dmComment", { period: result.period, scope }),
      file_uploads: result.files.map((f) => ({
        file: Buffer.from(f.bytes),
        filename: f.filename,
        title: f.title,
      })),
    });
    await replace(
      simpleMessage(t("exports.sent", { files: result.files.map((f) => f.filename).join(", "), scope })),
    );
  } catch (error) {
    await replace(errorMessage(ctx, lang, error, "kpi export"));
  }
};

export const exportSubcommands: KpiTable = { export: exportFiles, 导出: exportFiles };
