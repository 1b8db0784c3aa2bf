import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AWS_PROVIDER_CONSTRAINT } from "@gpp/stack";
import { Testing, TerraformStack } from "cdktf";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { hclOneLine, vpcModuleStub } from "../plan/vpc-stub";
import { KNOWN_VPC_MODULE_VERSIONS, VPC_MODULE, VPC_MODULE_VARIABLE_TYPES } from "../src/vpc-module";
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

describe("the declared variable types kept beside each interface", () => {
  it.each(KNOWN_VPC_MODULE_VERSIONS.map((v) => [v.version, v] as const))("cover exactly the variables of %s", (version, iface) => {
    const types = VPC_MODULE_VARIABLE_TYPES[version];
    expect(types?.version).toBe(version);
    expect(types?.source).toBe(`variables.tf at tag v${version}`);
    expect(Object.keys(types?.variables ?? {}).sort()).toEqual([...iface.variables].sort());
  });
});

describe("reading variables.tf's collapsed one-line literals back as HCL", () => {
  it("puts the commas back between object items, in types and in defaults", () => {
    expect(hclOneLine("list(object({ test = string variable = string values = list(string) }))")).toBe(
      "list(object({ test = string, variable = string, values = list(string) }))",
    );
    expect(hclOneLine('[ { rule_no = 100 action = "allow" cidr_block = "0.0.0.0/0" }, ]')).toBe('[ { rule_no = 100, action = "allow", cidr_block = "0.0.0.0/0" }, ]');
  });

  it("leaves scalars, strings with separators inside and empty collections as they are", () => {
    expect(["bool", "false", "null", "600", '"/aws/vpc-flow-log/"', '"a = b c = d"', "[]", "{}", "map(string)"].map(hclOneLine)).toEqual([
      "bool", "false", "null", "600", '"/aws/vpc-flow-log/"', '"a = b c = d"', "[]", "{}", "map(string)",
    ]);
  });

  it("refuses what it cannot read instead of guessing", () => {
    expect(() => hclOneLine("list(string) # comment")).toThrow(/cannot read HCL literal/);
  });
});

describe("the offline stand-in for the VPC module", () => {
  const types = VPC_MODULE_VARIABLE_TYPES[VPC_MODULE.version]!;
  const stub = vpcModuleStub(VPC_MODULE, types);
  const variablesTf = stub["variables.tf"] as string;
  const declared = Object.fromEntries(
    [...variablesTf.matchAll(/^variable "(\w+)" \{\n {2}type {4}= (.*)\n {2}default = (.*)\n\}/gm)].map((m) => [m[1], { type: m[2], default: m[3] }]),
  );

  it("declares exactly the pinned version's variables and outputs", () => {
    expect(Object.keys(declared).sort()).toEqual([...VPC_MODULE.variables].sort());
    expect(Object.keys((stub["outputs.tf.json"] as { output: object }).output).sort()).toEqual([...VPC_MODULE.outputs].sort());
  });

  it("declares every variable with the type and default its variables.tf declares, not `any`", () => {
    for (const [name, { type, default: fallback }] of Object.entries(types.variables)) {
      expect(declared[name]).toEqual({ type: hclOneLine(type), default: hclOneLine(fallback) });
    }
    expect(declared.single_nat_gateway).toEqual({ type: "bool", default: "false" });
    expect(declared.azs).toEqual({ type: "list(string)", default: "[]" });
  });

  it("refuses to pair one version's interface with another's types", () => {
    expect(() => vpcModuleStub(VPC_MODULE, { ...types, version: "6.5.1" })).toThrow(/variable types of 6.5.1 given for module 6.6.0/);
  });
});
