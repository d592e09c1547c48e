/** `seed [--demo]`: the sample catalog and categories, and with --demo the demo organisation and month. */
import {
  DEMO_MONTH,
  type DemoSeedSummary,
  seedCatalog,
  seedChangedNothing,
  seedDemo,
} from "../../domain/seed.js";
import { formatHundredths } from "../../scoring/index.js";
import { type Command, EXIT } from "../command.js";

export const seedCommand: Command = {
  name: "seed",
  summary: "load the sample catalog (and with --demo a demo organisation and month)",
  usage: ["seed [--demo]"],
  help: [
    "Loads the five work categories with their default weights and the sample catalog",
    "(prisma/seed/catalog.sample.csv). Existing categories and items are never overwritten.",
    "",
    `--demo  also loads the demo organisation (prisma/seed/sections.sample.csv, people.sample.csv) and`,
    `        demo activity for ${DEMO_MONTH}: approved lines (entries.sample.csv), quality adjustments`,
    "        (quality.sample.csv), discretionary awards (awards.sample.csv), quality reviews and one",
    `        priced temporary task — try \`close ${DEMO_MONTH} --dry-run\` afterwards.`,
    "",
    "Idempotent: running it again changes nothing.",
  ].join("\n"),
  options: { demo: { type: "boolean" } },
  needs: "migrated",
  async run(ctx, args) {
    const { out } = ctx;
    const s = args.values.demo
      ? await seedDemo(ctx.db, { actor: "cli" })
      : await seedCatalog(ctx.db, { actor: "cli" });
    out.out(`categories: ${s.categoriesCreated} created, ${s.weightsCreated} default weights created`);
    out.out(
      `catalog: ${s.catalog.created} items created, ${s.catalog.unchanged} already present (${s.catalog.rows} in the sample)`,
    );
    if ("people" in s) {
      const d = s as DemoSeedSummary;
      out.out(
        `sections: ${d.sections.created} created, ${d.sections.updated} updated, ${d.sections.unchanged} unchanged`,
      );
      out.out(
        `people: ${d.people.created} created, ${d.people.updated} updated, ${d.people.unchanged} unchanged`,
      );
      out.out(
        `${DEMO_MONTH} lines: ${d.entries.added} added (${formatHundredths(d.entries.pointsAdded)} points), ` +
          `${d.entries.alreadyPresent} already present; ${d.entries.sheetsCreated} approved sheets created`,
      );
      out.out(`quality adjustments: ${d.quality.added} added, ${d.quality.alreadyPresent} already present`);
      out.out(`discretionary awards: ${d.awards.added} added, ${d.awards.alreadyPresent} already present`);
      out.out(`quality reviews: ${d.reviewsCreated} added; temporary tasks: ${d.tempTasksCreated} added`);
    }
    out.out(seedChangedNothing(s) ? "nothing changed: already seeded" : "done");
    if ("people" in s) out.out(`next: npm run admin -- close ${DEMO_MONTH} --dry-run`);
    return EXIT.ok;
  },
};
