/**
 * `pnpm --filter helm chart-readme`: rewrites the values table of charts/tech-interview/README.md from
 * values.schema.json and values.yaml (src/chart-readme.ts). `--check` writes nothing and exits 1 when
 * the table is stale; `--chart <dir>` reads another copy of the chart.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import YAML from "yaml";
import { CHART_DIR, type Values } from "../src/chart-values";
import { valueRows, valuesTable, withValuesTable } from "../src/chart-readme";

function main(): number {
  // pnpm forwards a `--` before the script's own flags (`pnpm --filter helm chart-readme -- --check`).
  const args = process.argv.slice(2).filter((arg) => arg !== "--");
  const { values: flags } = parseArgs({ args, options: { check: { type: "boolean", default: false }, chart: { type: "string", default: CHART_DIR } } });
  const chart = path.resolve(flags.chart);
  const readmePath = path.join(chart, "README.md");
  const schema = JSON.parse(readFileSync(path.join(chart, "values.schema.json"), "utf8")) as object;
  const defaults = YAML.parse(readFileSync(path.join(chart, "values.yaml"), "utf8")) as Values;
  const readme = readFileSync(readmePath, "utf8");
  const updated = withValuesTable(readme, valuesTable(valueRows(schema, defaults)), readmePath);
  if (updated === readme) return 0;
  if (flags.check) {
    console.error(`${readmePath}: the values table differs from values.schema.json and values.yaml; run pnpm --filter helm chart-readme`);
    return 1;
  }
  writeFileSync(readmePath, updated);
  console.log(`${readmePath}: values table rewritten`);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  // Bad input (a missing file, a schema property without a description, an unknown flag): one line, no stack.
  console.error(`chart-readme: ${(error as Error).message}`);
  process.exitCode = 1;
}
