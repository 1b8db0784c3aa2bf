import { describe, expect, it } from "vitest";
import { buildGraph, interpolations, referencedAddresses } from "../src/graph";

const meta = (path: string) => ({ "//": { metadata: { path: `s/${path}`, uniqueId: "x" } } });

describe("interpolations", () => {
  it("returns each ${...} body, nested braces included", () => {
    expect(interpolations('${aws_iam_role.r_1A2B3C4D.arn}-x-${{for k, v in module.vpc.tags : k => v}}')).toEqual([
      "aws_iam_role.r_1A2B3C4D.arn",
      "{for k, v in module.vpc.tags : k => v}",
    ]);
  });
});

describe("referencedAddresses", () => {
  const known = new Set(["aws_kms_key.key_ABCD", "module.vpc", "data.aws_partition.p_1"]);
  it("finds resources, modules and data sources inside function calls", () => {
    expect(referencedAddresses('jsonencode([aws_kms_key.key_ABCD.arn, "arn:${data.aws_partition.p_1.partition}", module.vpc.vpc_id])', known).sort()).toEqual(
      ["aws_kms_key.key_ABCD", "data.aws_partition.p_1", "module.vpc"].sort(),
    );
  });
  it("ignores variables, locals, each and attributes of unknown nodes", () => {
    expect(referencedAddresses("var.x + local.y + each.value + aws_vpc.other.id", known)).toEqual([]);
  });
});

describe("buildGraph", () => {
  const stack = {
    provider: { kubernetes: [{ host: "${data.aws_eks_cluster.c.endpoint}" }], aws: [{ region: "eu-west-1" }] },
    data: { aws_eks_cluster: { c: { ...meta("cluster/cluster"), name: "dev-eks-gpp0" } } },
    module: { vpc: { ...meta("network/vpc"), source: "terraform-aws-modules/vpc/aws" } },
    resource: {
      aws_kms_key: { key: { ...meta("eks/key") } },
      aws_eks_cluster: {
        eks: {
          ...meta("eks/cluster"),
          encryption_config: { provider: { key_arn: "${aws_kms_key.key.arn}" } },
          vpc_config: { subnet_ids: "${module.vpc.private_subnets}" },
          depends_on: ["aws_kms_key.key", "module.vpc"],
        },
      },
      kubernetes_namespace_v1: { ns: { ...meta("ingress/namespace"), provider: "kubernetes", metadata: { name: "traefik" } } },
    },
  };
  const graph = buildGraph("s", stack);

  it("names nodes by construct path, without the stack prefix", () => {
    expect(graph.nodes.get("aws_eks_cluster.eks")?.path).toBe("eks/cluster");
    expect(graph.nodes.get("module.vpc")?.path).toBe("network/vpc");
  });

  it("draws references, keeps them over a depends_on of the same pair, and links providers", () => {
    expect(graph.edges).toEqual([
      { from: "aws_kms_key.key", to: "aws_eks_cluster.eks", kind: "reference" },
      { from: "data.aws_eks_cluster.c", to: "provider.kubernetes", kind: "reference" },
      { from: "module.vpc", to: "aws_eks_cluster.eks", kind: "reference" },
      { from: "provider.kubernetes", to: "kubernetes_namespace_v1.ns", kind: "reference" },
    ]);
  });

  it("marks an ordering-only dependency as depends_on", () => {
    const g = buildGraph("s", { resource: { a: { x: { ...meta("a") } }, b: { y: { ...meta("b"), depends_on: ["a.x"] } } } });
    expect(g.edges).toEqual([{ from: "a.x", to: "b.y", kind: "depends_on" }]);
  });
});
