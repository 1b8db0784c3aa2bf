import { describe, expect, it } from "vitest";
import { apiAuthenticationMode, controlPlaneLogs, privateEndpoint, publicEndpointRestrictedInProd, secretsEncryptedWithRotatingKey } from "../src/rules/eks";
import type { Json } from "../src/types";
import { run, stackInput } from "./builders";

/** The shape the iac stack synthesizes, trimmed to what the rules read. */
const cluster = (overrides: Json = {}): Json => ({
  name: "dev-eks-tst1",
  access_config: { authentication_mode: "API" },
  enabled_cluster_log_types: ["api", "audit", "authenticator"],
  encryption_config: { provider: { key_arn: "${aws_kms_key.secrets.arn}" }, resources: ["secrets"] },
  vpc_config: { endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ["198.51.100.0/24"] },
  ...overrides,
});
const withKey = (clusterBody: Json, key: Json = { enable_key_rotation: true }) => ({ aws_eks_cluster: { c: clusterBody }, aws_kms_key: { secrets: key } });

describe("AWS-EKS-001 secrets encrypted with a rotating customer-managed key", () => {
  it("passes a cluster whose secrets key is a rotating aws_kms_key of the stack", () => {
    expect(run(secretsEncryptedWithRotatingKey, stackInput(withKey(cluster())))).toEqual([]);
  });

  it("flags a cluster without secrets encryption", () => {
    const { encryption_config: _drop, ...plain } = cluster();
    expect(run(secretsEncryptedWithRotatingKey, stackInput({ aws_eks_cluster: { c: plain } }))).toEqual([
      { address: "test-stack/aws_eks_cluster.c", message: expect.stringContaining('does not encrypt "secrets"') },
    ]);
  });

  it("flags a secrets key that does not rotate", () => {
    expect(run(secretsEncryptedWithRotatingKey, stackInput(withKey(cluster(), { enable_key_rotation: false })))).toEqual([
      { address: "test-stack/aws_kms_key.secrets", message: expect.stringContaining("enable_key_rotation") },
    ]);
  });

  it("flags a key from outside the stack, whose rotation cannot be verified", () => {
    const external = cluster({ encryption_config: { provider: { key_arn: "arn:aws:kms:eu-west-1:111122223333:key/abc" }, resources: ["secrets"] } });
    expect(run(secretsEncryptedWithRotatingKey, stackInput({ aws_eks_cluster: { c: external } }))).toEqual([
      { address: "test-stack/aws_eks_cluster.c", message: expect.stringContaining("cannot be verified") },
    ]);
  });
});

describe("AWS-EKS-001 what does not count as encrypted with a rotating key of the stack", () => {
  it("flags encryption_config that names no secrets", () => {
    const none = cluster({ encryption_config: { provider: { key_arn: "${aws_kms_key.secrets.arn}" }, resources: [] } });
    expect(run(secretsEncryptedWithRotatingKey, stackInput(withKey(none)))).toEqual([
      { address: "test-stack/aws_eks_cluster.c", message: expect.stringContaining('does not encrypt "secrets"') },
    ]);
  });

  it("flags a key reached through another resource (an alias), whose rotation cannot be read", () => {
    const viaAlias = cluster({ encryption_config: { provider: { key_arn: "${aws_kms_alias.secrets.target_key_arn}" }, resources: ["secrets"] } });
    expect(run(secretsEncryptedWithRotatingKey, stackInput(withKey(viaAlias)))).toEqual([
      { address: "test-stack/aws_eks_cluster.c", message: expect.stringContaining("is not an aws_kms_key of this stack") },
    ]);
  });

  it("flags a reference to an aws_kms_key the stack does not contain", () => {
    expect(run(secretsEncryptedWithRotatingKey, stackInput({ aws_eks_cluster: { c: cluster() } }))).toEqual([
      { address: "test-stack/aws_eks_cluster.c", message: "secrets key aws_kms_key.secrets is not in the stack" },
    ]);
  });
});

describe("AWS-EKS-002 control-plane logs", () => {
  it("passes api, audit and authenticator", () => {
    expect(run(controlPlaneLogs, stackInput(withKey(cluster())))).toEqual([]);
  });

  it("flags a cluster that does not ship audit and authenticator logs", () => {
    expect(run(controlPlaneLogs, stackInput({ aws_eks_cluster: { c: cluster({ enabled_cluster_log_types: ["api", "scheduler"] }) } }))).toEqual([
      { address: "test-stack/aws_eks_cluster.c", message: "enabled_cluster_log_types lacks audit, authenticator" },
    ]);
  });
});

describe("AWS-EKS-003 private endpoint on", () => {
  it("flags a cluster whose API is reachable only through the public endpoint", () => {
    const publicOnly = cluster({ vpc_config: { endpoint_private_access: false, endpoint_public_access: true } });
    expect(run(privateEndpoint, stackInput({ aws_eks_cluster: { c: publicOnly } }))).toHaveLength(1);
    expect(run(privateEndpoint, stackInput({ aws_eks_cluster: { c: cluster() } }))).toEqual([]);
  });

  it("flags a cluster that leaves endpoint_private_access unset (the provider's default is false)", () => {
    const unset = cluster({ vpc_config: { endpoint_public_access: true, public_access_cidrs: ["198.51.100.0/24"] } });
    expect(run(privateEndpoint, stackInput({ aws_eks_cluster: { c: unset } }))).toEqual([
      { address: "test-stack/aws_eks_cluster.c", message: "vpc_config.endpoint_private_access is not true" },
    ]);
  });
});

describe("AWS-EKS-004 public endpoint not open to the world in prod", () => {
  const open = cluster({ vpc_config: { endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ["0.0.0.0/0"] } });

  it("flags a prod cluster whose public endpoint allows 0.0.0.0/0", () => {
    expect(run(publicEndpointRestrictedInProd, stackInput({ aws_eks_cluster: { c: open } }, { env: "prod" }))).toEqual([
      { address: "test-stack/aws_eks_cluster.c", message: "public_access_cidrs: 0.0.0.0/0 is wider than /16, the widest range the public API endpoint may be opened to" },
    ]);
  });

  it("flags the whole internet written as two halves, and any range wider than /16, not only /0", () => {
    const halves = cluster({ vpc_config: { endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ["0.0.0.0/1", "128.0.0.0/1", "198.51.100.0/24"] } });
    expect(run(publicEndpointRestrictedInProd, stackInput({ aws_eks_cluster: { c: halves } }, { env: "prod" })).map((f) => f.message)).toEqual([
      "public_access_cidrs: 0.0.0.0/1 is wider than /16, the widest range the public API endpoint may be opened to",
      "public_access_cidrs: 128.0.0.0/1 is wider than /16, the widest range the public API endpoint may be opened to",
    ]);
    const edge = (cidr: string) => cluster({ vpc_config: { endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: [cidr] } });
    expect(run(publicEndpointRestrictedInProd, stackInput({ aws_eks_cluster: { c: edge("203.0.0.0/15") } }, { env: "prod" }))).toHaveLength(1);
    expect(run(publicEndpointRestrictedInProd, stackInput({ aws_eks_cluster: { c: edge("203.0.0.0/16") } }, { env: "prod" }))).toEqual([]);
    expect(run(publicEndpointRestrictedInProd, stackInput({ aws_eks_cluster: { c: edge("2001:db8::/47") } }, { env: "prod" }))).toHaveLength(1);
    expect(run(publicEndpointRestrictedInProd, stackInput({ aws_eks_cluster: { c: edge("2001:db8::/48") } }, { env: "prod" }))).toEqual([]);
    expect(run(publicEndpointRestrictedInProd, stackInput({ aws_eks_cluster: { c: edge("office") } }, { env: "prod" })).map((f) => f.message)).toEqual([
      "public_access_cidrs: office is not a CIDR block",
    ]);
  });

  it("flags a prod cluster whose public endpoint has no allowlist (the provider then opens it to the world)", () => {
    const unset = cluster({ vpc_config: { endpoint_private_access: true } });
    expect(run(publicEndpointRestrictedInProd, stackInput({ aws_eks_cluster: { c: unset } }, { env: "prod" }))).toEqual([
      { address: "test-stack/aws_eks_cluster.c", message: expect.stringContaining("defaults to 0.0.0.0/0") },
    ]);
  });

  it.each([
    ["::/0 (every IPv6 address)", ["198.51.100.0/24", "::/0"], "public_access_cidrs: ::/0 is wider than /48, the widest range the public API endpoint may be opened to"],
    ["an empty list", [], "public_access_cidrs is empty while the public endpoint is on (AWS then opens it to 0.0.0.0/0)"],
    ["an apply-time expression", ["${var.office_cidr}"], 'public_access_cidrs ["${var.office_cidr}"] is not a literal list, so it cannot be verified'],
  ])("flags a prod public endpoint allowlisted by %s", (_name, cidrs, message) => {
    const c = cluster({ vpc_config: { endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: cidrs } });
    expect(run(publicEndpointRestrictedInProd, stackInput({ aws_eks_cluster: { c } }, { env: "prod" }))).toEqual([{ address: "test-stack/aws_eks_cluster.c", message }]);
  });

  it("accepts an allowlisted or switched-off public endpoint in prod, and an open one outside prod", () => {
    const off = cluster({ vpc_config: { endpoint_private_access: true, endpoint_public_access: false } });
    expect(run(publicEndpointRestrictedInProd, stackInput({ aws_eks_cluster: { a: cluster(), b: off } }, { env: "prod" }))).toEqual([]);
    expect(run(publicEndpointRestrictedInProd, stackInput({ aws_eks_cluster: { c: open } }, { env: "dev" }))).toEqual([]);
  });
});

describe("AWS-EKS-005 access entries only", () => {
  it("flags a cluster that still reads the aws-auth ConfigMap", () => {
    const both = cluster({ access_config: { authentication_mode: "API_AND_CONFIG_MAP" } });
    expect(run(apiAuthenticationMode, stackInput({ aws_eks_cluster: { c: both } }))).toEqual([
      { address: "test-stack/aws_eks_cluster.c", message: "access_config.authentication_mode is API_AND_CONFIG_MAP, not API" },
    ]);
    expect(run(apiAuthenticationMode, stackInput({ aws_eks_cluster: { c: cluster() } }))).toEqual([]);
  });
});
