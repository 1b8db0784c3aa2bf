import type { Deployment } from "@gpp/deployment";
import { withSynthesizedDeployment } from "@gpp/synth";

type Json = Record<string, unknown>;

/** Both stacks of one deployment as `cdktf synth` writes them (in a temporary folder, removed afterwards). */
export const synthesizeDeployment = (deployment: Deployment): { iac: Json; helm: Json } =>
  withSynthesizedDeployment(deployment, ({ iac, helm }) => ({ iac: iac.json, helm: helm.json }));
