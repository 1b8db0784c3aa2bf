import { DEFAULT_BUDGET_USD, DeploymentError, KNOWN_REGIONS, parseDeployment } from "@gpp/deployment";
import { describe, expect, it } from "vitest";
import { estimateBaseline, formatEstimate, loadBalancerCount, natGatewayCount, regionPrices } from "../src/estimate";
import { NLB_RESOURCE_TAGS_ANNOTATION, budgetVisibility, parseResourceTags } from "../src/budget-visibility";
import { PRICES } from "../src/prices";
import { synthesizeDeployment } from "../src/synth";

const dev = parseDeployment("deployment_id: gpp0\nenv: dev\nregion: eu-west-1\ntenants: [{id: acme}]\n", "gpp0.yaml");
const prod = parseDeployment(
  "deployment_id: prd1\nenv: prod\nregion: eu-west-1\ncluster: {public_access_cidrs: [198.51.100.0/24]}\nstate: {backend: s3, bucket: example-gpp-terraform-state}\n",
  "prd1.yaml",
);
const devStacks = synthesizeDeployment(dev);
let prodSynthesized: ReturnType<typeof synthesizeDeployment> | undefined;
/** Synthesized on first use and then shared: several tests read the prod stacks, none changes them. */
const prodStacksOnce = () => (prodSynthesized ??= synthesizeDeployment(prod));
const devEstimate = estimateBaseline(dev, devStacks.iac, devStacks.helm);
const byItem = (item: string) => devEstimate.lines.find((l) => l.item === item)!;

describe("the monthly baseline estimate", () => {
  it("counts one EKS control plane at 730 hours", () => {
    expect(byItem("EKS control plane (standard support)")).toMatchObject({ quantity: 1, monthlyUsd: 73 });
  });

  it("reads the NAT gateway count from the VPC module's settings: one outside prod, one per AZ in prod", () => {
    expect(natGatewayCount(devStacks.iac)).toBe(1);
    const prodStacks = prodStacksOnce();
    expect(natGatewayCount(prodStacks.iac)).toBe(3);
    const prodEstimate = estimateBaseline(prod, prodStacks.iac, prodStacks.helm);
    expect(prodEstimate.lines.find((l) => l.item === "NAT gateway")).toMatchObject({ quantity: 3, monthlyUsd: Math.round(3 * 0.048 * 730 * 100) / 100 });
  });

  it("counts the Traefik entry point as one NLB with a public address in each AZ", () => {
    expect(loadBalancerCount(devStacks.helm)).toBe(1);
    expect(byItem("Public IPv4 addresses (NAT)").quantity).toBe(1);
    expect(byItem("Public IPv4 addresses (NLB)").quantity).toBe(3);
  });

  it("prices logs from the log groups the stack creates and the stated ingestion assumption", () => {
    expect(byItem("CloudWatch Logs ingestion")).toMatchObject({ quantity: 10, unitPrice: PRICES["eu-west-1"]!.logsIngestGb });
  });

  it("totals its lines", () => {
    const sum = devEstimate.lines.reduce((s, l) => s + l.monthlyUsd, 0);
    expect(devEstimate.totalUsd).toBeCloseTo(sum, 2);
    expect(devEstimate.totalUsd).toBeGreaterThan(300);
  });

  it("states the region, the date of the list prices and every assumption", () => {
    const text = formatEstimate(devEstimate);
    expect(text).toMatch(/Deployment gpp0 in eu-west-1: estimated monthly baseline \$\d+\.\d\d/);
    expect(text).toMatch(/list prices for eu-west-1 in tools\/cost\/src\/prices\.ts, entered by hand on \d{4}-\d{2}-\d{2} from AWS's published pricing pages, not checked against the live price list/);
    for (const assumption of devEstimate.assumptions) expect(text).toContain(assumption);
    expect(text).toContain("not estimated");
  });

  it("prices the Prometheus collector's hourly charge as a line, leaving only its samples usage-based", () => {
    expect(byItem("Prometheus collector (AMP scraper)")).toMatchObject({ quantity: 1, hours: 730 });
    const amp = devEstimate.notEstimated.find((n) => n.includes("Prometheus"));
    expect(amp).toMatch(/hourly charge is a line above/);
  });

  it("keeps the default budgets' 80 % forecast line a fifth above the baseline, room for the usage it does not price", () => {
    expect(devEstimate.totalUsd * 1.2).toBeLessThan(DEFAULT_BUDGET_USD.nonProd * 0.8);
    const prodStacks = prodStacksOnce();
    expect(estimateBaseline(prod, prodStacks.iac, prodStacks.helm).totalUsd * 1.2).toBeLessThan(DEFAULT_BUDGET_USD.prod * 0.8);
  });

  it("prints rows whose arithmetic a reader can redo: quantity x hours x price = amount", () => {
    const rows = formatEstimate(devEstimate).split("\n").filter((row) => / @ +\$/.test(row));
    expect(rows).toHaveLength(devEstimate.lines.length);
    for (const row of rows) {
      const match = /^\s+.+?\s{2,}(\d+(?:\.\d+)?) \S+(?: x (\d+) h)? +@ +\$(\d+\.\d+)\S* +\$(\d+\.\d\d)/.exec(row);
      expect(match, row).not.toBeNull();
      const [, quantity, hours, price, amount] = match!;
      expect(Number(quantity) * Number(hours ?? 1) * Number(price), row).toBeCloseTo(Number(amount), 1);
    }
  });

  it("takes every count from the stacks and every usage from the stated assumptions", () => {
    expect(Object.fromEntries(devEstimate.lines.map((l) => [l.item, l.quantity]))).toEqual({
      "EKS control plane (standard support)": 1,
      "NAT gateway": 1,
      "NAT data processing": 50,
      "Network Load Balancer": 1,
      "NLB capacity units": 1,
      "Public IPv4 addresses (NAT)": 1,
      "Public IPv4 addresses (NLB)": 3,
      "KMS customer-managed keys": 1,
      "CloudWatch Logs ingestion": 10,
      "CloudWatch alarms": 4,
      "Prometheus collector (AMP scraper)": 1,
      "Auto Mode nodes (EC2, on demand)": 3,
      "Auto Mode management fee": 3,
      // 3 nodes x the NodeClass's 80Gi root volume.
      "Auto Mode node volumes (EBS gp3)": 240,
      // One tenant's availability series: 43,800 evaluations x 3 Traefik pods x 3 codes x 10 samples read
      // by the recording rule, plus 3 codes x 3 reads by the alert; 3 series written per evaluation.
      "Availability rules: samples read": 4.34,
      "Availability rules: samples written": 0.13,
    });
    const prodStacks = prodStacksOnce();
    const prodLines = estimateBaseline(prod, prodStacks.iac, prodStacks.helm).lines;
    expect(prodLines.find((l) => l.item === "NAT data processing")?.quantity).toBe(500);
    expect(prodLines.find((l) => l.item === "CloudWatch Logs ingestion")?.quantity).toBe(30 + 50);
    expect(natGatewayCount({ module: { vpc: { enable_nat_gateway: false, azs: ["a", "b", "c"] } } })).toBe(0);
  });

  it("mentions off-hours scaling exactly when the deployment scales to zero", () => {
    expect(devEstimate.assumptions.some((a) => a.includes("off-hours"))).toBe(Boolean(dev.scaling.off_hours));
    const prodStacks = prodStacksOnce();
    expect(estimateBaseline(prod, prodStacks.iac, prodStacks.helm).assumptions.some((a) => a.includes("off-hours"))).toBe(false);
  });

  it("prices each region of the regions list from its own list, never another region's", () => {
    for (const region of KNOWN_REGIONS) {
      const deployment = parseDeployment(`deployment_id: rg01\nenv: dev\nregion: ${region}\n`, "rg01.yaml");
      expect(regionPrices(deployment)).toEqual({ priceRegion: region, prices: PRICES[region] });
    }
  });

  it("refuses a region without list prices, naming the file and the field, instead of using us-east-1's", () => {
    // The schema refuses such a region first; this is the guard for a deployment that reaches cost anyway.
    for (const region of ["cn-north-1", "ap-southeast-2"]) {
      const elsewhere = { ...dev, file: "/abs/deployments/ap01.yaml", region };
      expect(() => estimateBaseline(elsewhere, devStacks.iac, devStacks.helm)).toThrow(DeploymentError);
      expect(() => estimateBaseline(elsewhere, devStacks.iac, devStacks.helm)).toThrow(
        `/abs/deployments/ap01.yaml: region: ${region} has no list prices in tools/cost/src/prices.ts (priced: us-east-1, eu-west-1, eu-central-1)`,
      );
    }
  });
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// The same dev deployment and synth as the estimate above: one worker, one synth (each test file gets a worker of its own).
const stacks = devStacks;
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
