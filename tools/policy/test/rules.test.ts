import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { RULES } from "../src/rules";

const repositoryRoot = path.resolve(import.meta.dirname, "../../..");
const securityDoc = readFileSync(path.join(repositoryRoot, "docs/security.md"), "utf8");

/** `| RULE-ID | control | `test file` |` rows of the controls table in docs/security.md. */
const documented = new Map(
  [...securityDoc.matchAll(/^\| ([A-Z0-9]+(?:-[A-Z0-9]+)+) \| .+ \| `([^`]+\.test\.ts)` \|$/gm)].map((m) => [m[1] as string, m[2] as string]),
);

describe("the rule set", () => {
  it("gives every rule a unique id of the form AREA-DOMAIN-NNN, a title and the control it enforces", () => {
    const ids = RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^(AWS|TF|K8S)-[A-Z]+-\d{3}$/);
      expect(rule.title.length, rule.id).toBeGreaterThan(10);
      expect(rule.control.length, rule.id).toBeGreaterThan(30);
    }
  });

  it.each(RULES.map((rule) => [rule.id] as const))("%s is in docs/security.md's controls table, naming a test file that tests it", (id) => {
    const testFile = documented.get(id);
    expect(testFile, `docs/security.md has no controls row for ${id}`).toBeDefined();
    const file = path.join(repositoryRoot, testFile as string);
    expect(existsSync(file), `${testFile} does not exist`).toBe(true);
    expect(readFileSync(file, "utf8"), `${testFile} never names ${id}`).toContain(id);
  });

  it("documents no rule that does not exist", () => {
    expect([...documented.keys()].filter((id) => !RULES.some((rule) => rule.id === id))).toEqual([]);
  });
});

describe("evaluate", () => {
  it("names the rule and the deployment when a rule throws", async () => {
    const { evaluate } = await import("../src/engine");
    const broken = { id: "TST-X-001", title: "a broken rule", control: "none", check: () => { throw new Error("boom"); } };
    expect(() => evaluate({ deploymentId: "tst1", env: "dev", stacks: [], kubernetes: [], tenantNamespaces: [] }, [broken])).toThrow("rule TST-X-001 failed on deployment tst1: boom");
  });
});
