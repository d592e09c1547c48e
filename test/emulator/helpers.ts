/**
 * Test scaffolding: a tiny Bolt app wired to a FakeSlack in HTTP or Socket Mode.
 */
import type { AddressInfo } from "node:net";
import { App, type Logger, LogLevel } from "@slack/bolt";
import type { RetryOptions } from "@slack/web-api";
import { FakeSlack, type FakeSlackOptions } from "../../src/emulator/index.js";

export const SIGNING_SECRET = "test-signing-secret";

export const USERS = [
  { id: "U1", name: "zhang.wei", realName: "张伟", locale: "zh-CN", tz: "Asia/Shanghai" },
  { id: "U2", name: "anna.smith", realName: "Anna Smith", locale: "en-US", tz: "Europe/Berlin" },
];

/** A logger that swallows everything (Bolt is chatty about 401s and timeouts on purpose here). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Counters the tiny app bumps so tests can prove a handler did (not) run. */
export interface AppProbe {
  ping: number;
  errors: string[];
  /** Released by tests that need to hold a handler between ack() and its follow-up call. */
  gate?: Promise<void>;
}

export const MODAL_VIEW = {
  type: "modal" as const,
  callback_id: "log_modal",
  title: { type: "plain_text" as const, text: "Log work" },
  submit: { type: "plain_text" as const, text: "Save" },
  close: { type: "plain_text" as const, text: "Cancel" },
  blocks: [
    {
      type: "input",
      block_id: "hours",
      label: { type: "plain_text", text: "Hours" },
      element: { type: "plain_text_input", action_id: "hours_input" },
    },
    {
      type: "input",
      block_id: "project",
      label: { type: "plain_text", text: "Project" },
      element: { type: "external_select", action_id: "project_select", min_query_length: 0 },
    },
  ],
};

const PROJECTS = ["fpfs", "fpga", "billing", "docs"];

/** Registers the tiny app used throughout the emulator tests. */
export function registerTinyApp(app: App, probe: AppProbe): void {
  app.command("/ping", async ({ ack, respond, client, command }) => {
    probe.ping += 1;
    await ack();
    await respond({ text: `pong ${command.text}` });
    await client.chat.postMessage({
      channel: command.user_id,
      text: "pong via DM",
      blocks: [
        { type: "section", text: { type: "mrkdwn", text: "*pong* via DM" } },
        {
          type: "actions",
          block_id: "pong_actions",
          elements: [
            {
              type: "button",
              action_id: "open_modal",
              text: { type: "plain_text", text: "Log" },
              value: "v1",
            },
          ],
        },
      ],
    });
  });

  app.command("/slow", async ({ ack }) => {
    await sleep(500);
    await ack("finally");
  });

  app.command("/big", async ({ ack, client, command }) => {
    await ack();
    const blocks = Array.from({ length: 51 }, (_, i) => ({
      type: "section",
      text: { type: "plain_text", text: `row ${i}` },
    }));
    try {
      await client.chat.postMessage({ channel: command.user_id, text: "too big", blocks });
    } catch (error) {
      const data = (error as { data?: { error?: string } }).data;
      probe.errors.push(data?.error ?? String(error));
    }
  });

  app.command("/whoami", async ({ ack, client, command, respond }) => {
    await ack();
    const info = await client.users.info({ user: command.user_id, include_locale: true });
    await respond(`locale=${info.user?.locale} tz=${info.user?.tz}`);
  });

  app.command("/export", async ({ ack, client, command }) => {
    await ack();
    const opened = await client.conversations.open({ users: command.user_id });
    await client.filesUploadV2({
      channel_id: opened.channel?.id ?? "",
      filename: "report.csv",
      title: "Monthly report",
      file: Buffer.from("user,points\nzhang.wei,42\n", "utf8"),
      initial_comment: "Here is your report",
    });
  });

  app.command("/late-modal", async ({ ack, client, body }) => {
    await ack();
    await probe.gate;
    try {
      await client.views.open({ trigger_id: body.trigger_id, view: MODAL_VIEW });
    } catch (error) {
      const data = (error as { data?: { error?: string } }).data;
      probe.errors.push(data?.error ?? String(error));
    }
  });

  app.action("open_modal", async ({ ack, body, client }) => {
    await ack();
    const triggerId = (body as { trigger_id: string }).trigger_id;
    await client.views.open({ trigger_id: triggerId, view: MODAL_VIEW });
    // A second exchange of the same trigger must fail (single use).
    try {
      await client.views.open({ trigger_id: triggerId, view: MODAL_VIEW });
    } catch (error) {
      const data = (error as { data?: { error?: string } }).data;
      probe.errors.push(data?.error ?? String(error));
    }
  });

  app.action("mark_done", async ({ ack, respond }) => {
    await ack();
    await respond({ replace_original: true, text: "Marked done" });
  });

  app.options("project_select", async ({ ack, payload }) => {
    const query = (payload as { value?: string }).value ?? "";
    await ack({
      options: PROJECTS.filter((p) => p.startsWith(query)).map((p) => ({
        text: { type: "plain_text" as const, text: p.toUpperCase() },
        value: p,
      })),
    });
  });

  app.view("log_modal", async ({ ack, view }) => {
    const hours = view.state.values.hours?.hours_input?.value ?? "";
    if (!/^\d+(\.\d+)?$/.test(hours)) {
      await ack({ response_action: "errors", errors: { hours: "Must be a number" } });
      return;
    }
    await ack();
  });

  app.event("app_home_opened", async ({ event, client }) => {
    await client.views.publish({
      user_id: event.user,
      view: {
        type: "home",
        blocks: [
          { type: "header", text: { type: "plain_text", text: "KPI dashboard" } },
          { type: "section", text: { type: "mrkdwn", text: `Hello <@${event.user}>` } },
        ],
      },
    });
  });
}

export interface Harness {
  slack: FakeSlack;
  app: App;
  probe: AppProbe;
  /** Stops the app, then the fake (safe to call twice). */
  close: () => Promise<void>;
}

export interface HarnessOptions {
  mode: "http" | "socket";
  fake?: Partial<FakeSlackOptions>;
  retryConfig?: RetryOptions;
}

/** Starts a FakeSlack and the tiny Bolt app against it. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const slack = await FakeSlack.start({ signingSecret: SIGNING_SECRET, users: USERS, ...options.fake });
  const probe: AppProbe = { ping: 0, errors: [] };
  const clientOptions = { slackApiUrl: slack.apiUrl, retryConfig: options.retryConfig ?? { retries: 0 } };
  let app: App;
  try {
    if (options.mode === "http") {
      app = new App({
        signingSecret: SIGNING_SECRET,
        token: slack.botToken,
        logger: silentLogger,
        clientOptions,
      });
      registerTinyApp(app, probe);
      const server = await app.start({ port: 0, host: "127.0.0.1" });
      const { port } = server.address() as AddressInfo;
      slack.setRequestUrl(`http://127.0.0.1:${port}/slack/events`);
    } else {
      app = new App({
        token: slack.botToken,
        appToken: slack.appToken,
        socketMode: true,
        logger: silentLogger,
        clientOptions,
      });
      registerTinyApp(app, probe);
      await app.start();
    }
  } catch (error) {
    await slack.stop();
    throw error;
  }
  let closed = false;
  return {
    slack,
    app,
    probe,
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await app.stop();
      } finally {
        await slack.stop();
      }
    },
  };
}
