import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CLUSTER_ALARMS } from "../src/monitoring";
import { defaultDoc, only, prodDoc, synthIac } from "./helpers";

const dev = synthIac();
const withEmails = synthIac({ ...prodDoc, monitoring: { alarm_emails: ["oncall@example.org", "platform@example.org"] }, budget: { monthly_limit_usd: 4200 } });
const withTls = synthIac({ ...defaultDoc, ingress: { hosted_zone: "example.org", base_domain: "gpp0.example.org" } });

describe("add-ons", () => {
  it("installs metrics-server so the tenants' HorizontalPodAutoscalers get resource metrics", () => {
    expect(dev.json).toHaveResourceWithProperties(EksAddon, { addon_name: "metrics-server", cluster_name: "${aws_eks_cluster.eks_cluster_55B0C966.name}" });
  });

  it("installs Container Insights with its agent's role bound through EKS Pod Identity", () => {
    expect(dev.json).toHaveResourceWithProperties(EksAddon, { addon_name: "amazon-cloudwatch-observability" });
    expect(dev.json).toHaveResourceWithProperties(EksPodIdentityAssociation, { namespace: "amazon-cloudwatch", service_account: "cloudwatch-agent" });
    const role = Object.values(dev.tf.resource.aws_iam_role as Record<string, { name: string; assume_role_policy: string }>).find((r) => r.name === "dev-eks-observability-gpp0");
    expect(JSON.parse(role!.assume_role_policy).Statement[0]).toMatchObject({ Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] });
    const attachments = Object.values(dev.tf.resource.aws_iam_role_policy_attachments_exclusive as Record<string, { role_name: string; policy_arns: string[] }>).find((a) => a.role_name.includes("observability"));
    expect(attachments!.policy_arns.map((a) => a.split("/").pop())).toEqual(["CloudWatchAgentServerPolicy", "AWSXrayWriteOnlyAccess"]);
  });

  it("creates the observability add-on only after its identity exists", () => {
    const addon = Object.values(dev.tf.resource.aws_eks_addon as Record<string, { addon_name: string; depends_on?: string[] }>).find((a) => a.addon_name === "amazon-cloudwatch-observability");
    expect(addon!.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_eks_pod_identity_association\./)]));
  });
});

describe("Prometheus metrics", () => {
  it("collects annotated pods' metrics into a managed Prometheus workspace from inside the cluster's VPC", () => {
    const scraper = only(dev.tf, "aws_prometheus_scraper");
    expect(scraper.alias).toBe("dev-prometheus-gpp0");
    expect(scraper.source[0].eks[0]).toMatchObject({
      cluster_arn: expect.stringMatching(/aws_eks_cluster\.eks_cluster_\w+\.arn/),
      subnet_ids: "${module.vpc.private_subnets}",
      security_group_ids: [expect.stringMatching(/vpc_config\[0\]\.cluster_security_group_id/)],
    });
    expect(scraper.destination[0].amp[0].workspace_arn).toMatch(/aws_prometheus_workspace\.prometheus_workspace_\w+\.arn/);
    const config = parse(scraper.scrape_configuration);
    const keep = config.scrape_configs[0].relabel_configs[0];
    expect(keep).toEqual({ source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" });
  });

  it("leaves the collector's access entry to AMP, which creates it for clusters in API authentication mode", () => {
    // The only access entries are the admins' (one resource, for_each over their ARNs).
    expect(Object.values(dev.tf.resource.aws_eks_access_entry as Record<string, { for_each: string }>).map((e) => e.for_each)).toEqual([
      expect.stringMatching(/^\$\{toset\(distinct\(concat\(\[data\.aws_iam_session_context\.\w+\.issuer_arn\], \[\]\)\)\)\}$/),
    ]);
    expect(only(dev.tf, "aws_eks_cluster").access_config.authentication_mode).toBe("API");
  });
});

describe("alerting", () => {
  it("raises an alarm on failed nodes, container restarts, node CPU and node memory, each with a runbook", () => {
    const alarms = Object.values(dev.tf.resource.aws_cloudwatch_metric_alarm as Record<string, Record<string, unknown>>);
    expect(alarms.map((a) => a.metric_name).sort()).toEqual(["cluster_failed_node_count", "node_cpu_utilization", "node_memory_utilization", "pod_number_of_container_restarts"]);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ namespace: "ContainerInsights", treat_missing_data: "notBreaching", comparison_operator: "GreaterThanThreshold" });
      expect(alarm.dimensions).toEqual({ ClusterName: expect.stringMatching(/aws_eks_cluster\.eks_cluster_\w+\.name/) });
      expect(alarm.alarm_actions).toEqual([expect.stringMatching(/aws_sns_topic\.alerts_topic_\w+\.arn/)]);
      expect(String(alarm.alarm_description).length).toBeGreaterThan(60);
    }
    expect(CLUSTER_ALARMS.every((a) => /kubectl|console/.test(a.runbook))).toBe(true);
  });

  it("names alarms after the cluster", () => {
    expect(dev.json).toHaveResourceWithProperties(CloudwatchMetricAlarm, { alarm_name: "dev-eks-gpp0-failed-nodes", threshold: 0 });
  });

  it("lets only this account's CloudWatch, Budgets and Prometheus alert manager publish to the topic", () => {
    const policy = JSON.parse(only(dev.tf, "aws_sns_topic_policy").policy);
    // The aps statement's workspace condition: test/tenant-availability.test.ts.
    expect(policy.Statement.map((s: { Principal: { Service: string } }) => s.Principal.Service)).toEqual(["cloudwatch.amazonaws.com", "budgets.amazonaws.com", "aps.amazonaws.com"]);
    for (const statement of policy.Statement) {
      expect(statement.Condition.StringEquals["aws:SourceAccount"]).toMatch(/aws_sns_topic\.alerts_topic_\w+\.owner/);
    }
  });

  it("subscribes every operator email of the descriptor, and none by default", () => {
    expect(dev.json).not.toHaveResource(SnsTopicSubscription);
    for (const endpoint of ["oncall@example.org", "platform@example.org"]) {
      expect(withEmails.json).toHaveResourceWithProperties(SnsTopicSubscription, { protocol: "email", endpoint });
    }
  });
});

describe("cost", () => {
  it("budgets the deployment monthly, filtered on its deployment tag, warning at 80% forecast and 100% actual", () => {
    const budget = only(withEmails.tf, "aws_budgets_budget");
    expect(budget).toMatchObject({ name: "prod-budget-prd1", limit_amount: "4200.00", limit_unit: "USD", time_unit: "MONTHLY" });
    expect(budget.cost_filter).toEqual([{ name: "TagKeyValue", values: ["user:deployment$prd1"] }]);
    expect(budget.notification).toEqual([
      expect.objectContaining({ notification_type: "FORECASTED", threshold: 80, threshold_type: "PERCENTAGE", subscriber_email_addresses: ["oncall@example.org", "platform@example.org"] }),
      expect.objectContaining({ notification_type: "ACTUAL", threshold: 100, threshold_type: "PERCENTAGE" }),
    ]);
    expect(dev.json).toHaveResourceWithProperties(BudgetsBudget, { limit_amount: "700.00" });
  });

  it("creates the budget only after the topic policy lets AWS Budgets publish to the topic", () => {
    const policyKey = Object.keys(dev.tf.resource.aws_sns_topic_policy)[0];
    expect(only(dev.tf, "aws_budgets_budget").depends_on).toEqual([`aws_sns_topic_policy.${policyKey}`]);
  });
});

describe("TLS and DNS", () => {
  it("is absent without a hosted zone", () => {
    expect(dev.json).not.toHaveResource(AcmCertificate);
    expect(dev.tf.output).not.toHaveProperty("certificate_arn");
  });

  it("requests a wildcard certificate for the base domain, validated by DNS in the hosted zone", () => {
    expect(withTls.json).toHaveDataSourceWithProperties(DataAwsRoute53Zone, { name: "example.org", private_zone: false });
    expect(withTls.json).toHaveResourceWithProperties(AcmCertificate, { domain_name: "*.gpp0.example.org", validation_method: "DNS", lifecycle: { create_before_destroy: true } });
    const record = only(withTls.tf, "aws_route53_record");
    expect(record.for_each).toMatch(/domain_validation_options/);
    expect(record.zone_id).toMatch(/data\.aws_route53_zone\.tls_zone_\w+\.zone_id/);
    expect(only(withTls.tf, "aws_acm_certificate_validation").validation_record_fqdns).toMatch(/for record in aws_route53_record\.tls_validation_\w+ : record\.fqdn/);
    expect(withTls.tf.output.certificate_arn).toBeDefined();
  });
});
