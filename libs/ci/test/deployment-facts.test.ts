import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { factsFor, formatOutputs } from "../src/deployment-facts";
import { repositoryRoot } from "../src/workflows";
import { runEntryPoint } from "@gpp/testing/in-process";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, "fixtures/deployments");

describe("deployment facts for the deploy workflow", () => {
  it("derives env, region, cluster and stack names with the shared naming", () => {
    expect(factsFor("ab12", fixtures, repositoryRoot)).toEqual({
      deployment_id: "ab12",
      env: "prod",
      region: "eu-central-1",
      cluster_name: "prod-eks-ab12",
      iac_stack: "prod-iac-ab12",
      helm_stack: "prod-helm-ab12",
      descriptor: "libs/ci/test/fixtures/deployments/ab12.yaml",
      tenants: "acme,globex",
      entry_scheme: "http",
      tenant_delivery: "terraform",
    });
  });

  it("reaches the entry point over https when the deployment has a hosted zone (port 80 only redirects)", () => {
    expect(factsFor("cd34", fixtures, repositoryRoot).entry_scheme).toBe("https");
  });

  it("formats one key=value line per fact, as $GITHUB_OUTPUT reads them", () => {
    const lines = formatOutputs(factsFor("ab12", fixtures, repositoryRoot)).split("\n");
    expect(lines).toContain("env=prod");
    expect(lines).toContain("helm_stack=prod-helm-ab12");
    expect(lines.every((l) => /^[a-z_]+=\S+$/.test(l))).toBe(true);
  });

  it("refuses a deployment with local Terraform state, naming the file and field", () => {
    expect(() => factsFor("gpp0", fixtures, repositoryRoot)).toThrow(
      /libs\/ci\/test\/fixtures\/deployments\/gpp0\.yaml: state\.backend: is "local"; the deploy workflow needs "s3"/,
    );
  });

  it("refuses an unknown deployment id", () => {
    expect(() => factsFor("zz99", fixtures, repositoryRoot)).toThrow(/no deployment "zz99"/);
  });

  // The one run in a process of its own: its exit status and streams as the workflow sees them.
  it("exits 1 with the problem on stderr and nothing on stdout when run as a command", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", path.join(here, "../src/deployment-facts.ts"), "gpp0"], {
      encoding: "utf8",
      env: { ...process.env, GPP_DEPLOYMENTS_DIR: fixtures },
      cwd: path.join(here, ".."),
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain('state.backend: is "local"');
  });

  it("prints the outputs when run as a command", async () => {
    const result = await runEntryPoint(path.join(here, "../src/deployment-facts.ts"), ["ab12"], { GPP_DEPLOYMENTS_DIR: fixtures });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("cluster_name=prod-eks-ab12\n");
  });
});
