import { describe, expect, it } from "vitest";
import { vpcFlowLogs } from "../src/rules/network";
import type { Json } from "../src/types";
import { input, run, stackInput } from "./builders";

const moduleStack = (vpc: Json) => input({ stacks: [{ name: "test-stack", json: { module: { vpc: { source: "terraform-aws-modules/vpc/aws", version: "6.5.1", ...vpc } } } }] });

describe("AWS-VPC-001 VPC flow logs", () => {
  it("passes the VPC module with flow logs of all traffic", () => {
    expect(run(vpcFlowLogs, moduleStack({ enable_flow_log: true, flow_log_traffic_type: "ALL" }))).toEqual([]);
  });

  it("flags the VPC module with flow logs off", () => {
    expect(run(vpcFlowLogs, moduleStack({ enable_flow_log: false }))).toEqual([
      { address: "test-stack/module.vpc", message: "the VPC module's enable_flow_log is not true" },
    ]);
  });

  it("flags flow logs that record only rejected traffic", () => {
    expect(run(vpcFlowLogs, moduleStack({ enable_flow_log: true, flow_log_traffic_type: "REJECT" }))).toHaveLength(1);
  });

  it("flags an aws_vpc with no aws_flow_log, and accepts one that has it", () => {
    expect(run(vpcFlowLogs, stackInput({ aws_vpc: { main: { cidr_block: "10.0.0.0/16" } } }))).toEqual([
      { address: "test-stack/aws_vpc.main", message: "no aws_flow_log records this VPC" },
    ]);
    const logged = stackInput({ aws_vpc: { main: {} }, aws_flow_log: { f: { vpc_id: "${aws_vpc.main.id}", traffic_type: "ALL" } } });
    expect(run(vpcFlowLogs, logged)).toEqual([]);
  });

  it("flags an aws_flow_log of the VPC that records only accepted traffic", () => {
    const partial = stackInput({ aws_vpc: { main: {} }, aws_flow_log: { f: { vpc_id: "${aws_vpc.main.id}", traffic_type: "ACCEPT" } } });
    expect(run(vpcFlowLogs, partial)).toEqual([{ address: "test-stack/aws_flow_log.f", message: "traffic_type is ACCEPT, not ALL" }]);
  });

  it("recognizes the module by its fully qualified registry source too", () => {
    const qualified = input({ stacks: [{ name: "test-stack", json: { module: { vpc: { source: "registry.terraform.io/terraform-aws-modules/vpc/aws", enable_flow_log: false } } } }] });
    expect(run(vpcFlowLogs, qualified)).toEqual([{ address: "test-stack/module.vpc", message: "the VPC module's enable_flow_log is not true" }]);
  });
});
