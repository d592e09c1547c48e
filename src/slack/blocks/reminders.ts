/** Reminder, escalation and summary DMs, and the `/kpi jobs` replies (pure builders). */
import type { Lang, MessageKey, Translate } from "../../i18n/index.js";
import { context, esc, type KnownBlock, type Message, section } from "./kit.js";
import { stripMarkup } from "./log-reply.js";

export interface PersonName {
  name: string;
  nameEn: string | null;
}

export type ReminderContent =
  | {
      kind: "submit";
      early: boolean;
      month: string;
      deadline: string;
      state: "NONE" | "OPEN" | "RETURNED";
      returnReason: string | null;
    }
  | { kind: "review"; month: string; deadline: string; sheets: (PersonName & { late: boolean })[] }
  | { kind: "quality"; month: string; deadline: string; staff: PersonName[] }
  | {
      kind: "escalate-submit";
      month: string;
      deadline: string;
      missing: (PersonName & { state: string })[];
      late: PersonName[];
    }
  | {
      kind: "escalate-review";
      month: string;
      deadline: string;
      reviewers: (PersonName & { pending: number })[];
    }
  | { kind: "nudge"; date: string }
  | {
      kind: "summary";
      job: string;
      period: string;
      sent: number;
      already: number;
      failed: { name: string; error: string }[];
      unconfirmed: string[];
      /** years without holiday data (deadlines there move off weekends only) */
      missingHolidayYears?: number[];
    };

const JOB_KEYS: Record<string, MessageKey> = {
  "remind-early": "jobs.name.remindEarly",
  "remind-submit": "jobs.name.remindSubmit",
  "remind-review": "jobs.name.remindReview",
  "remind-quality": "jobs.name.remindQuality",
  "escalate-submit": "jobs.name.escalateSubmit",
  "escalate-review": "jobs.name.escalateReview",
  "nudge-daily": "jobs.name.nudgeDaily",
};

export function jobTitle(t: Translate, job: string): string {
  const key = JOB_KEYS[job];
  return key ? t(key) : job;
}

export function personName(lang: Lang, p: PersonName): string {
  return esc(lang === "en" && p.nameEn ? p.nameEn : p.name);
}

/** Names as one line ("a、b、c" / "a, b, c"), at most `max`, then "…and N more". */
export function nameList(t: Translate, lang: Lang, names: string[], max = 60): string {
  const sep = lang === "en" ? ", " : "、";
  const shown = names.slice(0, max).join(sep);
  return names.length > max ? `${shown} ${t("common.truncated", { count: names.length - max })}` : shown;
}

function stateName(t: Translate, state: string): string {
  if (state === "RETURNED") return t("jobs.stateReturned");
  if (state === "OPEN") return t("jobs.stateOpen");
  return t("jobs.stateNone");
}

function message(blocks: KnownBlock[]): Message {
  const text = stripMarkup(
    blocks
      .map((b) => (b.type === "section" && b.text ? b.text.text : ""))
      .filter(Boolean)
      .join("\n"),
  ).slice(0, 3000);
  return { text, blocks };
}

/** The DM a recipient gets. */
export function reminderMessage(t: Translate, lang: Lang, c: ReminderContent): Message {
  switch (c.kind) {
    case "submit": {
      const head = c.early
        ? t("jobs.submitEarly", { month: c.month, deadline: c.deadline })
        : t("jobs.submitToday", { month: c.month, deadline: c.deadline });
      const state =
        c.state === "RETURNED"
          ? c.returnReason
            ? t("jobs.submitReturned", { reason: esc(c.returnReason.slice(0, 300)) })
            : t("jobs.submitReturnedNoReason")
          : t("jobs.submitNotYet");
      return message([
        section(`${head}\n${state}`),
        context([t("jobs.submitHint", { month: c.month, deadline: c.deadline })]),
      ]);
    }
    case "review": {
      const names = c.sheets.map((s) =>
        s.late ? `${personName(lang, s)} (${t("jobs.lateMark")})` : personName(lang, s),
      );
      return message([
        section(
          `${t("jobs.reviewIntro", { count: c.sheets.length, month: c.month, deadline: c.deadline })}\n${nameList(t, lang, names)}`,
        ),
        context([t("jobs.reviewHint")]),
      ]);
    }
    case "quality":
      return message([
        section(
          `${t("jobs.qualityIntro", { count: c.staff.length, month: c.month, deadline: c.deadline })}\n${nameList(
            t,
            lang,
            c.staff.map((p) => personName(lang, p)),
          )}`,
        ),
        context([t("jobs.qualityHint")]),
      ]);
    case "escalate-submit": {
      const parts = [t("jobs.escalateSubmitIntro", { month: c.month, deadline: c.deadline })];
      if (c.missing.length)
        parts.push(
          `${t("jobs.escalateMissing", { count: c.missing.length })} ${nameList(
            t,
            lang,
            c.missing.map((m) => `${personName(lang, m)} (${stateName(t, m.state)})`),
          )}`,
        );
      if (c.late.length)
        parts.push(
          `${t("jobs.escalateLate", { count: c.late.length })} ${nameList(
            t,
            lang,
            c.late.map((p) => personName(lang, p)),
          )}`,
        );
      return message([section(parts.join("\n")), context([t("jobs.escalateSubmitHint")])]);
    }
    case "escalate-review":
      return message([
        section(
          `${t("jobs.escalateReviewIntro", { month: c.month, deadline: c.deadline })}\n${c.reviewers
            .slice(0, 40)
            .map((r) => `• ${t("jobs.escalateReviewer", { name: personName(lang, r), count: r.pending })}`)
            .join("\n")}`,
        ),
      ]);
    case "nudge":
      return message([section(t("jobs.nudge", { date: c.date }))]);
    case "summary": {
      const blocks: KnownBlock[] = [
        section(
          t("jobs.summary", {
            job: jobTitle(t, c.job),
            period: c.period,
            sent: c.sent,
            already: c.already,
            failed: c.failed.length,
          }),
        ),
      ];
      if (c.failed.length)
        blocks.push(
          context([
            t("jobs.summaryFailed", {
              list: nameList(
                t,
                lang,
                c.failed.map((f) => `${esc(f.name)} (${esc(f.error)})`),
                30,
              ),
            }),
          ]),
        );
      if (c.unconfirmed.length)
        blocks.push(
          context([t("jobs.summaryUnconfirmed", { list: nameList(t, lang, c.unconfirmed.map(esc), 30) })]),
        );
      if (c.missingHolidayYears?.length)
        blocks.push(section(t("jobs.list.holidayWarning", { years: c.missingHolidayYears.join(", ") })));
      return message(blocks);
    }
  }
}

export interface JobsOverviewView {
  jobs: {
    job: string;
    next: { date: string; time: string; period: string } | null;
    last: { period: string; status: string; sent: number; failed: number } | null;
  }[];
  missingHolidayYears: number[];
}

/** `/kpi jobs`: every job with its next and last run, how to dry-run or send now, holiday warnings. */
export function jobsOverviewMessage(t: Translate, v: JobsOverviewView): Message {
  const lines = v.jobs.map((j) => {
    const head = j.next
      ? t("jobs.list.line", {
          job: jobTitle(t, j.job),
          name: j.job,
          next: `${j.next.date} ${j.next.time} (${j.next.period})`,
        })
      : t("jobs.list.lineOff", { job: jobTitle(t, j.job), name: j.job });
    const last = j.last
      ? t("jobs.list.last", {
          period: j.last.period,
          status: j.last.status,
          sent: j.last.sent,
          failed: j.last.failed,
        })
      : t("jobs.list.never");
    return `${head}\n      ${last}`;
  });
  const blocks: KnownBlock[] = [section(`*${t("jobs.list.header")}*`), section(lines.join("\n"))];
  if (v.missingHolidayYears.length)
    blocks.push(section(t("jobs.list.holidayWarning", { years: v.missingHolidayYears.join(", ") })));
  blocks.push(context([t("jobs.list.hint")]));
  return message(blocks);
}

/** A dry run's list of recipients. */
export function dryRunMessage(
  t: Translate,
  lang: Lang,
  job: string,
  period: string,
  people: (PersonName & { alreadySent: boolean })[],
): Message {
  if (people.length === 0) return message([section(t("jobs.dryNobody", { job: jobTitle(t, job), period }))]);
  const names = people.map((p) =>
    p.alreadySent ? `${personName(lang, p)} (${t("jobs.dryAlready")})` : personName(lang, p),
  );
  return message([
    section(
      `${t("jobs.dryHeader", { job: jobTitle(t, job), period, count: people.length })}\n${nameList(t, lang, names, 100)}`,
    ),
  ]);
}

/** The result of "send now". */
export function jobRanMessage(
  t: Translate,
  lang: Lang,
  r: {
    job: string;
    period: string;
    outcome: string;
    sent: number;
    already: number;
    failed: { name: string; error: string }[];
  },
): Message {
  if (r.outcome === "busy")
    return message([section(t("jobs.busy", { job: jobTitle(t, r.job), period: r.period }))]);
  const blocks: KnownBlock[] = [
    section(
      t("jobs.ran", {
        job: jobTitle(t, r.job),
        period: r.period,
        sent: r.sent,
        already: r.already,
        failed: r.failed.length,
      }),
    ),
  ];
  if (r.failed.length)
    blocks.push(
      context([
        t("jobs.summaryFailed", {
          list: nameList(
            t,
            lang,
            r.failed.map((f) => `${esc(f.name)} (${esc(f.error)})`),
            30,
          ),
        }),
      ]),
    );
  return message(blocks);
}
