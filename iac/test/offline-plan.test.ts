import { describe, expect, it } from "vitest";
import { offlinePlan, type OfflinePlanResult, type ResourceChange } from "../plan/run";
import { countByType, planSummary } from "../plan/summary";
import { findOfflineTools } from "../plan/tools";
import { prodDoc, synthIac } from "./helpers";

const tools = findOfflineTools();
if (!tools.ok) console.warn(`SKIPPED offline terraform validate/plan tests: ${tools.reason}`);

const after = (changes: readonly ResourceChange[], type: string) => changes.filter((c) => c.type === type).map((c) => c.change.after ?? {});
const creates = (result: OfflinePlanResult) => countByType(result.plan.resource_changes);

describe.runIf(tools.ok)("terraform validate and plan against the real AWS provider, offline", () => {
  const ready = tools as Extract<typeof tools, { ok: true }>;
  const planOf = (doc?: object) => {
    const { stack, tf } = synthIac(doc);
    return offlinePlan(stack.node.id, tf, ready);
  };
  let dev: OfflinePlanResult;
  let prod: OfflinePlanResult;

  it("plans the default deployment: network, 4 roles, KMS key, log groups, cluster, add-ons, alerting and budget", async () => {
    dev = await planOf();
    expect(dev.validate.valid).toBe(true);
    const counts = creates(dev);
    expect(counts).toMatchObject({
      aws_vpc: { create: 1 },
      aws_subnet: { create: 6 },
      aws_nat_gateway: { create: 1 },
      // cluster, node, observability agent and flow-log delivery
      aws_iam_role: { create: 4 },
      aws_iam_role_policy_attachments_exclusive: { create: 3 },
      aws_iam_role_policy: { create: 1 },
      aws_kms_key: { create: 1 },
      aws_kms_alias: { create: 1 },
      aws_cloudwatch_log_group: { create: 2 },
      aws_eks_cluster: { create: 1 },
      aws_eks_addon: { create: 2 },
      aws_eks_pod_identity_association: { create: 1 },
      aws_sns_topic: { create: 1 },
      aws_sns_topic_policy: { create: 1 },
      aws_cloudwatch_metric_alarm: { create: 4 },
      aws_budgets_budget: { create: 1 },
      aws_prometheus_workspace: { create: 1 },
      aws_prometheus_scraper: { create: 1 },
    });
    expect(counts).not.toHaveProperty("aws_sns_topic_subscription");
    expect(dev.plan.resource_changes.every((c) => c.change.actions.join() === "create")).toBe(true);
  });

  it("plans the cluster with Auto Mode, encryption, logs and the endpoint settings the provider accepted", () => {
    const [cluster] = after(dev.plan.resource_changes, "aws_eks_cluster");
    expect(cluster).toMatchObject({
      name: "dev-eks-gpp0",
      version: "1.35",
      bootstrap_self_managed_addons: false,
      compute_config: [{ enabled: true, node_pools: ["general-purpose", "system"] }],
      kubernetes_network_config: [expect.objectContaining({ elastic_load_balancing: [{ enabled: true }] })],
      storage_config: [{ block_storage: [{ enabled: true }] }],
      enabled_cluster_log_types: ["api", "audit", "authenticator"],
      zonal_shift_config: [{ enabled: true }],
      access_config: [{ authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: true }],
      vpc_config: [expect.objectContaining({ endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ["0.0.0.0/0"] })],
      encryption_config: [expect.objectContaining({ resources: ["secrets"] })],
    });
  });

  it("applies the provider's default tags to every taggable resource", () => {
    const [vpc] = after(dev.plan.resource_changes, "aws_vpc");
    expect(vpc?.tags_all).toMatchObject({ app: "tech-interview", env: "dev", deployment: "gpp0", "managed-by": "cdktf", "source-path": "iac" });
    const [key] = after(dev.plan.resource_changes, "aws_kms_key");
    expect(key).toMatchObject({ enable_key_rotation: true, tags_all: expect.objectContaining({ deployment: "gpp0" }) });
  });

  it("plans the VPC flow log of all traffic into the stack's log group, delivered by the stack's own role", () => {
    const [flowLog] = after(dev.plan.resource_changes, "aws_flow_log");
    expect(flowLog).toMatchObject({ traffic_type: "ALL", log_destination_type: "cloud-watch-logs", max_aggregation_interval: 60 });
    const unknown = dev.plan.resource_changes.find((c) => c.type === "aws_flow_log")?.change.after_unknown ?? {};
    // Both come from resources this plan creates, so they are known only after apply.
    expect(unknown).toMatchObject({ log_destination: true, iam_role_arn: true });
  });

  it("tags public subnets for internet-facing load balancers and private ones for internal", () => {
    const subnets = after(dev.plan.resource_changes, "aws_subnet");
    const roles = subnets.map((s) => Object.keys(s.tags as object).find((k) => k.startsWith("kubernetes.io/role/")));
    expect(roles.sort()).toEqual(["kubernetes.io/role/elb", "kubernetes.io/role/elb", "kubernetes.io/role/elb", "kubernetes.io/role/internal-elb", "kubernetes.io/role/internal-elb", "kubernetes.io/role/internal-elb"]);
  });

  it("places every subnet by zone ID, so each lands in the same physical zone in every account", () => {
    const subnets = after(dev.plan.resource_changes, "aws_subnet");
    expect(subnets.map((s) => s.availability_zone_id).sort()).toEqual(["euw1-az1", "euw1-az1", "euw1-az2", "euw1-az2", "euw1-az3", "euw1-az3"]);
    // The account's name for each zone is left for AWS to fill in.
    const unknown = dev.plan.resource_changes.filter((c) => c.type === "aws_subnet").map((c) => c.change.after_unknown?.availability_zone);
    expect(unknown).toEqual([true, true, true, true, true, true]);
  });

  it("says in its summary what an older mirror provider could not check", () => {
    const summary = planSummary(dev);
    expect(summary).toContain("| aws_eks_cluster | 1 | create |");
    // deletion_protection arrived in hashicorp/aws 6.x: a 5.x mirror cannot plan it, the 6.x the stacks declare can.
    if (Number(dev.awsVersion.split(".")[0]) < 6) {
      expect(dev.removed).toEqual([{ address: expect.stringMatching(/^aws_eks_cluster\./), attribute: "deletion_protection" }]);
      expect(summary).toContain("deletion_protection");
    } else {
      expect(dev.removed).toEqual([]);
      expect(summary).not.toContain("Not checked by this plan");
    }
  });

  it("plans the budget with forecast and actual notifications to the alerts topic", () => {
    const [budget] = after(dev.plan.resource_changes, "aws_budgets_budget");
    expect(budget).toMatchObject({
      name: "dev-budget-gpp0",
      budget_type: "COST",
      time_unit: "MONTHLY",
      limit_amount: "700.00",
      limit_unit: "USD",
      cost_filter: [{ name: "TagKeyValue", values: ["user:deployment$gpp0"] }],
    });
    const notifications = (budget?.notification as { notification_type: string; threshold: number }[]).map((n) => `${n.notification_type}:${n.threshold}`);
    expect(notifications.sort()).toEqual(["ACTUAL:100", "FORECASTED:80"]);
  });

  it("plans prod with a NAT gateway in each of the three AZs and the allowlisted endpoint", async () => {
    prod = await planOf({ ...prodDoc, monitoring: { alarm_emails: ["oncall@example.org"] } });
    expect(creates(prod).aws_sns_topic_subscription).toEqual({ create: 1 });
    expect(creates(prod).aws_nat_gateway).toEqual({ create: 3 });
    // The two admins; AMP makes the collector's entry itself.
    expect(creates(prod).aws_eks_access_entry).toEqual({ create: 2 });
    const [cluster] = after(prod.plan.resource_changes, "aws_eks_cluster");
    expect(cluster?.vpc_config).toEqual([expect.objectContaining({ public_access_cidrs: ["198.51.100.0/24"] })]);
  });

  it("accepts every input the dev and prod stacks pass the module, checked against its declared types", () => {
    for (const result of [dev, prod]) {
      expect(result.validate).toMatchObject({ valid: true, error_count: 0 });
    }
  });

  it("fails validation when the module is passed a value of the wrong type, as the real module's variables.tf would", async () => {
    const { stack, tf } = synthIac();
    tf.module.vpc.single_nat_gateway = "yes";
    await expect(offlinePlan(stack.node.id, tf, ready)).rejects.toThrow(/terraform validate failed[\s\S]*single_nat_gateway[\s\S]*a bool is required/);
  });

  it("fails validation when the module is passed a variable the pinned version does not declare", async () => {
    const { stack, tf } = synthIac();
    tf.module.vpc.enable_ipv7 = true;
    await expect(offlinePlan(stack.node.id, tf, ready)).rejects.toThrow(/terraform validate failed[\s\S]*enable_ipv7/);
  });
});
