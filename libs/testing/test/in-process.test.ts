import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runEntryPoint } from "../src/in-process";

const ENTRY_POINT = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures/entry-point.ts");

describe("runEntryPoint", () => {
  it("returns the status process.exit was called with, and what the command wrote to each stream", async () => {
    const run = await runEntryPoint(ENTRY_POINT, ["exit", "3"], { GPP_FIXTURE: "set" });
    expect(run).toEqual({ status: 3, stdout: "argv=exit 3 env=set\n", stderr: "to stderr\n" });
  });

  it("returns process.exitCode when the command ends without exiting, and runs the module afresh each time", async () => {
    expect((await runEntryPoint(ENTRY_POINT, ["exit-code", "2"])).status).toBe(2);
    expect(await runEntryPoint(ENTRY_POINT, ["exit-code", "0"])).toMatchObject({ status: 0, stdout: "argv=exit-code 0 env=-\n" });
  });

  it("puts argv, env, exitCode and the streams back afterwards, also when the command throws", async () => {
    const before = { argv: process.argv, env: process.env, exitCode: process.exitCode, write: process.stdout.write };
    await runEntryPoint(ENTRY_POINT, ["exit", "1"], { GPP_FIXTURE: "leak" });
    await expect(runEntryPoint(ENTRY_POINT, ["throw"], { GPP_FIXTURE: "leak" })).rejects.toThrow("the command failed");
    expect({ argv: process.argv, env: process.env, exitCode: process.exitCode, write: process.stdout.write }).toEqual(before);
    expect(process.env.GPP_FIXTURE).toBeUndefined();
  });
});
