/**
 * The mirror's hashicorp/aws provider as one long-lived process that every terraform command of a plan
 * attaches to, instead of each command starting it (twice: once for its schema, once for the walk).
 *
 * This is Terraform's documented way of running a provider under a debugger: the provider's `-debug` flag
 * (terraform-plugin-go's managed debug mode, in terraform-provider-aws 5.100.0's main.go) serves on a unix
 * socket and prints `TF_REATTACH_PROVIDERS='<json>'`; terraform given that variable uses the running process
 * and installs nothing for it (https://developer.hashicorp.com/terraform/plugin/debugging). With `"Test": true`
 * in that JSON, terraform does not stop the process when it is done, so one process serves many commands.
 */
import { spawn } from "node:child_process";

export interface ProviderServer {
  /** The value of TF_REATTACH_PROVIDERS for terraform commands that should use this process. */
  readonly reattach: string;
  /** Stops the provider; safe to call more than once. */
  stop(): Promise<void>;
}

const REATTACH_LINE = /TF_REATTACH_PROVIDERS='([^']+)'/;

/**
 * A shell between node and the provider stops the provider when node's end of its stdin closes: on
 * `stop()`, and also when node dies without running any clean-up (a killed test worker), so a provider
 * never outlives the run that started it. Node cannot ask the kernel for that itself (no PR_SET_PDEATHSIG).
 * The shell exits with the provider's status when the provider exits first. Its stdin is kept as fd 3
 * because a background list's own stdin is /dev/null.
 */
const WATCHDOG = [
  'trap "" INT',
  "exec 3<&0",
  '"$0" -debug </dev/null & provider=$!',
  '{ read -r _ignored <&3; kill "$provider" 2>/dev/null; } & watcher=$!',
  'wait "$provider"; status=$?',
  'kill "$watcher" 2>/dev/null; wait "$watcher"',
  'exit "$status"',
].join("\n");

/**
 * Starts `binary -debug` with exactly `env` and resolves once it prints its reattach line. A single process
 * holds one provider configuration at a time (each command configures it again), so whoever uses it must
 * run one terraform command against it at a time.
 */
export function startProviderServer(binary: string, env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<ProviderServer> {
  const child = spawn("/bin/sh", ["-c", WATCHDOG, binary], { env, stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  let stopped: Promise<void> | undefined;
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      child.stdin.end();
      await exited;
    })();
    return stopped;
  };
  return new Promise<ProviderServer>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop();
      reject(new Error(`cannot start ${binary} -debug: ${why}${output.trim() ? `\n${output.trim().slice(-2000)}` : ""}`));
    };
    const timer = setTimeout(() => fail(`no reattach line within ${timeoutMs / 1000} s`), timeoutMs);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = REATTACH_LINE.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off("data", read);
      child.stderr.off("data", keep);
      child.removeListener("close", onClose);
      // Keep draining what it prints later, so a full pipe never blocks it.
      child.stdout.resume();
      child.stderr.resume();
      const reattach = match[1] as string;
      let providers: Record<string, { Test?: boolean }>;
      try {
        providers = JSON.parse(reattach) as typeof providers;
      } catch {
        return fail(`its reattach line is not JSON: ${reattach}`);
      }
      // Without Test, terraform would stop the process after its first command.
      if (!Object.values(providers).every((p) => p.Test === true)) return fail(`its reattach line lacks "Test": true: ${reattach}`);
      resolve({ reattach, stop });
    };
    const keep = (chunk: Buffer) => {
      output += chunk.toString();
    };
    const onClose = (code: number | null) => fail(`exited (${code ?? "signal"}) before it printed its reattach line`);
    child.stdout.on("data", read);
    child.stderr.on("data", keep);
    child.once("close", onClose);
    child.once("error", (error) => fail(error.message));
  });
}
