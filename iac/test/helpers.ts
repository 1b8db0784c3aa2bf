// Brings the cdktf matcher types that the vitest setup file registers.
import type {} from "@gpp/stack/testing";
import { parseDeployment, type Deployment } from "@gpp/deployment";
import { Testing } from "cdktf";
import { IacStack } from "../src/stack";

export const defaultDoc = { deployment_id: "gpp0", env: "dev", region: "eu-west-1" };

export const prodDoc = {
  deployment_id: "prd1",
  env: "prod",
  region: "eu-west-1",
  cluster: {
    public_access_cidrs: ["198.51.100.0/24"],
    admin_principal_arns: ["arn:aws:iam::111122223333:role/platform-admin", "arn:aws:iam::111122223333:user/alice"],
  },
  state: { backend: "s3", bucket: "example-gpp-terraform-state" },
};

export const deployment = (doc: object = defaultDoc): Deployment => parseDeployment(JSON.stringify(doc), "test.yaml");

/**
 * One synth per descriptor for every test file of a worker (files share its modules: isolate: false), as
 * the stack depends on nothing but the descriptor. Most files read the default and the prod deployment.
 */
const synthesized = new Map<string, { readonly stack: IacStack; readonly json: string }>();

/**
 * One iac stack of `doc`: the JSON text (for cdktf's matchers) and a parsed copy of its own, so a test may
 * change `tf` without another seeing it.
 */
export function synthIac(doc: object = defaultDoc) {
  const key = JSON.stringify(doc);
  let entry = synthesized.get(key);
  if (!entry) {
    const stack = new IacStack(Testing.app(), deployment(doc));
    entry = { stack, json: Testing.synth(stack) };
    synthesized.set(key, entry);
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized Terraform JSON
  return { stack: entry.stack, json: entry.json, tf: JSON.parse(entry.json) as any };
}

/** The single instance of a resource type in a synthesized stack. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function only(tf: any, type: string): any {
  const instances = Object.values(tf.resource?.[type] ?? {});
  if (instances.length !== 1) throw new Error(`expected one ${type}, found ${instances.length}`);
  return instances[0];
}
