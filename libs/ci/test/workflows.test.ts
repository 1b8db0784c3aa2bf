import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AWS_PROVIDER_CONSTRAINT } from "@gpp/stack";
import semver from "semver";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { factsFor } from "../src/deployment-facts";
import { repositoryRoot, workflowFiles, workflowProblems, workflowsDir } from "../src/workflows";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, "fixtures/workflows");
const files = workflowFiles();
const read = (name: string): string => readFileSync(path.join(workflowsDir, name), "utf8");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  outputs?: Record<string, string>;
  environment?: unknown;
  permissions?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  env?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": unknown };
  jobs: Record<string, Job>;
}
const parse = (name: string): Workflow => YAML.parse(read(name)) as Workflow;
const installerPin = (variable: string): string => {
  const match = new RegExp(`^readonly ${variable}="([^"]+)"`, "m").exec(
    readFileSync(path.join(repositoryRoot, "libs/bash/install.sh"), "utf8"),
  );
  if (!match?.[1]) throw new Error(`libs/bash/install.sh has no ${variable}`);
  return match[1];
};

describe("GitHub workflow schema (action-validator)", () => {
  it("finds the CI and deploy workflows", () => {
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(["ci.yml", "deploy.yml"]));
  });

  it.each(files.map((f) => [path.basename(f), f]))("%s is a valid workflow", (_name, file) => {
    expect(workflowProblems(file)).toEqual([]);
  });

  it.each(["invalid-key.yml", "invalid-step-key.yml"])("rejects the broken fixture %s, naming the bad key", (name) => {
    const problems = workflowProblems(path.join(fixtures, name));
    expect(problems.length).toBeGreaterThan(0);
    const badKey = name === "invalid-key.yml" ? "runs_on" : "timeout";
    expect(problems.join("\n")).toContain(`Additional property '${badKey}' is not allowed`);
  });
});

describe("supply chain", () => {
  const uses = files.flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => /^\s*(-\s+)?uses:/.test(line))
      .map((line) => [path.basename(file), line.trim()] as const),
  );

  it("uses actions", () => {
    expect(uses.length).toBeGreaterThan(0);
  });

  it.each(uses)("%s pins %s by full commit SHA with its version in a comment", (_file, line) => {
    expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("pins each action to one commit across workflows", () => {
    const byAction = new Map<string, Set<string>>();
    for (const [, line] of uses) {
      const [, action, sha] = /uses: ([^@]+)@(\S+)/.exec(line) ?? [];
      if (action && sha) byAction.set(action, (byAction.get(action) ?? new Set()).add(sha));
    }
    for (const [action, shas] of byAction) expect([action, shas.size]).toEqual([action, 1]);
  });

  it.each(["ci.yml", "deploy.yml"])("%s uses the Node and Terraform versions the installer pins", (name) => {
    const env = parse(name).env ?? {};
    expect(env.NODE_VERSION).toBe(installerPin("NODE_VERSION"));
    expect(env.TERRAFORM_VERSION).toBe(installerPin("TERRAFORM_VERSION"));
  });
});

describe("ci.yml", () => {
  const ci = parse("ci.yml");
  const steps = Object.values(ci.jobs).flatMap((job) => job.steps ?? []);
  const runs = steps.map((s) => s.run ?? "").join("\n");

  it("runs on pull requests and pushes", () => {
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(["pull_request", "push"]));
  });

  it.each(["pnpm install --frozen-lockfile", "pnpm typecheck", "pnpm lint", "pnpm test", "pnpm synth", "pnpm --filter iac plan"])(
    "runs %s",
    (command) => {
      expect(runs).toContain(command);
    },
  );

  it("makes the provider mirror visible to `pnpm test` (iac's offline plan tests skip without it), not just to the plan step", () => {
    const mirror = steps.findIndex((s) => s.run?.includes("terraform -chdir=\"$work\" providers mirror"));
    const test = steps.findIndex((s) => s.run === "pnpm test");
    expect(mirror).toBeGreaterThanOrEqual(0);
    expect(mirror).toBeLessThan(test);
    expect(steps[mirror]?.run).toMatch(/echo "GPP_TF_PLUGIN_MIRROR=\$GPP_TF_PLUGIN_MIRROR" >> "\$GITHUB_ENV"/);
    // The unpacked layout the plan's filesystem_mirror reads: <host>/<namespace>/<type>/<version>/<os_arch>/.
    expect(steps[mirror]?.run).toContain('dest="$GPP_TF_PLUGIN_MIRROR/registry.terraform.io/hashicorp/aws/$AWS_PROVIDER_VERSION/linux_amd64"');
  });

  it("mirrors a hashicorp/aws version the stacks' provider constraint admits, so the offline plan in CI plans what terraform init would install", () => {
    const version = String((ci as { env?: Record<string, unknown> }).env?.AWS_PROVIDER_VERSION);
    expect(semver.valid(version)).toBe(version);
    expect(semver.satisfies(version, AWS_PROVIDER_CONSTRAINT.replace(/,/g, ""))).toBe(true);
  });

  it("caches the pnpm store keyed on the lockfile", () => {
    const cache = steps.find((s) => s.uses?.startsWith("actions/cache@"));
    expect(String(cache?.with?.key)).toContain("hashFiles('pnpm-lock.yaml')");
  });

  it("uploads the synthesized stacks and plan summaries", () => {
    const upload = steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(String(upload?.with?.path)).toContain("iac/cdktf.out/**");
    expect(String(upload?.with?.path)).toContain("helm/cdktf.out/**");
  });
});

describe("deploy.yml", () => {
  const deploy = parse("deploy.yml");

  it("is started by hand with a deployment id", () => {
    expect(deploy.on).toHaveProperty("workflow_dispatch.inputs.deployment.required", true);
  });

  it("makes every job that synthesizes a deployment pin argocd mode's revision to the commit it deploys", () => {
    const synthesizing = Object.entries(deploy.jobs).filter(([, job]) => (job as { env?: Record<string, string> }).env?.GPP_DEPLOYMENT);
    expect(synthesizing.map(([name]) => name).sort()).toEqual(["deploy", "diff"]);
    for (const [name, job] of synthesizing) {
      expect((job as { env?: Record<string, string> }).env?.GPP_GITOPS_REVISION, name).toBe("${{ github.sha }}");
    }
  });

  it("never runs two deploys of one deployment at once, nor cancels one", () => {
    expect(deploy.concurrency?.group).toBe("deploy-${{ inputs.deployment || vars.DEV_DEPLOYMENT_ID }}");
    expect(deploy.concurrency?.["cancel-in-progress"]).toBe(false);
  });

  it("gets AWS credentials only through OIDC roles: the plan role for the diff, the environment's role for the deploy", () => {
    const credentialSteps = Object.values(deploy.jobs)
      .flatMap((job) => job.steps ?? [])
      .filter((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(credentialSteps.map((s) => s.with?.["role-to-assume"])).toEqual([
      "arn:aws:iam::${{ vars.AWS_ACCOUNT_ID }}:role/gpp-plan",
      "arn:aws:iam::${{ vars.AWS_ACCOUNT_ID }}:role/gpp-deploy-${{ needs.resolve.outputs.env }}",
    ]);
    for (const step of credentialSteps) expect(Object.keys(step.with ?? {})).not.toContain("aws-secret-access-key");
    for (const job of ["diff", "deploy"]) expect(deploy.jobs[job]?.permissions).toEqual({ contents: "read", "id-token": "write" });
  });

  it("deploys in the GitHub environment named after the deployment's env", () => {
    expect(deploy.jobs.deploy?.environment).toBe("${{ needs.resolve.outputs.env }}");
  });

  it("reads only resolve outputs that resolve sets from a fact deployment-facts prints", () => {
    const outputs = deploy.jobs.resolve?.outputs ?? {};
    const facts = Object.keys(factsFor("ab12", path.join(here, "fixtures/deployments"), repositoryRoot));
    for (const [name, value] of Object.entries(outputs)) {
      expect([name, value]).toEqual([name, `\${{ steps.facts.outputs.${name} }}`]);
      expect(facts).toContain(name);
    }
    const used = [...read("deploy.yml").matchAll(/needs\.resolve\.outputs\.(\w+)/g)].map((m) => m[1]);
    for (const name of new Set(used)) expect(Object.keys(outputs)).toContain(name);
  });

  it("smoke-tests with the deployment's scheme and a readiness deadline long enough for a new NLB", () => {
    const smoke = (deploy.jobs.deploy?.steps ?? []).find((s) => s.run?.includes("pnpm --filter srv smoke"));
    expect(smoke?.env?.ENTRY_POINT).toBe("${{ needs.resolve.outputs.entry_scheme }}://${{ steps.entry.outputs.hostname }}");
    const deadline = /--deadline (\d+)m\b/.exec(smoke?.run ?? "");
    expect(Number(deadline?.[1])).toBeGreaterThanOrEqual(5);
  });

  it("deploys iac, then helm, from their package folders, then smoke-tests the deployment's tenants", () => {
    const steps = (deploy.jobs.deploy?.steps ?? []) as (Step & { "working-directory"?: string })[];
    const deploys = steps.flatMap((s, i) => (s.run?.includes("cdktf deploy --auto-approve") ? [i] : []));
    expect(deploys.map((i) => steps[i]?.["working-directory"])).toEqual(["iac", "helm"]);
    const smoke = steps.findIndex((s) => s.run?.includes("pnpm --filter srv smoke -- --deployment"));
    expect(smoke).toBeGreaterThan(deploys[1] ?? Number.POSITIVE_INFINITY);
  });
});
