/**
 * `pnpm --filter iac plan`: synthesizes every iac stack, plans each offline against the local provider
 * mirror, and writes `cdktf.out/plan/<stack>/plan.json` and `summary.md` for review.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { deploymentsFromEnvironment, runOrExit, stackName } from "@gpp/deployment";
import { buildIacApp } from "../src/app";
import { offlinePlan, readStackJson } from "./run";
import { planSummary } from "./summary";
import { findOfflineTools } from "./tools";

const outRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../cdktf.out/plan");

async function main(): Promise<void> {
  const tools = findOfflineTools();
  if (!tools.ok) {
    process.stderr.write(`Cannot plan offline: ${tools.reason}\n`);
    process.exit(3);
  }
  let deployments: ReturnType<typeof deploymentsFromEnvironment> = [];
  runOrExit(() => {
    deployments = deploymentsFromEnvironment();
  });
  const synthDir = mkdtempSync(path.join(tmpdir(), "iac-synth-"));
  try {
    buildIacApp(deployments, synthDir).app.synth();
    for (const deployment of deployments) {
      const name = stackName(deployment, "iac");
      const result = await offlinePlan(name, readStackJson(synthDir, name), tools);
      const dir = path.join(outRoot, name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "plan.json"), JSON.stringify(result.plan, null, 2));
      const summary = planSummary(result);
      writeFileSync(path.join(dir, "summary.md"), summary);
      process.stdout.write(`${summary}\nWritten: ${path.relative(process.cwd(), dir)}/plan.json and summary.md\n\n`);
    }
  } finally {
    rmSync(synthDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
