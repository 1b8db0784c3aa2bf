import { DefaultTokenResolver, Lazy, StringConcat, TerraformStack, Testing, Tokenization, type IResolvable } from "cdktf";
import { afterEach, describe, expect, it } from "vitest";
import { cheapenNonErrorStackTraces } from "../bundle/stack-traces.mjs";

const restores: (() => void)[] = [];
afterEach(() => {
  for (const restore of restores.splice(0)) restore();
});

/** A token as the stack code makes them, whose value cannot be produced. */
function createTheFailingToken(): IResolvable {
  return Lazy.anyValue({
    produce: () => {
      throw new Error("no value for this token");
    },
  });
}

/** The error cdktf throws when a token cannot be resolved. */
function resolutionError(token: IResolvable): Error {
  const scope = new TerraformStack(Testing.app(), "stack-traces");
  try {
    Tokenization.resolve({ value: token }, { scope, resolver: new DefaultTokenResolver(new StringConcat()) });
  } catch (error) {
    if (error instanceof Error && error.message.startsWith("Resolution error: no value for this token.")) return error;
    throw error;
  }
  throw new Error("the token resolved");
}

/** A location as V8 prints it: `file:line:column`, possibly in parentheses. */
const LOCATION = /:\d+:\d+\)?$/;

describe("pnpm synth's stack traces", () => {
  it("leaves every Error's stack as V8 and the test runner format it: a thrown one, a captured one, and one cdktf rethrows", () => {
    const stacks: string[][] = [];
    for (const phase of ["before", "after"]) {
      if (phase === "after") restores.push(cheapenNonErrorStackTraces());
      // The same call sites in both phases, so the stacks must be equal.
      const thrown = new Error("thrown");
      const captured = new Error("captured");
      Error.captureStackTrace(captured);
      const rethrown = resolutionError(createTheFailingToken());
      // The message cdktf gives it names the token's creation stack, which is not an Error's: its frames only.
      const rethrownFrames = rethrown.stack?.slice(rethrown.stack.indexOf("\n    at ")) ?? "";
      stacks.push([thrown.stack ?? "", captured.stack ?? "", rethrownFrames]);
    }
    const [before, after] = stacks;
    expect(after).toEqual(before);
    for (const stack of after ?? []) expect(stack.split("\n").find((line) => line.startsWith("    at "))).toMatch(LOCATION);
  });

  it("keeps the names of the calls that created a token, without file and line, in its creation stack and in cdktf's resolution error", () => {
    const full = createTheFailingToken().creationStack;
    expect(full.find((frame) => frame.includes("createTheFailingToken"))).toMatch(LOCATION);

    restores.push(cheapenNonErrorStackTraces());
    const token = createTheFailingToken();
    expect(token.creationStack.length).toBe(full.length);
    expect(token.creationStack).toEqual(expect.arrayContaining(["new LazyAny", "createTheFailingToken"]));
    expect(token.creationStack.filter((frame) => LOCATION.test(frame) || /:\d+$/.test(frame))).toEqual([]);
    expect(resolutionError(token).message).toMatch(/\nObject creation stack:\n {2}at new LazyBase\n(.*\n)* {2}at createTheFailingToken\n/);
  });

  it("wraps once when installed twice, and puts V8's own function back", () => {
    const native = Error.captureStackTrace;
    const restore = cheapenNonErrorStackTraces();
    const installed = Error.captureStackTrace;
    restores.push(cheapenNonErrorStackTraces());
    expect(Error.captureStackTrace).toBe(installed);
    restore();
    expect(Error.captureStackTrace).toBe(native);
  });
});
