import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AWS_PROVIDER_CONSTRAINT } from "@gpp/stack";
import { Testing, TerraformStack } from "cdktf";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { vpcModuleStub } from "../plan/vpc-stub";
import { KNOWN_VPC_MODULE_VERSIONS, VPC_MODULE } from "../src/vpc-module";
import { prodDoc, synthIac } from "./helpers";

const { tf } = synthIac();
const stackAws: string = tf.terraform.required_providers.aws.version;

/** What the prebuilt bindings write into required_providers on their own, without the stack's override. */
const bindingsAws: string = (() => {
  const stack = new TerraformStack(Testing.app(), "bare");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  return JSON.parse(Testing.synth(stack)).terraform.required_providers.aws.version;
})();

/** Terraform's ">= 6.28, < 7.0.0" constraints as semver ranges (no "~>" is used by these modules or the stacks). */
const range = (constraint: string) => new semver.Range(constraint.replace(/\s+/g, "").replace(/,/g, " "));

describe("the pinned VPC module version", () => {
  it("is an exact version", () => {
    expect(tf.module.vpc.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(tf.module.vpc.version).toBe(VPC_MODULE.version);
    expect(tf.module.vpc.source).toBe("terraform-aws-modules/vpc/aws");
  });

  it("is the newest release this project keeps the interface of (6.6.0, published 2026-01-08)", () => {
    const newest = KNOWN_VPC_MODULE_VERSIONS.map((v) => v.version).sort(semver.rcompare)[0];
    expect(VPC_MODULE.version).toBe(newest);
    expect(VPC_MODULE.version).toBe("6.6.0");
    expect(VPC_MODULE.required_aws_provider).toBe(">= 6.28");
  });

  it("needs an AWS provider range that intersects the range every stack declares", () => {
    expect(stackAws).toBe(AWS_PROVIDER_CONSTRAINT);
    expect(semver.intersects(range(VPC_MODULE.required_aws_provider), range(stackAws))).toBe(true);
  });

  it("could not init with the bindings' own exact pin: the reason the stacks widen it", () => {
    expect(bindingsAws).toBe("6.25.0");
    expect(semver.satisfies(bindingsAws, range(VPC_MODULE.required_aws_provider))).toBe(false);
  });

  it("stays inside the major version the bindings were generated for, where providers keep compatibility", () => {
    const major = semver.major(bindingsAws);
    expect(semver.subset(range(stackAws), new semver.Range(`>=${major}.0.0 <${major + 1}.0.0`))).toBe(true);
    // The lower bound is what the module needs, not lower: a wider range would admit versions the module refuses.
    expect(semver.minVersion(range(stackAws))?.version).toBe(semver.minVersion(range(VPC_MODULE.required_aws_provider))?.version);
  });

  it("is passed only variables that version declares", () => {
    for (const doc of [undefined, prodDoc]) {
      const module = synthIac(doc).tf.module.vpc;
      const passed = Object.keys(module).filter((k) => !["//", "source", "version"].includes(k));
      const undeclared = passed.filter((k) => !VPC_MODULE.variables.includes(k));
      expect(undeclared).toEqual([]);
    }
  });
});

describe("the offline stand-in for the VPC module", () => {
  const stub = vpcModuleStub(VPC_MODULE);
  it("declares exactly the pinned version's variables and outputs", () => {
    expect(Object.keys((stub["variables.tf.json"] as { variable: object }).variable).sort()).toEqual([...VPC_MODULE.variables].sort());
    expect(Object.keys((stub["outputs.tf.json"] as { output: object }).output).sort()).toEqual([...VPC_MODULE.outputs].sort());
  });
});
