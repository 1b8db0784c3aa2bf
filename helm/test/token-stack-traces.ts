/**
 * cdktf records a full stack trace for every token it creates (Error.captureStackTrace on a plain object,
 * cdktf 0.21.0 lib/tokens/private/stack-trace.js, called from tokens/lazy.js and tokens/private/intrinsic.js),
 * kept only for its own error messages. In a vitest worker each of those traces goes through vitest's
 * source-map interceptor (Error.prepareStackTrace), which maps every frame: about 40 % of a 300-tenant synth.
 * Traces captured on objects that are not errors get V8's plain format instead; a thrown Error (a failing
 * assertion, a refused descriptor) keeps vitest's mapped stack. A setup file: runs before each test file.
 */
const PLAIN_FOR_NON_ERRORS = Symbol.for("gpp.plain-stack-traces-for-non-errors");

type Prepare = NonNullable<typeof Error.prepareStackTrace>;
const current = Error.prepareStackTrace as (Prepare & { [PLAIN_FOR_NON_ERRORS]?: true }) | undefined;

if (current && !current[PLAIN_FOR_NON_ERRORS]) {
  const mapped = current;
  const prepare: Prepare = (error, frames) =>
    error instanceof Error ? mapped(error, frames) : [String(error), ...frames.map((frame) => `    at ${String(frame)}`)].join("\n");
  Error.prepareStackTrace = Object.assign(prepare, { [PLAIN_FOR_NON_ERRORS]: true as const });
}
