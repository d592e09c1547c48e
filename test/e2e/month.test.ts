/**
 * The playground in a real browser: a staff member logs three lines (one by command, one through the
 * log form with the item autocomplete, one temporary task) and submits the month. Every step goes from
 * the page through the Slack emulator to the real Bolt app; screenshots at each step.
 */

import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  launchBrowser,
  type RunningPlayground,
  removeDir,
  SHOTS,
  screenshots,
  spawnPlayground,
} from "./playground.js";

const STAFF = "U0DEMO05"; // 张伟 Zhang Wei, SERVICE, English
const CHIEF = "U0DEMO04"; // 王芳 Wang Fang, chief of the service section (and assessment group)
const GROUP = "U0DEMO02"; // 赵明 Zhao Ming, assessment group, English
const BRANCH_CHIEF = "U0DEMO01"; // 李国华 Li Guohua, branch chief

let pg: RunningPlayground;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;

beforeAll(async () => {
  pg = await spawnPlayground();
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
});

afterAll(async () => {
  try {
    // what the page showed last (on a failure: where it stopped)
    await page?.screenshot({ path: `${SHOTS}/month-last.png` }).catch(() => {});
    await browser?.close();
  } finally {
    if (pg) {
      await pg.stop();
      removeDir(pg.dir);
    }
  }
});

async function command(page: Page, text: string) {
  const box = page.locator("#composer-input");
  await box.fill(text);
  await box.press("Enter");
}

/** `/log list`, waiting for the new list (older lists stay in the conversation). */
async function newList(page: Page) {
  const lists = page.locator(".msg", { hasText: "My lines" });
  const before = await lists.count();
  await command(page, "/log list");
  await expect.poll(() => lists.count()).toBeGreaterThan(before);
}

/** The user switcher, as a person uses it. */
async function switchTo(page: Page, user: string) {
  await page.locator("#user-button").click();
  await page.locator(`#user-menu [data-user=${user}]`).click();
  await expect.poll(() => page.locator("#user-menu").isHidden()).toBe(true);
}

describe("playground: a staff member's month", () => {
  it("runs the month: log, submit, return, fix, approve, price, score, award, close, publish", async () => {
    const shot = screenshots(page, "month");
    await page.goto(`${pg.url}?user=${STAFF}&place=dm`);
    await shot("starting");
    await pg.ready;
    await page.locator("#app").waitFor({ state: "visible", timeout: 120_000 });
    // a deterministic day: Friday 2026-11-20, 10:00 in Shanghai
    const set = await page.request.post(`${pg.url}api/clock`, { data: { at: "2026-11-20T10:00:00+08:00" } });
    expect(set.ok()).toBe(true);
    await expect.poll(() => page.locator("#user-name").textContent()).toContain("Zhang Wei");
    await shot("dm with the bot");

    // 1. by command, with the suggestions
    await page.locator("#composer-input").fill("/lo");
    await page.locator("#suggestions .suggestion").first().waitFor();
    expect(await page.locator("#suggestions").textContent()).toContain("/log");
    await shot("command suggestions");
    await command(page, "/log fpfs 3");
    const logged = page.locator(".msg.ephemeral", { hasText: "Invoice sales" });
    await logged.waitFor();
    expect(await logged.textContent()).toContain("Only visible to you");
    await shot("logged by command");

    // 2. through the form: saving without an item is refused (response_action: errors), then the
    //    autocomplete (external_select → block_suggestion) picks it and views.update shows its points
    await command(page, "/log");
    const modal = page.locator(".modal[data-callback-id=log_modal]");
    await modal.waitFor();
    await modal.locator("[data-modal-submit]").click();
    await modal.locator("[data-block-id=item] .bk-error").waitFor();
    await shot("form refused without an item");
    await modal.locator("[data-block-id=item] .combo-input").fill("archive");
    const option = page.locator(".combo-option", { hasText: "Archive" }).first();
    await option.waitFor();
    await shot("item autocomplete");
    await option.dispatchEvent("mousedown");
    await modal.locator("[data-block-id=item_info]").waitFor();
    await modal.locator("[data-block-id=count] input").fill("4");
    await modal.locator("[data-block-id=note] input").fill("October files");
    await shot("log form filled");
    await modal.locator("[data-modal-submit]").click();
    await modal.waitFor({ state: "detached" });
    await page.locator(".msg", { hasText: "Archive filing" }).first().waitFor();
    await shot("logged through the form");

    // 3. a temporary task
    await command(page, "/log temp 90 Prepared the seminar on the new invoice rules");
    await page.locator(".msg.ephemeral", { hasText: "seminar" }).waitFor();
    await shot("temporary task");

    // a mistake, fixed from the list: the overflow menu edits one line and deletes another
    await command(page, "/log fpfs 1 by mistake");
    await page.locator(".msg.ephemeral", { hasText: "by mistake" }).waitFor();
    await newList(page);
    const wrong = page
      .locator(".msg", { hasText: "My lines" })
      .last()
      .locator(".bk-section", { hasText: "by mistake" });
    await wrong.waitFor();
    await shot("my lines");
    await wrong.locator("[data-action-id=line_menu]").click();
    await shot("line menu");
    await wrong.locator(".menu-item", { hasText: "Delete" }).click();
    const confirmDelete = page.locator("button[data-action-id=line_delete]").last();
    await confirmDelete.waitFor();
    expect(await confirmDelete.getAttribute("class")).toContain("btn-danger");
    await shot("delete confirmation");
    await confirmDelete.click();
    await page.locator(".bk-section", { hasText: "by mistake" }).waitFor({ state: "detached" });
    await page.locator(".msg", { hasText: "Deleted" }).waitFor();

    await newList(page);
    const archive = page
      .locator(".msg", { hasText: "My lines" })
      .last()
      .locator(".bk-section", { hasText: "Archive filing" });
    await archive.waitFor();
    await archive.locator("[data-action-id=line_menu]").click();
    await archive.locator(".menu-item", { hasText: "Edit" }).click();
    const edit = page.locator(".modal[data-callback-id=edit_modal]");
    await edit.locator("[data-block-id=count] input").waitFor();
    await edit.locator("[data-block-id=count] input").fill("6");
    await shot("edit form");
    await edit.locator("[data-modal-submit]").click();
    await edit.waitFor({ state: "detached" });

    // 4. submit the month
    await command(page, "/log submit");
    const submit = page.locator("button[data-action-id=sheet_submit]").last();
    await submit.waitFor();
    await shot("submit summary");
    await submit.click();
    await page
      .locator(".msg", { hasText: /submitted/i })
      .last()
      .waitFor();
    await shot("submitted");

    // the App Home shows the month
    await page.locator("[data-tab=home]").click();
    await page.locator(".home .bk-header").first().waitFor();
    await expect.poll(() => page.locator(".home").textContent()).toMatch(/submitted/i);
    await shot("app home");

    // the section chief returns the sheet with a reason
    await switchTo(page, CHIEF);
    await page.locator("[data-place=app]").click();
    await page.locator("[data-tab=dm]").click();
    const card = page
      .locator(".msg")
      .filter({ has: page.locator("[data-action-id=review_return]") })
      .last();
    await card.waitFor();
    await shot("chief receives the card");
    await card.locator("[data-action-id=review_return]").click();
    const returnForm = page.locator(".modal[data-callback-id=review_return_modal]");
    await returnForm.waitFor();
    await returnForm
      .locator("textarea, input[type=text]")
      .first()
      .fill("Please add the count of the archive batch from the 19th.");
    await shot("return with a reason");
    await returnForm.locator("[data-modal-submit]").click();
    await returnForm.waitFor({ state: "detached" });
    await page
      .locator(".msg", { hasText: /Returned|已退回/ })
      .last()
      .waitFor();
    await shot("card after return");

    // the staff member reads why, fixes the sheet and submits again
    await switchTo(page, STAFF);
    await page.locator("[data-place=app]").click();
    await page.locator("[data-tab=dm]").click();
    await page.locator(".msg", { hasText: "archive batch" }).last().waitFor();
    await shot("staff told why");
    // no exact match: the bot offers the closest items as buttons
    await command(page, "/log dagl 2 2026-11-19 archive batch of the 19th");
    const candidate = page.locator("button[data-action-id^=log_pick_item]", { hasText: "SV004" }).last();
    await candidate.waitFor();
    await shot("closest items offered");
    await candidate.click();
    await page.locator(".msg.ephemeral", { hasText: "archive batch of the 19th" }).waitFor();
    await command(page, "/log submit");
    const resubmit = page.locator("button[data-action-id=sheet_submit]").last();
    await resubmit.waitFor();
    await resubmit.click();
    await page
      .locator(".msg", { hasText: /Submitted 2026-11/ })
      .last()
      .waitFor();
    await shot("resubmitted");

    // the chief approves
    await switchTo(page, CHIEF);
    await page.locator("[data-place=app]").click();
    await page.locator("[data-tab=dm]").click();
    const approve = page.locator("[data-action-id=review_approve]").last();
    await approve.waitFor();
    await approve.click();
    await page
      .locator(".msg", { hasText: /Approved|已通过/ })
      .last()
      .waitFor();
    await shot("chief approves");
    await switchTo(page, STAFF);

    // the 7th of December, 09:00: the review deadline; the reminders run
    await switchTo(page, GROUP);
    await page.locator("#clock-button").click();
    await page.locator("#clock-month").fill("2026-12");
    await page.locator("#clock-7th").click();
    await expect.poll(() => page.locator("#clock-text").textContent()).toContain("7 Dec 2026, 09:00");
    // the reminder to the assessment group: staff not yet quality-scored (the 7th's jobs)
    await expect
      .poll(() => page.locator("#clock-result").textContent())
      .toMatch(/remind-quality 2026-11: [1-9]\d* sent/);
    await shot("clock on the 7th");
    await page.locator("body").click({ position: { x: 700, y: 400 } });
    await page.locator("[data-place=app]").click();
    await page.locator("[data-tab=dm]").click();
    await page.locator(".msg", { hasText: "not yet quality-scored" }).waitFor();
    await shot("quality reminder in the DM");

    // the assessment group prices the temporary task
    await command(page, "/kpi pricing 2026-11");
    const priceButton = page.locator("button[data-action-id=pricing_open]").last();
    await priceButton.waitFor();
    await shot("pricing queue");
    await priceButton.click();
    const pricing = page.locator(".modal[data-callback-id=pricing_modal]");
    await pricing.waitFor();
    await pricing.locator("[data-action-id=pricing_points]").fill("60");
    await pricing
      .locator("[data-action-id=pricing_reason]")
      .fill("Like GD001 guidance, two thirds of the time");
    await shot("pricing form");
    await pricing.locator("[data-modal-submit]").click();
    await pricing.waitFor({ state: "detached" });

    // … scores quality with one deduction (the mention is picked from the suggestions)
    await page.locator("#composer-input").fill("/kpi quality @zha");
    const mention = page.locator("#suggestions .suggestion", { hasText: "@zhang.wei" });
    await mention.waitFor();
    await shot("mention suggestions");
    await mention.dispatchEvent("mousedown");
    await page.locator("#composer-input").press("End");
    await page.locator("#composer-input").type("2026-11");
    await page.locator("#composer-input").press("Enter");
    const quality = page.locator(".modal[data-callback-id=quality_modal]");
    await quality.waitFor();
    await quality.locator("[data-action-id=quality_value]").fill("-2");
    await quality.locator("[data-action-id=quality_reason]").fill("Two invoices sold with a wrong amount");
    await shot("quality form");
    await quality.locator("[data-modal-submit]").click();
    await expect.poll(() => quality.textContent(), { timeout: 15_000 }).toMatch(/98/);
    await shot("quality recorded");
    await quality.locator("[data-modal-close]").click();
    await quality.waitFor({ state: "detached" });

    // the branch chief gives discretionary points
    await switchTo(page, BRANCH_CHIEF);
    await page.locator("[data-place=app]").click();
    await page.locator("[data-tab=dm]").click();
    await command(page, "/kpi award 2026-11");
    const award = page.locator(".modal[data-callback-id=award_modal]");
    await award.waitFor();
    await award.locator("select[data-action-id=award_person]").selectOption(STAFF);
    await award.locator("[data-action-id=award_points]").fill("3");
    await award.locator("[data-action-id=award_reason]").fill("Covered the hall during the tax season rush");
    await shot("award form");
    await award.locator("[data-modal-submit]").click();
    await expect.poll(() => page.locator(".modal").count(), { timeout: 15_000 }).toBeLessThanOrEqual(1);
    await shot("award recorded");
    if (await award.count()) await award.locator("[data-modal-close]").click();

    // the group closes and publishes the month
    await switchTo(page, GROUP);
    await page.locator("[data-place=app]").click();
    await page.locator("[data-tab=dm]").click();
    await command(page, "/kpi close 2026-11");
    const publish = page.locator("button[data-action-id=close_publish]").last();
    await publish.waitFor({ timeout: 30_000 });
    await shot("close preview");
    await publish.click();
    const confirm = page.locator(".modal[data-callback-id=close_publish_modal]");
    await confirm.waitFor();
    const reason = confirm.locator("[data-action-id=close_reason]");
    if (await reason.count()) await reason.fill("The other staff logged nothing in November (demo).");
    await shot("publish confirmation");
    await confirm.locator("[data-modal-submit]").click();
    const done = page.locator(".modal[data-callback-id=close_publish_modal_done]");
    await done.waitFor({ timeout: 60_000 });
    await expect.poll(() => done.textContent(), { timeout: 60_000 }).toMatch(/published/);
    await shot("published");
    await done.locator("[data-modal-close]").click();
    await done.waitFor({ state: "detached" });

    // the results channel shows the ranking with its chart
    await page.locator("[data-place=C0KPIRESULTS]").click();
    const chart = page.locator(".msg-file.image img, .bk-image img").first();
    await chart.waitFor({ timeout: 60_000 });
    await expect
      .poll(() => chart.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(100);
    expect(await page.locator(".messages").textContent()).toMatch(/2026-11/);
    await chart.scrollIntoViewIfNeeded();
    await shot("results channel");

    // the staff member sees the published result; the spreadsheet comes as a download
    await switchTo(page, STAFF);
    await page.locator("[data-place=app]").click();
    await page.locator("[data-tab=dm]").click();
    await command(page, "/kpi export 2026-11");
    const xlsx = page.locator(".msg-file.doc a[download$='.xlsx']").last();
    await xlsx.waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([page.waitForEvent("download"), xlsx.click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    await shot("export downloaded");

    // the user switcher: the people and their roles
    await page.locator("#user-button").click();
    await page.locator("#user-menu [data-user=U0DEMO04]").waitFor();
    await shot("user switcher");
    await page.locator("#user-button").click();
  });
});
