import type { LookupFunction } from "node:net";
import pMap from "p-map";
import { contract, describeAccepted } from "./contract";
import { isUnreachable, probe, redactUrl, type Expectation, type Failure, type ProbeResult } from "./probe";
import { retryUntilDeadline, type Backoff } from "./retry";

/** One place to check: a base URL, and the Host header of a tenant behind a shared entry point. */
export interface Target {
  /** How the report names it: the URL, a tenant id, or the image. */
  readonly name: string;
  readonly baseUrl: URL;
  readonly host?: string;
}

export type Verdict = "pass" | "contract-failure" | "unreachable";

export interface LatencySummary {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

export interface Sample {
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly status?: number;
  readonly failure?: Failure;
}

export interface EndpointResult {
  readonly name: "readiness" | "liveness";
  readonly path: string;
  readonly expected: { readonly status: number; readonly accepted: readonly string[] };
  readonly passed: number;
  readonly failed: number;
  /** Over the requests that got an HTTP answer; undefined when none did. */
  readonly latencyMs?: LatencySummary;
  /** The first failed request's diagnosis. */
  readonly failure?: Failure;
  readonly samples: readonly Sample[];
}

export interface TargetResult {
  readonly name: string;
  readonly url: string;
  readonly host?: string;
  readonly verdict: Verdict;
  readonly readiness: {
    readonly ready: boolean;
    readonly attempts: number;
    readonly elapsedMs: number;
    /** Why it never became ready: the last attempt's diagnosis. */
    readonly failure?: Failure;
  };
  /** Empty when the target never answered HTTP before the deadline. */
  readonly endpoints: readonly EndpointResult[];
  /** Extra evidence for a failure, e.g. the container's last log lines. */
  readonly notes: readonly string[];
}

export interface SmokeOptions {
  readonly timeoutMs: number;
  /** The run's readiness deadline, counted from the start of the run and shared by every target. */
  readonly deadlineMs: number;
  /** Requests per endpoint once the target is ready. */
  readonly requests: number;
  readonly backoff?: Backoff;
  readonly onProgress?: (line: string) => void;
  readonly lookup?: LookupFunction;
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error("percentile of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export function summarizeLatency(values: readonly number[]): LatencySummary | undefined {
  if (values.length === 0) return undefined;
  return { p50: percentile(values, 50), p95: percentile(values, 95), max: Math.max(...values) };
}

const endpoints = [
  { name: "readiness", ...contract.readiness },
  { name: "liveness", ...contract.liveness },
] as const;

const label = (target: Target): string => `${target.name}${target.host ? ` (Host: ${target.host})` : ""}`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function verdictOf(failures: readonly Failure[]): Verdict {
  if (failures.length === 0) return "pass";
  return failures.some((f) => isUnreachable(f.kind)) ? "unreachable" : "contract-failure";
}

/**
 * How many targets wait for readiness at the same time. Waiting costs one small request per target per
 * backoff step, so this many in parallel is no burst for an entry point; it bounds open sockets when a
 * deployment has hundreds of tenants.
 */
export const READINESS_CONCURRENCY = 64;

interface Readiness {
  readonly wait: { readonly ok: boolean; readonly attempts: number; readonly elapsedMs: number; readonly last: ProbeResult };
}

const probeOnce = (target: Target, options: SmokeOptions, expect: Expectation): Promise<ProbeResult> =>
  probe({
    baseUrl: target.baseUrl,
    expect,
    timeoutMs: options.timeoutMs,
    ...(target.host ? { host: target.host } : {}),
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });

/** Retries readiness until it passes or the run's deadline (`deadlineAt`, a performance.now() time) passes. */
async function waitForReadiness(target: Target, options: SmokeOptions, deadlineAt: number): Promise<Readiness> {
  const progress = options.onProgress ?? (() => {});
  const deadlineMs = Math.max(0, deadlineAt - performance.now());
  progress(
    `${label(target)}: waiting up to ${seconds(deadlineMs)} for GET ${contract.readiness.path} to answer ${contract.readiness.status} ${describeAccepted(contract.readiness)}`,
  );
  const wait = await retryUntilDeadline(
    () => probeOnce(target, options, contract.readiness),
    (result) => result.ok,
    {
      deadlineMs,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      onAttempt: ({ attempt, result, nextDelayMs }) => {
        if (result.ok) progress(`${label(target)}: ready after ${attempt} attempt${attempt === 1 ? "" : "s"}`);
        else if (nextDelayMs !== undefined) {
          progress(`${label(target)}: attempt ${attempt}: ${result.failure?.summary}; retrying in ${seconds(nextDelayMs)}`);
        } else progress(`${label(target)}: attempt ${attempt}: ${result.failure?.summary}; giving up`);
      },
    },
  );
  return { wait };
}

/** Once readiness is settled: `requests` requests to each contract endpoint, judged. */
async function checkEndpoints(target: Target, { wait }: Readiness, options: SmokeOptions): Promise<TargetResult> {
  const progress = options.onProgress ?? (() => {});
  const base = {
    name: target.name,
    url: redactUrl(target.baseUrl),
    ...(target.host ? { host: target.host } : {}),
    notes: [] as string[],
  };
  const readiness = {
    ready: wait.ok,
    attempts: wait.attempts,
    elapsedMs: wait.elapsedMs,
    ...(wait.last.failure ? { failure: wait.last.failure } : {}),
  };
  if (wait.last.failure && isUnreachable(wait.last.failure.kind)) {
    return { ...base, verdict: verdictOf([wait.last.failure]), readiness, endpoints: [] };
  }
  // It answers HTTP (perhaps wrongly): check both endpoints, so the report shows liveness as well.

  const results: EndpointResult[] = [];
  for (const endpoint of endpoints) {
    const samples: Sample[] = [];
    for (let i = 0; i < options.requests; i++) {
      const result = await probeOnce(target, options, endpoint);
      samples.push({
        ok: result.ok,
        latencyMs: result.latencyMs,
        ...(result.status === undefined ? {} : { status: result.status }),
        ...(result.failure ? { failure: result.failure } : {}),
      });
    }
    const failed = samples.filter((s) => !s.ok);
    const latency = summarizeLatency(samples.filter((s) => s.status !== undefined).map((s) => s.latencyMs));
    results.push({
      name: endpoint.name,
      path: endpoint.path,
      expected: { status: endpoint.status, accepted: endpoint.accepted },
      passed: samples.length - failed.length,
      failed: failed.length,
      ...(latency ? { latencyMs: latency } : {}),
      ...(failed[0]?.failure ? { failure: failed[0].failure } : {}),
      samples,
    });
    progress(`${label(target)}: GET ${endpoint.path} ${samples.length - failed.length}/${samples.length} passed`);
  }
  const failures = results.flatMap((r) => r.samples.flatMap((s) => (s.failure ? [s.failure] : [])));
  return {
    ...base,
    verdict: verdictOf(wait.last.failure ? [wait.last.failure, ...failures] : failures),
    readiness,
    endpoints: results,
  };
}

/**
 * Checks every target against one deadline for the whole run: all targets wait for readiness at the
 * same time (at most READINESS_CONCURRENCY at once), each until the run's deadline, so N targets that
 * never answer take about `deadline + timeout`, not N times that. Then, one target after another (the
 * report stays readable and the entry point sees no burst), `requests` requests to each endpoint.
 * Results come back in the targets' order.
 */
export async function checkTargets(targets: readonly Target[], options: SmokeOptions): Promise<TargetResult[]> {
  const deadlineAt = performance.now() + options.deadlineMs;
  const readiness = await pMap(targets, (target) => waitForReadiness(target, options, deadlineAt), { concurrency: READINESS_CONCURRENCY });
  const results: TargetResult[] = [];
  for (const [index, target] of targets.entries()) results.push(await checkEndpoints(target, readiness[index] as Readiness, options));
  return results;
}

/** Waits for readiness, then sends `requests` requests to each contract endpoint and judges them. */
export async function checkTarget(target: Target, options: SmokeOptions): Promise<TargetResult> {
  const [result] = await checkTargets([target], options);
  return result as TargetResult;
}
