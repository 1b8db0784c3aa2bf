/**
 * Which shell GitHub Actions runs a `run:` step with, and whether that shell has `pipefail`.
 *
 * GitHub's workflow syntax ("jobs.<job_id>.steps[*].shell", and "Exit codes and error action
 * preference") on Linux/macOS runners:
 *   - no shell anywhere           -> `bash -e {0}`            (no pipefail: `failing | tee` succeeds)
 *   - `shell: bash`               -> `bash --noprofile --norc -eo pipefail {0}`
 *   - `shell: sh`                 -> `sh -e {0}`
 *   - any other string            -> a template, run as written with the script at `{0}`
 * The shell comes from the step, else `jobs.<id>.defaults.run.shell`, else the workflow's
 * `defaults.run.shell`.
 */

export interface RunStep {
  readonly name?: string;
  readonly run?: string;
  readonly shell?: string;
  readonly uses?: string;
}
interface Defaults {
  readonly run?: { readonly shell?: string };
}
export interface ShellJob {
  readonly defaults?: Defaults;
  readonly steps?: readonly RunStep[];
}
export interface ShellWorkflow {
  readonly defaults?: Defaults;
  readonly jobs: Readonly<Record<string, ShellJob>>;
}

/** The shell a step's script runs in, as written in the workflow; undefined when nothing sets one. */
export function effectiveShell(workflow: ShellWorkflow, job: ShellJob, step: RunStep): string | undefined {
  return step.shell ?? job.defaults?.run?.shell ?? workflow.defaults?.run?.shell;
}

/** The command line the runner starts for a shell setting, `{0}` standing for the script file. */
export function runnerCommand(shell: string | undefined): string[] {
  switch (shell) {
    case undefined:
      return ["bash", "-e", "{0}"];
    case "bash":
      return ["bash", "--noprofile", "--norc", "-eo", "pipefail", "{0}"];
    case "sh":
      return ["sh", "-e", "{0}"];
    default:
      return shell.trim().split(/\s+/);
  }
}

/** True when the shell is bash started with `-o pipefail` (alone or in a flag cluster such as `-eo`). */
export function hasPipefail(shell: string | undefined): boolean {
  const [command, ...args] = runnerCommand(shell);
  if (command !== "bash" && !command?.endsWith("/bash")) return false;
  return args.some((arg, i) => /^-[a-z]*o$/.test(arg) && args[i + 1] === "pipefail");
}

export interface RunStepShell {
  readonly job: string;
  readonly step: string;
  readonly shell: string | undefined;
}

/** Every `run:` step of a workflow with the shell it runs in. */
export function runStepShells(workflow: ShellWorkflow): RunStepShell[] {
  return Object.entries(workflow.jobs).flatMap(([id, job]) =>
    (job.steps ?? [])
      .filter((step) => step.run !== undefined)
      .map((step, i) => ({ job: id, step: step.name ?? `run step ${i + 1}`, shell: effectiveShell(workflow, job, step) })),
  );
}
