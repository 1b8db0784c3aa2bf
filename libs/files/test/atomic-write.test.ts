import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomically } from "../src/atomic-write";

describe("a file written whole or not at all", () => {
  const dir = () => mkdtempSync(path.join(tmpdir(), "gpp-atomic-"));

  it("replaces the file and leaves nothing else in its folder", () => {
    const folder = dir();
    const file = path.join(folder, "entry.json");
    writeFileSync(file, "old");
    writeFileAtomically(file, "new");
    expect(readFileSync(file, "utf8")).toBe("new");
    expect(readdirSync(folder)).toEqual(["entry.json"]);
  });

  it("sets the mode it is given before the file appears, whatever the umask", () => {
    const file = path.join(dir(), "program");
    const umask = process.umask(0o077);
    try {
      writeFileAtomically(file, new Uint8Array([0x23, 0x21]), { mode: 0o755 });
    } finally {
      process.umask(umask);
    }
    expect(statSync(file).mode & 0o777).toBe(0o755);
  });

  it("keeps the old file and removes its temporary one when the rename fails", () => {
    const folder = dir();
    // A folder where the file should be: the data is written, the rename over a non-empty folder fails.
    const target = path.join(folder, "report.xml");
    mkdirSync(path.join(target, "inside"), { recursive: true });
    expect(() => writeFileAtomically(target, "<testsuites/>")).toThrow();
    expect(readdirSync(folder)).toEqual(["report.xml"]);
    expect(statSync(target).isDirectory()).toBe(true);
  });

  it("throws the file system's own error for a folder that does not exist, and creates nothing", () => {
    const folder = dir();
    expect(() => writeFileAtomically(path.join(folder, "absent", "file"), "x")).toThrow(/ENOENT/);
    expect(readdirSync(folder)).toEqual([]);
  });
});
