/**
 * Admin modals (`/kpi admin`): people, sections and chiefs, categories and weights, settings, and the
 * people sync from Slack. Each form's block ids are its field names (ADMIN_BLOCKS); the pickers at the
 * top dispatch block_actions and the form is re-rendered for the chosen record (views.update).
 */

import type { CategoryView } from "../../domain/catalog-admin.js";
import type { PersonAdminView, SectionAdminView } from "../../domain/org-admin.js";
import type { SlackMember, SyncReport } from "../../domain/people-sync.js";
import type { Settings } from "../../domain/settings.js";
import type { Role } from "../../generated/prisma/enums.js";
import type { MessageKey, Translate } from "../../i18n/index.js";
import { ACTIONS, CALLBACKS } from "../ids.js";
import {
  type Choice,
  channelInput,
  checkboxesInput,
  dateInput,
  multiSelectInput,
  selectInput,
  textInput,
  userInput,
  usersInput,
} from "./inputs.js";
import {
  actions,
  button,
  context,
  esc,
  type KnownBlock,
  LIMITS,
  type Message,
  type ModalView,
  section,
  truncate,
} from "./kit.js";
import { modal as sharedModal } from "./modal.js";

export const ADMIN_BLOCKS = {
  person: "person",
  active: "active",
  section: "section",
  category: "category",
  month: "month",
  monthCategory: "monthCategory",
  roles: "roles",
  code: "code",
  name: "name",
  nameEn: "nameEn",
  chiefs: "chiefs",
  coefficientGroup: "coefficientGroup",
  effectiveMonth: "effectiveMonth",
  qualityWeight: "qualityWeight",
  quantityWeight: "quantityWeight",
  normGroup: "normGroup",
  delete: "delete",
  reviewChannel: "reviewChannel",
  resultsChannel: "resultsChannel",
  timeZone: "timeZone",
  language: "language",
  submitDeadlineDay: "submitDeadlineDay",
  reviewDeadlineDay: "reviewDeadlineDay",
  holidayRule: "holidayRule",
  reminderTime: "reminderTime",
  rankingPrivacy: "rankingPrivacy",
  rankingTopN: "rankingTopN",
  members: "members",
  principal: "principal",
  deputy: "deputy",
  from: "from",
  to: "to",
  revoke: "revoke",
  earlyReminderOn: "earlyReminder.enabled",
  earlyReminderDay: "earlyReminder.day",
  earlyReminderTime: "earlyReminder.time",
  dailyNudgeOn: "dailyNudge.enabled",
  dailyNudgeTime: "dailyNudge.time",
  remindersEnabled: "remindersEnabled",
  escalationOn: "escalation.enabled",
  escalationTime: "escalation.time",
} as const;

export const ROLE_KEYS: Role[] = ["STAFF", "SECTION_CHIEF", "ASSESSMENT_GROUP", "BRANCH_CHIEF", "ADMIN"];

/** Read-only panels (no input block) get no submit button. */
function modal(
  t: Translate,
  callbackId: string,
  title: string,
  blocks: KnownBlock[],
  meta: unknown,
  submit?: string,
): ModalView {
  const hasInput = blocks.some((b) => b.type === "input");
  return sharedModal(t, callbackId, title, blocks, meta, hasInput ? submit : undefined);
}

export function adminMenu(t: Translate): Message {
  const text = t("admin.menu");
  return {
    text,
    blocks: [
      section(text),
      actions(
        [
          button(t("admin.people"), `${ACTIONS.adminOpen}:people`, "people"),
          button(t("admin.sections"), `${ACTIONS.adminOpen}:sections`, "sections"),
          button(t("admin.categories"), `${ACTIONS.adminOpen}:categories`, "categories"),
          button(t("admin.settings"), `${ACTIONS.adminOpen}:settings`, "settings"),
          button(t("admin.sync"), `${ACTIONS.adminOpen}:sync`, "sync"),
          button(t("admin.deputies"), `${ACTIONS.adminOpen}:deputies`, "deputies"),
        ],
        "admin_menu",
      ),
    ],
  };
}

function categoryChoices(
  categories: { code: string; name: string; nameEn: string }[],
  lang: "en" | "zh-CN",
): Choice[] {
  return categories.map((c) => ({ text: `${c.code} ${lang === "en" ? c.nameEn : c.name}`, value: c.code }));
}

export const NONE = "-";

export function personModal(
  t: Translate,
  lang: "en" | "zh-CN",
  d: {
    slackUserId: string | null;
    person: PersonAdminView | null;
    sections: SectionAdminView[];
    categories: CategoryView[];
    month: string;
  },
): ModalView {
  const blocks: KnownBlock[] = [
    userInput(ADMIN_BLOCKS.person, t("admin.pickPerson"), {
      dispatch: true,
      actionId: ACTIONS.adminPickPerson,
      initial: d.slackUserId,
      hint: t("admin.pickPersonHint"),
    }),
  ];
  const p = d.person;
  if (d.slackUserId && !p) blocks.push(section(t("admin.notInScheme", { user: d.slackUserId })));
  if (p) {
    blocks.push(
      section(
        t("admin.personInfo", {
          name: esc(p.name),
          user: p.slackUserId,
          flag: p.slackDeleted ? t("admin.slackDeletedFlag") : "",
        }),
      ),
      checkboxesInput(
        ADMIN_BLOCKS.active,
        t("admin.activeLabel"),
        [{ text: t("admin.activeOption"), value: "active" }],
        {
          initial: p.active ? ["active"] : [],
        },
      ),
      selectInput(
        ADMIN_BLOCKS.section,
        t("admin.section"),
        [
          { text: t("admin.noSection"), value: NONE },
          ...d.sections.map((s) => ({ text: `${s.code} ${s.name}`, value: s.id })),
        ],
        { initial: p.sectionId ?? NONE },
      ),
      selectInput(
        ADMIN_BLOCKS.category,
        t("admin.category"),
        [{ text: t("admin.noCategory"), value: NONE }, ...categoryChoices(d.categories, lang)],
        { initial: p.categoryCode ?? NONE },
      ),
      checkboxesInput(
        ADMIN_BLOCKS.roles,
        t("admin.roles"),
        ROLE_KEYS.map((r) => ({ text: t(`admin.role.${r}` as MessageKey), value: r })),
        { initial: p.roles },
      ),
      textInput(ADMIN_BLOCKS.month, t("admin.month"), {
        optional: true,
        initial: d.month,
        hint: t("admin.monthHint"),
        max: 7,
      }),
      selectInput(ADMIN_BLOCKS.monthCategory, t("admin.monthCategory"), categoryChoices(d.categories, lang), {
        optional: true,
        initial: p.monthCategory,
      }),
    );
  }
  return modal(
    t,
    CALLBACKS.adminPerson,
    t("admin.personTitle"),
    blocks,
    { p: p?.id ?? null },
    t("admin.submit"),
  );
}

export function sectionModal(
  t: Translate,
  d: { sections: SectionAdminView[]; chosen: string | null },
): ModalView {
  const chosen = d.chosen === "new" ? null : (d.sections.find((s) => s.id === d.chosen) ?? null);
  const blocks: KnownBlock[] = [
    selectInput(
      ADMIN_BLOCKS.section,
      t("admin.pickSection"),
      [
        { text: t("admin.newSection"), value: "new" },
        ...d.sections.map((s) => ({ text: `${s.code} ${s.name}`, value: s.id })),
      ],
      { dispatch: true, actionId: ACTIONS.adminPickSection, initial: d.chosen },
    ),
  ];
  if (d.chosen) {
    blocks.push(
      textInput(ADMIN_BLOCKS.code, t("admin.code"), { initial: chosen?.code, max: 20 }),
      textInput(ADMIN_BLOCKS.name, t("admin.name"), { initial: chosen?.name, max: 100 }),
      textInput(ADMIN_BLOCKS.nameEn, t("admin.nameEn"), {
        initial: chosen?.nameEn,
        optional: true,
        max: 200,
      }),
      usersInput(ADMIN_BLOCKS.chiefs, t("admin.chiefs"), {
        initial: chosen?.chiefs.map((c) => c.slackUserId) ?? [],
      }),
    );
  }
  return modal(
    t,
    CALLBACKS.adminSection,
    t("admin.sectionTitle"),
    blocks,
    { s: d.chosen },
    t("admin.submit"),
  );
}

export function categoryModal(
  t: Translate,
  lang: "en" | "zh-CN",
  d: { categories: CategoryView[]; chosen: string | null; month: string; nextOpenMonth: string },
): ModalView {
  const c = d.chosen === "new" ? null : (d.categories.find((x) => x.code === d.chosen) ?? null);
  const blocks: KnownBlock[] = [
    selectInput(
      ADMIN_BLOCKS.category,
      t("admin.pickCategory"),
      [{ text: t("admin.newCategory"), value: "new" }, ...categoryChoices(d.categories, lang)],
      { dispatch: true, actionId: ACTIONS.adminPickCategory, initial: d.chosen },
    ),
  ];
  if (d.chosen) {
    if (!c) {
      blocks.push(
        textInput(ADMIN_BLOCKS.code, t("admin.code"), { max: 20 }),
        textInput(ADMIN_BLOCKS.name, t("admin.name"), { max: 100 }),
        textInput(ADMIN_BLOCKS.nameEn, t("admin.nameEn"), { max: 200 }),
        textInput(ADMIN_BLOCKS.coefficientGroup, t("admin.coefficientGroup"), { max: 10 }),
      );
    } else {
      const info = c.weights
        ? t("admin.categoryInfo", {
            month: d.month,
            quality: c.weights.qualityWeight,
            quantity: c.weights.quantityWeight,
            group: c.weights.normGroup,
            since: c.weights.effectiveMonth,
          })
        : t("admin.categoryNoWeights", { month: d.month });
      const notes = [info];
      if (c.upcoming.length)
        notes.push(
          t("admin.categoryUpcoming", {
            list: c.upcoming
              .map((u) => `${u.effectiveMonth}: ${u.qualityWeight}/${u.quantityWeight} (${u.normGroup})`)
              .join(" · "),
          }),
        );
      blocks.push(context(notes));
    }
    blocks.push(
      textInput(ADMIN_BLOCKS.effectiveMonth, t("admin.effectiveMonth"), { initial: d.nextOpenMonth, max: 7 }),
      textInput(ADMIN_BLOCKS.qualityWeight, t("admin.qualityWeight"), {
        initial: c?.weights?.qualityWeight,
        max: 10,
      }),
      textInput(ADMIN_BLOCKS.quantityWeight, t("admin.quantityWeight"), {
        initial: c?.weights?.quantityWeight,
        max: 10,
      }),
      textInput(ADMIN_BLOCKS.normGroup, t("admin.normGroup"), {
        initial: c?.weights?.normGroup,
        optional: true,
        max: 40,
      }),
    );
    if (c)
      blocks.push(
        checkboxesInput(ADMIN_BLOCKS.delete, t("admin.deleteCategory"), [
          { text: t("admin.deleteCategoryOption"), value: "delete" },
        ]),
      );
  }
  return modal(
    t,
    CALLBACKS.adminCategory,
    t("admin.categoryTitle"),
    blocks,
    { c: d.chosen },
    t("admin.submit"),
  );
}

export function settingsModal(t: Translate, s: Settings, extra: KnownBlock[] = []): ModalView {
  const blocks: KnownBlock[] = [
    channelInput(ADMIN_BLOCKS.reviewChannel, t("admin.reviewChannel"), { initial: s.reviewChannel }),
    channelInput(ADMIN_BLOCKS.resultsChannel, t("admin.resultsChannel"), { initial: s.resultsChannel }),
    textInput(ADMIN_BLOCKS.timeZone, t("admin.timeZone"), { initial: s.timeZone, max: 64 }),
    selectInput(
      ADMIN_BLOCKS.language,
      t("admin.language"),
      [
        { text: t("admin.langZh"), value: "zh-CN" },
        { text: t("admin.langEn"), value: "en" },
      ],
      { initial: s.language },
    ),
    textInput(ADMIN_BLOCKS.submitDeadlineDay, t("admin.submitDay"), {
      initial: String(s.submitDeadlineDay),
      max: 2,
    }),
    textInput(ADMIN_BLOCKS.reviewDeadlineDay, t("admin.reviewDay"), {
      initial: String(s.reviewDeadlineDay),
      max: 2,
    }),
    selectInput(
      ADMIN_BLOCKS.holidayRule,
      t("admin.holidayRule"),
      [
        { text: t("admin.holidayCalendar"), value: "calendar" },
        { text: t("admin.holidayNext"), value: "next-working-day" },
      ],
      { initial: s.holidayRule },
    ),
    checkboxesInput(
      ADMIN_BLOCKS.remindersEnabled,
      t("admin.remindersEnabled"),
      [{ text: t("admin.enabled"), value: "on" }],
      { initial: s.remindersEnabled ? ["on"] : [] },
    ),
    textInput(ADMIN_BLOCKS.reminderTime, t("admin.reminderTime"), { initial: s.reminderTime, max: 5 }),
    checkboxesInput(
      ADMIN_BLOCKS.earlyReminderOn,
      t("admin.earlyReminder"),
      [{ text: t("admin.enabled"), value: "on" }],
      {
        initial: s.earlyReminder.enabled ? ["on"] : [],
      },
    ),
    textInput(ADMIN_BLOCKS.earlyReminderDay, t("admin.earlyReminderDay"), {
      initial: String(s.earlyReminder.day),
      max: 2,
    }),
    textInput(ADMIN_BLOCKS.earlyReminderTime, t("admin.earlyReminderTime"), {
      initial: s.earlyReminder.time,
      max: 5,
    }),
    checkboxesInput(
      ADMIN_BLOCKS.dailyNudgeOn,
      t("admin.dailyNudge"),
      [{ text: t("admin.enabled"), value: "on" }],
      {
        initial: s.dailyNudge.enabled ? ["on"] : [],
      },
    ),
    textInput(ADMIN_BLOCKS.dailyNudgeTime, t("admin.dailyNudgeTime"), { initial: s.dailyNudge.time, max: 5 }),
    checkboxesInput(
      ADMIN_BLOCKS.escalationOn,
      t("admin.escalation"),
      [{ text: t("admin.enabled"), value: "on" }],
      {
        initial: s.escalation.enabled ? ["on"] : [],
      },
    ),
    textInput(ADMIN_BLOCKS.escalationTime, t("admin.escalationTime"), { initial: s.escalation.time, max: 5 }),
    selectInput(
      ADMIN_BLOCKS.rankingPrivacy,
      t("admin.rankingPrivacy"),
      [
        { text: t("admin.privacyFull"), value: "full" },
        { text: t("admin.privacyTop"), value: "top" },
      ],
      { initial: s.rankingPrivacy },
    ),
    textInput(ADMIN_BLOCKS.rankingTopN, t("admin.rankingTopN"), { initial: String(s.rankingTopN), max: 3 }),
    ...extra,
  ];
  return modal(t, CALLBACKS.adminSettings, t("admin.settingsTitle"), blocks, {}, t("admin.submit"));
}

export function syncModal(
  t: Translate,
  lang: "en" | "zh-CN",
  d: { report: SyncReport; sections: SectionAdminView[]; categories: CategoryView[] },
): ModalView {
  const r = d.report;
  const blocks: KnownBlock[] = [
    section(t("admin.syncSummary", { members: r.members, candidates: r.candidates.length })),
  ];
  const who = (list: { slackUserId: string }[]) =>
    truncate(list.map((p) => `<@${p.slackUserId}>`).join(" "), 2500);
  if (r.deactivatedInSlack.length)
    blocks.push(section(t("admin.syncFlagged", { list: who(r.deactivatedInSlack) })));
  if (r.flagged.length) blocks.push(context([t("admin.syncNewlyFlagged", { list: who(r.flagged) })]));
  if (!r.candidates.length) {
    blocks.push(section(t("admin.syncNone")));
  } else {
    blocks.push(
      multiSelectInput(
        ADMIN_BLOCKS.members,
        t("admin.syncPick"),
        r.candidates.map((m) => memberChoice(m)),
      ),
      selectInput(
        ADMIN_BLOCKS.section,
        t("admin.syncSection"),
        d.sections.map((s) => ({ text: `${s.code} ${s.name}`, value: s.id })),
        { optional: true },
      ),
      selectInput(ADMIN_BLOCKS.category, t("admin.syncCategory"), categoryChoices(d.categories, lang), {
        optional: true,
      }),
    );
  }
  return modal(t, CALLBACKS.adminSync, t("admin.syncTitle"), blocks, {}, t("admin.syncSubmit"));
}

function memberChoice(m: SlackMember): Choice {
  const name = m.realName ? `${m.realName} (@${m.name})` : `@${m.name}`;
  return { text: truncate(name, LIMITS.optionText), value: m.id };
}

export interface DeputyLine {
  id: string;
  principal: { slackUserId: string };
  deputy: { slackUserId: string; name: string };
  from: string;
  to: string;
  active: boolean;
}

/** Deputies: the current appointments (tick to revoke) and a new one (principal, deputy, dates). */
export function deputiesModal(t: Translate, d: { deputies: DeputyLine[]; today: string }): ModalView {
  const lines = d.deputies.map((x) =>
    t("admin.deputyLine", {
      deputy: x.deputy.slackUserId,
      principal: x.principal.slackUserId,
      from: x.from,
      to: x.to,
      active: x.active ? t("admin.deputyActive") : "",
    }),
  );
  const blocks: KnownBlock[] = [
    section(lines.length ? truncate(lines.join("\n"), 2900) : t("admin.deputyNone")),
  ];
  if (d.deputies.length)
    blocks.push(
      multiSelectInput(
        ADMIN_BLOCKS.revoke,
        t("admin.deputyRevoke"),
        d.deputies.map((x) => ({ text: `${x.deputy.name} ${x.from}–${x.to}`, value: x.id })),
        { optional: true },
      ),
    );
  blocks.push(
    context([t("admin.deputyNew")]),
    userInput(ADMIN_BLOCKS.principal, t("admin.deputyPrincipal"), { optional: true }),
    userInput(ADMIN_BLOCKS.deputy, t("admin.deputyPerson"), { optional: true }),
    dateInput(ADMIN_BLOCKS.from, t("admin.deputyFrom"), { optional: true, initial: d.today }),
    dateInput(ADMIN_BLOCKS.to, t("admin.deputyTo"), { optional: true }),
  );
  return modal(t, CALLBACKS.adminDeputies, t("admin.deputiesTitle"), blocks, {}, t("admin.submit"));
}
