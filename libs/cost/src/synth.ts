import type { Deployment } from "@gpp/deployment";
import { Testing } from "cdktf";
import { HelmStack } from "helm/stack";
import { IacStack } from "iac/stack";

type Json = Record<string, unknown>;

/** Both stacks of one deployment, synthesized in memory (nothing is written). */
export function synthesizeDeployment(deployment: Deployment): { iac: Json; helm: Json } {
  return {
    iac: JSON.parse(Testing.synth(new IacStack(Testing.app(), deployment))) as Json,
    helm: JSON.parse(Testing.synth(new HelmStack(Testing.app(), deployment))) as Json,
  };
}
