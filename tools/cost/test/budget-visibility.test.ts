import { parseDeployment } from "@gpp/deployment";
import { describe, expect, it } from "vitest";
import { NLB_RESOURCE_TAGS_ANNOTATION, budgetVisibility, parseResourceTags } from "../src/budget-visibility";
import { estimateBaseline, formatEstimate } from "../src/estimate";
import { synthesizeDeployment } from "../src/synth";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const dev = parseDeployment("deployment_id: gpp0\nenv: dev\nregion: eu-west-1\ntenants: [{id: acme}]\n", "gpp0.yaml");
const stacks = synthesizeDeployment(dev);
const estimate = (iac: Json, helm: Json) => estimateBaseline(dev, iac, helm);
const unseen = (iac: Json, helm: Json) => estimate(iac, helm).lines.filter((l) => !l.budgetSees).map((l) => l.item);

/** A copy of a stack with one change, so each carrier can be taken away on its own. */
function edited(stack: Json, change: (copy: Json) => void): Json {
  const copy = structuredClone(stack);
  change(copy);
  return copy;
}
const manifestsOf = (helm: Json) => Object.values(helm.resource.kubernetes_manifest as Json).map((r) => (r as Json).manifest as Json);
const traefikValues = (helm: Json) => Object.values(helm.resource.helm_release as Json).find((r) => (r as Json).chart === "traefik") as Json;

describe("what the budget sees", () => {
  it("sees every costed line of the default deployment: each resource kind carries deployment=gpp0", () => {
    const e = estimate(stacks.iac, stacks.helm);
    expect(e.lines.filter((l) => l.quantity > 0 && !l.budgetSees).map((l) => l.item)).toEqual([]);
    expect(e.budgetSeesUsd).toBe(e.totalUsd);
    expect(formatEstimate(e)).not.toContain("BUDGET CANNOT SEE IT");
  });

  it("loses the nodes, their fee and volumes when the NodeClass does not tag deployment", () => {
    const helm = edited(stacks.helm, (h) => {
      for (const m of manifestsOf(h)) if (m.kind === "NodeClass") delete m.spec.tags.deployment;
    });
    expect(unseen(stacks.iac, helm)).toEqual(["Auto Mode nodes (EC2, on demand)", "Auto Mode management fee", "Auto Mode node volumes (EBS gp3)"]);
    expect(formatEstimate(estimate(stacks.iac, helm))).toContain("BUDGET CANNOT SEE IT: no deployment tag from NodeClass tags");
  });

  it("loses the nodes when no NodePool uses the tagged NodeClass", () => {
    const helm = edited(stacks.helm, (h) => {
      for (const m of manifestsOf(h)) if (m.kind === "NodePool") m.spec.template.spec.nodeClassRef.name = "default";
    });
    expect(unseen(stacks.iac, helm)).toContain("Auto Mode nodes (EC2, on demand)");
  });

  it("loses the NLB lines when the Traefik Service has no tags annotation", () => {
    const helm = edited(stacks.helm, (h) => {
      const release = traefikValues(h);
      const values = JSON.parse(release.values[0]);
      delete values.service.annotations[NLB_RESOURCE_TAGS_ANNOTATION];
      release.values = [JSON.stringify(values)];
    });
    expect(unseen(stacks.iac, helm)).toEqual(["Network Load Balancer", "NLB capacity units", "Public IPv4 addresses (NLB)"]);
  });

  it("loses every Terraform-created line without the provider's default tag", () => {
    const iac = edited(stacks.iac, (i) => {
      delete i.provider.aws[0].default_tags[0].tags.deployment;
    });
    const lost = unseen(iac, stacks.helm);
    expect(lost).toContain("EKS control plane (standard support)");
    expect(lost).toContain("NAT gateway");
    expect(lost).not.toContain("Network Load Balancer");
    const e = estimate(iac, stacks.helm);
    expect(e.budgetSeesUsd).toBeLessThan(e.totalUsd);
  });

  it("reads the node volume size from the NodeClass", () => {
    expect(budgetVisibility("gpp0", stacks.iac, stacks.helm).nodeVolumeGi).toBe(80);
    const helm = edited(stacks.helm, (h) => {
      for (const m of manifestsOf(h)) if (m.kind === "NodeClass") m.spec.ephemeralStorage.size = "100Gi";
    });
    expect(estimate(stacks.iac, helm).lines.find((l) => l.item === "Auto Mode node volumes (EBS gp3)")?.quantity).toBe(300);
  });

  it("reads the annotation as k=v pairs, and a tag for another deployment does not count", () => {
    expect(parseResourceTags("a=b, deployment = gpp0")).toEqual({ a: "b", deployment: "gpp0" });
    expect(budgetVisibility("gpp1", stacks.iac, stacks.helm).tagged.size).toBe(0);
  });
});
