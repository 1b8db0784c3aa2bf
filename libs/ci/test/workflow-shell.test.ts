import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { effectiveShell, hasPipefail, runnerCommand, runStepShells, type ShellWorkflow } from "../src/workflow-shell";
import { workflowFiles } from "../src/workflows";

const workflows = workflowFiles().map((file) => [path.basename(file), YAML.parse(readFileSync(file, "utf8")) as ShellWorkflow] as const);
const steps = workflows.flatMap(([name, workflow]) => runStepShells(workflow).map((s) => [name, s.job, s.step, s.shell] as const));

/** Runs a step's script the way the runner does for `shell`, with `bin` first on PATH; returns the exit status. */
function runAsRunner(script: string, shell: string | undefined, bin: string, env: Record<string, string>): number | null {
  const dir = mkdtempSync(path.join(tmpdir(), "gpp-step-"));
  const file = path.join(dir, "step.sh");
  writeFileSync(file, script);
  const [command, ...args] = runnerCommand(shell).map((part) => part.replace("{0}", file));
  return spawnSync(command ?? "bash", args, { encoding: "utf8", env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH ?? ""}` } }).status;
}

describe("every run step runs with pipefail", () => {
  it("finds run steps in the workflows", () => {
    expect(steps.length).toBeGreaterThan(10);
  });

  it.each(steps)("%s, job %s, step %s (shell: %s)", (_file, _job, _step, shell) => {
    expect(hasPipefail(shell)).toBe(true);
  });
});

describe("the shell rules follow GitHub's runner", () => {
  it("maps the keywords to the runner's command lines (workflow syntax, jobs.<job_id>.steps[*].shell)", () => {
    expect(runnerCommand(undefined)).toEqual(["bash", "-e", "{0}"]);
    expect(runnerCommand("bash")).toEqual(["bash", "--noprofile", "--norc", "-eo", "pipefail", "{0}"]);
    expect(runnerCommand("sh")).toEqual(["sh", "-e", "{0}"]);
  });

  it("accepts bash and custom bash templates with -o pipefail, refuses the rest", () => {
    expect(hasPipefail("bash")).toBe(true);
    expect(hasPipefail("bash -euo pipefail {0}")).toBe(true);
    expect(hasPipefail("/usr/bin/bash -e -o pipefail {0}")).toBe(true);
    expect(hasPipefail(undefined)).toBe(false);
    expect(hasPipefail("sh")).toBe(false);
    expect(hasPipefail("bash -e {0}")).toBe(false);
    expect(hasPipefail("bash {0}")).toBe(false);
    expect(hasPipefail("pwsh")).toBe(false);
  });

  it("takes the step's shell over the job's over the workflow's default", () => {
    const workflow: ShellWorkflow = {
      defaults: { run: { shell: "bash" } },
      jobs: { a: { defaults: { run: { shell: "sh" } }, steps: [{ run: "x" }, { run: "y", shell: "bash" }] }, b: { steps: [{ run: "z" }] } },
    };
    const [a1, a2] = workflow.jobs.a?.steps ?? [];
    expect(effectiveShell(workflow, workflow.jobs.a!, a1!)).toBe("sh");
    expect(effectiveShell(workflow, workflow.jobs.a!, a2!)).toBe("bash");
    expect(effectiveShell(workflow, workflow.jobs.b!, {})).toBe("bash");
    expect(effectiveShell({ jobs: {} }, {}, { run: "x" })).toBeUndefined();
  });
});

describe("deploy.yml's resolve step fails when deployment-facts refuses the descriptor", () => {
  const deploy = workflows.find(([name]) => name === "deploy.yml")?.[1];
  const resolve = deploy?.jobs.resolve;
  const facts = resolve?.steps?.find((s) => s.run?.includes("deployment-facts"));
  // A pnpm that behaves like `deployment-facts` refusing a descriptor: a one-line error, exit 1.
  const bin = mkdtempSync(path.join(tmpdir(), "gpp-bin-"));
  writeFileSync(
    path.join(bin, "pnpm"),
    '#!/usr/bin/env bash\necho "Invalid deployment input: deployments/ab12.yaml: state.backend: is \\"local\\"" >&2\nexit 1\n',
  );
  chmodSync(path.join(bin, "pnpm"), 0o755);
  const env = () => ({ GITHUB_OUTPUT: path.join(mkdtempSync(path.join(tmpdir(), "gpp-out-")), "output"), DEPLOYMENT_ID: "ab12" });

  it("pipes the facts through tee", () => {
    expect(facts?.run).toMatch(/deployment-facts "\$DEPLOYMENT_ID" \| tee -a "\$GITHUB_OUTPUT"/);
  });

  it("exits non-zero in the shell the workflow gives it", () => {
    const shell = effectiveShell(deploy!, resolve!, facts!);
    expect(runAsRunner(facts?.run ?? "", shell, bin, env())).toBe(1);
  });

  it("would have succeeded under the runner's default `bash -e` (why the shell is set)", () => {
    expect(runAsRunner(facts?.run ?? "", undefined, bin, env())).toBe(0);
  });
});
