/**
 * The vitest setup every package whose tests synthesize stacks lists in its `setupFiles`:
 * - cdktf's matchers (toHaveResourceWithProperties, toBeValidTerraform, ...) are written for Jest; importing
 *   this module makes them available on vitest's `expect`.
 * - cdktf records a full stack trace for every token it creates (Error.captureStackTrace on a plain object,
 *   cdktf 0.21.0 lib/tokens/private/stack-trace.js, called from tokens/lazy.js and tokens/private/intrinsic.js),
 *   kept only for its own error messages. In a vitest worker each of those traces goes through vitest's
 *   source-map interceptor (Error.prepareStackTrace), which maps every frame: about 40 % of a 300-tenant synth.
 *   Traces captured on objects that are not errors get V8's plain format instead; a thrown Error (a failing
 *   assertion, a refused descriptor) keeps vitest's mapped stack.
 */
import { Testing } from "cdktf";
import { expect } from "vitest";

type TerraformConstructor = { readonly tfResourceType: string };

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- must match vitest's declaration
  interface Matchers<T = any> {
    toHaveResource(resource: TerraformConstructor): T;
    toHaveResourceWithProperties(resource: TerraformConstructor, properties: Record<string, unknown>): T;
    toHaveDataSource(dataSource: TerraformConstructor): T;
    toHaveDataSourceWithProperties(dataSource: TerraformConstructor, properties: Record<string, unknown>): T;
    toHaveProvider(provider: TerraformConstructor): T;
    toHaveProviderWithProperties(provider: TerraformConstructor, properties: Record<string, unknown>): T;
    toBeValidTerraform(): T;
  }
}

// The Jest adapter looks for a global `expect`; vitest's has the asymmetric matchers it uses.
(globalThis as { expect?: unknown }).expect ??= expect;
Testing.setupJest();

const PLAIN_FOR_NON_ERRORS = Symbol.for("gpp.plain-stack-traces-for-non-errors");

type Prepare = NonNullable<typeof Error.prepareStackTrace>;
type Marked = Prepare & { [PLAIN_FOR_NON_ERRORS]?: true };

/**
 * `mapped` for errors, V8's plain format (the object's string, then one `    at <frame>` line per frame) for
 * anything else a stack trace is captured on. Marked, so a second setup in the same worker (isolate: false
 * runs setup files once per test file) does not wrap it again.
 */
export function plainStackTracesForNonErrors(mapped: Prepare): Prepare {
  if ((mapped as Marked)[PLAIN_FOR_NON_ERRORS]) return mapped;
  const prepare: Prepare = (error, frames) =>
    error instanceof Error ? mapped(error, frames) : [String(error), ...frames.map((frame) => `    at ${String(frame)}`)].join("\n");
  return Object.assign(prepare, { [PLAIN_FOR_NON_ERRORS]: true as const });
}

// Without an interceptor (outside vitest) V8 formats every trace plainly already.
if (Error.prepareStackTrace) Error.prepareStackTrace = plainStackTracesForNonErrors(Error.prepareStackTrace);
