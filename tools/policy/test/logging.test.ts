import { describe, expect, it } from "vitest";
import { controlPlaneLogGroupOwned, logGroupsHaveRetention } from "../src/rules/logging";
import { input, run, stackInput } from "./builders";

describe("AWS-LOG-001 log groups have retention", () => {
  it("flags a log group kept forever and accepts one with a retention period", () => {
    expect(run(logGroupsHaveRetention, stackInput({ aws_cloudwatch_log_group: { forever: { name: "/x" }, kept: { name: "/y", retention_in_days: 30 } } }))).toEqual([
      { address: "test-stack/aws_cloudwatch_log_group.forever", message: "retention_in_days is unset (never expire)" },
    ]);
  });

  it("flags the flow-log group the VPC module creates when it has no retention", () => {
    const stacks = [{ name: "test-stack", json: { module: { vpc: { source: "terraform-aws-modules/vpc/aws", enable_flow_log: true, create_flow_log_cloudwatch_log_group: true } } } }];
    expect(run(logGroupsHaveRetention, input({ stacks }))).toEqual([
      { address: "test-stack/module.vpc", message: expect.stringContaining("flow_log_cloudwatch_log_group_retention_in_days") },
    ]);
  });
});

describe("AWS-LOG-002 control-plane log group owned by the stack", () => {
  it("flags a cluster whose /aws/eks/<name>/cluster group EKS would create itself", () => {
    const cluster = { aws_eks_cluster: { c: { name: "dev-eks-tst1" } } };
    expect(run(controlPlaneLogGroupOwned, stackInput(cluster))).toEqual([
      { address: "test-stack/aws_eks_cluster.c", message: "no aws_cloudwatch_log_group named /aws/eks/dev-eks-tst1/cluster" },
    ]);
    const owned = { ...cluster, aws_cloudwatch_log_group: { g: { name: "/aws/eks/dev-eks-tst1/cluster", retention_in_days: 30 } } };
    expect(run(controlPlaneLogGroupOwned, stackInput(owned))).toEqual([]);
  });
});
