import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { plainStackTracesForNonErrors } from "../src/testing";

// Type-only lines: the transform drops them, so a frame's line in the transformed module differs from its
// line in this file, and only a source-mapped trace names the line below.
interface Holder {
  stack?: string;
  toString(): string;
}

const source = readFileSync(import.meta.filename, "utf8").split("\n");
const lineOf = (marker: string) => source.findIndex((line) => line.includes(marker) && !line.includes("lineOf(")) + 1;

describe("stack traces in a test worker (the setup file @gpp/stack/testing)", () => {
  it("captures a trace on an object that is not an error in V8's plain format, without mapping it", () => {
    const holder: Holder = { toString: () => "a token" };
    Error.captureStackTrace(holder); // capture-on-holder
    const [first, ...frames] = holder.stack!.split("\n");
    expect(first).toBe("a token");
    expect(frames[0]).toMatch(/^ {4}at .*token-stack-traces\.test\.ts:\d+:\d+\)?$/);
    expect(frames[0]).not.toContain(`token-stack-traces.test.ts:${lineOf("capture-on-holder")}:`);
  });

  it("keeps vitest's source-mapped trace for an Error, so a failure points at the line that threw", () => {
    const error = new Error("refused"); // thrown-error
    const [first, frame] = error.stack!.split("\n");
    expect(first).toBe("Error: refused");
    expect(frame).toContain(`token-stack-traces.test.ts:${lineOf("thrown-error")}:`);
  });

  it("hands errors to the interceptor it wraps, formats anything else itself, and wraps only once", () => {
    const mapped = (error: Error) => `mapped ${error.message}`;
    const prepare = plainStackTracesForNonErrors(mapped);
    expect(prepare(new TypeError("bad"), [])).toBe("mapped bad");
    expect(prepare({ toString: () => "token" } as Error, [{ toString: () => "f (a.js:1:2)" } as NodeJS.CallSite])).toBe("token\n    at f (a.js:1:2)");
    expect(plainStackTracesForNonErrors(prepare)).toBe(prepare);
  });
});
