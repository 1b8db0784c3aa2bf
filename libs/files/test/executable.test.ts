import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isExecutable } from "../src/executable";

describe("whether a file can be run", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gpp-executable-"));
  const file = (name: string, mode: number) => {
    const p = path.join(dir, name);
    writeFileSync(p, "#!/bin/sh\n");
    chmodSync(p, mode);
    return p;
  };

  it("is true for a file with the execute bit", () => {
    expect(isExecutable(file("run", 0o755))).toBe(true);
  });

  it("is false for a file without it, and for a missing file, instead of throwing", () => {
    expect(isExecutable(file("data", 0o644))).toBe(false);
    expect(isExecutable(path.join(dir, "absent"))).toBe(false);
  });

  it("is false for a folder, which X_OK alone would pass (search permission)", () => {
    const folder = path.join(dir, "terraform");
    mkdirSync(folder);
    expect(isExecutable(folder)).toBe(false);
  });
});
