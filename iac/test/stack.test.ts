import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AWS_PROVIDER_CONSTRAINT } from "@gpp/stack";
import { describe, expect, it } from "vitest";
import { defaultDoc, only, prodDoc, synthIac } from "./helpers";

const dev = synthIac();
const prod = synthIac(prodDoc);
// Every ARN is built from these two data sources (one per stack, same ids in every deployment).
const PARTITION = `\${data.aws_partition.${Object.keys(dev.tf.data.aws_partition)[0]}.partition}`;
const ACCOUNT = `\${data.aws_caller_identity.${Object.keys(dev.tf.data.aws_caller_identity)[0]}.account_id}`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const roles = (tf: any) => Object.values(tf.resource.aws_iam_role) as any[];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const roleNamed = (tf: any, name: string) => roles(tf).find((r) => r.name === name);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const attachmentsOf = (tf: any, roleKey: string) =>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  (Object.values(tf.resource.aws_iam_role_policy_attachments_exclusive) as any[]).find((a) => a.role_name.includes(roleKey)).policy_arns;

describe("the stack as a whole", () => {
  it("keeps each deployment's state apart: its own local file, or its own key in the prod bucket", () => {
    expect(dev.tf.terraform.backend.local.path).toBe("../../../../state/dev-iac-gpp0.tfstate");
    const other = synthIac({ ...defaultDoc, deployment_id: "gpp1" });
    expect(other.tf.terraform.backend.local.path).toBe("../../../../state/dev-iac-gpp1.tfstate");
    expect(prod.tf.terraform.backend.s3).toMatchObject({ bucket: "example-gpp-terraform-state", key: "prod-iac-prd1.tfstate", encrypt: true, use_lockfile: true });
  });

  it("declares the AWS provider range every stack shares and tags through it", () => {
    expect(dev.tf.terraform.required_providers.aws.version).toBe(AWS_PROVIDER_CONSTRAINT);
    expect(dev.json).toHaveProviderWithProperties(AwsProvider, {
      region: "eu-west-1",
      default_tags: [expect.objectContaining({ tags: expect.objectContaining({ env: "dev", deployment: "gpp0", "managed-by": "cdktf" }) })],
    });
  });

  it("exposes what the helm package and operators need as outputs", () => {
    expect(Object.keys(dev.tf.output).sort()).toEqual([
      "alerts_topic_arn",
      "cluster_certificate_authority_data",
      "cluster_endpoint",
      "cluster_name",
      "cluster_oidc_issuer_url",
      "private_subnet_ids",
      "prometheus_workspace_endpoint",
      "public_subnet_ids",
      "vpc_id",
    ]);
    expect(dev.tf.output.cluster_oidc_issuer_url.value).toMatch(/identity\[0\]\.oidc\[0\]\.issuer/);
  });
});

describe("network", () => {
  const vpc = dev.tf.module.vpc;

  it("spans three AZs with three private and three public subnets from the descriptor", () => {
    expect(vpc.azs).toEqual(["euw1-az1", "euw1-az2", "euw1-az3"]);
    expect(vpc.cidr).toBe("10.130.0.0/16"); // derived from the deployment id gpp0
    expect(vpc.private_subnets).toHaveLength(3);
    expect(vpc.public_subnets).toHaveLength(3);
    expect(vpc.name).toBe("dev-vpc-gpp0");
  });

  it("tags subnets so EKS Auto Mode places internet-facing and internal load balancers", () => {
    expect(vpc.public_subnet_tags).toEqual({ "kubernetes.io/role/elb": "1" });
    expect(vpc.private_subnet_tags).toEqual({ "kubernetes.io/role/internal-elb": "1" });
  });

  it("turns on DNS support and hostnames", () => {
    expect(vpc).toMatchObject({ enable_dns_support: true, enable_dns_hostnames: true });
  });

  it("uses one NAT gateway outside prod and one per AZ in prod", () => {
    expect(vpc).toMatchObject({ enable_nat_gateway: true, single_nat_gateway: true, one_nat_gateway_per_az: false });
    expect(prod.tf.module.vpc).toMatchObject({ enable_nat_gateway: true, single_nat_gateway: false, one_nat_gateway_per_az: true });
  });

  it("logs all VPC traffic to a log group with the env's retention", () => {
    expect(vpc).toMatchObject({ enable_flow_log: true, flow_log_traffic_type: "ALL", flow_log_destination_type: "cloud-watch-logs" });
    expect(vpc.flow_log_destination_arn).toMatch(/^\$\{aws_cloudwatch_log_group\.network_flow-logs_\w+\.arn\}$/);
    expect(dev.json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/aws/vpc-flow-logs/dev-vpc-gpp0", retention_in_days: 30 });
    expect(prod.json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/aws/vpc-flow-logs/prod-vpc-prd1", retention_in_days: 365 });
  });

  it("delivers flow logs with its own role, allowed to write to that log group only", () => {
    // The module's role (6.5.1, 6.6.0) gets a policy with no resources when the log group is not the module's own.
    expect(vpc.create_flow_log_cloudwatch_iam_role).toBe(false);
    expect(vpc.create_flow_log_cloudwatch_log_group).not.toBe(true);
    const role = roleNamed(dev.tf, "dev-vpc-flow-logs-gpp0");
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
        Action: ["sts:AssumeRole"],
        // Confused-deputy prevention (AWS VPC User Guide, "IAM role for publishing flow logs to CloudWatch Logs").
        Condition: {
          StringEquals: { "aws:SourceAccount": ACCOUNT },
          ArnLike: { "aws:SourceArn": `arn:${PARTITION}:ec2:eu-west-1:${ACCOUNT}:vpc-flow-log/*` },
        },
      },
    ]);
    const roleKey = Object.entries(dev.tf.resource.aws_iam_role).find(([, r]) => (r as { name: string }).name === "dev-vpc-flow-logs-gpp0")![0];
    expect(vpc.flow_log_cloudwatch_iam_role_arn).toBe(`\${aws_iam_role.${roleKey}.arn}`);
    const inline = Object.values(dev.tf.resource.aws_iam_role_policy as Record<string, { role: string; policy: string }>).find((p) => p.role.includes(roleKey))!;
    expect(inline.role).toBe(`\${aws_iam_role.${roleKey}.id}`);
    const statements = JSON.parse(inline.policy).Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toEqual(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"]);
    const group = vpc.flow_log_destination_arn as string;
    expect(statements[0].Resource).toEqual([group, `${group}:*`]);
  });
});

describe("IAM", () => {
  it("lets EKS assume the cluster role with session tags, for this cluster in this account only", () => {
    const role = roleNamed(dev.tf, "dev-eks-cluster-gpp0");
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        // The form of AWS EKS User Guide, "Cross-service confused deputy prevention in Amazon EKS" (cluster role).
        Condition: {
          ArnLike: { "aws:SourceArn": `arn:${PARTITION}:eks:eu-west-1:${ACCOUNT}:cluster/dev-eks-gpp0` },
          StringEquals: { "aws:SourceAccount": ACCOUNT },
        },
      },
    ]);
  });

  it("attaches exactly the five Auto Mode policies to the cluster role", () => {
    const arns: string[] = attachmentsOf(dev.tf, "iam_cluster_role");
    expect(arns.every((a) => a.startsWith(`arn:${PARTITION}:iam::aws:policy/`))).toBe(true);
    expect(arns.map((a) => a.split("/").pop())).toEqual([
      "AmazonEKSClusterPolicy",
      "AmazonEKSComputePolicy",
      "AmazonEKSBlockStoragePolicy",
      "AmazonEKSLoadBalancingPolicy",
      "AmazonEKSNetworkingPolicy",
    ]);
  });

  it("gives nodes their own role, assumed by EC2, with the two node policies", () => {
    const role = roleNamed(dev.tf, "dev-eks-node-gpp0");
    // EC2 documents no aws:SourceArn/SourceAccount for instance-profile roles: a condition would lock nodes out.
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: ["sts:AssumeRole"] }]);
    const arns: string[] = attachmentsOf(dev.tf, "iam_node_role");
    expect(arns.map((a) => a.split("/").pop())).toEqual(["AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly"]);
  });
});

describe("EKS cluster in Auto Mode", () => {
  const cluster = only(dev.tf, "aws_eks_cluster");

  it("enables compute, load balancing and block storage together, without self-managed add-ons", () => {
    expect(cluster).toMatchObject({
      name: "dev-eks-gpp0",
      version: "1.35",
      bootstrap_self_managed_addons: false,
      compute_config: { enabled: true, node_pools: ["general-purpose", "system"] },
      kubernetes_network_config: { elastic_load_balancing: { enabled: true } },
      storage_config: { block_storage: { enabled: true } },
    });
    expect(cluster.compute_config.node_role_arn).toMatch(/aws_iam_role\.iam_node_role_\w+\.arn/);
    expect(cluster.role_arn).toMatch(/aws_iam_role\.iam_cluster_role_\w+\.arn/);
  });

  it("authenticates through access entries only, without EKS's one-time creator entry", () => {
    expect(cluster.access_config).toEqual({ authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false });
  });

  it("keeps clusters created with the creator entry instead of replacing them (the flag is ForceNew)", () => {
    expect(cluster.lifecycle).toEqual({ ignore_changes: ["access_config[0].bootstrap_cluster_creator_admin_permissions"] });
  });

  it("puts nodes in the private subnets and keeps the private endpoint on", () => {
    expect(cluster.vpc_config).toMatchObject({ subnet_ids: "${module.vpc.private_subnets}", endpoint_private_access: true });
  });

  it("limits the public endpoint to the descriptor's allowlist", () => {
    expect(only(prod.tf, "aws_eks_cluster").vpc_config).toMatchObject({ endpoint_public_access: true, public_access_cidrs: ["198.51.100.0/24"] });
  });

  it("turns the public endpoint off when the allowlist is empty", () => {
    const { tf } = synthIac({ deployment_id: "priv", env: "dev", region: "eu-west-1", cluster: { public_access_cidrs: [] } });
    const vpcConfig = only(tf, "aws_eks_cluster").vpc_config;
    expect(vpcConfig.endpoint_public_access).toBe(false);
    expect(vpcConfig).not.toHaveProperty("public_access_cidrs");
  });

  it("encrypts secrets with a customer-managed key that rotates", () => {
    expect(cluster.encryption_config).toEqual({ resources: ["secrets"], provider: { key_arn: expect.stringMatching(/aws_kms_key\.eks_secrets-key_\w+\.arn/) } });
    expect(dev.json).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 7 });
    expect(prod.json).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30 });
  });

  it("ships api, audit and authenticator logs to a log group it creates first, with retention", () => {
    expect(cluster.enabled_cluster_log_types).toEqual(["api", "audit", "authenticator"]);
    expect(dev.json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/aws/eks/dev-eks-gpp0/cluster", retention_in_days: 30 });
    expect(cluster.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_cloudwatch_log_group\.eks_control-plane-logs_/)]));
  });

  it("waits for both roles' policies before creating the cluster", () => {
    expect(cluster.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/attachments_exclusive\.iam_cluster_policies_/), expect.stringMatching(/attachments_exclusive\.iam_node_policies_/)]),
    );
  });

  it("enables zonal shift", () => {
    expect(cluster.zonal_shift_config).toEqual({ enabled: true });
  });

  it("protects prod clusters from deletion, not dev ones", () => {
    expect(cluster.deletion_protection).toBe(false);
    expect(prod.json).toHaveResourceWithProperties(EksCluster, { name: "prod-eks-prd1", deletion_protection: true });
  });

  it("grants the applying principal and each admin of the descriptor cluster admin, one access entry per distinct ARN", () => {
    const entry = only(prod.tf, "aws_eks_access_entry");
    const session = Object.keys(prod.tf.data.aws_iam_session_context)[0];
    expect(entry).toMatchObject({ principal_arn: "${each.value}", type: "STANDARD" });
    expect(entry.for_each).toBe(
      `\${toset(distinct(concat([data.aws_iam_session_context.${session}.issuer_arn], [${prodDoc.cluster.admin_principal_arns.map((a) => JSON.stringify(a)).join(", ")}])))}`,
    );
    // Without admins, still the applier's entry; the Prometheus collector's comes from AMP itself.
    expect(only(dev.tf, "aws_eks_access_entry").for_each).toMatch(/^\$\{toset\(distinct\(concat\(\[data\.aws_iam_session_context\.\w+\.issuer_arn\], \[\]\)\)\)\}$/);
    const association = only(prod.tf, "aws_eks_access_policy_association");
    const entryKey = Object.keys(prod.tf.resource.aws_eks_access_entry)[0];
    expect(association).toMatchObject({
      for_each: `\${aws_eks_access_entry.${entryKey}}`,
      principal_arn: "${each.value.principal_arn}",
      policy_arn: `arn:${PARTITION}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
      access_scope: { type: "cluster" },
    });
    expect(prod.json).toHaveResourceWithProperties(EksAccessEntry, { type: "STANDARD" });
    expect(prod.json).toHaveResourceWithProperties(EksAccessPolicyAssociation, { access_scope: { type: "cluster" } });
  });
});
