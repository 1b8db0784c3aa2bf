// @ts-check
/**
 * Stack traces captured on objects that are not errors get a cheap format in `pnpm synth`'s process.
 *
 * cdktf 0.21.0 records a full stack trace for every token it creates (lib/tokens/private/stack-trace.js:
 * `Error.captureStackTrace` on a plain object, with no frame limit, read at once), kept as `creationStack`
 * only for its own error messages: about 400 traces of about 18 frames for the default deployment. V8's
 * format of them took 30 to 45 ms a run, nearly all of it finding each frame's line and column in the 4.5 MB
 * bundle; a format of the frames' names alone takes 5 to 10 ms, about what no format at all takes. So the
 * names are kept: a token that fails to resolve still says which calls created it, without file and line.
 * A thrown Error is not affected at all: it never goes through this function.
 */

/** Marks the replacement, so installing twice wraps once. */
const INSTALLED = Symbol.for("gpp.synth.cheap-non-error-stack-traces");

/**
 * `new Class`, `Type.method` or `function`, as V8 names a frame, without its line and column; an anonymous
 * function is named by its file. (A static method's type is `Function`, which says nothing: left out.)
 * @param {NodeJS.CallSite} frame
 */
function frameName(frame) {
  const name = frame.getFunctionName();
  if (!name) return `<anonymous> (${frame.getFileName() ?? "native"})`;
  if (frame.isConstructor()) return `new ${name}`;
  const type = frame.isToplevel() ? null : frame.getTypeName();
  return type && type !== "Function" ? `${type}.${name}` : name;
}

/** @param {unknown} _target @param {NodeJS.CallSite[]} frames */
const namesOnly = (_target, frames) => ["Error", ...frames.map((frame) => `    at ${frameName(frame)}`)].join("\n");

/**
 * Replaces `Error.captureStackTrace` for this process: on an Error it is V8's own, unchanged; on any other
 * object the trace it records lists the frames' names only. Returns a function that puts V8's back.
 * @returns {() => void}
 */
export function cheapenNonErrorStackTraces() {
  const native = Error.captureStackTrace;
  if (INSTALLED in native) return () => {};
  /** @param {object} target @param {Function} [below] */
  function captureStackTrace(target, below) {
    // `below` defaults to this function, so the frames are the ones V8's own would record.
    if (target instanceof Error) return native(target, below ?? captureStackTrace);
    const previous = Error.prepareStackTrace;
    Error.prepareStackTrace = namesOnly;
    try {
      native(target, below ?? captureStackTrace);
      // V8 formats the trace when `stack` is first read: read it while the cheap format is in place.
      void (/** @type {{ stack?: unknown }} */ (target).stack);
    } finally {
      Error.prepareStackTrace = previous;
    }
  }
  Error.captureStackTrace = Object.assign(captureStackTrace, { [INSTALLED]: true });
  return () => {
    Error.captureStackTrace = native;
  };
}
