export interface Backoff {
  /** Wait after the first failed attempt. */
  readonly initialDelayMs: number;
  /** Each wait is the previous one times this. */
  readonly factor: number;
  /** No single wait is longer than this. */
  readonly maxDelayMs: number;
}

export const defaultBackoff: Backoff = { initialDelayMs: 250, factor: 2, maxDelayMs: 5_000 };

/** The wait before attempt `attempt + 1` (attempt counts from 1), never past the deadline. */
export function backoffDelay(backoff: Backoff, attempt: number, remainingMs: number): number {
  const delay = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * backoff.factor ** (attempt - 1));
  return Math.max(0, Math.min(delay, remainingMs));
}

export interface AttemptReport<T> {
  readonly attempt: number;
  readonly result: T;
  /** How long until the next attempt; undefined when this was the last one. */
  readonly nextDelayMs?: number;
}

export interface RetryOutcome<T> {
  readonly ok: boolean;
  readonly attempts: number;
  readonly elapsedMs: number;
  /** The last attempt's result: the success, or the failure that explains the give-up. */
  readonly last: T;
}

export interface RetryOptions<T> {
  /**
   * No attempt starts after this many ms from the first one. The attempt under way when it passes
   * runs to its own end, so the total is bounded by the deadline plus one attempt's timeout.
   */
  readonly deadlineMs: number;
  readonly backoff?: Backoff;
  /** Called after every attempt, for progress output. */
  readonly onAttempt?: (report: AttemptReport<T>) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until `succeeded` says yes or the deadline passes, with exponential backoff in between.
 */
export async function retryUntilDeadline<T>(
  attempt: () => Promise<T>,
  succeeded: (result: T) => boolean,
  options: RetryOptions<T>,
): Promise<RetryOutcome<T>> {
  const backoff = options.backoff ?? defaultBackoff;
  const started = performance.now();
  const remaining = (): number => options.deadlineMs - (performance.now() - started);
  for (let count = 1; ; count++) {
    const result = await attempt();
    const ok = succeeded(result);
    const left = remaining();
    const delay = ok || left <= 0 ? undefined : backoffDelay(backoff, count, left);
    options.onAttempt?.({ attempt: count, result, ...(delay === undefined ? {} : { nextDelayMs: delay }) });
    if (delay === undefined) {
      return { ok, attempts: count, elapsedMs: Math.round(performance.now() - started), last: result };
    }
    await sleep(delay);
  }
}
