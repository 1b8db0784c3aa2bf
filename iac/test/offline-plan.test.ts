import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OFFLINE_ACCOUNT_ID, OFFLINE_CALLER_ARN } from "../plan/prepare";
import { openOfflinePlanner, type OfflinePlanner, type OfflinePlanResult, type ResourceChange } from "../plan/run";
import { countByType, planSummary } from "../plan/summary";
import { findOfflineTools } from "../plan/tools";
import { prodDoc, synthIac } from "./helpers";

const tools = findOfflineTools();
if (!tools.ok) console.warn(`SKIPPED offline terraform validate/plan tests: ${tools.reason}`);

const after = (changes: readonly ResourceChange[], type: string) => changes.filter((c) => c.type === type).map((c) => c.change.after ?? {});
const creates = (result: OfflinePlanResult) => countByType(result.plan.resource_changes);

describe.runIf(tools.ok)("terraform validate and plan against the real AWS provider, offline", () => {
  const ready = tools as Extract<typeof tools, { ok: true }>;
  // One planner for the file: one provider process and one initialized folder; every plan of the file is
  // asked for at once and queued, and each test awaits the plan it asserts on.
  let planner: OfflinePlanner;
  const plans: Record<string, Promise<OfflinePlanResult>> = {};
  const planned = (name: string, start: () => Promise<OfflinePlanResult>) => {
    const result = start();
    result.catch(() => undefined); // the test that awaits it reports the failure
    plans[name] = result;
  };
  const planOf = (doc?: object) => {
    const { stack, tf } = synthIac(doc);
    return planner.plan(stack.node.id, tf);
  };
  let dev: OfflinePlanResult;
  let prod: OfflinePlanResult;
  const [GUARDED, UNGUARDED] = ["cluster_as_synthesized", "cluster_without_lifecycle_rule"];

  beforeAll(() => {
    planner = openOfflinePlanner(ready);
    planned("dev", () => planOf());
    planned("creatorEntry", planCreatorEntry);
    // After two plans of gpp0, so prod's own default tags show that no configuration carries over in the provider process.
    // prod also lists the deploying role among its admins, and serves TLS: one plan for both checks.
    planned("prod", () =>
      planOf({
        ...prodDoc,
        cluster: { ...prodDoc.cluster, admin_principal_arns: [...prodDoc.cluster.admin_principal_arns, OFFLINE_CALLER_ARN] },
        ingress: { hosted_zone: "example.org", base_domain: "prd1.example.org" },
        monitoring: { alarm_emails: ["oncall@example.org"] },
      }),
    );
    planned("wrongType", () => {
      const { stack, tf } = synthIac();
      tf.module.vpc.single_nat_gateway = "yes";
      return planner.plan(stack.node.id, tf);
    });
    planned("undeclared", () => {
      const { stack, tf } = synthIac();
      tf.module.vpc.enable_ipv7 = true;
      return planner.plan(stack.node.id, tf);
    });
  });
  afterAll(() => planner?.close());

  it("plans the default deployment: network, 4 roles, KMS key, log groups, cluster, access, add-ons, alerting and budget", async () => {
    dev = await plans.dev!;
    expect(dev.validate.valid).toBe(true);
    const counts = creates(dev);
    expect(counts).toMatchObject({
      aws_vpc: { create: 1 },
      aws_subnet: { create: 6 },
      aws_nat_gateway: { create: 1 },
      // cluster, node, observability agent and flow-log delivery
      aws_iam_role: { create: 4 },
      aws_iam_role_policy_attachments_exclusive: { create: 3 },
      // flow-log delivery and Auto Mode custom tags
      aws_iam_role_policy: { create: 2 },
      aws_kms_key: { create: 1 },
      aws_kms_alias: { create: 1 },
      // control plane, flow logs and the four of Container Insights
      aws_cloudwatch_log_group: { create: 6 },
      aws_eks_cluster: { create: 1 },
      aws_eks_addon: { create: 2 },
      // the applying principal's admin entry
      aws_eks_access_entry: { create: 1 },
      aws_eks_access_policy_association: { create: 1 },
      aws_eks_pod_identity_association: { create: 1 },
      aws_sns_topic: { create: 1 },
      aws_sns_topic_policy: { create: 1 },
      aws_cloudwatch_metric_alarm: { create: 4 },
      aws_budgets_budget: { create: 1 },
      aws_prometheus_workspace: { create: 1 },
      aws_prometheus_scraper: { create: 1 },
      // tenant availability: one rule group namespace and one alert manager definition for every tenant
      aws_prometheus_rule_group_namespace: { create: 1 },
      aws_prometheus_alert_manager_definition: { create: 1 },
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
      access_config: [{ authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false }],
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
    prod = await plans.prod!;
    expect(creates(prod).aws_sns_topic_subscription).toEqual({ create: 1 });
    expect(creates(prod).aws_nat_gateway).toEqual({ create: 3 });
    // The applying principal (listed among the admins too) and the two admins; AMP makes the collector's entry itself.
    expect(creates(prod).aws_eks_access_entry).toEqual({ create: 3 });
    expect(creates(prod).aws_eks_access_policy_association).toEqual({ create: 3 });
    const [cluster] = after(prod.plan.resource_changes, "aws_eks_cluster");
    expect(cluster?.vpc_config).toEqual([expect.objectContaining({ public_access_cidrs: ["198.51.100.0/24"] })]);
    // The provider process planned other stacks before this one: its default tags are this stack's own.
    const [vpc] = after(prod.plan.resource_changes, "aws_vpc");
    expect(vpc?.tags_all).toMatchObject({ env: "prod", deployment: "prd1" });
  });

  it("accepts every input the dev and prod stacks pass the module, checked against its declared types", () => {
    for (const result of [dev, prod]) {
      expect(result.validate).toMatchObject({ valid: true, error_count: 0 });
    }
  });

  it("fails validation when the module is passed a value of the wrong type, as the real module's variables.tf would", async () => {
    // terraform plan validates first and stops there, with terraform validate's diagnostic.
    await expect(plans.wrongType).rejects.toThrow(/failed for dev-iac-gpp0 \(validation and planning\):[\s\S]*single_nat_gateway[\s\S]*a bool is required/);
  });

  it("plans the data sources that need AWS with stand-ins, and says so in the summary", () => {
    const summary = planSummary(dev);
    expect(summary).toContain("## Resolved against AWS at apply");
    for (const attribute of ["aws_caller_identity.", "aws_iam_session_context.", "aws_eks_addon_version."]) expect(summary).toContain(`\`data.${attribute}`);
    // The add-on version reaches the add-on: the provider accepted it (it validates addon_version as semver).
    expect(after(dev.plan.resource_changes, "aws_eks_addon").map((a) => a.addon_version)).toEqual(["v0.0.0-resolved-at-apply", "v0.0.0-resolved-at-apply"]);
  });

  it("plans the trust conditions and the custom-tags policy as IAM will receive them", () => {
    const roles = after(dev.plan.resource_changes, "aws_iam_role");
    const trust = (name: string) => JSON.parse(String(roles.find((r) => r.name === name)?.assume_role_policy)).Statement[0].Condition;
    expect(trust("dev-eks-cluster-gpp0")).toEqual({
      ArnLike: { "aws:SourceArn": `arn:aws:eks:eu-west-1:${OFFLINE_ACCOUNT_ID}:cluster/dev-eks-gpp0` },
      StringEquals: { "aws:SourceAccount": OFFLINE_ACCOUNT_ID },
    });
    expect(trust("dev-vpc-flow-logs-gpp0")).toEqual({
      ArnLike: { "aws:SourceArn": `arn:aws:ec2:eu-west-1:${OFFLINE_ACCOUNT_ID}:vpc-flow-log/*` },
      StringEquals: { "aws:SourceAccount": OFFLINE_ACCOUNT_ID },
    });
    const customTags = after(dev.plan.resource_changes, "aws_iam_role_policy").find((p) => p.name === "auto-mode-custom-tags");
    const statements = JSON.parse(String(customTags?.policy)).Statement as { Condition: { StringEquals: Record<string, string> } }[];
    // Terraform turned `$${` into the IAM policy variable instead of interpolating it.
    expect(statements.map((st) => st.Condition.StringEquals["aws:RequestTag/eks:eks-cluster-name"])).toEqual(Array(6).fill("${aws:PrincipalTag/eks:eks-cluster-name}"));
  });

  it("plans the Container Insights log groups with the deployment's retention and tags", () => {
    const groups = after(dev.plan.resource_changes, "aws_cloudwatch_log_group").filter((g) => String(g.name).startsWith("/aws/containerinsights/"));
    expect(groups.map((g) => [g.name, g.retention_in_days])).toEqual(
      ["application", "dataplane", "host", "performance"].map((g) => [`/aws/containerinsights/dev-eks-gpp0/${g}`, 30]),
    );
    expect(groups.every((g) => (g.tags_all as Record<string, string>).deployment === "gpp0")).toBe(true);
  });

  it("plans one access entry and one admin association for the deploying role when the admins list it too (and TLS plans offline)", async () => {
    prod = await plans.prod!;
    const entries = prod.plan.resource_changes.filter((c) => c.type === "aws_eks_access_entry");
    const associations = prod.plan.resource_changes.filter((c) => c.type === "aws_eks_access_policy_association");
    const principals = [...prodDoc.cluster.admin_principal_arns, OFFLINE_CALLER_ARN].sort();
    expect(entries.map((c) => [c.address.replace(/\.eks_admin_\w+\[/, ".admin["), c.change.after?.principal_arn]).sort()).toEqual(
      principals.map((arn) => [`aws_eks_access_entry.admin[${JSON.stringify(arn)}]`, arn]),
    );
    expect(associations.filter((c) => c.change.after?.principal_arn === OFFLINE_CALLER_ARN).map((c) => c.change.after)).toEqual([
      expect.objectContaining({ principal_arn: OFFLINE_CALLER_ARN, policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy" }),
    ]);
    expect(creates(prod).aws_acm_certificate).toEqual({ create: 1 });
    expect(prod.standIns.map((s) => s.attribute)).toContain("zone_id");
  });

  /**
   * One plan of two copies of the cluster, both recorded by an earlier apply with EKS's creator entry: the
   * stack's own (with its lifecycle rule) and one without the rule.
   */
  function planCreatorEntry(): Promise<OfflinePlanResult> {
    const { stack, tf } = synthIac();
    const cluster = Object.values(tf.resource.aws_eks_cluster as Record<string, Record<string, unknown>>)[0]!;
    // The cluster alone, its references resolved to what an earlier apply recorded.
    const literal = {
      ...cluster,
      role_arn: `arn:aws:iam::${OFFLINE_ACCOUNT_ID}:role/dev-eks-cluster-gpp0`,
      compute_config: { ...(cluster.compute_config as object), node_role_arn: `arn:aws:iam::${OFFLINE_ACCOUNT_ID}:role/dev-eks-node-gpp0` },
      vpc_config: { ...(cluster.vpc_config as object), subnet_ids: ["subnet-0a", "subnet-0b", "subnet-0c"] },
      encryption_config: { resources: ["secrets"], provider: { key_arn: `arn:aws:kms:eu-west-1:${OFFLINE_ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab` } },
      depends_on: undefined,
      deletion_protection: undefined,
    };
    // The offline copy swaps module.vpc for its stand-in, so the module stays, with its defaults.
    const module = { vpc: { source: tf.module.vpc.source, version: tf.module.vpc.version } };
    const clusters = { [GUARDED]: literal, [UNGUARDED]: { ...literal, lifecycle: undefined } };
    const config = { terraform: tf.terraform, provider: tf.provider, module, resource: { aws_eks_cluster: clusters } };
    const recorded = {
      ...literal,
      id: "dev-eks-gpp0",
      arn: `arn:aws:eks:eu-west-1:${OFFLINE_ACCOUNT_ID}:cluster/dev-eks-gpp0`,
      access_config: [{ authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: true }],
      compute_config: [{ ...literal.compute_config }],
      kubernetes_network_config: [{ elastic_load_balancing: [{ enabled: true }], ip_family: "ipv4", service_ipv4_cidr: "172.20.0.0/16", service_ipv6_cidr: "" }],
      storage_config: [{ block_storage: [{ enabled: true }] }],
      vpc_config: [{ ...literal.vpc_config, security_group_ids: [], cluster_security_group_id: "sg-0a", vpc_id: "vpc-0a" }],
      encryption_config: [{ resources: ["secrets"], provider: [{ key_arn: literal.encryption_config.provider.key_arn }] }],
      zonal_shift_config: [{ enabled: true }],
      upgrade_policy: [{ support_type: "STANDARD" }],
      tags: {},
      tags_all: {},
      lifecycle: undefined,
    };
    const state = {
      version: 4,
      terraform_version: "1.11.0",
      serial: 1,
      lineage: "00000000-0000-0000-0000-000000000001",
      outputs: {},
      resources: Object.keys(clusters).map((name) => ({
        mode: "managed",
        type: "aws_eks_cluster",
        name,
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [{ schema_version: 1, attributes: JSON.parse(JSON.stringify(recorded)), sensitive_attributes: [] }],
      })),
    };
    return planner.plan(stack.node.id, config, { state });
  }

  it("keeps a cluster created with EKS's creator entry instead of replacing it (the flag forces replacement)", async () => {
    const changes = (await plans.creatorEntry!).plan.resource_changes;
    const clusterChange = (name: string) => changes.find((c) => c.address === `aws_eks_cluster.${name}`)!;
    const kept = clusterChange(GUARDED);
    expect(kept.change.actions).not.toContain("delete");
    // Without the lifecycle rule the same state is replaced, for this attribute: the provider marks it ForceNew.
    const unguarded = clusterChange(UNGUARDED);
    expect(unguarded.change.actions).toEqual(["delete", "create"]);
    expect((unguarded as unknown as { change: { replace_paths?: unknown[] } }).change.replace_paths).toEqual([["access_config", 0, "bootstrap_cluster_creator_admin_permissions"]]);
  });

  it("fails validation when the module is passed a variable the pinned version does not declare", async () => {
    await expect(plans.undeclared).rejects.toThrow(/failed for dev-iac-gpp0 \(validation and planning\):[\s\S]*enable_ipv7/);
  });
});
