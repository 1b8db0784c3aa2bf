import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../src/command";
import { ExitCode, exitCodeMeanings } from "../src/report";
import { runEntryPoint } from "@gpp/testing/in-process";
import {
  bodyServer,
  contractServer,
  hangingServer,
  recoveringUrl,
  refusingUrl,
  resettingServer,
  statusServer,
  urlWithCredentials,
  virtualHostServer,
} from "./servers";

const here = path.dirname(fileURLToPath(import.meta.url));

/** Small waits so the whole suite stays within seconds. */
const fastBackoff = { initialDelayMs: 50, factor: 2, maxDelayMs: 400 };

async function smokeIn(cwd: string | undefined, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) },
    backoff: fastBackoff,
    ...(cwd ? { cwd } : {}),
  });
  return { code, stdout, stderr };
}
const smoke = (...argv: string[]): ReturnType<typeof smokeIn> => smokeIn(undefined, ...argv);

const quick = ["--timeout", "300ms", "--deadline", "300ms", "--requests", "3"];

describe("smoke against a URL", () => {
  it("passes a service that honours the contract, with latency percentiles", async () => {
    const url = await contractServer();
    const { code, stdout, stderr } = await smoke("--url", url, ...quick);
    expect(code).toBe(ExitCode.pass);
    expect(stdout).toMatch(/ok {3}readiness GET \/ +3\/3 passed {2}latency p50 [\d.]+ ms, p95 [\d.]+ ms, max [\d.]+ ms/);
    expect(stdout).toMatch(/ok {3}liveness {2}GET \/hello +3\/3 passed/);
    expect(stdout).toContain("PASS: 1/1 target passed");
    expect(stderr).toContain("ready after 1 attempt");
  });

  it("passes a service that answers the assignment's documented bodies (OK, world) too", async () => {
    const { code, stdout } = await smoke("--url", await contractServer("documented"), ...quick);
    expect(code).toBe(ExitCode.pass);
    expect(stdout).toContain('(expects 200 "world" or "world!")');
  });

  it("accepts the `--` that pnpm passes through before the flags", async () => {
    const url = await contractServer();
    expect((await smoke("--", "--url", url, ...quick)).code).toBe(ExitCode.pass);
  });

  it("says connection refused when nothing listens, and exits unreachable", async () => {
    const { code, stdout, stderr } = await smoke("--url", await refusingUrl(), ...quick);
    expect(code).toBe(ExitCode.unreachable);
    expect(stdout).toContain("connection refused: nothing is listening on 127.0.0.1:");
    expect(stdout).toContain("FAIL (unreachable)");
    // Progress while waiting: several attempts with backoff, then the give-up.
    expect(stderr).toMatch(/attempt 2: connection refused; retrying in/);
    expect(stderr).toMatch(/attempt \d+: connection refused; giving up/);
  });

  it("says connection reset and hints at the container port when the peer resets", async () => {
    const { code, stdout } = await smoke("--url", await resettingServer(), ...quick);
    expect(code).toBe(ExitCode.unreachable);
    expect(stdout).toContain("connection reset by peer");
    expect(stdout).toContain("publish to container port 8080 (e.g. -p 8080:8080, not -p 8080:80)");
  });

  it("times out a server that accepts but never answers, within the per-request timeout", async () => {
    const started = Date.now();
    const { code, stdout } = await smoke("--url", await hangingServer(), "--timeout", "200ms", "--deadline", "0");
    expect(Date.now() - started).toBeLessThan(1500);
    expect(code).toBe(ExitCode.unreachable);
    expect(stdout).toContain("timeout: connected to 127.0.0.1:");
    expect(stdout).toContain("but no complete answer within 200 ms");
    expect(stdout).toContain("not ready after 1 attempt");
  });

  it("reports a 500 as a contract failure showing what came back", async () => {
    const { code, stdout } = await smoke("--url", await statusServer(500, "database down"), ...quick);
    expect(code).toBe(ExitCode.contractFailure);
    expect(stdout).toContain('wrong status: GET / answered 500 Internal Server Error, expected 200; body "database down".');
    expect(stdout).toContain("FAIL (contract failure: wrong answers)");
  });

  it("reports a wrong body as a contract failure showing the body", async () => {
    const { code, stdout } = await smoke("--url", await bodyServer("<html>It works!</html>"), ...quick);
    expect(code).toBe(ExitCode.contractFailure);
    expect(stdout).toContain('wrong body: GET / answered "<html>It works!</html>", expected "ok" (case and surrounding whitespace ignored).');
  });

  it("checks liveness too: a wrong /hello body fails even when / is right", async () => {
    // "ok" on every path: right for /, wrong for /hello.
    const { code, stdout } = await smoke("--url", await bodyServer("ok"), ...quick);
    expect(code).toBe(ExitCode.contractFailure);
    expect(stdout).toMatch(/ok {3}readiness GET \/ +3\/3 passed/);
    expect(stdout).toMatch(/FAIL liveness {2}GET \/hello +0\/3 passed/);
    expect(stdout).toContain('wrong body: GET /hello answered "ok", expected "world" or "world!" (case and surrounding whitespace ignored).');
  });

  it("retries until a service that starts late becomes ready", async () => {
    const url = await recoveringUrl(1000);
    const { code, stdout, stderr } = await smoke("--url", url, "--timeout", "300ms", "--deadline", "3s", "--requests", "2");
    expect(code).toBe(ExitCode.pass);
    expect(stderr).toMatch(/attempt 1: connection refused; retrying/);
    expect(stdout).toMatch(/ready after [2-9]\d* attempts/);
  });

  it("reaches a tenant only with its Host header", async () => {
    const url = await virtualHostServer(["acme.apps.example.test"]);
    const right = await smoke("--url", url, "--host", "acme.apps.example.test", ...quick);
    expect(right.code).toBe(ExitCode.pass);
    expect(right.stdout).toContain("Host: acme.apps.example.test");
    const wrong = await smoke("--url", url, "--host", "globex.apps.example.test", ...quick);
    expect(wrong.code).toBe(ExitCode.contractFailure);
    expect(wrong.stdout).toContain('wrong status: GET / answered 404 Not Found, expected 200; body "no route for host globex.apps.example.test"');
  });

  it("says TLS error when https:// meets a plain-HTTP port", async () => {
    const url = (await contractServer()).replace("http://", "https://");
    const { code, stdout } = await smoke("--url", url, ...quick, "--deadline", "0");
    expect(code).toBe(ExitCode.unreachable);
    expect(stdout).toMatch(/TLS error talking to 127\.0\.0\.1:\d+: .*\(use http:\/\/ for a plain-HTTP port\)/);
  });

  it("writes JSON on stdout and a JUnit file that name the failure", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "srv-smoke-"));
    const junitFile = path.join(dir, "reports", "smoke.xml");
    const { code, stdout } = await smoke("--url", await bodyServer("nope & <no>"), ...quick, "--json", "--junit", junitFile);
    expect(code).toBe(ExitCode.contractFailure);
    const report = JSON.parse(stdout);
    expect(report.verdict).toBe("contract-failure");
    expect(report.exitCode).toBe(ExitCode.contractFailure);
    expect(report.targets[0].endpoints[0].failure.kind).toBe("body");
    expect(report.targets[0].endpoints[0].samples).toHaveLength(3);
    const xml = readFileSync(junitFile, "utf8");
    // Readiness within the deadline, then both endpoints: three failed cases, the body escaped.
    expect(xml).toMatch(/<testsuite [^>]*tests="3" failures="3"/);
    expect(xml).toContain("GET /hello answered &quot;nope &amp; &lt;no>&quot;, expected &quot;world&quot; or &quot;world!&quot;");
  });
});

describe("smoke under hostile input", () => {
  it("prints and writes the URL without the credentials in it: report, JSON and JUnit", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "srv-smoke-"));
    const url = urlWithCredentials(await bodyServer("nope"), "ops", "s3cr3t-t0ken");
    const text = await smoke("--url", url, ...quick, "--junit", path.join(dir, "smoke.xml"));
    const json = await smoke("--url", url, ...quick, "--json");
    const xml = readFileSync(path.join(dir, "smoke.xml"), "utf8");
    for (const output of [text.stdout, text.stderr, json.stdout, json.stderr, xml]) {
      expect(output).not.toContain("s3cr3t-t0ken");
      expect(output).not.toContain("ops:");
    }
    expect(text.code).toBe(ExitCode.contractFailure);
    expect(text.stdout).toMatch(/http:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:\d+\//);
    expect(JSON.parse(json.stdout).targets[0].url).toMatch(/^http:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:\d+\/$/);
    expect(xml).toMatch(/name="url" value="http:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:\d+\/"/);
  });

  it.each([
    ["http://ops:s3cr3t-t0ken@127.0.0.1:9/?x=1", "--url is a base URL and takes no query or fragment"],
    ["ftp://ops:s3cr3t-t0ken@example.test", "--url must use http:// or https://"],
    ["http://ops:s3cr3t-t0ken@exa mple.test", "--url must be an absolute http:// or https:// URL"],
  ])("does not echo credentials when refusing --url %j", async (url, message) => {
    const { code, stderr } = await smoke("--url", url);
    expect(code).toBe(ExitCode.badUsage);
    expect(stderr).toContain(message);
    expect(stderr).toContain("***@");
    expect(stderr).not.toContain("s3cr3t-t0ken");
  });

  it.each(["--timeout", "--deadline"])("refuses a %s longer than a timer can hold, naming the flag", async (flag) => {
    const { code, stderr } = await smoke("--url", "http://127.0.0.1:9", flag, "99999999999999");
    expect(code).toBe(ExitCode.badUsage);
    expect(stderr).toContain(`${flag} must be at most 2147483647ms (about 24 days, the longest a timer can wait); got "99999999999999"`);
  });

  it("accepts the longest --timeout a timer holds, and it really waits (no overflow to 1 ms)", async () => {
    // Overflowed, the timer would fire after 1 ms and call the hanging server a timeout at once.
    const url = await hangingServer();
    const run = smoke("--url", url, "--timeout", "2147483647", "--deadline", "0", "--quiet");
    const early = await Promise.race([run.then(() => "finished"), new Promise((resolve) => setTimeout(() => resolve("still waiting"), 500))]);
    expect(early).toBe("still waiting");
    // The test's server teardown ends the hanging connection; the run then reports the reset.
    void run;
  });

  it("applies one deadline to the whole run: four hanging tenants take about one deadline, not four", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "srv-deploy-"));
    const file = path.join(dir, "t002.yaml");
    writeFileSync(
      file,
      "deployment_id: t002\nenv: dev\nregion: eu-west-1\ningress:\n  base_domain: apps.example.test\ntenants:\n  - id: a\n  - id: b\n  - id: c\n  - id: d\n",
    );
    const started = Date.now();
    const { code, stdout } = await smoke("--url", await hangingServer(), "--deployment", file, "--timeout", "400ms", "--deadline", "1s", "--quiet");
    const took = Date.now() - started;
    expect(code).toBe(ExitCode.unreachable);
    expect(stdout.match(/^FAIL t002\/[a-d] /gm)).toHaveLength(4);
    // One tenant after another, each with its own 1 s deadline, took over 4 s; one shared deadline is
    // the deadline plus the last attempt's timeout.
    expect(took).toBeLessThan(2500);
  });

  it("refuses a --junit path that is a directory before checking anything, and leaves no file behind", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "srv-junit-"));
    const { code, stderr, stdout } = await smoke("--url", await contractServer(), ...quick, "--junit", dir);
    expect(code).toBe(ExitCode.badUsage);
    expect(stderr).toContain(`error: --junit: ${dir} is a directory; give a file name such as ${path.join(dir, "smoke.xml")}.`);
    expect(stdout).toBe("");
    expect(readdirSync(dir)).toEqual([]);
    expect(readdirSync(path.dirname(dir)).filter((f) => f.startsWith(`${path.basename(dir)}.`))).toEqual([]);
  });

  it("refuses a --junit path under a file, naming it, and creates nothing", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "srv-junit-"));
    writeFileSync(path.join(dir, "plain"), "");
    const junitFile = path.join(dir, "plain", "reports", "smoke.xml");
    const { code, stderr } = await smoke("--url", await contractServer(), ...quick, "--junit", junitFile);
    expect(code).toBe(ExitCode.badUsage);
    expect(stderr).toContain(`error: --junit: cannot write ${junitFile}: ${path.join(dir, "plain")} is not a directory.`);
    expect(readdirSync(dir)).toEqual(["plain"]);
  });

  it("reports a --junit write that fails after the run as one line, exit 2, with no temporary file left", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "srv-junit-"));
    // A name the file system refuses (over 255 bytes), in a folder that does not exist yet.
    const junitFile = path.join(dir, "reports", `${"x".repeat(300)}.xml`);
    const { code, stderr, stdout } = await smoke("--url", await contractServer(), ...quick, "--junit", junitFile);
    expect(stdout).toContain("PASS");
    expect(code).toBe(ExitCode.badUsage);
    expect(stderr).toContain(`error: --junit: cannot write ${junitFile} (ENAMETOOLONG); the report above was not saved.`);
    expect(stderr).not.toMatch(/\n\s+at /);
    // Neither the temporary file nor the folder made for it remains.
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("smoke against every tenant of a deployment", () => {
  const descriptor = (tenants: string): string => {
    const dir = mkdtempSync(path.join(tmpdir(), "srv-deploy-"));
    const file = path.join(dir, "t001.yaml");
    writeFileSync(file, `deployment_id: t001\nenv: dev\nregion: eu-west-1\ningress:\n  base_domain: apps.example.test\n${tenants}`);
    return file;
  };

  it("sends one Host header per tenant and fails only the tenant the entry point does not route", async () => {
    const url = await virtualHostServer(["acme.apps.example.test", "shop.globex.example.test"]);
    const file = descriptor("tenants:\n  - id: acme\n  - id: globex\n    host: shop.globex.example.test\n  - id: initech\n");
    const { code, stdout } = await smoke("--url", url, "--deployment", file, ...quick);
    expect(code).toBe(ExitCode.contractFailure);
    expect(stdout).toMatch(/^ok {3}t001\/acme .*Host: acme\.apps\.example\.test$/m);
    expect(stdout).toMatch(/^ok {3}t001\/globex .*Host: shop\.globex\.example\.test$/m);
    expect(stdout).toMatch(/^FAIL t001\/initech .*Host: initech\.apps\.example\.test$/m);
    expect(stdout).toContain("2/3 targets passed");
  });

  it("rejects a bad deployment file with the library's file and field, as bad usage", async () => {
    const file = descriptor("tenants:\n  - id: Not_A_Label\n");
    const { code, stderr, stdout } = await smoke("--url", "http://127.0.0.1:9", "--deployment", file);
    expect(code).toBe(ExitCode.badUsage);
    expect(stderr).toContain(`${file}: tenants[0].id: must be a DNS label`);
    expect(stdout).toBe("");
  });

  it("rejects a deployment with no tenants, naming the field", async () => {
    const file = descriptor("");
    const { code, stderr } = await smoke("--url", "http://127.0.0.1:9", "--deployment", file);
    expect(code).toBe(ExitCode.badUsage);
    expect(stderr).toContain(`${file}: tenants: lists no tenants`);
  });

  it("resolves relative --deployment and --junit paths from the folder the command was started in", async () => {
    // `pnpm --filter srv smoke` runs in srv/: the operator's `deployments/gpp0.yaml` is relative to where they typed it.
    const url = await virtualHostServer(["acme.apps.example.test"]);
    const started = path.dirname(descriptor("tenants:\n  - id: acme\n"));
    const { code, stderr } = await smokeIn(started, "--url", url, "--deployment", "t001.yaml", "--junit", "reports/smoke.xml", ...quick);
    expect(stderr).not.toContain("Invalid deployment input");
    expect(code).toBe(ExitCode.pass);
    expect(readFileSync(path.join(started, "reports/smoke.xml"), "utf8")).toContain("t001/acme");
  });

  it("the entry point resolves paths from INIT_CWD, the folder pnpm was started in", async () => {
    const started = path.dirname(descriptor(""));
    // In this worker (@gpp/testing/in-process): engine.test.ts runs the entry point as a real process for the signals.
    const cli = await runEntryPoint(path.join(here, "..", "src", "cli.ts"), ["--url", "http://127.0.0.1:9", "--deployment", "t001.yaml"], { INIT_CWD: started });
    expect(cli.status).toBe(ExitCode.badUsage);
    // The file was found (and read): it is refused for its content, not as missing.
    expect(cli.stderr).toContain(`${path.join(started, "t001.yaml")}: tenants: lists no tenants`);
  });

  it("rejects a missing deployment file", async () => {
    const { code, stderr } = await smoke("--url", "http://127.0.0.1:9", "--deployment", "/nonexistent/gpp9.yaml");
    expect(code).toBe(ExitCode.badUsage);
    expect(stderr).toContain("/nonexistent/gpp9.yaml: (file): cannot be read");
  });
});

describe("bad usage", () => {
  it.each([
    [[], "give a target: --url <base>"],
    [["--url", "not a url"], '--url must be an absolute http:// or https:// URL such as http://127.0.0.1:8080; got "not a url"'],
    [["--url", "ftp://example.test"], '--url must use http:// or https://; got "ftp:"'],
    [["--url", "http://127.0.0.1:9", "--timeout", "-5"], '--timeout must not be negative; got "-5"'],
    [["--url", "http://127.0.0.1:9", "--timeout", "0"], "--timeout must be greater than zero"],
    [["--url", "http://127.0.0.1:9", "--timeout", "0.2ms"], "--timeout must be greater than zero (at least 1ms)"],
    [["--url", "http://127.0.0.1:9", "--deadline", "soon"], "--deadline must be a duration such as 500, 500ms, 2s or 1m"],
    [["--url", "http://127.0.0.1:9", "--requests", "0"], "--requests must be a whole number from 1 to 10000"],
    [["--url", "http://127.0.0.1:9", "--image", "gradyent/tech-interview:latest"], "option '--url <base>' cannot be used with option '--image <ref>'"],
    [["--url", "http://127.0.0.1:9", "--host", "bad host!"], "--host must be a host name"],
    [["--deployment", "deployments/gpp0.yaml"], "--deployment needs --url <base>"],
    [["--url", "http://127.0.0.1:9", "--engine", "podman"], "--engine only applies with --image"],
    [["--image", "Not A Ref"], "--image must be an image reference"],
    [["--url", "http://127.0.0.1:9", "--frobnicate"], "unknown option '--frobnicate'"],
  ])("%j: explains, shows usage and exits 2", async (argv, message) => {
    const { code, stderr, stdout } = await smoke(...argv);
    expect(code).toBe(ExitCode.badUsage);
    expect(stderr).toContain(message);
    expect(stderr).toContain("Usage: smoke [options]");
    expect(stdout).toBe("");
  });

  it("prints help with the exit codes and exits 0", async () => {
    const { code, stdout } = await smoke("--help");
    expect(code).toBe(ExitCode.pass);
    expect(stdout).toContain("Exit codes:");
    for (const exitCode of Object.values(ExitCode)) expect(stdout).toMatch(new RegExp(`^ {2}${exitCode} +\\S`, "m"));
  });

  it("documents the same exit codes in --help and srv/README.md", async () => {
    const { stdout } = await smoke("--help");
    const readme = readFileSync(path.join(here, "..", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### Exit codes"), readme.indexOf("### Diagnoses"));
    const rows = [...section.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => [Number(m[1]), (m[2] ?? "").replaceAll("`", "")]);
    expect(rows).toEqual(exitCodeMeanings.map(([code, meaning]) => [code, meaning]));
    for (const [code, meaning] of exitCodeMeanings) expect(stdout).toContain(`  ${String(code).padEnd(5)}${meaning}\n`);
    expect(new Set(exitCodeMeanings.map(([code]) => code))).toEqual(new Set(Object.values(ExitCode)));
  });

  it("writes no JUnit file when the usage is bad", async () => {
    const junitFile = path.join(mkdtempSync(path.join(tmpdir(), "srv-smoke-")), "smoke.xml");
    const { code } = await smoke("--url", "http://127.0.0.1:9", "--timeout", "-1", "--junit", junitFile);
    expect(code).toBe(ExitCode.badUsage);
    expect(existsSync(junitFile)).toBe(false);
  });
});
