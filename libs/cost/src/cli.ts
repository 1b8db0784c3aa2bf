/** `pnpm cost`: the estimated monthly baseline of every deployment (or GPP_DEPLOYMENT), from its synthesized stacks. */
import { deploymentsFromEnvironment, runOrExit } from "@gpp/deployment";
import { estimateBaseline, formatEstimate } from "./estimate";
import { synthesizeDeployment } from "./synth";

runOrExit(() => {
  for (const deployment of deploymentsFromEnvironment()) {
    const { iac, helm } = synthesizeDeployment(deployment);
    process.stdout.write(`${formatEstimate(estimateBaseline(deployment, iac, helm))}\n\n`);
  }
});
