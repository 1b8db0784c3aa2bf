/**
 * The synthesized stacks the tests read, one synth per deployment for the whole worker (files share its
 * modules: isolate: false). Callers only read them; a test that edits stack JSON must copy it first.
 */
import { parseDeployment } from "@gpp/deployment";
import { gitopsVariant, loadDefaultDeployment, synthesizeStacks, type SynthesizedStacks } from "../src/synth";

const memo = new Map<string, SynthesizedStacks>();
const once = (key: string, synth: () => SynthesizedStacks): SynthesizedStacks => {
  let stacks = memo.get(key);
  if (!stacks) memo.set(key, (stacks = synth()));
  return stacks;
};

/** The default deployment's stacks, as generateDocument synthesizes them. */
export const defaultStacks = () => once("default", () => synthesizeStacks());

/** Its argocd-mode variant, as generateDocument synthesizes it for the GitOps section. */
export const argocdStacks = () => once("argocd", () => synthesizeStacks(gitopsVariant(loadDefaultDeployment())));

/** A dev deployment with `count` tenants t00, t01, ... */
export const manyTenants = (count: number) =>
  parseDeployment(
    ["deployment_id: many", "env: dev", "region: eu-central-1", "tenants:", ...Array.from({ length: count }, (_, i) => `  - id: t${String(i).padStart(2, "0")}`)].join("\n"),
    "many.yaml",
  );

export const manyTenantStacks = (count: number) => once(`many:${count}`, () => synthesizeStacks(manyTenants(count)));
