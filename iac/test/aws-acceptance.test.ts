// What the AWS side accepts and expects, as its documentation and terraform-aws-eks state it (each cited below).
import { describe, expect, it } from "vitest";
import { CONTAINER_INSIGHTS_LOG_GROUPS } from "../src/addons";
import { defaultDoc, only, prodDoc, synthIac } from "./helpers";

const dev = synthIac();
const prod = synthIac(prodDoc);
const withTls = synthIac({ ...defaultDoc, ingress: { hosted_zone: "example.org", base_domain: "gpp0.example.org" } });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Tf = any;
const PARTITION = (tf: Tf) => `\${data.aws_partition.${Object.keys(tf.data.aws_partition)[0]}.partition}`;
const ACCOUNT = (tf: Tf) => `\${data.aws_caller_identity.${Object.keys(tf.data.aws_caller_identity)[0]}.account_id}`;
const resourcesOf = (tf: Tf, type: string): [string, Tf][] => Object.entries(tf.resource[type] ?? {});
const roleNamed = (tf: Tf, name: string) => resourcesOf(tf, "aws_iam_role").find(([, r]) => r.name === name)!;

describe("Auto Mode custom tags on what it launches", () => {
  const [clusterRoleKey] = roleNamed(dev.tf, "dev-eks-cluster-gpp0");
  const [policyKey, policy] = resourcesOf(dev.tf, "aws_iam_role_policy").find(([, p]) => p.role === `\${aws_iam_role.${clusterRoleKey}.id}`)!;
  const statements = JSON.parse(policy.policy).Statement as { Sid: string; Action: string[]; Resource: string | string[]; Condition: Tf }[];
  // In Terraform JSON `$${` is a literal `${`: IAM receives the policy variable, not an interpolation.
  const sameCluster = { "aws:RequestTag/eks:eks-cluster-name": "$${aws:PrincipalTag/eks:eks-cluster-name}" };

  it("grants the cluster role the documented create-with-tags permissions, each scoped to requests for its own cluster", () => {
    // AWS EKS User Guide, "Amazon EKS Auto Mode cluster IAM role", "Custom AWS tags for EKS Auto resources";
    // statement for statement as terraform-aws-eks v21.19.0 main.tf (enable_auto_mode_custom_tags) writes them.
    const partition = PARTITION(dev.tf);
    expect(statements).toEqual([
      {
        Sid: "Compute",
        Effect: "Allow",
        Action: ["ec2:CreateFleet", "ec2:RunInstances", "ec2:CreateLaunchTemplate"],
        Resource: "*",
        Condition: {
          StringEquals: sameCluster,
          StringLike: { "aws:RequestTag/eks:kubernetes-node-class-name": "*", "aws:RequestTag/eks:kubernetes-node-pool-name": "*" },
        },
      },
      {
        Sid: "Storage",
        Effect: "Allow",
        Action: ["ec2:CreateVolume", "ec2:CreateSnapshot"],
        Resource: [`arn:${partition}:ec2:*:*:volume/*`, `arn:${partition}:ec2:*:*:snapshot/*`],
        Condition: { StringEquals: sameCluster },
      },
      {
        Sid: "Networking",
        Effect: "Allow",
        Action: ["ec2:CreateNetworkInterface"],
        Resource: "*",
        // StringLike, as AmazonEKSNetworkingPolicy and the AWS reference policy have it: the module's
        // StringEquals against "*" only matches a literal asterisk (terraform-aws-eks PR #3745).
        Condition: { StringEquals: sameCluster, StringLike: { "aws:RequestTag/eks:kubernetes-cni-node-name": "*" } },
      },
      {
        Sid: "LoadBalancer",
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:CreateLoadBalancer",
          "elasticloadbalancing:CreateTargetGroup",
          "elasticloadbalancing:CreateListener",
          "elasticloadbalancing:CreateRule",
          "ec2:CreateSecurityGroup",
        ],
        Resource: "*",
        Condition: { StringEquals: sameCluster },
      },
      { Sid: "ShieldProtection", Effect: "Allow", Action: ["shield:CreateProtection"], Resource: "*", Condition: { StringEquals: sameCluster } },
      {
        Sid: "ShieldTagResource",
        Effect: "Allow",
        Action: ["shield:TagResource"],
        Resource: `arn:${partition}:shield::*:protection/*`,
        Condition: { StringEquals: sameCluster },
      },
    ]);
  });

  it("is in place before the cluster exists, so the first nodes and load balancers can carry tags", () => {
    expect(only(dev.tf, "aws_eks_cluster").depends_on).toContain(`aws_iam_role_policy.${policyKey}`);
  });
});

describe("the secrets key policy", () => {
  const key = only(dev.tf, "aws_kms_key");
  const statements = (): { Sid: string; Principal: { AWS: string }; Action: string[]; Resource: string }[] => JSON.parse(key.policy ?? "{}").Statement ?? [];
  const [clusterRoleKey] = roleNamed(dev.tf, "dev-eks-cluster-gpp0");

  it("lets the account administer the key through IAM, without using it", () => {
    const admin = statements().find((s) => s.Sid === "AccountAdministersKey");
    if (!admin) throw new Error("the key policy has no AccountAdministersKey statement");
    expect(admin.Principal).toEqual({ AWS: `arn:${PARTITION(dev.tf)}:iam::${ACCOUNT(dev.tf)}:root` });
    // The administrators' list of the KMS default key policy (terraform-aws-kms 4.x key_administrators).
    expect(admin.Action).toEqual(expect.arrayContaining(["kms:Create*", "kms:Put*", "kms:Enable*", "kms:Disable*", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:TagResource"]));
    expect(admin.Action.filter((a) => /Encrypt|Decrypt|GenerateDataKey|ReEncrypt/.test(a))).toEqual([]);
    expect(admin.Action).not.toContain("kms:*");
  });

  it("lets the cluster role use it for secrets encryption: Encrypt, Decrypt, ListGrants, DescribeKey", () => {
    // terraform-aws-eks v21.19.0: key_users = [cluster role]; the cluster_encryption policy's four actions.
    expect(statements().find((s) => s.Sid === "ClusterRoleEncryptsSecrets")).toEqual({
      Sid: "ClusterRoleEncryptsSecrets",
      Effect: "Allow",
      Principal: { AWS: `\${aws_iam_role.${clusterRoleKey}.arn}` },
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
      Resource: "*",
    });
    expect(statements()).toHaveLength(2);
  });
});

describe("partitions", () => {
  it("builds every ARN in the synthesized stacks from the current partition (aws_partition), none hard-coded", () => {
    for (const [doc, { json }] of [
      [defaultDoc, dev],
      [prodDoc, prod],
      [defaultDoc, withTls],
    ] as const) {
      // ARNs the descriptor itself lists are the user's, not the stack's.
      let text = json;
      for (const arn of (doc as { cluster?: { admin_principal_arns?: string[] } }).cluster?.admin_principal_arns ?? []) text = text.split(arn).join("");
      expect(text.match(/arn:aws(-[a-z-]+)?:[^"]{0,60}/g) ?? []).toEqual([]);
    }
  });
});

describe("trust policies of service roles", () => {
  it("lets Pod Identity hand the observability role only to the CloudWatch agent of this cluster", () => {
    const [, role] = roleNamed(dev.tf, "dev-eks-observability-gpp0");
    // AWS EKS User Guide, "Create IAM role with trust policy required by EKS Pod Identity": the session tags it
    // sends (eks-cluster-name, kubernetes-namespace, kubernetes-service-account) are the keys to restrict on.
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:RequestTag/eks-cluster-name": "dev-eks-gpp0",
            "aws:RequestTag/kubernetes-namespace": "amazon-cloudwatch",
            "aws:RequestTag/kubernetes-service-account": "cloudwatch-agent",
          },
        },
      },
    ]);
  });
});

describe("add-on versions", () => {
  it("runs each add-on at the newest version EKS publishes for the descriptor's Kubernetes version", () => {
    const versions = Object.entries(dev.tf.data.aws_eks_addon_version as Record<string, Tf>);
    expect(versions.map(([, v]) => v).sort((a, b) => a.addon_name.localeCompare(b.addon_name))).toEqual([
      { addon_name: "amazon-cloudwatch-observability", kubernetes_version: "1.35", most_recent: true },
      { addon_name: "metrics-server", kubernetes_version: "1.35", most_recent: true },
    ]);
    for (const [, addon] of resourcesOf(dev.tf, "aws_eks_addon")) {
      const [key] = versions.find(([, v]) => v.addon_name === addon.addon_name)!;
      expect(addon.addon_version).toBe(`\${data.aws_eks_addon_version.${key}.version}`);
    }
  });
});

describe("Container Insights log groups", () => {
  const groups = (tf: Tf) => resourcesOf(tf, "aws_cloudwatch_log_group").filter(([, g]) => g.name.startsWith("/aws/containerinsights/"));

  it("creates the add-on's four log groups itself, with the descriptor's retention", () => {
    expect(groups(dev.tf).map(([, g]) => [g.name, g.retention_in_days])).toEqual(
      CONTAINER_INSIGHTS_LOG_GROUPS.map((g) => [`/aws/containerinsights/dev-eks-gpp0/${g}`, 30]),
    );
    expect(CONTAINER_INSIGHTS_LOG_GROUPS).toEqual(["application", "dataplane", "host", "performance"]);
    expect(groups(prod.tf).map(([, g]) => g.retention_in_days)).toEqual([365, 365, 365, 365]);
  });

  it("creates them before the add-on, so the agents never create them and a destroy removes them after it", () => {
    const [, addon] = resourcesOf(dev.tf, "aws_eks_addon").find(([, a]) => a.addon_name === "amazon-cloudwatch-observability")!;
    expect(addon.depends_on).toEqual(expect.arrayContaining(groups(dev.tf).map(([key]) => `aws_cloudwatch_log_group.${key}`)));
  });
});
