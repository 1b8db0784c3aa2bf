import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import http from "node:http";
import type net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { contract, normalizeBody } from "srv/contract";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { CHART_DIR } from "../src/chart-values";
import { helm, helmPath } from "./helm-binary";

// The `helm test` pod's script, taken from `helm template` output and RUN against servers on 127.0.0.1,
// so what is tested is what the cluster would run. The pod runs busybox (helmTest.image, 1.37.0); here
// the script runs under the busybox found on PATH (Debian's 1.35 on the machine this was written on),
// with a PATH that holds busybox applets only, else under the host's sh and wget (with a note), else skips.

type Manifest = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const workDir = mkdtempSync(path.join(tmpdir(), "helm-test-pod-"));

function renderTestPod(values?: Record<string, unknown>): Manifest {
  const extra: string[] = [];
  if (values) {
    const file = path.join(workDir, `values-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(values));
    extra.push("-f", file);
  }
  const result = spawnSync(helmPath, ["template", "acme", CHART_DIR, "--namespace", "tenant-acme", "--show-only", "templates/tests/test-connection.yaml", ...extra], {
    encoding: "utf8",
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return YAML.parse(result.stdout) as Manifest;
}

const which = (name: string): string | undefined => {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : undefined;
};

/** How the script is run here: busybox applets only, or the host's sh and wget. */
type Shell = { readonly kind: "busybox" | "host"; readonly sh: string; readonly path: string } | { readonly kind: "none"; readonly reason: string };

function findShell(): Shell {
  const busybox = which("busybox");
  if (busybox) {
    // A folder of applet links and nothing else on PATH: the script can use only what busybox has.
    const bin = mkdtempSync(path.join(tmpdir(), "busybox-bin-"));
    for (const applet of ["sh", "wget", "tr", "head", "timeout"]) symlinkSync(busybox, path.join(bin, applet));
    return { kind: "busybox", sh: path.join(bin, "sh"), path: bin };
  }
  if (which("sh") && which("wget")) {
    console.warn("[helm test pod] busybox is not on PATH: running the script with the host's sh and wget, which is not busybox");
    return { kind: "host", sh: "sh", path: process.env.PATH ?? "" };
  }
  return { kind: "none", reason: "neither busybox nor sh with wget is on PATH" };
}

const shell = findShell();
if (shell.kind === "none") console.warn(`[helm test pod tests skipped] ${shell.reason}`);

interface Answer {
  readonly status?: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** Accept the connection and never answer. */
  readonly hang?: boolean;
}

const servers: http.Server[] = [];
const sockets = new Set<net.Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

/** A stand-in for the Service: these answers on `/` and `/hello`, Go's 404 elsewhere. */
async function serve(answers: { readiness: Answer; liveness: Answer }): Promise<string> {
  const server = http.createServer({ keepAlive: false }, (request, response) => {
    const answer = request.url === contract.readiness.path ? answers.readiness : request.url === contract.liveness.path ? answers.liveness : undefined;
    if (answer?.hang) return;
    if (!answer) {
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("404 page not found\n");
      return;
    }
    response.writeHead(answer.status ?? 200, answer.headers ?? { "content-type": "text/plain; charset=utf-8" }).end(answer.body ?? "");
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

/** Runs the pod's container command with its env, BASE_URL pointed at `baseUrl`; resolves to exit code and output. */
function runPod(pod: Manifest, baseUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  if (shell.kind === "none") throw new Error(shell.reason);
  const container = pod.spec.containers[0];
  const [command, flag, script] = container.command as [string, string, string];
  expect([command, flag]).toEqual(["sh", "-c"]);
  const env: Record<string, string> = Object.fromEntries(container.env.map((e: Manifest) => [e.name, e.value]));
  env.BASE_URL = baseUrl;
  return new Promise((resolve) => {
    // Asynchronous: the servers answer from this same process.
    const child = spawn(shell.sh, [flag, script], { env: { ...env, PATH: shell.path }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const served = (endpoint: typeof contract.readiness | typeof contract.liveness): Answer => ({
  body: endpoint.served.body,
  headers: { "content-type": endpoint.served.contentType, "content-length": String(endpoint.served.contentLength) },
});
const real = { readiness: served(contract.readiness), liveness: served(contract.liveness) };
const documented = { readiness: { body: contract.readiness.documented.body }, liveness: { body: contract.liveness.documented.body } };

describe.skipIf(!helm.found || shell.kind === "none")(`the helm test pod's script, run with ${shell.kind === "none" ? "nothing" : shell.kind}`, () => {
  let pod: Manifest;
  beforeAll(() => {
    pod = renderTestPod();
  });

  it("gets the accepted bodies from chart values whose defaults are the contract's", () => {
    const chartDefaults = YAML.parse(readFileSync(path.join(CHART_DIR, "values.yaml"), "utf8")) as {
      helmTest: { expect: { readinessBodies: string[]; livenessBodies: string[] } };
    };
    expect(chartDefaults.helmTest.expect).toEqual({ readinessBodies: [...contract.readiness.accepted], livenessBodies: [...contract.liveness.accepted] });
    const env = Object.fromEntries(pod.spec.containers[0].env.map((e: Manifest) => [e.name, e.value]));
    expect(env).toMatchObject({
      READINESS_PATH: contract.readiness.path,
      READINESS_BODIES: contract.readiness.accepted.join(" "),
      LIVENESS_PATH: contract.liveness.path,
      LIVENESS_BODIES: contract.liveness.accepted.join(" "),
    });
  });

  it.each([
    ["the real image's answers (ok, world!\\n, captured headers)", real],
    ["the assignment's documented answers (OK, world)", documented],
    ["other case and surrounding whitespace", { readiness: { body: " Ok\r\n" }, liveness: { body: "\tWORLD!\n\n" } }],
  ])("passes %s", async (_name, answers) => {
    const result = await runPod(pod, await serve(answers));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`GET /: ok\nGET /hello: ${normalizeBody(answers.liveness.body ?? "")}\n`);
  });

  it.each([
    ["readiness answers hello", { ...real, readiness: { body: "hello" } }, "GET /: expected one of: ok (case and surrounding whitespace ignored); got 'hello'"],
    ["readiness answers an empty body", { ...real, readiness: { body: "" } }, "GET /: expected one of: ok (case and surrounding whitespace ignored); got ''"],
    ["readiness answers okay", { ...real, readiness: { body: "okay" } }, "got 'okay'"],
    ["readiness answers ok twice", { ...real, readiness: { body: "ok\nok" } }, "GET /: expected one of: ok"],
    [
      "readiness answers an HTML 404 page",
      { ...real, readiness: { status: 404, body: "<html><body><h1>404 Not Found</h1></body></html>" } },
      "GET /: no successful answer within 5 s",
    ],
    ["readiness answers 500 with the right body", { ...real, readiness: { status: 500, body: "ok" } }, "GET /: no successful answer within 5 s"],
    ["liveness answers world peace", { ...real, liveness: { body: "world peace" } }, "GET /hello: expected one of: world world! (case and surrounding whitespace ignored); got 'world peace'"],
    ["liveness answers hello", { ...real, liveness: { body: "hello" } }, "GET /hello: expected one of: world world!"],
    ["liveness answers an empty body", { ...real, liveness: { body: "" } }, "GET /hello: expected one of: world world!"],
    ["liveness answers ok", { ...real, liveness: { body: "ok" } }, "got 'ok'"],
  ])("fails when %s", async (_name, answers, message) => {
    const result = await runPod(pod, await serve(answers));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(message);
  });

  it("fails, within its own time limit, when the service never answers", async () => {
    const started = Date.now();
    const result = await runPod(pod, await serve({ ...real, liveness: { hang: true } }));
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe("GET /: ok\n");
    expect(result.stderr).toContain("GET /hello: no successful answer within 5 s");
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);

  it("takes other accepted bodies from values", async () => {
    const custom = renderTestPod({ helmTest: { expect: { readinessBodies: ["ready", "ok"], livenessBodies: ["alive"] } } });
    expect((await runPod(custom, await serve({ readiness: { body: "READY\n" }, liveness: { body: "alive" } }))).code).toBe(0);
    const refused = await runPod(custom, await serve(real));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("GET /hello: expected one of: alive");
  });
});

