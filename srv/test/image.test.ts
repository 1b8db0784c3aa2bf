import { describe, expect, it } from "vitest";
import { main } from "../src/command";
import { contract } from "../src/contract";
import { detectEngine, engineNames, runCommand } from "../src/engine";
import { ExitCode } from "../src/report";

const image = `${contract.image}:${contract.defaultTag}`;

/** Why the real image cannot be run here, or undefined when it can. Tests must not pull (no network). */
async function whyNotRunnable(): Promise<{ reason?: string; engine?: string }> {
  const detected = await detectEngine(engineNames, 5000);
  if (!detected.engine) return { reason: `no container engine reachable (${detected.reasons.join("; ")})` };
  const present = await runCommand(detected.engine.name, ["image", "inspect", image], 10_000);
  if (present.code !== 0) return { reason: `${image} is not present locally; run \`${detected.engine.name} pull --platform linux/amd64 ${image}\` first` };
  return { engine: detected.engine.name };
}

describe("the real image", () => {
  it("honours the contract when run read-only as non-root with the contract port published", async (context) => {
    const { reason, engine } = await whyNotRunnable();
    if (reason) {
      console.warn(`skipped: the real-image smoke test: ${reason}`);
      context.skip(reason);
      return;
    }
    let stdout = "";
    const code = await main(["--image", image, "--engine", engine as string, "--deadline", "30s", "--requests", "5"], {
      io: { stdout: (t) => (stdout += t), stderr: () => {} },
    });
    expect(stdout).toContain("PASS: 1/1 target passed");
    expect(code).toBe(ExitCode.pass);
  }, 90_000);
});
