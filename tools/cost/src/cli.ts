/** `pnpm cost`: the estimated monthly baseline of every deployment (or GPP_DEPLOYMENT), from its synthesized stacks. */
import { deploymentsFromEnvironment, parseCommandLine, runOrExit } from "@gpp/deployment";
import { estimateBaseline, formatEstimate } from "./estimate";
import { formatTenantCosts, perTenantCosts } from "./per-tenant";
import { synthesizeDeployment } from "./synth";

parseCommandLine({
  command: "pnpm cost",
  description:
    "Prints the estimated monthly baseline cost of each deployment from its synthesized stacks, with the\nlist-price date and every usage assumption, then each tenant's share of it. Writes nothing.",
});

runOrExit(() => {
  for (const deployment of deploymentsFromEnvironment()) {
    const { iac, helm } = synthesizeDeployment(deployment);
    const estimate = estimateBaseline(deployment, iac, helm);
    process.stdout.write(`${formatEstimate(estimate)}\n\n${formatTenantCosts(perTenantCosts(deployment, estimate, helm))}\n\n`);
  }
});
