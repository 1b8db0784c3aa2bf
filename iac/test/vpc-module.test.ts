import semver from "semver";
import { describe, expect, it } from "vitest";
import { vpcModuleStub } from "../plan/vpc-stub";
import { KNOWN_VPC_MODULE_VERSIONS, VPC_MODULE } from "../src/vpc-module";
import { prodDoc, synthIac } from "./helpers";

const { tf } = synthIac();
const emittedAws: string = tf.terraform.required_providers.aws.version;

/** Terraform's ">= 6.0" style constraints, read by semver (no "~>" is used by these modules). */
const admits = (constraint: string, version: string) => semver.satisfies(version, constraint.replace(/\s+/g, "").replace(/,/g, " "));

describe("the pinned VPC module version", () => {
  it("is an exact version", () => {
    expect(tf.module.vpc.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(tf.module.vpc.version).toBe(VPC_MODULE.version);
    expect(tf.module.vpc.source).toBe("terraform-aws-modules/vpc/aws");
  });

  it("requires an AWS provider range that includes the exact version the stack pins", () => {
    expect(emittedAws).toMatch(/^\d+\.\d+\.\d+$/);
    expect(admits(VPC_MODULE.required_aws_provider, emittedAws)).toBe(true);
  });

  it("is the newest known release whose requirement the stack's provider pin satisfies", () => {
    const satisfiable = KNOWN_VPC_MODULE_VERSIONS.filter((v) => admits(v.required_aws_provider, emittedAws));
    const newest = satisfiable.map((v) => v.version).sort(semver.rcompare)[0];
    expect(newest).toBe(VPC_MODULE.version);
    // 6.6.0 needs aws >= 6.28: it would not init with the bindings' 6.25.0 pin.
    expect(admits(">= 6.28", emittedAws)).toBe(false);
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
