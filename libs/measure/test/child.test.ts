import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lastJsonLine, measureInChild, median } from "../src/child";

const dir = mkdtempSync(path.join(tmpdir(), "bench-child-test-"));
const script = (name: string, body: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, body);
  return file;
};

describe("measureInChild", () => {
  it("returns the child's last JSON line, its environment seen, and the process time", () => {
    const file = script("ok.ts", 'console.log("warming up");\nconsole.log(JSON.stringify({ value: 42, env: process.env.BENCH_TEST_VALUE }));\n');
    const { result, processMs } = measureInChild<{ value: number; env: string }>([file], { what: "ok child", env: { BENCH_TEST_VALUE: "seen" } });
    expect(result).toEqual({ value: 42, env: "seen" });
    expect(processMs).toBeGreaterThan(0);
  });

  it("throws with the child's stderr when it fails, instead of reporting a number", () => {
    const file = script("fails.ts", 'console.error("synth broke");\nprocess.exit(3);\n');
    expect(() => measureInChild([file], { what: "failing child" })).toThrow(/failing child failed \(exit 3\):\nsynth broke/);
  });

  it("throws when the child prints no JSON", () => {
    const file = script("silent.ts", 'console.log("done");\n');
    expect(() => measureInChild([file], { what: "silent child" })).toThrow(/silent child printed no JSON result/);
  });
});

describe("lastJsonLine and median", () => {
  it("reads the last line even when the child printed no trailing newline", () => {
    expect(lastJsonLine<{ a: number }>('log\n{"a":1}', "x")).toEqual({ a: 1 });
  });
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/no values/);
  });
});
