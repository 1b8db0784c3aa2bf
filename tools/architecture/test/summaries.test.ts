import { parseDeployment } from "@gpp/deployment";
import { beforeAll, describe, expect, it } from "vitest";
import { buildGraph, type StackGraph } from "../src/graph";
import { requestPathDiagram, requestPathFacts } from "../src/request-path";
import { resourcesDiagram } from "../src/resources-diagram";
import { loadDefaultDeployment, synthesizeStacks } from "../src/synth";
import { mermaidParse } from "./mermaid-parser";

const manyTenants = (count: number) =>
  parseDeployment(
    ["deployment_id: many", "env: dev", "region: eu-central-1", "tenants:", ...Array.from({ length: count }, (_, i) => `  - id: t${String(i).padStart(2, "0")}`)].join("\n"),
    "many.yaml",
  );

describe("the default deployment's request path", () => {
  it("takes zones, subnets, tenants and Traefik replicas from the synthesized stacks", () => {
    const deployment = loadDefaultDeployment();
    const stacks = synthesizeStacks(deployment);
    const facts = requestPathFacts(buildGraph(stacks.iac.name, stacks.iac.json), buildGraph(stacks.helm.name, stacks.helm.json));
    expect(facts.zones.map((z) => z.name)).toEqual(deployment.availability_zones);
    expect(facts.zones.map((z) => z.publicSubnet)).toEqual(deployment.network.public_subnets);
    expect(facts.zones.map((z) => z.privateSubnet)).toEqual(deployment.network.private_subnets);
    expect(facts.tenants.map((t) => [t.namespace, t.host])).toEqual(deployment.tenants.map((t) => [`tenant-${t.id}`, t.host]));
    expect(facts.tenants.every((t) => t.containerPort === 8080 && t.zoneSpread)).toBe(true);
    expect(facts.ingress.replicas).toBe(`${deployment.availability_zones.length}–10 (HPA)`);
    // A dev deployment's tenants scale to zero out of hours: KEDA, not the HPA, sets their range.
    expect(facts.tenants.map((t) => t.replicas)).toEqual(deployment.tenants.map(() => "0–10 (KEDA: cron + CPU)"));
    expect(facts.loadBalancer).toMatchObject({ className: "eks.amazonaws.com/nlb", scheme: "internet-facing" });
    expect(facts.clusterName).toBe("dev-eks-gpp0");
  });
});

describe("summaries of a deployment with 12 tenants", () => {
  let helm: StackGraph;
  let iac: StackGraph;
  beforeAll(() => {
    const stacks = synthesizeStacks(manyTenants(12));
    helm = buildGraph(stacks.helm.name, stacks.helm.json);
    iac = buildGraph(stacks.iac.name, stacks.iac.json);
  });

  it("draws the first tenant in full, three more as one node each, and the other eight as '+8 more'", () => {
    const text = resourcesDiagram("helm", helm).lines.join("\n");
    expect(text).toContain('subgraph helm__group__tenant_t00["tenant-t00"]');
    for (const id of ["t01", "t02", "t03"]) expect(text).toContain(`tenant-${id}<br/>same 4 resources as tenant-t00`);
    expect(text).toContain("+8 more like tenant-t00");
    expect(text).not.toContain("tenant-t04");
  });

  it("merges the four alarms into one node and keeps each arrow once", () => {
    const lines = resourcesDiagram("iac", iac).lines;
    expect(lines.join("\n")).toContain("aws_cloudwatch_metric_alarm x4");
    const edges = lines.filter((l) => l.includes("-->") || l.includes("-.->"));
    expect(new Set(edges).size).toBe(edges.length);
  });

  it("shows three tenants on the request path and counts the rest", async () => {
    const diagram = requestPathDiagram(requestPathFacts(iac, helm));
    const text = diagram.join("\n");
    expect(text).toContain("+9 more tenants");
    expect(text).toContain("euc1-az3, private");
    expect(diagram.filter((l) => l.includes('("t0') && l.includes("pods"))).toHaveLength(9);
    await expect((await mermaidParse())(text)).resolves.toBeTruthy();
  });
});
