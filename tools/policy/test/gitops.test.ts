import { parseDeployment } from "@gpp/deployment";
import { beforeAll, describe, expect, it } from "vitest";
import { collectEvidence, type Evidence } from "../src/collect";
import { evaluate, formatFindings } from "../src/engine";
import { kindOf, nameOf } from "../src/kubernetes";
import { applicationDestinations, appProjectConfinement } from "../src/rules/gitops";
import type { Json, KubernetesObject } from "../src/types";
import { helm, helmPath } from "./deployments";

const REPO = "https://github.com/example/gpp-platform.git";
const argocdDeployment = parseDeployment(
  [
    "deployment_id: gpp0",
    "env: dev",
    "region: eu-west-1",
    "gitops:",
    "  engine: argocd",
    `  repo_url: ${REPO}`,
    "  revision: 0578de0a1b2c3d4e5f60718293a4b5c6d7e8f901",
    "tenants:",
    "  - id: acme",
    "    rollout_group: canary",
    "  - id: globex",
  ].join("\n"),
  "/repo/deployments/gpp0.yaml",
);

const withKubernetes = (evidence: Evidence, kubernetes: KubernetesObject[]) => ({ ...evidence.input, kubernetes });
const edit = (evidence: Evidence, kind: string, change: (manifest: Record<string, any>) => void): KubernetesObject[] => // eslint-disable-line @typescript-eslint/no-explicit-any
  evidence.input.kubernetes.map((o) => {
    if (kindOf(o) !== kind) return o;
    const manifest = structuredClone(o.manifest) as Json;
    change(manifest);
    return { ...o, manifest };
  });

describe.skipIf(!helm.found)("argocd mode under pnpm policy", () => {
  let evidence: Evidence;
  beforeAll(() => {
    evidence = collectEvidence(argocdDeployment, helmPath);
  });

  it("sees what Argo CD would apply: each Application, its namespace and the chart's objects in it", () => {
    const apps = evidence.input.kubernetes.filter((o) => kindOf(o) === "Application").map(nameOf);
    expect(apps).toEqual(["tenant-acme", "tenant-globex"]);
    const inAcme = evidence.input.kubernetes.filter((o) => o.namespace === "tenant-acme").map(kindOf);
    expect(inAcme).toEqual(expect.arrayContaining(["Deployment", "NetworkPolicy", "ResourceQuota", "LimitRange", "Service", "Ingress"]));
  });

  it("gives no findings for the real argocd-mode stacks (K8S-GITOPS-001, K8S-GITOPS-002 and every other rule)", () => {
    const findings = evaluate(evidence.input);
    expect(findings, formatFindings(findings)).toEqual([]);
  });

  it("K8S-GITOPS-001 catches a wildcard destination, a cluster-scoped kind, an open kind list and a wildcard repository", () => {
    const mutations: [string, (m: Record<string, any>) => void, string][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
      ["destination", (m) => m.spec.destinations.push({ server: "https://kubernetes.default.svc", namespace: "*" }), "destinations holds a wildcard"],
      ["cluster kind", (m) => m.spec.clusterResourceWhitelist.push({ group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding" }), "only Namespace is allowed"],
      ["open kinds", (m) => delete m.spec.namespaceResourceWhitelist, "every namespaced kind is allowed"],
      ["repository", (m) => (m.spec.sourceRepos = ["*"]), "sourceRepos holds a wildcard"],
    ];
    for (const [what, change, message] of mutations) {
      const found = appProjectConfinement.check(withKubernetes(evidence, edit(evidence, "AppProject", change)));
      expect(found.map((f) => f.message).join("\n"), what).toContain(message);
    }
  });

  it("K8S-GITOPS-002 catches an Application aimed at kube-system, at another cluster, or outside its project", () => {
    const aimAt = (namespace: string, server = "https://kubernetes.default.svc") =>
      edit(evidence, "Application", (m) => {
        if (m.metadata.name === "tenant-acme") m.spec.destination = { server, namespace };
      });
    expect(applicationDestinations.check(withKubernetes(evidence, aimAt("kube-system"))).map((f) => f.message)).toEqual(
      expect.arrayContaining([expect.stringContaining("kube-system is not a tenant namespace"), expect.stringContaining("rendered into tenant-acme, not its Application's kube-system")]),
    );
    expect(applicationDestinations.check(withKubernetes(evidence, aimAt("tenant-acme", "https://elsewhere.example:6443"))).map((f) => f.message).join("\n")).toContain("is not https://kubernetes.default.svc");
    const unlisted = edit(evidence, "AppProject", (m) => (m.spec.destinations = m.spec.destinations.filter((d: Json) => d.namespace !== "tenant-globex")));
    expect(applicationDestinations.check(withKubernetes(evidence, unlisted)).map((f) => f.message)).toEqual(["its AppProject does not list tenant-globex as a destination"]);
  });
});
