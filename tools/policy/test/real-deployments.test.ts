import { readFileSync } from "node:fs";
import path from "node:path";
import { parseDeployment } from "@gpp/deployment";
import { beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { collectEvidence, type Evidence } from "../src/collect";
import { evaluate, formatFindings } from "../src/engine";
import { containersOf, kindOf, nameOf, podBearing } from "../src/kubernetes";
import { resources } from "../src/terraform";
import { FIXTURES_DIR, helm, helmPath, loadDefaultDeployment, loadProdDeployment } from "./deployments";

/** Kinds of the objects in a namespace, and the Namespace itself. */
const kindsIn = (evidence: Evidence, namespace: string) =>
  evidence.input.kubernetes.filter((o) => o.namespace === namespace || (kindOf(o) === "Namespace" && nameOf(o) === namespace)).map(kindOf);

describe.skipIf(!helm.found)("the real stacks and rendered manifests", () => {
  const dev = loadDefaultDeployment();
  const prod = loadProdDeployment();
  let devEvidence: Evidence;
  let prodEvidence: Evidence;

  beforeAll(() => {
    devEvidence = collectEvidence(dev, helmPath);
    prodEvidence = collectEvidence(prod, helmPath);
  });

  it("of the default deployment (dev) produce no findings", () => {
    const findings = evaluate(devEvidence.input);
    expect(findings, formatFindings(findings)).toEqual([]);
  });

  it("of the prod fixture produce no findings, prod-only rules included", () => {
    expect(prodEvidence.input.env).toBe("prod");
    const findings = evaluate(prodEvidence.input);
    expect(findings, formatFindings(findings)).toEqual([]);
  });

  it("hold what the rules are about, so zero findings is not zero coverage", () => {
    for (const [deployment, evidence] of [[dev, devEvidence], [prod, prodEvidence]] as const) {
      const { input } = evidence;
      expect(input.stacks.map((s) => s.name).sort()).toEqual([`${deployment.env}-helm-${deployment.deployment_id}`, `${deployment.env}-iac-${deployment.deployment_id}`]);
      expect(resources(input.stacks, ["aws_eks_cluster"])).toHaveLength(1);
      expect(resources(input.stacks, ["aws_iam_role"]).length).toBeGreaterThanOrEqual(3);
      expect(resources(input.stacks, ["aws_cloudwatch_log_group"]).length).toBeGreaterThanOrEqual(2);
      expect(input.tenantNamespaces).toEqual(deployment.tenants.map((t) => `tenant-${t.id}`));
      for (const namespace of input.tenantNamespaces) {
        expect(kindsIn(evidence, namespace)).toEqual(expect.arrayContaining(["Namespace", "ResourceQuota", "LimitRange", "NetworkPolicy", "Deployment", "ServiceAccount", "Service"]));
      }
      // Every pod template rendered from a tenant release: the app and the helm test hook, per tenant.
      expect(podBearing(input.kubernetes)).toHaveLength(2 * deployment.tenants.length);
      // Only charts fetched from a repository are left unrendered (Traefik, and KEDA where it is installed).
      for (const { reason } of evidence.unrendered) expect(reason).toMatch(/^remote chart https:\/\//);
    }
  });

  it("renders the prod fixture's images pinned by the descriptor's digest", () => {
    const images = podBearing(prodEvidence.input.kubernetes).flatMap(({ pod }) => containersOf(pod.spec).map((c) => String(c.container.image)));
    expect(images).toContain(`gradyent/tech-interview:latest@${prod.service.image.digest}`);
    expect(prodEvidence.input.stacks.every((s) => Object.keys(s.json.terraform?.backend ?? {})[0] === "s3")).toBe(true);
  });

  it("flags a prod deployment whose image is not pinned, both in the release values and in the rendered Deployments", () => {
    const doc = YAML.parse(readFileSync(path.join(FIXTURES_DIR, "prd1.yaml"), "utf8")) as { service: { image: { digest?: string } } };
    delete doc.service.image.digest;
    const unpinned = parseDeployment(JSON.stringify(doc), "prd1-unpinned.yaml");
    const findings = evaluate(collectEvidence(unpinned, helmPath).input);
    expect(new Set(findings.map((f) => f.ruleId))).toEqual(new Set(["K8S-IMG-001"]));
    // Per tenant: its helm_release values and its rendered Deployment.
    expect(findings).toHaveLength(2 * unpinned.tenants.length);
  });

  it("flags the default deployment once it is prod: public endpoint open to the world, local state, image by tag", () => {
    const asProd = { ...dev, env: "prod" as const };
    const ids = new Set(evaluate({ ...devEvidence.input, env: asProd.env }).map((f) => f.ruleId));
    expect(ids).toEqual(new Set(["AWS-EKS-004", "TF-STATE-003", "K8S-IMG-001"]));
  });
});
