/**
 * `pnpm --filter iac plan`: synthesizes every iac stack, plans each offline against the local provider
 * mirror, and writes `cdktf.out/plan/<stack>/plan.json` and `summary.md` for review.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { deploymentsFromEnvironment, parseCommandLine, runOrExit, stackName } from "@gpp/deployment";
import { openOfflinePlanner, readStackJson } from "./run";
import { planSummary } from "./summary";
import { findOfflineTools } from "./tools";

const outRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../cdktf.out/plan");

async function main(): Promise<void> {
  parseCommandLine({
    command: "pnpm plan",
    description:
      "Synthesizes every iac stack and plans it offline (terraform plan, which validates first, against the local provider mirror),\n" +
      "then writes iac/cdktf.out/plan/<stack>/plan.json and summary.md. Exit 3 when terraform or the mirror is missing.",
  });
  const tools = findOfflineTools();
  if (!tools.ok) {
    process.stderr.write(`Cannot plan offline: ${tools.reason}\n`);
    process.exit(3);
  }
  let deployments: ReturnType<typeof deploymentsFromEnvironment> = [];
  runOrExit(() => {
    deployments = deploymentsFromEnvironment();
  });
  // Opened before the stacks' code is even loaded: the provider starts and terraform init runs while the
  // cdktf bindings load (seconds) and the stacks synthesize.
  const planner = openOfflinePlanner(tools);
  const synthDir = mkdtempSync(path.join(tmpdir(), "iac-synth-"));
  try {
    const { buildIacApp } = await import("../src/app");
    buildIacApp(deployments, synthDir).app.synth();
    // Every plan first: a failure in any leaves the previous review output as it was.
    const results = [];
    for (const deployment of deployments) {
      const name = stackName(deployment, "iac");
      results.push(await planner.plan(name, readStackJson(synthDir, name)));
    }
    if (process.env.GPP_DEPLOYMENT === undefined) rmSync(outRoot, { recursive: true, force: true });
    for (const result of results) {
      const dir = path.join(outRoot, result.stackName);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "plan.json"), JSON.stringify(result.plan, null, 2));
      const summary = planSummary(result);
      writeFileSync(path.join(dir, "summary.md"), summary);
      process.stdout.write(`${summary}\nWritten: ${path.relative(process.cwd(), dir)}/plan.json and summary.md\n\n`);
    }
  } finally {
    rmSync(synthDir, { recursive: true, force: true });
    await planner.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
