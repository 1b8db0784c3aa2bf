/**
 * `pnpm --filter @gpp/policy check`: synthesizes every deployment's stacks (GPP_DEPLOYMENTS_DIR, narrowed by
 * GPP_DEPLOYMENT), renders the tenant chart releases with helm, runs every rule and prints the findings.
 * Exit 0: no findings. Exit 1: findings, or bad deployment input. Exit 2: helm could not be found.
 */
import { deploymentsFromEnvironment, parseCommandLine, runOrExit } from "@gpp/deployment";
import { resolveHelm } from "helm/tools";
import { collectEvidence } from "./collect";
import { evaluate, formatFindings } from "./engine";
import { RULES } from "./rules";

parseCommandLine({
  command: "pnpm policy",
  description:
    "Runs every security rule over each deployment's synthesized stacks and rendered tenant manifests and prints the\n" +
    "findings. Exit 0: no findings; 1: findings or bad deployment input; 2: helm not found or bad usage.",
});

runOrExit(() => {
  const deployments = deploymentsFromEnvironment();
  const helm = resolveHelm();
  if (!helm.found) {
    process.stderr.write(`policy check: cannot render the tenant chart: ${helm.reason}\n`);
    process.exit(2);
  }
  let total = 0;
  for (const deployment of deployments) {
    const { input, unrendered } = collectEvidence(deployment, helm.path);
    const findings = evaluate(input);
    total += findings.length;
    const objects = input.kubernetes.length;
    process.stdout.write(
      `${deployment.deployment_id} (${deployment.env}, ${deployment.file}): ${RULES.length} rules over ${input.stacks.length} stacks and ${objects} Kubernetes objects: ` +
        `${findings.length === 0 ? "no findings" : `${findings.length} finding(s)`}\n`,
    );
    for (const { address, reason } of unrendered) process.stdout.write(`  not rendered: ${address}: ${reason}\n`);
    if (findings.length > 0) process.stdout.write(`${formatFindings(findings)}\n`);
  }
  if (total > 0) process.exit(1);
});
