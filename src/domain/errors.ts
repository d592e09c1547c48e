/**
 * A refusal the user should read: a stable code (also the i18n key under "errors.") and the values the
 * message needs. Use-cases throw it; the Slack layer translates it into the user's language. Anything
 * else thrown is a bug or an outage and is answered with a generic "try again" message, never a trace.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly params: Record<string, unknown> = {},
  ) {
    super(`${code} ${JSON.stringify(params, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`);
    this.name = "DomainError";
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
