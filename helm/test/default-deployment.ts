import { type Deployment } from "@gpp/deployment";
import { Testing } from "cdktf";
import { HelmStack } from "../src/stack";

export { loadDefaultDeployment } from "@gpp/deployment";

export type SynthesizedStack = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data: Record<string, Record<string, Record<string, unknown>>>;
  provider: Record<string, Record<string, unknown>[]>;
};

const synths = new Map<string, string>();
/**
 * The stack's synthesized JSON, parsed. The synth depends on the descriptor alone, and files share a
 * worker, so a descriptor equal to one synthesized before (the default deployment: seven times in a run)
 * is not synthesized again; each call parses its own copy, so no caller sees another's edits.
 */
export function synthesize(deployment: Deployment): SynthesizedStack {
  const key = JSON.stringify(deployment);
  let json = synths.get(key);
  if (json === undefined) synths.set(key, (json = Testing.synth(new HelmStack(Testing.app(), deployment))));
  return JSON.parse(json) as SynthesizedStack;
}

/** The values each tenant's helm_release carries in the synthesized JSON, by namespace. */
export function releaseValuesByNamespace(stack: SynthesizedStack): Map<string, Record<string, unknown>> {
  const result = new Map<string, Record<string, unknown>>();
  for (const release of Object.values(stack.resource.helm_release ?? {})) {
    const namespace = release.namespace as string;
    if (!namespace.startsWith("tenant-")) continue;
    const [values] = release.values as string[];
    result.set(namespace, JSON.parse(values ?? "{}") as Record<string, unknown>);
  }
  return result;
}
