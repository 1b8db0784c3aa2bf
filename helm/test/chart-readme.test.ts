/**
 * The chart README's values table is generated from values.schema.json (types, descriptions, allowed
 * values) and values.yaml (defaults) by src/chart-readme.ts; this fails when the committed table
 * differs, so the README cannot drift from what helm validates. Run `pnpm --filter helm chart-readme`
 * to rewrite it.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { TABLE_END, TABLE_START, valueRows, valuesTable, withValuesTable } from "../src/chart-readme";
import { CHART_DIR, type Values } from "../src/chart-values";
import { helm, helmPath } from "./helm-binary";

const README = path.join(CHART_DIR, "README.md");
const readme = readFileSync(README, "utf8");
const schemaText = readFileSync(path.join(CHART_DIR, "values.schema.json"), "utf8");
const schema = JSON.parse(schemaText) as object;
const defaults = YAML.parse(readFileSync(path.join(CHART_DIR, "values.yaml"), "utf8")) as Values;
const rows = valueRows(schema, defaults);
const row = (key: string) => rows.find((r) => r.key === key);

/** Dotted paths of every value values.yaml sets, down to the leaves (a map's own keys included). */
function leafPaths(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null || Array.isArray(value) || Object.keys(value).length === 0) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, prefix ? `${prefix}.${key}` : key));
}

describe("the chart README", () => {
  it("has the values table that values.schema.json and values.yaml give, unchanged", () => {
    expect(withValuesTable(readme, valuesTable(rows), README)).toBe(readme);
  });

  it("lists every value values.yaml sets, itself or as the map it belongs to", () => {
    const keys = new Set(rows.map((r) => r.key));
    const covered = (leaf: string) => leaf.split(".").some((_, i, parts) => keys.has(parts.slice(0, i + 1).join(".")));
    expect(leafPaths(defaults).filter((leaf) => !covered(leaf))).toEqual([]);
    // A map's keys are data (node labels), not values of the chart: the map has the row.
    expect(keys.has("nodeSelector")).toBe(true);
    expect(keys.has("nodeSelector.kubernetes.io/os")).toBe(false);
  });

  it("shows each value's type, default and description from the schema, with its allowed values or range", () => {
    expect(row("termination.preStopSleepSeconds")).toEqual({
      key: "termination.preStopSleepSeconds",
      type: "integer",
      defaultValue: "`10`",
      description: "preStop sleep: how long a deleted pod keeps serving while the ingress controller stops routing to it. From 1 to 25.",
    });
    expect(row("ingress.pathType")).toMatchObject({ type: "string", defaultValue: '`"Prefix"`' });
    expect(row("ingress.pathType")?.description).toMatch(/One of `"Prefix"`, `"Exact"`, `"ImplementationSpecific"`\.$/);
    // A $ref'd definition gives the type; oneOf alternatives are joined.
    expect(row("probes.liveness.path")).toMatchObject({ type: "string", defaultValue: '`"/hello"`' });
    expect(row("podDisruptionBudget.maxUnavailable")?.type).toBe("integer or string");
    expect(row("helmTest.expect.livenessBodies")).toMatchObject({ type: "array of string", defaultValue: '`["world","world!"]`' });
    // A block's own row carries no default: its keys have rows of their own.
    expect(row("probes.readiness")).toMatchObject({ type: "object", defaultValue: "" });
  });

  it("refuses a schema property without a description, naming it", () => {
    const edited = JSON.parse(schemaText) as { properties: { service: { properties: { port: { description?: string } } } } };
    delete edited.properties.service.properties.port.description;
    expect(() => valueRows(edited, defaults)).toThrow("values.schema.json: service.port: has no description");
  });

  it("escapes pipes in a cell, so a row never splits", () => {
    expect(valuesTable([{ key: "a", type: "string", defaultValue: '`"x|y"`', description: "one | two" }])).toContain('| `a` | string | `"x\\|y"` | one \\| two |');
  });

  it("keeps the text outside the table markers as written", () => {
    const text = `intro\n${TABLE_START}\nold table\n${TABLE_END}\noutro\n`;
    expect(withValuesTable(text, "NEW", "README.md")).toBe(`intro\n${TABLE_START}\nNEW\n${TABLE_END}\noutro\n`);
    expect(() => withValuesTable("no markers", "NEW", "README.md")).toThrow(/README\.md: the lines .* must both be there/);
  });

  it("is checked by `chart-readme --check`, which names the file and exits 1 on a stale table, writing nothing", () => {
    const chart = mkdtempSync(path.join(tmpdir(), "chart-readme-"));
    cpSync(CHART_DIR, chart, { recursive: true });
    const stale = readme.replace("| `service.port` | integer | `80` |", "| `service.port` | integer | `8080` |");
    expect(stale).not.toBe(readme);
    writeFileSync(path.join(chart, "README.md"), stale);
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/chart-readme.ts", "--check", "--chart", chart], {
      cwd: path.resolve(import.meta.dirname, ".."),
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(`${path.join(chart, "README.md")}: the values table differs from values.schema.json and values.yaml; run pnpm --filter helm chart-readme`);
    expect(readFileSync(path.join(chart, "README.md"), "utf8")).toBe(stale);
  });

  it.skipIf(!helm.found)("installs with the command it shows (helm install --dry-run=client, from the repository root)", () => {
    const block = /## Installing[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    const args = block.replace(/\\\n/g, " ").trim().split(/\s+/);
    expect(args.slice(0, 2)).toEqual(["helm", "install"]);
    const result = spawnSync(helmPath, [...args.slice(1), "--dry-run=client"], { cwd: path.resolve(CHART_DIR, "../../.."), encoding: "utf8", timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('- host: "acme.example.org"');
  });
});
