import { blocks, isModuleSource, referencedResource } from "../terraform";
import type { Rule, SynthesizedStack, Violation } from "../types";

export const VPC_MODULE_SOURCE = "terraform-aws-modules/vpc/aws";

export const vpcFlowLogs: Rule = {
  id: "AWS-VPC-001",
  title: "Every VPC records flow logs of all traffic",
  control:
    "Accepted and rejected connections of every network interface are logged (traffic type ALL), so an intrusion or " +
    "exfiltration can be traced after the fact.",
  check: ({ stacks }) =>
    stacks.flatMap((stack) => {
      const found: Violation[] = [];
      for (const module of blocks(stack, ["module"]).filter((m) => isModuleSource(m.body, VPC_MODULE_SOURCE))) {
        if (module.body.enable_flow_log !== true) {
          found.push({ address: module.address, message: "the VPC module's enable_flow_log is not true" });
        } else if (module.body.flow_log_traffic_type !== undefined && module.body.flow_log_traffic_type !== "ALL") {
          found.push({ address: module.address, message: `flow_log_traffic_type is ${String(module.body.flow_log_traffic_type)}, not ALL` });
        }
      }
      const flowLogs = blocks(stack, ["resource"], ["aws_flow_log"]);
      for (const vpc of blocks(stack, ["resource"], ["aws_vpc"])) {
        const logs = flowLogs.filter((log) => {
          const target = referencedResource(log.body.vpc_id);
          return target?.type === "aws_vpc" && target.name === vpc.name;
        });
        if (logs.length === 0) found.push({ address: vpc.address, message: "no aws_flow_log records this VPC" });
        for (const log of logs.filter((l) => l.body.traffic_type !== "ALL")) {
          found.push({ address: log.address, message: `traffic_type is ${String(log.body.traffic_type)}, not ALL` });
        }
      }
      return found;
    }),
};

export const NETWORK_RULES: readonly Rule[] = [vpcFlowLogs];

/** Calls of the VPC module (the logging rule checks the retention of the flow-log group it may create). */
export const vpcModules = (stacks: readonly SynthesizedStack[]) =>
  stacks.flatMap((stack) => blocks(stack, ["module"]).filter((m) => isModuleSource(m.body, VPC_MODULE_SOURCE)));
