import { describe, expect, it } from "vitest";

describe("stack traces in the helm tests (test/token-stack-traces.ts)", () => {
  it("formats a trace captured on a plain object, as cdktf's tokens capture theirs, in V8's plain format", () => {
    const installed = Error.prepareStackTrace as unknown as Record<symbol, unknown> | undefined;
    expect(installed?.[Symbol.for("gpp.plain-stack-traces-for-non-errors")]).toBe(true);
    const captured = { stack: "" };
    Error.captureStackTrace(captured);
    expect(captured.stack.split("\n")[0]).toBe("[object Object]");
    expect(captured.stack.split("\n")[1]).toMatch(/^ {4}at /);
  });

  it("keeps an Error's stack mapped to the TypeScript source", () => {
    const line = new Error("here").stack?.split("\n")[1] ?? "";
    expect(line).toMatch(/token-stack-traces\.test\.ts:14:18\)?$/);
  });
});
