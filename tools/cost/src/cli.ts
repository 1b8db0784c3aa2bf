/** `pnpm cost`: the estimated monthly baseline of every deployment (or GPP_DEPLOYMENT), from its synthesized stacks. */
import { deploymentsFromEnvironment, parseCommandLine, runOrExit } from "@gpp/deployment";
import { estimateBaseline, formatEstimate } from "./estimate";
import { synthesizeDeployment } from "./synth";

parseCommandLine({
  command: "pnpm cost",
  description: "Prints the estimated monthly baseline cost of each deployment from its synthesized stacks, with the\nlist-price date and every usage assumption. Writes nothing.",
});

runOrExit(() => {
  for (const deployment of deploymentsFromEnvironment()) {
    const { iac, helm } = synthesizeDeployment(deployment);
    process.stdout.write(`${formatEstimate(estimateBaseline(deployment, iac, helm))}\n\n`);
  }
});
