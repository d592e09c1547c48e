/** App Home: this month so far, the next deadline, the last published result, and the main buttons. */
import type { Translate } from "../../i18n/index.js";
import { ACTIONS } from "../ids.js";
import { pts, sheetStateName } from "./format.js";
import {
  actions,
  button,
  context,
  divider,
  fields,
  type HomeView,
  header,
  type KnownBlock,
  section,
} from "./kit.js";
import type { Amount } from "./log-reply.js";

export interface HomeResultView {
  month: string;
  final: Amount;
  raw: Amount;
  discretionary: Amount;
  /** decimals already formatted to 2 places */
  quantity: string;
  quality: string;
  qualityWeight: string;
  quantityWeight: string;
  vetoed: boolean;
  rankOverall: number;
  rankCategory: number;
  rankSection: number | null;
}

export interface HomeData {
  month: string;
  total: Amount;
  lines: number;
  state: string | null;
  late: boolean;
  evidenceGaps: number;
  tempAwaiting: number;
  nextDeadline: { date: string; kind: "submit" | "review"; month: string } | null;
  lastResult: HomeResultView | null;
  /** the month the Submit button submits */
  submitMonth: string;
  /** reviewers: sheets waiting for their decision */
  pendingReviews?: number;
}

export function homeView(t: Translate, d: HomeData): HomeView {
  const blocks: KnownBlock[] = [header(t("home.header")), section(t("home.month", { month: d.month }))];
  const deadline = d.nextDeadline
    ? t("home.deadlineValue", {
        date: d.nextDeadline.date,
        what:
          d.nextDeadline.kind === "submit"
            ? t("home.deadlineSubmit", { month: d.nextDeadline.month })
            : t("home.deadlineReview", { month: d.nextDeadline.month }),
      })
    : t("common.none");
  blocks.push(
    fields(
      [
        t("home.points", { value: pts(t, d.total) }),
        t("home.lines", { value: String(d.lines) }),
        t("home.sheet", { value: sheetStateName(t, d.state) + (d.late ? ` (${t("common.late")})` : "") }),
        t("home.deadline", { value: deadline }),
      ],
      "home_month",
    ),
  );
  const notes: string[] = [];
  if (d.evidenceGaps > 0) notes.push(t("home.gaps", { count: d.evidenceGaps }));
  if (d.tempAwaiting > 0) notes.push(t("home.temp", { count: d.tempAwaiting }));
  if (d.pendingReviews) notes.push(t("review.homePending", { n: d.pendingReviews }));
  if (notes.length > 0) blocks.push(context(notes));
  blocks.push(
    actions(
      [
        button(t("home.logWork"), ACTIONS.homeLog, "log", "primary"),
        button(t("home.myLines"), ACTIONS.homeList, d.month),
        button(t("home.submit"), ACTIONS.homeSubmit, d.submitMonth),
      ],
      "home_actions",
    ),
  );
  blocks.push(divider());
  const r = d.lastResult;
  if (!r) {
    blocks.push(section(t("home.noResult")));
  } else {
    blocks.push(section(t("home.lastResult", { month: r.month })));
    blocks.push(
      fields(
        [
          t("home.final", { value: pts(t, r.final) }),
          t("home.rank", {
            overall: r.rankOverall,
            category: r.rankCategory,
            section: r.rankSection !== null ? t("home.rankSection", { rank: r.rankSection }) : "",
          }),
        ],
        "home_result",
      ),
    );
    const breakdown = [
      t("home.breakdown", {
        raw: pts(t, r.raw),
        quantity: r.quantity,
        quantityWeight: r.quantityWeight,
        quality: r.quality,
        qualityWeight: r.qualityWeight,
        discretionary: pts(t, r.discretionary),
      }),
    ];
    if (r.vetoed) breakdown.push(t("home.vetoed"));
    blocks.push(context(breakdown));
  }
  return { type: "home", blocks };
}

/** Home for someone the scheme does not know (yet). */
export function unknownUserHome(t: Translate, userId: string): HomeView {
  return {
    type: "home",
    blocks: [header(t("home.header")), section(t("home.unknownUser", { user: userId }))],
  };
}
