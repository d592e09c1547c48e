/**
 * Threads and users.list paging in the fake Web API, as the proposal cards and the people sync use them:
 * replies with thread_ts, the parent's thread summary, conversations.replies, and users.list cursors.
 */
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeSlack } from "../../src/emulator/index.js";

describe("FakeSlack threads and users.list paging", () => {
  let slack: FakeSlack;
  let client: WebClient;
  beforeAll(async () => {
    slack = await FakeSlack.start({
      signingSecret: "s",
      users: [
        { id: "U1", name: "one" },
        { id: "U2", name: "two", deleted: true },
        { id: "U3", name: "three" },
      ],
    });
    client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  });
  afterAll(async () => {
    await slack?.stop();
  });

  it("a reply with thread_ts joins the thread; the parent carries the summary", async () => {
    const parent = await client.chat.postMessage({ channel: "C1", text: "proposal" });
    await client.chat.postMessage({ channel: "C1", text: "comments here", thread_ts: parent.ts! });
    await client.chat.postMessage({ channel: "C1", text: "I agree", thread_ts: parent.ts! });
    await client.chat.postMessage({
      channel: "C1",
      text: "adopted",
      thread_ts: parent.ts!,
      reply_broadcast: true,
    });
    const replies = await client.conversations.replies({ channel: "C1", ts: parent.ts! });
    expect(replies.messages?.map((m) => m.text)).toEqual(["proposal", "comments here", "I agree", "adopted"]);
    const history = await client.conversations.history({ channel: "C1" });
    const top = history.messages?.find((m) => m.ts === parent.ts);
    expect(top).toMatchObject({ reply_count: 3, reply_users_count: 1, thread_ts: parent.ts });
    expect(String(slack.messages("C1").find((m) => m.text === "adopted")?.extra?.reply_broadcast)).toBe(
      "true",
    );
  });

  it("users.list pages with cursors and lists deactivated users as deleted", async () => {
    const ids: string[] = [];
    const deleted: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await client.users.list({ limit: 2, ...(cursor ? { cursor } : {}) });
      pages++;
      for (const m of res.members ?? []) {
        ids.push(m.id!);
        if (m.deleted) deleted.push(m.id!);
      }
      cursor = res.response_metadata?.next_cursor || undefined;
    } while (cursor);
    expect(pages).toBe(2);
    expect(ids).toEqual(expect.arrayContaining(["U1", "U2", "U3"]));
    expect(deleted).toEqual(["U2"]);
  });
});
