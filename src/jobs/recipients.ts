/**
 * Who each job reminds, and what it tells them (read from the database at run time).
 *
 * - remind-early / remind-submit: every active staff member whose sheet for the month is not submitted
 *   (no sheet, OPEN, or RETURNED and not resubmitted);
 * - remind-review: each reviewer with sheets of the month still SUBMITTED (pending), listed;
 * - remind-quality: every assessment-group member, with the active staff not yet quality-scored
 *   (no QualityReview row for the month);
 * - escalate-submit: each chief (the sheet's reviewer) with their members who missed the submit deadline
 *   (not submitted, or submitted late);
 * - escalate-review: every assessment-group member, with the reviewers who still have pending sheets;
 * - nudge-daily: active staff who logged nothing (no line, no temporary task) that day;
 * - summary: the admins (after a run).
 *
 * No job tells anyone about a month whose results are published (MonthClose PUBLISHED): its sheets can
 * no longer be submitted or decided, nor its quality scores recorded (as /kpi review, which lists nothing
 * for such a month, and /log submit, which refuses it).
 */
import type { Db } from "../db/client.js";
import type { DeadlineSettings } from "../domain/deadlines.js";
import { reviewDeadline, submitDeadline } from "../domain/deadlines.js";
import { isClosedMonth } from "../domain/guard.js";
import { findReviewer } from "../domain/sheets.js";
import type { PersonName, ReminderContent } from "../slack/blocks/reminders.js";
import type { JobName } from "./schedule.js";

export interface Recipient {
  personId: string;
  slackUserId: string;
  name: string;
  nameEn: string | null;
  /** the person's own language setting, else null (the scheme's default is used) */
  locale: string | null;
  /** Slack reported the user deactivated (people sync): not sent, recorded as failed */
  slackDeleted: boolean;
  content: ReminderContent;
}

interface PersonRow {
  id: string;
  slackUserId: string;
  name: string;
  nameEn: string | null;
  locale: string | null;
  slackDeleted: boolean;
}

const PERSON_SELECT = {
  id: true,
  slackUserId: true,
  name: true,
  nameEn: true,
  locale: true,
  slackDeleted: true,
} as const;

function nameOf(p: { name: string; nameEn: string | null }): PersonName {
  return { name: p.name, nameEn: p.nameEn };
}

function recipient(p: PersonRow, content: ReminderContent): Recipient {
  return {
    personId: p.id,
    slackUserId: p.slackUserId,
    name: p.name,
    nameEn: p.nameEn,
    locale: p.locale,
    slackDeleted: p.slackDeleted,
    content,
  };
}

async function activeWithRole(db: Db, role: "STAFF" | "ASSESSMENT_GROUP" | "ADMIN"): Promise<PersonRow[]> {
  return db.person.findMany({
    where: { active: true, roles: { some: { role } } },
    select: PERSON_SELECT,
    orderBy: { slackUserId: "asc" },
  });
}

const byName = (a: PersonName, b: PersonName) => a.name.localeCompare(b.name, "zh-CN");

/** Staff whose sheet for `month` is not submitted: none, OPEN or RETURNED. */
async function notSubmitted(db: Db, month: string) {
  const staff = await activeWithRole(db, "STAFF");
  const sheets = await db.sheet.findMany({
    where: { month, personId: { in: staff.map((s) => s.id) } },
    select: { personId: true, state: true, returnReason: true, late: true },
  });
  const byPerson = new Map(sheets.map((s) => [s.personId, s]));
  return { staff, byPerson };
}

export async function recipientsFor(
  db: Db,
  job: JobName,
  period: string,
  settings: DeadlineSettings,
): Promise<Recipient[]> {
  switch (job) {
    case "remind-early":
    case "remind-submit": {
      if (await isClosedMonth(db, period)) return [];
      const deadline = submitDeadline(period, settings);
      const { staff, byPerson } = await notSubmitted(db, period);
      return staff.flatMap((p) => {
        const sheet = byPerson.get(p.id);
        if (sheet && sheet.state !== "OPEN" && sheet.state !== "RETURNED") return [];
        return [
          recipient(p, {
            kind: "submit",
            early: job === "remind-early",
            month: period,
            deadline,
            state: (sheet?.state ?? "NONE") as "NONE" | "OPEN" | "RETURNED",
            returnReason: sheet?.returnReason ?? null,
          }),
        ];
      });
    }
    case "remind-review":
    case "escalate-review": {
      if (await isClosedMonth(db, period)) return [];
      const deadline = reviewDeadline(period, settings);
      const pending = await db.sheet.findMany({
        where: { month: period, state: "SUBMITTED" },
        select: {
          personId: true,
          reviewerId: true,
          late: true,
          person: { select: { name: true, nameEn: true } },
        },
      });
      const byReviewer = new Map<string, typeof pending>();
      for (const s of pending) {
        const reviewer = s.reviewerId ?? (await findReviewer(db, s.personId));
        if (!reviewer) continue;
        byReviewer.set(reviewer, [...(byReviewer.get(reviewer) ?? []), s]);
      }
      const reviewers = await db.person.findMany({
        where: { id: { in: [...byReviewer.keys()] }, active: true },
        select: PERSON_SELECT,
        orderBy: { slackUserId: "asc" },
      });
      if (job === "remind-review") {
        return reviewers.map((r) =>
          recipient(r, {
            kind: "review",
            month: period,
            deadline,
            sheets: byReviewer
              .get(r.id)!
              .map((s) => ({ ...nameOf(s.person), late: s.late }))
              .sort(byName),
          }),
        );
      }
      if (reviewers.length === 0) return [];
      const list = reviewers
        .map((r) => ({ ...nameOf(r), pending: byReviewer.get(r.id)!.length }))
        .sort(byName);
      const group = await activeWithRole(db, "ASSESSMENT_GROUP");
      return group.map((g) =>
        recipient(g, { kind: "escalate-review", month: period, deadline, reviewers: list }),
      );
    }
    case "remind-quality": {
      if (await isClosedMonth(db, period)) return [];
      const deadline = reviewDeadline(period, settings);
      const staff = await activeWithRole(db, "STAFF");
      const reviewed = new Set(
        (await db.qualityReview.findMany({ where: { month: period }, select: { personId: true } })).map(
          (q) => q.personId,
        ),
      );
      const missing = staff
        .filter((s) => !reviewed.has(s.id))
        .map(nameOf)
        .sort(byName);
      if (missing.length === 0) return [];
      const group = await activeWithRole(db, "ASSESSMENT_GROUP");
      return group.map((g) => recipient(g, { kind: "quality", month: period, deadline, staff: missing }));
    }
    case "escalate-submit": {
      if (await isClosedMonth(db, period)) return [];
      const deadline = submitDeadline(period, settings);
      const staff = await activeWithRole(db, "STAFF");
      const sheets = await db.sheet.findMany({
        where: { month: period, personId: { in: staff.map((s) => s.id) } },
        select: { personId: true, state: true, late: true, reviewerId: true },
      });
      const byPerson = new Map(sheets.map((s) => [s.personId, s]));
      const byChief = new Map<string, { missing: (PersonName & { state: string })[]; late: PersonName[] }>();
      for (const p of staff) {
        const sheet = byPerson.get(p.id);
        const missed = !sheet || sheet.state === "OPEN" || sheet.state === "RETURNED";
        const late = !missed && sheet.late;
        if (!missed && !late) continue;
        const chief = sheet?.reviewerId ?? (await findReviewer(db, p.id));
        if (!chief) continue;
        const entry = byChief.get(chief) ?? { missing: [], late: [] };
        if (missed) entry.missing.push({ ...nameOf(p), state: sheet?.state ?? "NONE" });
        else entry.late.push(nameOf(p));
        byChief.set(chief, entry);
      }
      const chiefs = await db.person.findMany({
        where: { id: { in: [...byChief.keys()] }, active: true },
        select: PERSON_SELECT,
        orderBy: { slackUserId: "asc" },
      });
      return chiefs.map((c) => {
        const e = byChief.get(c.id)!;
        return recipient(c, {
          kind: "escalate-submit",
          month: period,
          deadline,
          missing: e.missing.sort(byName),
          late: e.late.sort(byName),
        });
      });
    }
    case "nudge-daily": {
      const staff = await activeWithRole(db, "STAFF");
      const ids = staff.map((s) => s.id);
      const [entries, temps] = [
        await db.entry.findMany({
          where: { workDate: period, personId: { in: ids }, status: "ACTIVE" },
          select: { personId: true },
          distinct: ["personId"],
        }),
        await db.tempTask.findMany({
          where: { workDate: period, personId: { in: ids }, status: { not: "DELETED" } },
          select: { personId: true },
          distinct: ["personId"],
        }),
      ];
      const logged = new Set([...entries, ...temps].map((e) => e.personId));
      return staff.filter((s) => !logged.has(s.id)).map((s) => recipient(s, { kind: "nudge", date: period }));
    }
  }
}

/** The admins who get the run summary. */
export async function summaryRecipients(db: Db): Promise<PersonRow[]> {
  return activeWithRole(db, "ADMIN");
}

export function asRecipient(p: PersonRow, content: ReminderContent): Recipient {
  return recipient(p, content);
}
