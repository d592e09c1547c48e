/**
 * The catalog and re-valuation proposals in Block Kit: `/kpi items` results (points, history, evidence,
 * a "Propose a change" button per item), the App Home's catalog by category, the proposal card posted to
 * the review channel (tally updated in place, Agree / Disagree / Decide), the propose and decide modals
 * (with the effect preview), and the announcement.
 */

import type { CatalogEntry, CategoryView } from "../../domain/catalog-admin.js";
import type { EffectPreview, ProposalView } from "../../domain/proposals.js";
import type { Lang, Translate } from "../../i18n/index.js";
import { ACTIONS, CALLBACKS } from "../ids.js";
import { amount, docNames, itemName, pts, unitName } from "./format.js";
import { radioInput, selectInput, textInput } from "./inputs.js";
import {
  actions,
  button,
  context,
  divider,
  esc,
  fields,
  type HomeView,
  header,
  type KnownBlock,
  LIMITS,
  type Message,
  type ModalView,
  option,
  plain,
  section,
  truncate,
  userText,
} from "./kit.js";
import { modal } from "./modal.js";

function catName(lang: Lang, c: { categoryName: string; categoryNameEn: string }): string {
  return esc(lang === "en" ? c.categoryNameEn : c.categoryName);
}

function versionLine(t: Translate, lang: Lang, e: CatalogEntry): string {
  const parts = e.versions.map((v) => {
    const reason = userText(v.reason, 80);
    if (v.previous === null)
      return t("catalog.versionFirst", { month: v.effectiveMonth, points: amount(v.points), reason });
    const p = { month: v.effectiveMonth, from: amount(v.previous), to: amount(v.points), reason };
    return v.future ? t("catalog.versionFuture", p) : t("catalog.versionChange", p);
  });
  // the most recent versions matter most: keep the tail when there are many
  const shown = parts.length > 6 ? ["…", ...parts.slice(-6)] : parts;
  return t("catalog.history", { versions: shown.join(lang === "en" ? " · " : "；") });
}

export const CATALOG_PAGE = 12;

/** `/kpi items [search]`: matching items with points, history and evidence, each with "Propose a change". */
export function catalogMessage(
  t: Translate,
  lang: Lang,
  d: { query: string; entries: CatalogEntry[]; total: number },
): Message {
  const title = d.query ? t("catalog.headerSearch", { query: truncate(d.query, 60) }) : t("catalog.header");
  if (d.entries.length === 0) {
    const text = t("catalog.none", { query: userText(d.query, 60) });
    return { text, blocks: [section(text)] };
  }
  const shown = d.entries.slice(0, CATALOG_PAGE);
  const blocks: KnownBlock[] = [
    header(title),
    context([t("catalog.count", { shown: shown.length, total: d.total })]),
  ];
  for (const e of shown) {
    const name = esc(itemName(lang, e));
    const base = { code: esc(e.code), name, category: catName(lang, e), unit: unitName(t, e.unit) };
    const line =
      e.points === null
        ? t("catalog.itemNoPoints", base)
        : t("catalog.item", { ...base, points: pts(t, e.points) });
    blocks.push(section(line, { accessory: button(t("catalog.propose"), ACTIONS.itemPropose, e.id) }));
    const notes = [
      e.evidence.length
        ? t("catalog.evidence", { docs: docNames(lang, e.evidence) })
        : t("catalog.noEvidence"),
      versionLine(t, lang, e),
    ];
    if (e.openProposals) notes.push(t("catalog.openProposals", { count: e.openProposals }));
    blocks.push(context(notes));
  }
  if (d.total > shown.length) blocks.push(context([t("catalog.more", { count: d.total - shown.length })]));
  return { text: title, blocks: blocks.slice(0, LIMITS.messageBlocks) };
}

/** The App Home's catalog view: a category picker and the items of the chosen category (or all). */
export function catalogHomeView(
  t: Translate,
  lang: Lang,
  d: { month: string; chosen: string; groups: { category: CategoryView; items: CatalogEntry[] }[] },
): HomeView {
  const blocks: KnownBlock[] = [header(t("catalog.homeHeader"))];
  const pick = [option(t("catalog.homeAll"), "all")];
  for (const g of d.groups)
    pick.push(
      option(`${g.category.code} ${lang === "en" ? g.category.nameEn : g.category.name}`, g.category.code),
    );
  const initial = pick.find((o) => o.value === d.chosen) ?? pick[0]!;
  blocks.push(
    actions(
      [
        {
          type: "static_select",
          action_id: ACTIONS.homeCatalogPick,
          placeholder: plain(t("catalog.homePick")),
          options: pick.slice(0, LIMITS.options),
          initial_option: initial,
        },
        button(t("catalog.homeBack"), ACTIONS.homeCatalogBack, "back"),
      ],
      "home_catalog_actions",
    ),
  );
  blocks.push(context([t("catalog.homeHint")]));
  const groups = d.chosen === "all" ? d.groups : d.groups.filter((g) => g.category.code === d.chosen);
  // every group gets a share of the 100 blocks: header section + item sections of up to 10 lines each
  for (const g of groups) {
    if (blocks.length >= LIMITS.viewBlocks - 3) break;
    const c = g.category;
    const name = esc(lang === "en" ? c.nameEn : c.name);
    blocks.push(divider());
    blocks.push(
      section(
        c.weights
          ? t("catalog.homeCategory", {
              name,
              code: c.code,
              count: g.items.length,
              quality: c.weights.qualityWeight,
              quantity: c.weights.quantityWeight,
            })
          : t("catalog.homeCategoryNoWeights", { name, code: c.code, count: g.items.length }),
      ),
    );
    const lines = g.items.map((e) =>
      t("catalog.homeItem", {
        code: esc(e.code),
        name: esc(itemName(lang, e)),
        points: e.points === null ? "—" : amount(e.points),
        unit: unitName(t, e.unit),
        docs:
          (e.evidence.length ? t("catalog.homeDocs", { count: e.evidence.length }) : "") +
          (e.openProposals ? t("catalog.homeProposals", { count: e.openProposals }) : ""),
      }),
    );
    const perBlock = 12;
    const maxBlocks = d.chosen === "all" ? 2 : 60;
    let i = 0;
    for (
      ;
      i < lines.length && i / perBlock < maxBlocks && blocks.length < LIMITS.viewBlocks - 2;
      i += perBlock
    ) {
      blocks.push(section(lines.slice(i, i + perBlock).join("\n")));
    }
    if (i < lines.length)
      blocks.push(context([t("catalog.homeMore", { count: lines.length - i, code: c.code })]));
  }
  return { type: "home", blocks: blocks.slice(0, LIMITS.viewBlocks) };
}

// ───────────────────────────── proposals ─────────────────────────────

function itemText(lang: Lang, p: ProposalView): string {
  return `${esc(p.item.code)} ${esc(itemName(lang, p.item))}`;
}

function mentions(ids: string[], none: string): string {
  if (!ids.length) return none;
  const shown = ids.slice(0, 30).map((u) => `<@${u}>`);
  return ids.length > 30 ? `${shown.join(" ")} …(+${ids.length - 30})` : shown.join(" ");
}

/** The proposal as posted in the review channel; chat.update keeps it current (tally, decision). */
export function proposalCard(t: Translate, lang: Lang, p: ProposalView, categoryName: string): Message {
  const title = p.isNew
    ? t("proposal.cardTitleNew", { code: p.item.code })
    : t("proposal.cardTitle", { code: p.item.code });
  const change =
    p.isNew || p.item.currentPoints === null
      ? t("proposal.changeNew", { to: pts(t, p.proposedPoints) })
      : t("proposal.change", { from: pts(t, p.item.currentPoints), to: pts(t, p.proposedPoints) });
  const blocks: KnownBlock[] = [
    header(title),
    fields([
      t("proposal.item", { item: itemText(lang, p) }),
      t("proposal.category", { category: esc(categoryName) }),
      t("proposal.unit", { unit: unitName(t, p.item.unit) }),
      change,
      t("proposal.proposer", { user: p.proposer.slackUserId }),
      ...(p.evidence.length
        ? [t("proposal.evidence", { docs: p.evidence.map(esc).join(lang === "en" ? ", " : "、") })]
        : []),
    ]),
    section(t("proposal.reason", { reason: userText(p.reason, 1500) })),
    section(t("proposal.tally", { agree: p.tally.agree, disagree: p.tally.disagree }), { block_id: "tally" }),
    context([
      t("proposal.voters", {
        agree: mentions(p.agree, t("proposal.nobody")),
        disagree: mentions(p.disagree, t("proposal.nobody")),
      }),
    ]),
  ];
  if (p.state === "OPEN") {
    blocks.push(
      actions(
        [
          button(t("proposal.agree"), ACTIONS.proposalAgree, p.id, "primary"),
          button(t("proposal.disagree"), ACTIONS.proposalDisagree, p.id, "danger"),
          button(t("proposal.decide"), ACTIONS.proposalDecide, p.id),
        ],
        "proposal_actions",
      ),
    );
    blocks.push(context([t("proposal.openHint")]));
  } else {
    blocks.push(divider());
    blocks.push(section(decisionText(t, p)));
  }
  return { text: title, blocks };
}

export function decisionText(t: Translate, p: ProposalView): string {
  let text: string;
  if (p.state === "REJECTED") text = t("proposal.rejected", { user: p.decidedBy ?? "" });
  else if (p.adoptedPoints !== null && p.adoptedPoints !== p.proposedPoints)
    text = t("proposal.amended", {
      user: p.decidedBy ?? "",
      points: pts(t, p.adoptedPoints),
      proposed: pts(t, p.proposedPoints),
      month: p.effectiveMonth ?? "",
    });
  else
    text = t("proposal.adopted", {
      user: p.decidedBy ?? "",
      points: pts(t, p.adoptedPoints ?? p.proposedPoints),
      month: p.effectiveMonth ?? "",
    });
  if (p.decisionNote) text += `\n${t("proposal.note", { note: userText(p.decisionNote, 500) })}`;
  return text;
}

/** The announcement posted in the proposal's thread (and broadcast to the channel). */
export function announcement(
  t: Translate,
  lang: Lang,
  p: ProposalView,
  previousPoints: number | null,
): string {
  const base = {
    item: itemText(lang, p),
    unit: unitName(t, p.item.unit),
    month: p.effectiveMonth ?? "",
    proposer: p.proposer.slackUserId,
    decider: p.decidedBy ?? "",
    agree: p.tally.agree,
    disagree: p.tally.disagree,
  };
  if (p.state === "REJECTED")
    return t("proposal.announceRejected", { ...base, to: pts(t, p.proposedPoints) });
  const to = pts(t, p.adoptedPoints ?? p.proposedPoints);
  if (p.isNew || previousPoints === null) return t("proposal.announceNew", { ...base, to });
  return t("proposal.announceAdopted", { ...base, from: pts(t, previousPoints), to });
}

export function voteReply(
  t: Translate,
  outcome: "new" | "changed" | "same",
  choice: "AGREE" | "DISAGREE",
): string {
  const agree = choice === "AGREE";
  if (outcome === "same") return agree ? t("proposal.sameAgree") : t("proposal.sameDisagree");
  if (outcome === "changed") return agree ? t("proposal.changedAgree") : t("proposal.changedDisagree");
  return agree ? t("proposal.votedAgree") : t("proposal.votedDisagree");
}

export const PROPOSE_BLOCKS = {
  points: "points",
  reason: "reason",
  code: "code",
  name: "name",
  nameEn: "nameEn",
  category: "category",
  unit: "unit",
  evidence: "evidence",
} as const;

export const UNIT_KEYS = ["TXN", "TAXPAYER", "DOC", "VISIT", "CASE"] as const;

/** Propose new points for an item (from the item's "Propose a change" button). */
export function proposeModal(
  t: Translate,
  lang: Lang,
  d: {
    item: { id: string; code: string; name: string; nameEn: string; unit: string; points: number | null };
    ch?: string;
  },
): ModalView {
  return modal(
    t,
    CALLBACKS.proposeModal,
    t("proposal.modalTitle"),
    [
      section(
        t("proposal.modalItem", {
          item: `*${esc(d.item.code)} ${esc(itemName(lang, d.item))}*`,
          points: d.item.points === null ? "—" : pts(t, d.item.points),
          unit: unitName(t, d.item.unit),
        }),
      ),
      textInput(PROPOSE_BLOCKS.points, t("proposal.points"), { hint: t("proposal.pointsHint"), max: 12 }),
      textInput(PROPOSE_BLOCKS.reason, t("proposal.reasonLabel"), { multiline: true, max: 1000 }),
    ],
    { i: d.item.id, ...(d.ch ? { ch: d.ch } : {}) },
    t("proposal.modalSubmit"),
  );
}

/** Propose a new item. */
export function newItemModal(
  t: Translate,
  lang: Lang,
  d: { categories: { code: string; name: string; nameEn: string }[]; ch?: string },
): ModalView {
  return modal(
    t,
    CALLBACKS.proposeModal,
    t("proposal.modalTitleNew"),
    [
      textInput(PROPOSE_BLOCKS.code, t("proposal.code"), { max: 20 }),
      textInput(PROPOSE_BLOCKS.name, t("proposal.name"), { max: 100 }),
      textInput(PROPOSE_BLOCKS.nameEn, t("proposal.nameEn"), { max: 200 }),
      selectInput(
        PROPOSE_BLOCKS.category,
        t("proposal.categoryLabel"),
        d.categories.map((c) => ({ text: `${c.code} ${lang === "en" ? c.nameEn : c.name}`, value: c.code })),
      ),
      selectInput(
        PROPOSE_BLOCKS.unit,
        t("proposal.unitLabel"),
        UNIT_KEYS.map((u) => ({ text: unitName(t, u), value: u })),
      ),
      textInput(PROPOSE_BLOCKS.points, t("proposal.points"), { hint: t("proposal.pointsHint"), max: 12 }),
      textInput(PROPOSE_BLOCKS.evidence, t("proposal.evidenceLabel"), {
        multiline: true,
        optional: true,
        max: 1000,
      }),
      textInput(PROPOSE_BLOCKS.reason, t("proposal.reasonLabel"), { multiline: true, max: 1000 }),
    ],
    { n: 1, ...(d.ch ? { ch: d.ch } : {}) },
    t("proposal.modalSubmit"),
  );
}

export const DECIDE_BLOCKS = {
  decision: "decision",
  points: "points",
  month: "month",
  note: "note",
} as const;

/** Preview lines: people whose results change, largest change first. */
export function previewLines(t: Translate, preview: EffectPreview | null, max = 15): string[] {
  if (!preview) return [t("proposal.previewNew")];
  const changed = preview.rows
    .filter(
      (r) => r.rawBefore !== r.rawAfter || r.finalBefore !== r.finalAfter || r.rankBefore !== r.rankAfter,
    )
    .sort((a, b) => {
      const da = a.finalAfter - a.finalBefore;
      const db = b.finalAfter - b.finalBefore;
      const abs = (x: bigint) => (x < 0n ? -x : x);
      return abs(db) > abs(da) ? 1 : abs(db) < abs(da) ? -1 : a.rankAfter - b.rankAfter;
    });
  const head = t("proposal.previewHeader", {
    month: preview.month,
    points: pts(t, preview.points),
    lines: preview.lines,
    changed: preview.changed,
  });
  if (!changed.length) return [head, t("proposal.previewNone", { month: preview.month })];
  const rows = changed.slice(0, max).map((r) =>
    t("proposal.previewRow", {
      user: r.slackUserId,
      rawBefore: amount(r.rawBefore),
      rawAfter: amount(r.rawAfter),
      qBefore: r.quantityBefore,
      qAfter: r.quantityAfter,
      fBefore: amount(r.finalBefore),
      fAfter: amount(r.finalAfter),
      rBefore: r.rankBefore,
      rAfter: r.rankAfter,
    }),
  );
  if (changed.length > max) rows.push(t("proposal.previewMore", { count: changed.length - max }));
  return [head, ...rows];
}

/** The assessment group's decision form: the card's content, the effect preview, the decision fields. */
export function decideModal(
  t: Translate,
  lang: Lang,
  d: {
    proposal: ProposalView;
    categoryName: string;
    preview: EffectPreview | null;
    months: string[];
    /** re-rendered for amended points typed in the form */
    amend?: { points: string; error?: string };
  },
): ModalView {
  const card = proposalCard(t, lang, d.proposal, d.categoryName).blocks.filter(
    (b) => b.type !== "actions" && b.type !== "header",
  );
  const lines = d.amend?.error ? [d.amend.error] : previewLines(t, d.preview);
  const preview: KnownBlock[] = [divider()];
  // 3000 characters per section: a few rows per block
  for (let i = 0; i < lines.length; i += 5) preview.push(section(lines.slice(i, i + 5).join("\n")));
  return modal(
    t,
    CALLBACKS.decideModal,
    t("proposal.decideTitle"),
    [
      ...card.slice(0, -1),
      ...preview,
      divider(),
      radioInput(
        DECIDE_BLOCKS.decision,
        t("proposal.decision"),
        [
          { text: t("proposal.adopt"), value: "adopt" },
          { text: t("proposal.amend"), value: "amend" },
          { text: t("proposal.reject"), value: "reject" },
        ],
        { initial: d.amend ? "amend" : "adopt" },
      ),
      textInput(DECIDE_BLOCKS.points, t("proposal.amendPoints"), {
        optional: true,
        initial: d.amend?.points ?? amount(d.proposal.proposedPoints),
        max: 12,
        dispatch: true,
        actionId: ACTIONS.proposalPreview,
        hint: t("proposal.amendHint"),
      }),
      selectInput(
        DECIDE_BLOCKS.month,
        t("proposal.effectiveMonth"),
        d.months.map((m) => ({ text: m, value: m })),
        { initial: d.months[1] ?? d.months[0] },
      ),
      textInput(DECIDE_BLOCKS.note, t("proposal.noteLabel"), { optional: true, multiline: true, max: 1000 }),
    ],
    { p: d.proposal.id },
    t("proposal.decideSubmit"),
  );
}
