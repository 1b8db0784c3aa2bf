import { MAX_PUBLIC_ACCESS_PREFIX, publicAccessCidrProblem } from "@gpp/deployment";
import { isObject, isToken, referencedResource, resources } from "../terraform";
import type { PolicyInput, Rule, Violation } from "../types";

const clusters = (input: PolicyInput) => resources(input.stacks, ["aws_eks_cluster"]);

/** Terraform JSON writes a nested block as an object, or as a list holding one. */
const block = (value: unknown) => (Array.isArray(value) ? value.find(isObject) : isObject(value) ? value : undefined);

export const secretsEncryptedWithRotatingKey: Rule = {
  id: "AWS-EKS-001",
  title: "Kubernetes secrets are envelope-encrypted with a customer-managed KMS key that rotates",
  control:
    "Secrets in etcd are encrypted with a key this stack owns (so access to it is auditable and revocable) and whose " +
    "material rotates yearly.",
  check: (input) =>
    clusters(input).flatMap((cluster): Violation[] => {
      const config = block(cluster.body.encryption_config);
      const resourcesEncrypted = Array.isArray(config?.resources) ? config.resources : [];
      if (!config || !resourcesEncrypted.includes("secrets")) {
        return [{ address: cluster.address, message: "encryption_config does not encrypt \"secrets\" with a KMS key" }];
      }
      const keyArn = block(config.provider)?.key_arn;
      const key = referencedResource(keyArn);
      if (!key || key.type !== "aws_kms_key") {
        return [{ address: cluster.address, message: `secrets key ${String(keyArn)} is not an aws_kms_key of this stack, so its rotation cannot be verified` }];
      }
      const stackName = cluster.address.split("/")[0];
      const keyBlock = resources(input.stacks.filter((s) => s.name === stackName), ["aws_kms_key"]).find((k) => k.name === key.name);
      if (!keyBlock) return [{ address: cluster.address, message: `secrets key aws_kms_key.${key.name} is not in the stack` }];
      return keyBlock.body.enable_key_rotation === true
        ? []
        : [{ address: keyBlock.address, message: "the cluster's secrets key does not set enable_key_rotation = true" }];
    }),
};

/** The control-plane logs that answer who called the API, what they did, and how they authenticated. */
export const REQUIRED_CONTROL_PLANE_LOGS = ["api", "audit", "authenticator"] as const;

export const controlPlaneLogs: Rule = {
  id: "AWS-EKS-002",
  title: "Control-plane logs api, audit and authenticator are on",
  control: "Every call to the Kubernetes API, and every authentication, is recorded in CloudWatch for investigation.",
  check: (input) =>
    clusters(input).flatMap((cluster) => {
      const enabled = Array.isArray(cluster.body.enabled_cluster_log_types) ? cluster.body.enabled_cluster_log_types.map(String) : [];
      const missing = REQUIRED_CONTROL_PLANE_LOGS.filter((type) => !enabled.includes(type));
      return missing.length === 0 ? [] : [{ address: cluster.address, message: `enabled_cluster_log_types lacks ${missing.join(", ")}` }];
    }),
};

export const privateEndpoint: Rule = {
  id: "AWS-EKS-003",
  title: "The Kubernetes API has its private endpoint on",
  control: "Nodes and in-VPC clients reach the API inside the VPC, never over the internet, in every environment.",
  check: (input) =>
    clusters(input).flatMap((cluster) =>
      block(cluster.body.vpc_config)?.endpoint_private_access === true
        ? []
        : [{ address: cluster.address, message: "vpc_config.endpoint_private_access is not true" }],
    ),
};

export const publicEndpointRestrictedInProd: Rule = {
  id: "AWS-EKS-004",
  title: `In prod, the public API endpoint is off or allowlisted by ranges no wider than /${MAX_PUBLIC_ACCESS_PREFIX.ipv4} (IPv6 /${MAX_PUBLIC_ACCESS_PREFIX.ipv6})`,
  control:
    "The Kubernetes API of a prod cluster is not reachable from the whole internet: only from the listed networks, " +
    `each no wider than /${MAX_PUBLIC_ACCESS_PREFIX.ipv4} (IPv6 /${MAX_PUBLIC_ACCESS_PREFIX.ipv6}), so 0.0.0.0/1 + 128.0.0.0/1 is refused like 0.0.0.0/0 ` +
    "(the provider's default for an unset list is 0.0.0.0/0, so an unset list counts as open).",
  check: (input) => {
    if (input.env !== "prod") return [];
    return clusters(input).flatMap((cluster): Violation[] => {
      const vpc = block(cluster.body.vpc_config) ?? {};
      // The provider's default for endpoint_public_access is true.
      if (vpc.endpoint_public_access === false) return [];
      const cidrs = vpc.public_access_cidrs;
      if (cidrs === undefined) return [{ address: cluster.address, message: "the public endpoint is on with no public_access_cidrs, which defaults to 0.0.0.0/0" }];
      if (!Array.isArray(cidrs) || cidrs.some(isToken)) {
        return [{ address: cluster.address, message: `public_access_cidrs ${JSON.stringify(cidrs)} is not a literal list, so it cannot be verified` }];
      }
      if (cidrs.length === 0) return [{ address: cluster.address, message: "public_access_cidrs is empty while the public endpoint is on (AWS then opens it to 0.0.0.0/0)" }];
      return cidrs.map(String).flatMap((cidr) => {
        const problem = publicAccessCidrProblem(cidr);
        return problem ? [{ address: cluster.address, message: `public_access_cidrs: ${problem}` }] : [];
      });
    });
  },
};

export const apiAuthenticationMode: Rule = {
  id: "AWS-EKS-005",
  title: "Cluster access is granted by access entries only (authentication mode API)",
  control:
    "Who may use the cluster is managed through the EKS API (auditable in CloudTrail), never through the aws-auth " +
    "ConfigMap, which anyone able to edit kube-system ConfigMaps could use to grant themselves admin.",
  check: (input) =>
    clusters(input).flatMap((cluster) => {
      const mode = block(cluster.body.access_config)?.authentication_mode;
      return mode === "API" ? [] : [{ address: cluster.address, message: `access_config.authentication_mode is ${mode === undefined ? "unset (CONFIG_MAP)" : String(mode)}, not API` }];
    }),
};

export const EKS_RULES: readonly Rule[] = [
  secretsEncryptedWithRotatingKey,
  controlPlaneLogs,
  privateEndpoint,
  publicEndpointRestrictedInProd,
  apiAuthenticationMode,
];
