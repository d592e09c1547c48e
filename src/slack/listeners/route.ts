/**
 * One Bolt listener per kind of request, routing by id to the handlers. Bolt runs every registered
 * listener's middleware chain (type filter, constraint matching, a fresh argument object per step) for
 * every request, whatever it is: with a listener per command, action, view and event, that work was
 * repeated twenty times for each `/log`, more than the rest of Bolt's per-request work. The routes keep
 * Bolt's matching rules: a string id matches exactly, a RegExp is tested; the first match handles the
 * request; nothing matches → nothing runs (as with no listener).
 */
export type Route<A> = readonly [id: string | RegExp, handler: (args: A) => Promise<void>];

export function router<A>(routes: readonly Route<A>[], idOf: (args: A) => string | undefined) {
  const exact = new Map<string, (args: A) => Promise<void>>();
  const patterns: [RegExp, (args: A) => Promise<void>][] = [];
  for (const [id, handler] of routes) {
    if (typeof id === "string") {
      if (!exact.has(id)) exact.set(id, handler);
    } else patterns.push([id, handler]);
  }
  return async (args: A): Promise<void> => {
    const id = idOf(args);
    if (id === undefined) return;
    const handler = exact.get(id) ?? patterns.find(([re]) => re.test(id))?.[1];
    if (handler) await handler(args);
  };
}
