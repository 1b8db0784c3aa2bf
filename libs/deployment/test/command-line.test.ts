import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runEntryPoint } from "@gpp/testing/in-process";

// parseCommandLine exits the process: the cases run a script that calls it, in this worker with the exit
// caught (@gpp/testing/in-process), and one in a child process of its own, for the real exit status.
const script = `
import { parseCommandLine } from "${path.resolve(import.meta.dirname, "../src/command-line.ts")}";
const flags = parseCommandLine({ command: "pnpm demo", description: "Demonstrates.", flags: { "skip-tests": "do not run the tests" } });
process.stdout.write(JSON.stringify(flags));
`;
const scriptFile = path.join(mkdtempSync(path.join(tmpdir(), "command-line-")), "demo.ts");
writeFileSync(scriptFile, script);
const run = (...args: string[]) => runEntryPoint(scriptFile, args);
const runInChild = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", scriptFile, ...args], { encoding: "utf8" });

describe("a tool's command line", () => {
  it("returns the flags it was given, after pnpm's leading --", async () => {
    const result = await run("--", "--skip-tests");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ "skip-tests": true });
  });

  it("refuses an unknown option with exit 2 and the usage", () => {
    const result = runInChild("--bogus");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("pnpm demo: Unknown option '--bogus'");
    expect(result.stderr).toContain("Usage: pnpm demo [options]");
  });

  it("refuses a stray argument", async () => {
    const result = await run("gpp0");
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/pnpm demo: .*gpp0/);
  });

  it("prints its usage, flags and environment variables for --help", async () => {
    const result = await run("--help");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("--skip-tests");
    expect(result.stdout).toContain("GPP_DEPLOYMENT ");
  });
});
