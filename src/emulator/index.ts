/**
 * Local Slack emulator ("FakeSlack") for driving the real Bolt app in tests and the playground.
 *
 * ```ts
 * const slack = await FakeSlack.start({ signingSecret: "s3cr3t", users: [{ id: "U1", name: "zhang.wei" }] });
 * const app = new App({ token: slack.botToken, appToken: slack.appToken, socketMode: true,
 *   clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } } });
 * await app.start();
 * await slack.slashCommand({ user: "U1", command: "/log", text: "fpfs 3" });
 * await slack.waitForEphemeral("U1", "logged");
 * ```
 */
export {
  type BlockIssue,
  type ElementInput,
  formatIssue,
  LIMITS,
  normalizeBlocks,
  validateMessage,
  validateView,
} from "./blocks.js";
export {
  type CloseViewOptions,
  type DeliveryOptions,
  FakeSlack,
  type InteractionTarget,
  type InteractOptions,
  type MethodStub,
  type OptionsRequestOptions,
  type SendEventOptions,
  type SigningOverride,
  type SlashCommandOptions,
  type SubmitViewOptions,
  type UserMessageOptions,
  VERIFICATION_TOKEN,
  type WaitForOptions,
} from "./fake-slack.js";
export type { PostResult } from "./http.js";
export {
  type SignRequestOptions,
  type SlackSignatureHeaders,
  signRequest,
  verifySignature,
} from "./signing.js";
export type * from "./types.js";
export { type Clock, ManualClock } from "./util.js";
