import http from "node:http";
import { describe, expect, it } from "vitest";
import { main } from "../src/command";
import { contract } from "../src/contract";
import { detectEngine, engineNames, runCommand, withContainer, type EngineName } from "../src/engine";
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

  it("answers byte for byte what the contract records as served (status, Content-Type, Content-Length, body)", async (context) => {
    const { reason, engine } = await whyNotRunnable();
    if (reason) {
      console.warn(`skipped: the real image's bytes: ${reason}`);
      context.skip(reason);
      return;
    }
    const get = (url: URL): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> =>
      new Promise((resolve, reject) => {
        http
          .get(url, { agent: false }, (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (chunk: Buffer) => chunks.push(chunk));
            response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString("utf8") }));
          })
          .on("error", reject);
      });
    await withContainer({ name: engine as EngineName }, { image }, async (container) => {
      for (const endpoint of [contract.readiness, contract.liveness]) {
        const url = new URL(endpoint.path, container.baseUrl);
        let answer = await get(url).catch(() => undefined);
        for (let i = 0; i < 60 && !answer; i++) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          answer = await get(url).catch(() => undefined);
        }
        expect(answer, `GET ${endpoint.path}`).toBeDefined();
        expect(answer?.status).toBe(endpoint.status);
        expect(answer?.headers["content-type"]).toBe(endpoint.served.contentType);
        expect(answer?.headers["content-length"]).toBe(String(endpoint.served.contentLength));
        expect(answer?.body).toBe(endpoint.served.body);
      }
    });
  }, 90_000);
});
