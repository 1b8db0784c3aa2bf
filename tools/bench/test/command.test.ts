import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GNU_TIME, parseMaxRssKib, runCommand } from "../src/command";

// 200 MB touched, so the peak is well above Node's own ~40 MB.
const allocate = 'Buffer.alloc(200 * 1024 * 1024).fill(1)';

describe("parseMaxRssKib", () => {
  it("reads GNU time's %M line, also after its note on a non-zero exit", () => {
    expect(parseMaxRssKib("Command exited with non-zero status 3\n123456\n")).toBe(123456);
    expect(parseMaxRssKib("")).toBeUndefined();
    expect(parseMaxRssKib("Command terminated by signal 9\n")).toBeUndefined();
  });
});

describe.skipIf(!existsSync(GNU_TIME))(`runCommand with ${GNU_TIME}`, () => {
  const cwd = process.cwd();
  it("reports the peak memory of the command, not of this process", () => {
    const big = runCommand([process.execPath, "-e", allocate], { cwd });
    const small = runCommand([process.execPath, "-e", "0"], { cwd });
    expect(big.maxRssMb).toBeGreaterThan(200);
    expect(small.maxRssMb).toBeLessThan(100);
  });

  it("counts the largest process in the tree, as `pnpm synth` starts sh, which starts node", () => {
    const nested = runCommand(["sh", "-c", `"${process.execPath}" -e "${allocate}"; true`], { cwd });
    expect(nested.maxRssMb).toBeGreaterThan(200);
  });

  it("returns the command's exit code and output, with the memory still measured", () => {
    const failing = runCommand([process.execPath, "-e", "process.stdout.write('out'); process.stderr.write('err'); process.exit(3)"], { cwd });
    expect([failing.exitCode, failing.stdout, failing.stderr]).toEqual([3, "out", "err"]);
    expect(failing.maxRssMb).toBeGreaterThan(0);
  });
});

describe("runCommand without a time tool", () => {
  it("leaves the memory unmeasured rather than guessing it", () => {
    const sample = runCommand([process.execPath, "-e", "0"], { cwd: process.cwd(), timeTool: null });
    expect([sample.exitCode, sample.maxRssMb]).toEqual([0, undefined]);
  });

  it("throws when the command cannot start", () => {
    expect(() => runCommand(["/nonexistent/command"], { cwd: process.cwd(), timeTool: null })).toThrow(/cannot run \/nonexistent\/command/);
  });
});
