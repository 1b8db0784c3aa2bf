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

/** Synthesizes one iac stack and returns both the JSON text (for cdktf's matchers) and the parsed object. */
export function synthIac(doc: object = defaultDoc) {
  const stack = new IacStack(Testing.app(), deployment(doc));
  const json = Testing.synth(stack);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized Terraform JSON
  return { stack, json, tf: JSON.parse(json) as any };
}

/** The single instance of a resource type in a synthesized stack. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function only(tf: any, type: string): any {
  const instances = Object.values(tf.resource?.[type] ?? {});
  if (instances.length !== 1) throw new Error(`expected one ${type}, found ${instances.length}`);
  return instances[0];
}
