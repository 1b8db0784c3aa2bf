/**
 * The document and the facts and diagrams it is made of, from the real synthesized stacks. One file, so one
 * worker synthesizes each deployment and loads Mermaid once (./stacks.ts): each test file gets a worker of
 * its own, which loads cdktf, the provider bindings and the stacks' sources again.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ARCHITECTURE_DOC, REGENERATE_COMMAND, generateDocument, renderDocument, type RenderedDocument } from "../src/document";
import { gitopsFacts, gitopsPathDiagram } from "../src/gitops-path";
import { buildGraph, type StackGraph } from "../src/graph";
import { requestPathDiagram, requestPathFacts } from "../src/request-path";
import { resourcesDiagram } from "../src/resources-diagram";
import { EXAMPLE_GITOPS } from "../src/synth";
import { mermaidParse } from "./mermaid-parser";
import { argocdStacks, defaultStacks, manyTenantStacks } from "./stacks";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

let rendered: RenderedDocument;
beforeAll(() => {
  // What generateDocument renders, from the stacks the other tests read; the second run below is a generateDocument of its own.
  rendered = renderDocument(defaultStacks(), argocdStacks());
});

describe(ARCHITECTURE_DOC, () => {
  it("matches what the generator writes for the current stacks", () => {
    const committed = readFileSync(path.join(root, ARCHITECTURE_DOC), "utf8");
    // A plain boolean first, so the failure leads with the fix rather than a long diff.
    expect(committed === rendered.markdown, `${ARCHITECTURE_DOC} is stale: run ${REGENERATE_COMMAND}`).toBe(true);
  });

  it("is the same on every run (no dates, stable order)", () => {
    expect(generateDocument().markdown).toBe(rendered.markdown);
  });

  it("holds five diagrams that Mermaid's parser accepts: request path, iac, helm, and argocd mode's GitOps path and helm stack", async () => {
    const parse = await mermaidParse();
    expect(rendered.diagrams).toHaveLength(5);
    for (const diagram of rendered.diagrams) {
      await expect(parse(diagram), diagram.split("\n")[1]).resolves.toBeTruthy();
      expect(rendered.markdown).toContain(`\`\`\`mermaid\n${diagram}\n\`\`\``);
    }
  });

  it("uses construct paths, never cdktf's hashed ids, as labels", () => {
    // cdktf's unique ids end in an 8-character uppercase hex hash, e.g. eks_cluster_55B0C966.
    expect(rendered.markdown).not.toMatch(/_[0-9A-F]{8}\b/);
  });
});

describe("Mermaid's parser, as the test uses it", () => {
  it("rejects a broken flowchart, so a syntax error in a diagram fails the test", async () => {
    const parse = await mermaidParse();
    await expect(parse('flowchart LR\n  a["unclosed label\n  a --> b\n')).rejects.toThrow(/Parse error/);
    await expect(parse("flowchart LR\n  subgraph x\n  a --> \n")).rejects.toThrow();
  });
});

describe("the GitOps path drawn from the helm stack", () => {
  const terraformMode = defaultStacks();
  const argocdMode = argocdStacks();

  it("is absent while the helm stack delivers tenants itself (terraform mode)", () => {
    expect(gitopsFacts(terraformMode.helm.json)).toBeUndefined();
  });

  it("reads the pinned Argo CD chart, the repository and revision, and the RollingSync steps with their Applications", () => {
    const facts = gitopsFacts(argocdMode.helm.json)!;
    expect(facts.argocd).toMatchObject({ chart: "argo-cd", namespace: "argocd" });
    expect(facts.source).toMatchObject({ repoURL: EXAMPLE_GITOPS.repo_url, revision: EXAMPLE_GITOPS.revision });
    expect(facts.steps).toEqual([
      { groups: ["canary"], applications: ["tenant-acme"] },
      { groups: ["default"], applications: ["tenant-globex", "tenant-initech"] },
    ]);
  });

  it("draws the steps in order, each after the one before", () => {
    const lines = gitopsPathDiagram(gitopsFacts(argocdMode.helm.json)!);
    expect(lines.filter((l) => l.includes("-->")).map((l) => l.trim().split(" ")[0])).toEqual(["gitops__git", "gitops__argocd", "gitops__step__1"]);
  });
});

describe("the default deployment's request path", () => {
  it("takes zones, subnets, tenants and Traefik replicas from the synthesized stacks", () => {
    const stacks = defaultStacks();
    const { deployment } = stacks;
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
    const stacks = manyTenantStacks(12);
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
