import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { Ajv } from "ajv";
import YAML from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { CHART_DIR, coalesceValues, type Values } from "../src/chart-values";
import { AJV_OPTIONS, loadSchemaValidator, validatorCacheKey } from "../src/chart-validator";

const here = path.dirname(fileURLToPath(import.meta.url));
const schemaText = readFileSync(path.join(CHART_DIR, "values.schema.json"), "utf8");
const defaults = YAML.parse(readFileSync(path.join(CHART_DIR, "values.yaml"), "utf8")) as Values;

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function cacheDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "gpp-chart-validator-"));
  scratch.push(dir);
  return dir;
}

/** Release values, as helm merges them: the chart defaults coalesced with each override. */
const BAD_VALUES: Record<string, Values> = {
  "unknown key": { bogus: 1, image: { registry: "x" } },
  "wrong type": { replicaCount: "many", probes: { readiness: { periodSeconds: "5" } } },
  "null deleting a required key": { image: { repository: null }, termination: null },
  "number below the minimum": { containerPort: 80, replicaCount: 0 },
  "number above the maximum": { containerPort: 70000, termination: { preStopSleepSeconds: 26 } },
  pattern: { image: { digest: "md5:abc" }, resources: { requests: { cpu: "lots" } } },
  enum: { image: { pullPolicy: "Sometimes" }, topologySpread: { zone: { whenUnsatisfiable: "Never" } } },
  "const under if/then": { keda: { enabled: true, offHours: { scaleUp: "", scaleDown: "0 8 * * *" } } },
  "minLength under if/then": { ingress: { enabled: true, host: "" } },
  maxLength: { ingress: { host: `${"a.".repeat(127)}ab` } },
  minItems: { helmTest: { expect: { readinessBodies: [] } } },
  uniqueItems: { helmTest: { expect: { livenessBodies: ["world", "world"] } } },
  propertyNames: { nodeSelector: { "Not A Label!": "x" } },
  // `{}` would merge with the default labels; a `null` deletes the only one.
  minProperties: { networkPolicy: { ingressControllerPodLabels: { "app.kubernetes.io/name": null } } },
  oneOf: { podDisruptionBudget: { maxUnavailable: "200%" } },
  "items of a list": { tolerations: [{ operator: "Maybe", extra: true }] },
};

/** Every keyword of the schema that can report an error of its own (applicators such as properties and $ref cannot). */
function failingKeywords(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) failingKeywords(item, found);
  else if (typeof node === "object" && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (["properties", "definitions", "$defs"].includes(key)) {
        for (const sub of Object.values(value as object)) failingKeywords(sub, found);
        continue;
      }
      if (!["$ref", "$schema", "title", "description", "items", "allOf", "then", "default", "examples"].includes(key)) found.add(key);
      failingKeywords(value, found);
    }
  }
  return found;
}

describe("the chart's validator, kept as ajv's standalone module", () => {
  it("reports exactly the errors of the validator ajv compiles, for bad values of every keyword values.schema.json uses", () => {
    const compiled = new Ajv(AJV_OPTIONS).compile(JSON.parse(schemaText) as object);
    const dir = cacheDir();
    const first = loadSchemaValidator(schemaText, dir);
    const cached = loadSchemaValidator(schemaText, dir);
    expect([first.from, cached.from]).toEqual(["compiled", "cache"]);
    const keywords = new Set<string>();
    for (const [name, override] of Object.entries(BAD_VALUES)) {
      const values = coalesceValues(defaults, override);
      expect(compiled(values), name).toBe(false);
      for (const { validate } of [first, cached]) {
        expect(validate(values), name).toBe(false);
        expect(validate.errors, name).toEqual(compiled.errors);
      }
      for (const error of compiled.errors ?? []) keywords.add(error.keyword);
    }
    // The cases above make every keyword of the schema fail at least once.
    expect([...failingKeywords(JSON.parse(schemaText))].filter((k) => !keywords.has(k))).toEqual([]);
    for (const { validate } of [first, cached]) {
      expect(validate(defaults)).toBe(true);
      expect(validate.errors).toBeNull();
    }
  });

  it("gives a changed schema a new key, so a validator of the old schema is never used for it", () => {
    const dir = cacheDir();
    const old = loadSchemaValidator(schemaText, dir);
    const changedText = schemaText.replace('"replicaCount": {', '"replicaCount": { "maximum": 5,');
    expect(changedText).not.toBe(schemaText);
    expect(validatorCacheKey(changedText)).not.toBe(validatorCacheKey(schemaText));
    // Bytes, not meaning: even a new line gives a new key.
    expect(validatorCacheKey(`${schemaText}\n`)).not.toBe(validatorCacheKey(schemaText));
    const changed = loadSchemaValidator(changedText, dir);
    expect(changed.from).toBe("compiled");
    const values = coalesceValues(defaults, { replicaCount: 6 });
    expect([old.validate(values), changed.validate(values)]).toEqual([true, false]);
    expect(loadSchemaValidator(changedText, dir).from).toBe("cache");
    expect(readdirSync(dir)).toEqual([`${validatorCacheKey(changedText)}.cjs`]);
  });

  it("compiles anew, and rewrites the entry, when the cached module is truncated, damaged or not a validator", () => {
    const dir = cacheDir();
    loadSchemaValidator(schemaText, dir);
    const file = path.join(dir, `${validatorCacheKey(schemaText)}.cjs`);
    const good = readFileSync(file, "utf8");
    const withHeader = (code: string) => `// sha256:${createHash("sha256").update(code).digest("hex")}\n${code}`;
    const bad = coalesceValues(defaults, { replicaCount: "many" });
    for (const [name, text] of [
      ["truncated", good.slice(0, good.length / 2)],
      ["altered but still valid JavaScript", good.replaceAll("must be", "might be")],
      ["not JavaScript", withHeader("this is not {")],
      ["not a function", withHeader("module.exports = 42;")],
      ["no header", good.slice(good.indexOf("\n") + 1)],
      ["empty", ""],
    ] as const) {
      writeFileSync(file, text);
      const loaded = loadSchemaValidator(schemaText, dir);
      expect(loaded.from, name).toBe("compiled");
      expect(loaded.validate(bad), name).toBe(false);
      expect(readFileSync(file, "utf8"), name).toBe(good);
      expect(loadSchemaValidator(schemaText, dir).from, name).toBe("cache");
    }
  });

  it("loads ajv's compiler only when it has to compile: a process that finds the module loads ajv's runtime alone", () => {
    const dir = cacheDir();
    // A process of its own: in this worker other tests have loaded ajv already.
    const script = `import { createRequire } from "node:module";
      import { readFileSync } from "node:fs";
      import { loadSchemaValidator } from ${JSON.stringify(path.join(here, "../src/chart-validator.ts"))};
      const [schemaFile, dir] = process.argv.slice(1);
      const { from } = loadSchemaValidator(readFileSync(schemaFile, "utf8"), dir);
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes("/ajv/dist/")).map((f) => f.replace(/.*\\/ajv\\/dist\\//, ""));
      process.stdout.write(JSON.stringify({ from, compiler: loaded.includes("compile/index.js"), loaded: loaded.filter((f) => !f.startsWith("runtime/")).length }));`;
    const run = () => {
      const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, path.join(CHART_DIR, "values.schema.json"), dir], { cwd: here, encoding: "utf8" });
      expect(child.status, child.stderr).toBe(0);
      return JSON.parse(child.stdout) as { from: string; compiler: boolean; loaded: number };
    };
    expect(run()).toMatchObject({ from: "compiled", compiler: true });
    expect(run()).toEqual({ from: "cache", compiler: false, loaded: 0 });
  });
});
