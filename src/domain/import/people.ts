/**
 * People import: upserts people by Slack user id, with their section, default work category, locale and
 * roles (SCHEME.md "People and roles"). Format: README.md#people.
 *
 * The file is authoritative for the people it lists: their roles become exactly the listed ones, and a
 * SECTION_CHIEF is chief of their own section (only). People not in the file are left alone. Optional
 * columns absent from the header leave the stored values alone. Sections and categories must exist
 * (import sections first; `seed` creates the categories).
 */
import { z } from "zod";
import { Role } from "../../generated/prisma/enums.js";
import { audit } from "../audit.js";
import { type DbLike, inTransaction } from "./db.js";
import { boolField, codeField, localeField, optionalText, requiredText, validateRow } from "./fields.js";
import { ImportRefusedError, NO_CATEGORIES, ProblemList } from "./problems.js";
import type { SimpleImportSummary } from "./sections.js";
import { bindColumns, type ColumnSpec, presentColumns, type RawTable } from "./table.js";

export const PEOPLE_COLUMNS: ColumnSpec[] = [
  { name: "slack_id", required: true, aliases: ["slack_user_id", "slack", "user_id", "slack用户"] },
  { name: "name", required: true, aliases: ["姓名", "name_zh"] },
  { name: "name_en", required: false, aliases: ["英文名", "pinyin", "english_name"] },
  { name: "locale", required: false, aliases: ["语言", "language"] },
  { name: "section", required: false, aliases: ["股室", "section_code"] },
  { name: "category", required: false, aliases: ["类别", "大类", "category_code"] },
  { name: "roles", required: true, aliases: ["角色", "role"] },
  { name: "active", required: false, aliases: ["在职", "启用"] },
];

const ROLE_ALIASES: Record<string, Role> = {
  staff: Role.STAFF,
  工作人员: Role.STAFF,
  section_chief: Role.SECTION_CHIEF,
  chief: Role.SECTION_CHIEF,
  股长: Role.SECTION_CHIEF,
  assessment_group: Role.ASSESSMENT_GROUP,
  group: Role.ASSESSMENT_GROUP,
  考核小组: Role.ASSESSMENT_GROUP,
  branch_chief: Role.BRANCH_CHIEF,
  分局长: Role.BRANCH_CHIEF,
  admin: Role.ADMIN,
  管理员: Role.ADMIN,
};

const rolesField = z.string().transform((s, ctx) => {
  const parts = s
    .split(/[;|,，、；\s]+/)
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (parts.length === 0) {
    ctx.addIssue({
      code: "custom",
      message: `is required (one or more of ${Object.values(Role).join(", ")})`,
    });
    return z.NEVER;
  }
  const roles = new Set<Role>();
  for (const p of parts) {
    const r = ROLE_ALIASES[p.toLowerCase().replace(/-/g, "_")];
    if (!r) {
      ctx.addIssue({
        code: "custom",
        message: `unknown role "${p}" (roles: ${Object.values(Role).join(", ")})`,
      });
      return z.NEVER;
    }
    roles.add(r);
  }
  return [...roles].sort();
});

const PersonRow = z.object({
  slack_id: z
    .string()
    .min(1, { error: "is required" })
    .regex(/^[UW][A-Z0-9]{2,20}$/, { error: "is not a Slack user id (U… or W…, capitals and digits)" }),
  name: requiredText(50),
  name_en: optionalText(100),
  locale: localeField,
  section: z.string().transform((s) => (s === "" ? null : s.toUpperCase())),
  category: z
    .string()
    .transform((s) => (s === "" ? null : s))
    .pipe(codeField.nullable()),
  roles: rolesField,
  active: boolField(true),
});
type PersonRowT = z.output<typeof PersonRow>;

export async function importPeople(
  db: DbLike,
  table: RawTable,
  options: { actor?: string } = {},
): Promise<SimpleImportSummary> {
  const actor = options.actor ?? "cli";
  const present = presentColumns(table, PEOPLE_COLUMNS);
  return inTransaction(db, async (tx) => {
    const problems = new ProblemList();
    const sections = new Map((await tx.section.findMany()).map((s) => [s.code, s]));
    const categories = new Set((await tx.category.findMany({ select: { code: true } })).map((c) => c.code));
    // an empty database: one problem for the file, not the same one on every line
    if (categories.size === 0) problems.add(null, NO_CATEGORIES);
    const rows: { line: number; row: PersonRowT }[] = [];
    const first = new Map<string, number>();
    for (const b of bindColumns(table, PEOPLE_COLUMNS, problems)) {
      const row = validateRow(PersonRow, b, problems);
      if (!row) continue;
      const f = first.get(row.slack_id);
      if (f !== undefined)
        problems.add(b.line, `duplicate Slack id ${row.slack_id} (also on line ${f})`, "slack_id");
      else first.set(row.slack_id, b.line);
      if (row.section !== null && !sections.has(row.section)) {
        problems.add(
          b.line,
          `unknown section "${row.section}" (known: ${[...sections.keys()].sort().join(", ") || "none — import sections first"})`,
          "section",
        );
      }
      if (row.category !== null && categories.size > 0 && !categories.has(row.category)) {
        problems.add(
          b.line,
          `unknown category "${row.category}" (known: ${[...categories].sort().join(", ")})`,
          "category",
        );
      }
      if (row.roles.includes(Role.STAFF) && row.category === null) {
        const hasColumn = present.has("category");
        problems.add(
          b.line,
          `a STAFF member needs a work category${hasColumn ? "" : ' (add a "category" column)'}`,
          "category",
        );
      }
      if (row.roles.includes(Role.SECTION_CHIEF) && row.section === null) {
        problems.add(b.line, "a SECTION_CHIEF needs a section", "section");
      }
      rows.push({ line: b.line, row });
    }
    if (!problems.empty) throw new ImportRefusedError(table.source, problems, table.locLabel);

    const existing = new Map(
      (
        await tx.person.findMany({
          where: { slackUserId: { in: rows.map((r) => r.row.slack_id) } },
          include: { roles: true, chiefOf: true },
        })
      ).map((p) => [p.slackUserId, p]),
    );
    const summary: SimpleImportSummary = {
      source: table.source,
      rows: rows.length,
      created: 0,
      updated: 0,
      unchanged: 0,
    };
    for (const { row } of rows) {
      const sectionId = row.section === null ? null : sections.get(row.section)!.id;
      const fields = {
        name: row.name,
        ...(present.has("name_en") ? { nameEn: row.name_en } : {}),
        ...(present.has("locale") ? { locale: row.locale } : {}),
        ...(present.has("section") ? { sectionId } : {}),
        ...(present.has("category") ? { categoryCode: row.category } : {}),
        ...(present.has("active") ? { active: row.active } : {}),
      };
      const chiefSection = row.roles.includes(Role.SECTION_CHIEF) ? sectionId : null;
      const p = existing.get(row.slack_id);
      if (!p) {
        const created = await tx.person.create({
          data: {
            slackUserId: row.slack_id,
            ...fields,
            roles: { create: row.roles.map((role) => ({ role })) },
            ...(chiefSection ? { chiefOf: { create: { sectionId: chiefSection } } } : {}),
          },
        });
        await audit(tx, {
          actor,
          action: "person.create",
          entityType: "Person",
          entityId: created.id,
          after: {
            slackUserId: row.slack_id,
            ...fields,
            roles: row.roles,
            chiefOf: row.roles.includes(Role.SECTION_CHIEF) ? row.section : null,
          },
        });
        summary.created++;
        continue;
      }
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(fields)) {
        const old = (p as unknown as Record<string, unknown>)[k];
        if (old !== v) {
          before[k] = old;
          after[k] = v;
        }
      }
      if (Object.keys(after).length > 0) await tx.person.update({ where: { id: p.id }, data: after });
      const haveRoles = p.roles.map((r) => r.role).sort();
      if (haveRoles.join() !== row.roles.join()) {
        const add = row.roles.filter((r) => !haveRoles.includes(r));
        const drop = haveRoles.filter((r) => !row.roles.includes(r));
        if (add.length)
          await tx.roleAssignment.createMany({ data: add.map((role) => ({ personId: p.id, role })) });
        if (drop.length)
          await tx.roleAssignment.deleteMany({ where: { personId: p.id, role: { in: drop } } });
        before.roles = haveRoles;
        after.roles = row.roles;
      }
      const haveChief = p.chiefOf.map((c) => c.sectionId).sort();
      const wantChief = chiefSection ? [chiefSection] : [];
      if (haveChief.join() !== wantChief.join()) {
        await tx.sectionChief.deleteMany({ where: { personId: p.id, sectionId: { notIn: wantChief } } });
        if (chiefSection && !haveChief.includes(chiefSection)) {
          await tx.sectionChief.create({ data: { personId: p.id, sectionId: chiefSection } });
        }
        before.chiefOf = haveChief;
        after.chiefOf = wantChief;
      }
      if (Object.keys(after).length > 0) {
        await audit(tx, {
          actor,
          action: "person.update",
          entityType: "Person",
          entityId: p.id,
          before,
          after,
        });
        summary.updated++;
      } else summary.unchanged++;
    }
    return summary;
  });
}
