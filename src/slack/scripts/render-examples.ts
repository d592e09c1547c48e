/**
 * Prints text renderings of the bot's Block Kit replies, built by the real block builders from sample
 * data, as Markdown (README.md "What the replies look like").
 *   npx tsx src/slack/scripts/render-examples.ts > /tmp/examples.md
 */
import { type Lang, translator } from "../../i18n/index.js";
import { helpMessage } from "../blocks/help.js";
import { homeView } from "../blocks/home.js";
import type { Message } from "../blocks/kit.js";
import { listMessage } from "../blocks/list.js";
import { candidatesReply, confirmReply, loggedReply, tempReply } from "../blocks/log-reply.js";
import { logModal } from "../blocks/modal.js";
import { renderBlocks, renderView } from "../blocks/render.js";
import { submitSummaryMessage } from "../blocks/submit.js";

const arrears = {
  id: "c_arrears",
  code: "SV004",
  name: "催报催缴",
  nameEn: "Arrears collection",
  unit: "CASE",
  points: 3000,
  evidence: [
    { id: "d1", name: "欠税清册", nameEn: "Arrears list" },
    { id: "d2", name: "催缴税款通知书", nameEn: "Payment demand" },
  ],
};

function section(title: string, command: string, body: string): string {
  return `#### ${title}\n\n\`${command}\`\n\n\`\`\`text\n${body.trim()}\n\`\`\`\n`;
}
const msg = (m: Message) => renderBlocks(m.blocks);

function examples(lang: Lang): string[] {
  const t = translator(lang);
  return [
    section(
      lang === "en" ? "Logged" : "已记录",
      "/log fpfs 3",
      msg(
        loggedReply(t, lang, {
          entry: {
            id: "c1",
            workDate: "2026-11-20",
            count: 3,
            itemCode: "SV001",
            itemName: "发票发售",
            itemNameEn: "Invoice sales",
            pointsPerUnit: 300,
            subtotal: 900,
          },
          dayTotal: 2900,
          monthTotal: 48250,
          monthLines: 37,
          evidenceMissing: [],
        }),
      ),
    ),
    section(
      lang === "en" ? "Logged, documents missing" : "已记录，资料不全",
      "/log cbcj 1 yesterday 上门催缴",
      msg(
        loggedReply(
          t,
          lang,
          {
            entry: {
              id: "c2",
              workDate: "2026-11-19",
              count: 1,
              itemCode: "SV004",
              itemName: "催报催缴",
              itemNameEn: "Arrears collection",
              pointsPerUnit: 3000,
              subtotal: 3000,
            },
            dayTotal: 3000,
            monthTotal: 51250,
            monthLines: 38,
            evidenceMissing: arrears.evidence,
          },
          "上门催缴",
        ),
      ),
    ),
    section(
      lang === "en" ? "Ambiguous item" : "匹配到多个事项",
      "/log fp 2",
      msg(
        candidatesReply(
          t,
          lang,
          "ambiguous",
          "fp",
          [
            { id: "a", code: "SV001", name: "发票发售", nameEn: "Invoice sales", points: 300 },
            { id: "b", code: "SV002", name: "发票代开", nameEn: "Invoice issuing on behalf", points: 500 },
          ],
          { c: 2, d: "2026-11-20" },
        ),
      ),
    ),
    section(
      lang === "en" ? "Unknown item" : "未知事项",
      "/log SV09 1",
      msg(
        candidatesReply(
          t,
          lang,
          "unknown",
          "SV09",
          [{ id: "a", code: "SV001", name: "发票发售", nameEn: "Invoice sales", points: 300 }],
          { c: 1, d: "2026-11-20" },
        ),
      ),
    ),
    section(
      lang === "en" ? "Plausibility check" : "合理性确认",
      "/log nspg 5",
      msg(
        confirmReply(
          t,
          { reason: "dayOver", dayTotal: 60000, limit: 48000 },
          { i: "x", c: 5, d: "2026-11-20" },
        ),
      ),
    ),
    section(
      lang === "en" ? "Temporary task" : "临时性工作",
      "/log temp 90 flood relief paperwork similar:fpfs",
      msg(
        tempReply(t, lang, {
          workDate: "2026-11-20",
          minutes: 90,
          description: lang === "en" ? "flood relief paperwork" : "防汛材料整理",
          similar: { code: "SV001", name: "发票发售", nameEn: "Invoice sales" },
        }),
      ),
    ),
    section(
      lang === "en" ? "My lines" : "我的记录",
      "/log list",
      msg(
        listMessage(t, lang, {
          month: "2026-11",
          sheet: { state: "OPEN" },
          lines: [
            {
              id: "l1",
              workDate: "2026-11-02",
              itemCode: "SV001",
              itemName: "发票发售",
              itemNameEn: "Invoice sales",
              count: 3,
              pointsPerUnit: 300,
              subtotal: 900,
              note: null,
              evidenceMissing: [],
              evidenceCount: 0,
              editable: true,
            },
            {
              id: "l2",
              workDate: "2026-11-05",
              itemCode: "SV004",
              itemName: "催报催缴",
              itemNameEn: "Arrears collection",
              count: 1,
              pointsPerUnit: 3000,
              subtotal: 3000,
              note: "追缴",
              evidenceMissing: [arrears.evidence[1]!],
              evidenceCount: 2,
              editable: true,
            },
          ],
          tempTasks: [
            {
              workDate: "2026-11-20",
              minutes: 45,
              description: lang === "en" ? "flood relief paperwork" : "防汛材料整理",
              status: "AWAITING_PRICING",
            },
          ],
          total: 3900,
          evidenceGaps: 1,
        }),
      ),
    ),
    section(
      lang === "en" ? "Submit the month" : "提交积分表",
      "/log submit",
      msg(
        submitSummaryMessage(t, lang, {
          month: "2026-11",
          state: "OPEN",
          late: false,
          lines: 38,
          items: [
            {
              itemCode: "SV001",
              itemName: "发票发售",
              itemNameEn: "Invoice sales",
              count: 95,
              points: 28500,
            },
            {
              itemCode: "SV004",
              itemName: "催报催缴",
              itemNameEn: "Arrears collection",
              count: 7,
              points: 21000,
            },
          ],
          tempTasks: { awaiting: 1, priced: 0 },
          total: 49500,
          evidenceGaps: 1,
          deadline: "2026-12-05",
          canSubmit: true,
          blockers: [],
          lateIfSubmittedNow: false,
        }),
      ),
    ),
    section(lang === "en" ? "Help" : "帮助", "/log help", msg(helpMessage(t, 5))),
    section(
      lang === "en" ? "App Home" : "App Home",
      "(Home tab)",
      renderView(
        homeView(t, {
          month: "2026-11",
          total: 51250,
          lines: 38,
          state: "OPEN",
          late: false,
          evidenceGaps: 1,
          tempAwaiting: 1,
          nextDeadline: { date: "2026-12-05", kind: "submit", month: "2026-11" },
          submitMonth: "2026-11",
          lastResult: {
            month: "2026-10",
            final: 10300,
            raw: 320000,
            discretionary: 500,
            quantity: "100.00",
            quality: "95.00",
            qualityWeight: "0.40",
            quantityWeight: "0.60",
            vetoed: false,
            rankOverall: 1,
            rankCategory: 1,
            rankSection: 1,
          },
        }) as unknown as Record<string, unknown>,
      ),
    ),
    section(
      lang === "en" ? "The log form (item picked)" : "记录表单（已选事项）",
      "/log",
      renderView(
        logModal(t, lang, { today: "2026-11-20", meta: {}, item: arrears }) as unknown as Record<
          string,
          unknown
        >,
      ),
    ),
  ];
}

const out = ["### English", "", ...examples("en"), "### 简体中文", "", ...examples("zh-CN")];
console.log(out.join("\n"));
