import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startProviderServer } from "../plan/provider-server";

const serverModule = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../plan/provider-server.ts");

/**
 * A stand-in for `terraform-provider-aws -debug`: prints a reattach line shaped like terraform-plugin-go's
 * (as the real 5.100.0 binary printed it here) and stays up, recording its pid.
 */
const fakeProvider = (reattach: string) => `#!/bin/sh
[ "$1" = "-debug" ] || { echo "expected -debug, got $1" >&2; exit 2; }
echo $$ > "$PID_FILE"
echo "Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS environment variable with the following:"
echo ""
echo "	TF_REATTACH_PROVIDERS='${reattach.replace(/"/g, '\\"').replace("PID", () => "$$")}'"
exec sleep 600
`;

const REATTACH = '{"registry.terraform.io/hashicorp/aws":{"Protocol":"grpc","ProtocolVersion":5,"Pid":PID,"Test":true,"Addr":{"Network":"unix","String":"/tmp/plugin0"}}}';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function gone(pid: number, withinMs = 10_000): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < withinMs; ) {
    if (!alive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe("the long-lived provider process", () => {
  let dir: string;
  let binary: string;
  let env: NodeJS.ProcessEnv;
  const providerPid = () => Number(readFileSync(path.join(dir, "pid"), "utf8"));

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "provider-server-test-"));
    binary = path.join(dir, "terraform-provider-aws_v5.100.0_x5");
    env = { PATH: process.env.PATH, PID_FILE: path.join(dir, "pid") };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const provider = (script: string) => {
    writeFileSync(binary, script);
    chmodSync(binary, 0o755);
  };

  it("hands back the reattach value it printed, and is gone after stop", async () => {
    provider(fakeProvider(REATTACH));
    const server = await startProviderServer(binary, env);
    const pid = providerPid();
    expect(JSON.parse(server.reattach)).toEqual({
      "registry.terraform.io/hashicorp/aws": { Protocol: "grpc", ProtocolVersion: 5, Pid: pid, Test: true, Addr: { Network: "unix", String: "/tmp/plugin0" } },
    });
    expect(alive(pid)).toBe(true);
    await server.stop();
    expect(await gone(pid)).toBe(true);
  });

  it("does not outlive a node process that dies without stopping it", async () => {
    provider(fakeProvider(REATTACH));
    const script = `import(${JSON.stringify(serverModule)}).then((m) => m.startProviderServer(${JSON.stringify(binary)}, ${JSON.stringify(env)})).then(() => console.log("up"));`;
    const parent = spawn(process.execPath, ["--import", "tsx", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      parent.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("up") && resolve());
      parent.once("exit", (code) => reject(new Error(`the parent exited (${code}) before the provider was up`)));
    });
    const pid = providerPid();
    expect(alive(pid)).toBe(true);
    parent.kill("SIGKILL");
    expect(await gone(pid)).toBe(true);
  });

  it("says why when the provider exits before printing its reattach line", async () => {
    provider('#!/bin/sh\necho "Error: unknown flag" >&2\nexit 1\n');
    await expect(startProviderServer(binary, env)).rejects.toThrow(/-debug: exited \(\d+\) before it printed its reattach line\nError: unknown flag/);
  });

  it("refuses a reattach value without Test: true, which terraform would stop after one command", async () => {
    provider(fakeProvider(REATTACH.replace('"Test":true,', "")));
    await expect(startProviderServer(binary, env)).rejects.toThrow(/lacks "Test": true/);
    expect(await gone(providerPid())).toBe(true);
  });
});
