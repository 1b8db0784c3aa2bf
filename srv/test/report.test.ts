import { describe, expect, it } from "vitest";
import { backoffDelay, retryUntilDeadline } from "../src/retry";
import { percentile, summarizeLatency } from "../src/smoke";
import { exitCodeFor, overallVerdict } from "../src/report";
import type { TargetResult } from "../src/smoke";

describe("latency percentiles (nearest rank)", () => {
  const values = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
  it("takes p50, p95 and max", () => {
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile([4], 95)).toBe(4);
    expect(summarizeLatency(values)).toEqual({ p50: 5, p95: 10, max: 10 });
    expect(summarizeLatency([])).toBeUndefined();
  });
  it("p95 of 20 values is the 19th smallest", () => {
    const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(twenty, 95)).toBe(19);
  });
});

describe("backoff", () => {
  const backoff = { initialDelayMs: 100, factor: 2, maxDelayMs: 500 };
  it("doubles, caps, and never waits past the deadline", () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(backoff, n, 10_000))).toEqual([100, 200, 400, 500, 500]);
    expect(backoffDelay(backoff, 3, 150)).toBe(150);
  });

  it("retries until success and reports every attempt", async () => {
    let calls = 0;
    const seen: number[] = [];
    const outcome = await retryUntilDeadline(
      async () => ++calls,
      (n) => n >= 3,
      { deadlineMs: 2000, backoff: { initialDelayMs: 5, factor: 1, maxDelayMs: 5 }, onAttempt: (r) => seen.push(r.attempt) },
    );
    expect(outcome).toMatchObject({ ok: true, attempts: 3, last: 3 });
    expect(seen).toEqual([1, 2, 3]);
  });

  it("gives up at the deadline with the last result", async () => {
    const started = Date.now();
    const outcome = await retryUntilDeadline(async () => "down", () => false, { deadlineMs: 200, backoff: { initialDelayMs: 20, factor: 2, maxDelayMs: 50 } });
    expect(outcome.ok).toBe(false);
    expect(outcome.last).toBe("down");
    expect(outcome.attempts).toBeGreaterThan(2);
    expect(Date.now() - started).toBeLessThan(600);
  });
});

describe("verdicts and exit codes", () => {
  const target = (verdict: TargetResult["verdict"]) => ({ verdict }) as TargetResult;
  it("unreachable wins over a contract failure; all passing passes", () => {
    expect(exitCodeFor(overallVerdict([target("pass"), target("contract-failure"), target("unreachable")]))).toBe(3);
    expect(exitCodeFor(overallVerdict([target("pass"), target("contract-failure")]))).toBe(1);
    expect(exitCodeFor(overallVerdict([target("pass"), target("pass")]))).toBe(0);
  });
});
