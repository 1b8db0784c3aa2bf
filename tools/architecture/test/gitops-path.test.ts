import { describe, expect, it } from "vitest";
import { gitopsFacts, gitopsPathDiagram } from "../src/gitops-path";
import { EXAMPLE_GITOPS, gitopsVariant, loadDefaultDeployment, synthesizeStacks } from "../src/synth";

const terraformMode = synthesizeStacks();
const argocdMode = synthesizeStacks(gitopsVariant(loadDefaultDeployment()));

describe("the GitOps path drawn from the helm stack", () => {
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
