/**
 * Natural batching of independent database calls: calls that arrive while `maxInFlight` batches are
 * already running wait, and go together in the next batch when one of those finishes. There is no timer:
 * a call arriving when fewer than `maxInFlight` batches run is sent at once (alone when the system is
 * quiet), so batching adds no delay at low load and only forms under load, where it saves one round trip
 * (a database wake-up, a commit, a protocol exchange) per call it groups.
 *
 * `run` gets at least one item and answers one outcome per item, in order; when it throws, every item of
 * that batch fails with its error.
 */
export type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

export interface BatcherOptions {
  /** the most items in one batch */
  maxBatch: number;
  /** the most batches running at once */
  maxInFlight: number;
}

export function naturalBatcher<I, O>(
  run: (items: I[]) => Promise<Outcome<O>[]>,
  opts: BatcherOptions,
): (item: I) => Promise<O> {
  type Waiter = { item: I; resolve: (o: O) => void; reject: (e: unknown) => void };
  let queue: Waiter[] = [];
  let inFlight = 0;

  const dispatch = (): void => {
    while (inFlight < opts.maxInFlight && queue.length > 0) {
      let batch: Waiter[];
      if (queue.length > opts.maxBatch) batch = queue.splice(0, opts.maxBatch);
      else {
        batch = queue;
        queue = [];
      }
      inFlight++;
      let answered: Promise<Outcome<O>[]>;
      try {
        answered = run(batch.map((w) => w.item));
      } catch (error) {
        answered = Promise.reject(error);
      }
      answered
        .then(
          (outcomes) => {
            batch.forEach((w, i) => {
              const o = outcomes[i];
              if (!o) w.reject(new Error("batch answered fewer outcomes than items"));
              else if (o.ok) w.resolve(o.value);
              else w.reject(o.error);
            });
          },
          (error: unknown) => {
            for (const w of batch) w.reject(error);
          },
        )
        .finally(() => {
          inFlight--;
          dispatch();
        });
    }
  };

  return (item: I) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      dispatch();
    });
}
