import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DeploymentError, MAX_NESTING_DEPTH, loadDeployments, parseDeployment } from "../src";

const minimal = "deployment_id: abc1\nenv: dev\nregion: eu-west-1\n";

/** The one-line messages a refusal prints, or a failure if it threw anything but a DeploymentError. */
function refusal(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toMatch(/^Deployments?Error$/);
    return (error as Error).message.split("\n");
  }
  throw new Error("expected a refusal");
}

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "gpp-hostile-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe("descriptors built to exhaust the parser", () => {
  it("refuses a YAML alias bomb in one line instead of the library's ReferenceError", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`);
    const bomb = `${minimal}tags:\n  owner: x\nx_bomb:\n${levels.map((l) => `  ${l}`).join("\n")}\n`;
    expect(refusal(() => parseDeployment(bomb, "abc1.yaml"))).toEqual([
      'abc1.yaml: (syntax): expands YAML aliases more than 100 times (a "billion laughs" document): write the values out',
    ]);
  });

  it("names the field of a value nested deeper than any descriptor needs", () => {
    const deep = `${"{a: ".repeat(MAX_NESTING_DEPTH)}1${"}".repeat(MAX_NESTING_DEPTH)}`;
    const lines = refusal(() => parseDeployment(`${minimal}tenants: [{id: acme, values: ${deep}}]\n`, "abc1.yaml"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^abc1\.yaml: tenants\[0\]\.values(\.a)+: is nested more than 32 levels deep/);
  });

  it("refuses pathological nesting the parser itself cannot hold, in one line, without 'Maximum call stack size exceeded'", () => {
    const depth = 20_000;
    const lines = refusal(() => parseDeployment(`${minimal}tags: ${"[".repeat(depth)}${"]".repeat(depth)}\n`, "abc1.yaml"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe("abc1.yaml: (syntax): is nested too deeply to read (more than 32 levels are refused)");
    expect(lines[0]).not.toContain("call stack");
  });

  it("accepts what real descriptors nest: tenant values a few levels deep", () => {
    expect(parseDeployment(`${minimal}tenants: [{id: acme, values: {resources: {limits: {cpu: 500m}}}}]\n`, "abc1.yaml").tenants[0]!.values).toEqual({
      resources: { limits: { cpu: "500m" } },
    });
  });
});

describe("what sits in the deployments folder", () => {
  it("refuses a named pipe instead of blocking on it forever", () => {
    const dir = folder({ "abc1.yaml": minimal });
    execFileSync("mkfifo", [path.join(dir, "abc2.yaml")]);
    expect(refusal(() => loadDeployments(dir))).toEqual([
      `${path.join(dir, "abc2.yaml")}: (file): is not a regular file (a named pipe): a descriptor must be a plain file`,
    ]);
  }, 10_000);

  it("refuses a folder named like a descriptor", () => {
    const dir = folder({ "abc1.yaml": minimal });
    mkdirSync(path.join(dir, "abc2.yml"));
    expect(refusal(() => loadDeployments(dir))).toEqual([
      `${path.join(dir, "abc2.yml")}: (file): is not a regular file (a folder): a descriptor must be a plain file`,
    ]);
  });

  it("refuses a descriptor whose extension is in upper case instead of skipping it without a word", () => {
    const dir = folder({ "abc1.yaml": minimal, "gpp1.YAML": minimal.replace("abc1", "gpp1") });
    expect(refusal(() => loadDeployments(dir))).toEqual([
      `${path.join(dir, "gpp1.YAML")}: (file): has an upper-case extension, which the loader would otherwise skip: rename it gpp1.yaml`,
    ]);
  });

  it("ignores hidden files (editor and OS files) and files of other kinds", () => {
    const dir = folder({ "abc1.yaml": minimal, ".abc1.yaml.swp": "x", ".abc2.yaml": "{", "README.md": "# notes" });
    expect(loadDeployments(dir).map((d) => d.deployment_id)).toEqual(["abc1"]);
  });
});

describe("a narrowed run (GPP_DEPLOYMENT)", () => {
  const dir = folder({
    "abc1.yaml": minimal,
    "abc2.yaml": "deployment_id: abc2\nenv: [broken\n",
    "abc3.yaml": minimal.replace("abc1", "abc3").replace("eu-west-1", "nowhere"),
  });

  it("reads only the named deployment's file: another's syntax or schema error does not block it", () => {
    expect(loadDeployments(dir, "abc1").map((d) => d.deployment_id)).toEqual(["abc1"]);
  });

  it("still refuses the named deployment's own problems", () => {
    expect(refusal(() => loadDeployments(dir, "abc3"))[0]).toMatch(/abc3\.yaml: region: /);
  });

  it("an unnarrowed run checks every file and reports every problem", () => {
    const lines = refusal(() => loadDeployments(dir));
    expect(lines.some((l) => l.includes("abc2.yaml: (syntax):"))).toBe(true);
    expect(lines.some((l) => l.includes("abc3.yaml: region:"))).toBe(true);
  });

  it("says which deployments exist when the named one has no file", () => {
    expect(refusal(() => loadDeployments(dir, "zzzz"))).toEqual([`${dir}: GPP_DEPLOYMENT: no deployment "zzzz"; found abc1, abc2, abc3`]);
  });
});

it("DeploymentError is what callers catch", () => {
  expect(new DeploymentError("f", [{ field: "x", message: "y" }]).message).toBe("f: x: y");
});
