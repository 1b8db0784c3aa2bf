import { resources } from "../terraform";
import type { Rule, Violation } from "../types";
import { vpcModules } from "./network";

export const logGroupsHaveRetention: Rule = {
  id: "AWS-LOG-001",
  title: "Every CloudWatch log group has a retention period",
  control:
    "Logs (control plane, flow logs) are kept for a decided time: long enough to investigate (the deployment sets 30 " +
    "days in dev, 365 in prod), never forever by accident, which is both a cost and a data-retention liability.",
  check: ({ stacks }) => {
    const found: Violation[] = resources(stacks, ["aws_cloudwatch_log_group"]).flatMap((group) => {
      const days = group.body.retention_in_days;
      return typeof days === "number" && days > 0 ? [] : [{ address: group.address, message: `retention_in_days is ${days === undefined ? "unset (never expire)" : String(days)}` }];
    });
    // The VPC module creates its own flow-log group unless given a destination.
    for (const module of vpcModules(stacks)) {
      const createsGroup = module.body.enable_flow_log === true && module.body.create_flow_log_cloudwatch_log_group === true;
      const days = module.body.flow_log_cloudwatch_log_group_retention_in_days;
      if (createsGroup && !(typeof days === "number" && days > 0)) {
        found.push({ address: module.address, message: "the module's flow-log group has no flow_log_cloudwatch_log_group_retention_in_days" });
      }
    }
    return found;
  },
};

export const controlPlaneLogGroupOwned: Rule = {
  id: "AWS-LOG-002",
  title: "Each EKS cluster's control-plane log group is created by the stack",
  control:
    "EKS writes control-plane logs to /aws/eks/<cluster>/cluster and, if that group does not exist, creates it with " +
    "logs kept forever and outside Terraform; the stack must own it so retention applies.",
  check: ({ stacks }) => {
    const groups = new Set(resources(stacks, ["aws_cloudwatch_log_group"]).map((g) => String(g.body.name)));
    return resources(stacks, ["aws_eks_cluster"]).flatMap((cluster) => {
      const expected = `/aws/eks/${String(cluster.body.name)}/cluster`;
      return groups.has(expected) ? [] : [{ address: cluster.address, message: `no aws_cloudwatch_log_group named ${expected}` }];
    });
  },
};

export const LOGGING_RULES: readonly Rule[] = [logGroupsHaveRetention, controlPlaneLogGroupOwned];
