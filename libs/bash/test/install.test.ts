import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  installer,
  installerWithPins,
  makeToolbox,
  missingSystemUtilities,
  osReleaseFixture,
  pinned,
  runInstaller,
  stubScript,
  tools,
  which,
  type Tool,
} from "./toolbox";

const pins: Record<Tool, string> = {
  node: pinned("NODE_VERSION"),
  pnpm: pinned("PNPM_VERSION"),
  terraform: pinned("TERRAFORM_VERSION"),
  helm: pinned("HELM_VERSION"),
  kubectl: pinned("KUBECTL_VERSION"),
  aws: pinned("AWSCLI_VERSION"),
};

const reportLine = (output: string, tool: Tool): string => {
  const line = output.split("\n").find((l) => l.startsWith(`${tool} `));
  if (!line) throw new Error(`no report line for ${tool} in:\n${output}`);
  return line;
};

const sha256 = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

const unavailable = missingSystemUtilities();
const noToolbox = unavailable.length > 0 ? `needs ${unavailable.join(", ")} on this machine` : "";
if (noToolbox) console.log(`skipping the isolated-PATH installer tests: ${noToolbox}`);

describe("arguments", () => {
  it("--help prints usage naming every option and exits 0", () => {
    const result = runInstaller(["--help"]);
    expect(result.status).toBe(0);
    for (const option of ["--check", "--dry-run", "--help", "INSTALL_PREFIX", "INSTALL_OS_RELEASE"]) {
      expect(result.stdout).toContain(option);
    }
  });

  it("rejects an unknown option with its name, the usage and exit 2", () => {
    const result = runInstaller(["--frobnicate"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown option '--frobnicate'");
    expect(result.stderr).toContain("Usage:");
    expect(result.stdout).toBe("");
  });

  it("rejects a positional argument with exit 2", () => {
    const result = runInstaller(["terraform"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unexpected argument 'terraform'");
  });

  it("rejects --check combined with --dry-run with exit 2", () => {
    const result = runInstaller(["--check", "--dry-run"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("cannot be combined");
  });

  it("pins pnpm to the root package.json's packageManager", () => {
    const rootPackage = JSON.parse(readFileSync(path.resolve(installer, "../../../package.json"), "utf8")) as {
      packageManager: string;
    };
    expect(rootPackage.packageManager).toBe(`pnpm@${pins.pnpm}`);
  });
});

describe("--check on this machine", () => {
  const result = runInstaller(["--check"]);

  it.each(tools)("reports %s consistently with what is on PATH", (tool) => {
    const line = reportLine(result.stdout, tool);
    const location = which(tool);
    if (!location) {
      expect(line).toMatch(new RegExp(`^${tool} +missing`));
    } else {
      expect(line).toMatch(new RegExp(`^${tool} +(ok|wrong version) `));
      expect(line).toContain(` at ${location} `);
    }
  });

  it("reports the version terraform itself prints", (context) => {
    if (!which("terraform")) {
      console.log("skipping: terraform is not on PATH here");
      context.skip();
    }
    const own = spawnSync("terraform", ["version"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
    const version = /^Terraform v(\S+)/.exec(own.stdout)?.[1];
    expect(version).toBeDefined();
    expect(reportLine(result.stdout, "terraform")).toContain(` ${version} at `);
  });

  it("exits non-zero exactly when some tool is not ok", () => {
    const allOk = tools.every((tool) => / ok /.test(reportLine(result.stdout, tool)));
    expect(result.status).toBe(allOk ? 0 : 1);
  });
});

describe.skipIf(Boolean(noToolbox))("--check against known tools", () => {
  it("exits 0 when every tool is at its pinned version (node: at or above the floor)", () => {
    const box = makeToolbox({ ...pins, node: "22.21.0" });
    const result = runInstaller(["--check"], box.env);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    for (const tool of tools) expect(reportLine(result.stdout, tool)).toMatch(new RegExp(`^${tool} +ok `));
    expect(reportLine(result.stdout, "node")).toContain("22.21.0");
  });

  it("reports missing tools and wrong versions, and exits 1", () => {
    const box = makeToolbox({ node: "20.8.1", pnpm: "9.15.0", terraform: "1.11.4", kubectl: "1.32.4-dispatcher" });
    const result = runInstaller(["--check"], box.env);
    expect(result.status).toBe(1);
    expect(reportLine(result.stdout, "node")).toMatch(/^node +wrong version +20\.8\.1 .*want >= 20\.9\.0/);
    expect(reportLine(result.stdout, "pnpm")).toMatch(/^pnpm +wrong version +9\.15\.0 /);
    expect(reportLine(result.stdout, "terraform")).toContain(`1.11.4 at ${box.bin}/terraform (want ${pins.terraform})`);
    expect(reportLine(result.stdout, "kubectl")).toContain("wrong version  1.32.4-dispatcher");
    expect(reportLine(result.stdout, "helm")).toMatch(/^helm +missing /);
    expect(reportLine(result.stdout, "aws")).toMatch(/^aws +missing /);
  });

  // In the isolated PATH rather than on this machine: what a change would touch is visible there (the
  // prefix, the fake curl's log, apt-get/sudo that refuse), and a second --check of the real tools costs
  // a second of CPU (pnpm --version alone is a Node start).
  it("changes nothing: nothing downloaded, installed or asked of the package manager, and the same report twice", () => {
    const box = makeToolbox({ node: "20.8.1", terraform: "1.11.4" });
    const first = runInstaller(["--check"], box.env);
    expect(first.status).toBe(1);
    expect(first.stderr).toBe("");
    expect(existsSync(box.env.INSTALL_PREFIX as string)).toBe(false);
    expect(existsSync(box.curlLog)).toBe(false);
    expect(runInstaller(["--check"], box.env).stdout).toBe(first.stdout);
  });

  it("reads the AWS CLI v1 version (printed on stderr) as a wrong version", () => {
    const box = makeToolbox({ ...pins, aws: "1.45.11" });
    const result = runInstaller(["--check"], box.env);
    expect(result.status).toBe(1);
    expect(reportLine(result.stdout, "aws")).toContain("wrong version  1.45.11");
  });
});

describe.skipIf(Boolean(noToolbox))("distribution and architecture detection", () => {
  const planWith = (osRelease: string, machine = "x86_64") => {
    const box = makeToolbox({});
    return runInstaller(["--dry-run"], { ...box.env, INSTALL_OS_RELEASE: osReleaseFixture(osRelease), INSTALL_MACHINE: machine });
  };

  it.each([
    ["debian-12", "Debian GNU/Linux 12 (bookworm) (apt-get)"],
    ["ubuntu-24.04", "Ubuntu 24.04.2 LTS (apt-get)"],
    ["fedora-42", "Fedora Linux 42 (Workstation Edition) (dnf)"],
  ])("accepts %s and uses its package manager", (osRelease, platform) => {
    const result = planWith(osRelease);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`platform: ${platform}, x86_64`);
  });

  it.each([
    ["alpine-3.21", "Alpine Linux v3.21 (ID=alpine"],
    ["rocky-9", "Rocky Linux 9.5 (Blue Onyx) (ID=rocky"],
  ])("refuses %s, naming it and the supported distributions", (osRelease, named) => {
    const result = planWith(osRelease);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`unsupported operating system: ${named}`);
    expect(result.stderr).toContain("supports Debian, Ubuntu and Fedora");
    expect(result.stdout).not.toContain("download");
  });

  it("names the os-release file it cannot read", () => {
    const result = planWith("no-such-file");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`cannot read ${osReleaseFixture("no-such-file")}`);
  });

  it("plans arm64 downloads on aarch64 and refuses other architectures", () => {
    const arm = planWith("debian-12", "aarch64");
    expect(arm.status).toBe(0);
    expect(arm.stdout).toContain(`helm-v${pins.helm}-linux-arm64.tar.gz`);
    expect(arm.stdout).toContain(`awscli-exe-linux-aarch64-${pins.aws}.zip`);
    expect(arm.stdout).toContain(`node-v${pins.node}-linux-arm64.tar.xz`);
    // Each architecture's download is checked against its own pinned hash.
    for (const variable of ["NODE_SHA256_ARM64", "HELM_SHA256_ARM64", "KUBECTL_SHA256_ARM64"]) {
      expect(arm.stdout).toContain(`against the value pinned in install.sh (${pinned(variable)})`);
    }
    for (const variable of ["NODE_SHA256_X64", "HELM_SHA256_AMD64", "KUBECTL_SHA256_AMD64"]) {
      expect(arm.stdout).not.toContain(pinned(variable));
    }
    const s390 = planWith("debian-12", "s390x");
    expect(s390.status).toBe(1);
    expect(s390.stderr).toContain("unsupported machine architecture: s390x");
  });
});

describe.skipIf(Boolean(noToolbox))("--dry-run plan", () => {
  it("plans every missing tool from its pinned, vendor-published URL with its checksum or signature", () => {
    const box = makeToolbox({});
    const result = runInstaller(["--dry-run"], box.env);
    expect(result.status).toBe(0);
    const out = result.stdout;
    const expectations = [
      `https://nodejs.org/dist/v${pins.node}/SHASUMS256.txt`,
      `verify sha256 of node-v${pins.node}-linux-x64.tar.xz against https://nodejs.org/dist/v${pins.node}/SHASUMS256.txt`,
      `npm install --global --no-fund --no-audit --prefix ${box.env.INSTALL_PREFIX} pnpm@${pins.pnpm}`,
      `verify PGP signature of terraform_${pins.terraform}_SHA256SUMS by key C874011F0AB405110D02105534365D9472D7468F`,
      `verify sha256 of terraform_${pins.terraform}_linux_amd64.zip against https://releases.hashicorp.com/terraform/${pins.terraform}/terraform_${pins.terraform}_SHA256SUMS`,
      `verify sha256 of helm-v${pins.helm}-linux-amd64.tar.gz against https://get.helm.sh/helm-v${pins.helm}-linux-amd64.tar.gz.sha256sum`,
      `verify sha256 of kubectl against https://dl.k8s.io/release/v${pins.kubectl}/bin/linux/amd64/kubectl.sha256`,
      `verify sha256 of node-v${pins.node}-linux-x64.tar.xz against the value pinned in install.sh (${pinned("NODE_SHA256_X64")})`,
      `verify sha256 of helm-v${pins.helm}-linux-amd64.tar.gz against the value pinned in install.sh (${pinned("HELM_SHA256_AMD64")})`,
      `verify sha256 of kubectl against the value pinned in install.sh (${pinned("KUBECTL_SHA256_AMD64")})`,
      `verify PGP signature of awscli-exe-linux-x86_64-${pins.aws}.zip by key FB5DB77FD5C118B80511ADA8A6310ACC4672475C`,
      "dry run: nothing was changed",
    ];
    for (const expected of expectations) expect(out).toContain(expected);
    // Verification always comes before the step that installs the file.
    expect(out.indexOf("verify sha256 of kubectl")).toBeLessThan(out.indexOf(`/prefix/bin/kubectl`));
    expect(out.indexOf("verify sha256 of kubectl against the value pinned")).toBeLessThan(out.indexOf(`/prefix/bin/kubectl`));
    expect(existsSync(box.env.INSTALL_PREFIX as string)).toBe(false);
    expect(existsSync(box.curlLog)).toBe(false);
  });

  it("stops before changing anything when pnpm is due but the kept Node has no npm", () => {
    const box = makeToolbox({ node: pins.node });
    const result = runInstaller(["--dry-run"], box.env);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`node ${pins.node} has no npm on PATH: install npm`);
    expect(result.stdout).not.toContain("terraform: installing");
  });

  it("leaves tools already at the pinned version alone", () => {
    const box = makeToolbox({ ...pins, helm: "3.17.0" });
    const result = runInstaller(["--dry-run"], box.env);
    expect(result.status).toBe(0);
    for (const tool of ["node", "pnpm", "terraform", "kubectl", "aws"] as const) {
      expect(result.stdout).toContain(`${tool}: ${pins[tool]} already installed, left alone`);
    }
    expect(result.stdout).toContain(`helm: installing ${pins.helm}`);
    expect(result.stdout).not.toContain("dl.k8s.io");
  });

  it("says there is nothing to do when every tool is at its pinned version", () => {
    const result = runInstaller(["--dry-run"], makeToolbox(pins).env);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("nothing to do");
    expect(result.stdout).not.toContain("download");
  });
});

describe.skipIf(Boolean(noToolbox))("install from vendor files served locally", () => {
  /**
   * Publishes fake kubectl and helm releases, with their checksum files, where the fake curl serves
   * them; returns the pins those fake releases would have (for installerWithPins).
   */
  function publishReleases(box: ReturnType<typeof makeToolbox>, options: { corruptKubectlChecksum?: boolean } = {}): Record<string, string> {
    const kubectl = stubScript("kubectl", pins.kubectl);
    writeFileSync(path.join(box.downloads, "kubectl"), kubectl);
    writeFileSync(
      path.join(box.downloads, "kubectl.sha256"),
      options.corruptKubectlChecksum ? sha256("something else") : sha256(kubectl),
    );
    const staging = path.join(box.dir, "helm-staging");
    mkdirSync(path.join(staging, "linux-amd64"), { recursive: true });
    writeFileSync(path.join(staging, "linux-amd64", "helm"), stubScript("helm", pins.helm), { mode: 0o755 });
    const tarball = `helm-v${pins.helm}-linux-amd64.tar.gz`;
    const packed = spawnSync("tar", ["-czf", path.join(box.downloads, tarball), "-C", staging, "linux-amd64/helm"]);
    expect(packed.status).toBe(0);
    const digest = sha256(readFileSync(path.join(box.downloads, tarball)));
    writeFileSync(path.join(box.downloads, `${tarball}.sha256sum`), `${digest}  ${tarball}\n`);
    return { KUBECTL_SHA256_AMD64: sha256(kubectl), HELM_SHA256_AMD64: digest };
  }

  const others = { node: pins.node, pnpm: pins.pnpm, terraform: pins.terraform, aws: pins.aws };

  it("downloads, verifies and installs the missing tools, then a second run does nothing", () => {
    const box = makeToolbox(others);
    const script = installerWithPins(box.dir, publishReleases(box));
    const first = runInstaller([], box.env, script);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    const prefixBin = path.join(box.env.INSTALL_PREFIX as string, "bin");
    expect(existsSync(path.join(prefixBin, "kubectl"))).toBe(true);
    expect(existsSync(path.join(prefixBin, "helm"))).toBe(true);
    for (const tool of tools) expect(reportLine(first.stdout.split("done; current state:")[1] ?? "", tool)).toMatch(/ ok /);
    const downloadsAfterFirst = readFileSync(box.curlLog, "utf8");
    expect(downloadsAfterFirst).toContain(`https://dl.k8s.io/release/v${pins.kubectl}/bin/linux/amd64/kubectl.sha256`);

    const second = runInstaller([], box.env, script);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("nothing to do");
    expect(readFileSync(box.curlLog, "utf8")).toBe(downloadsAfterFirst);
  });

  it("refuses a download whose SHA-256 does not match the published one, installing nothing", () => {
    const box = makeToolbox(others);
    const script = installerWithPins(box.dir, publishReleases(box, { corruptKubectlChecksum: true }));
    const result = runInstaller([], box.env, script);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("SHA-256 mismatch for kubectl");
    expect(existsSync(path.join(box.env.INSTALL_PREFIX as string, "bin", "kubectl"))).toBe(false);
  });

  // The same-origin checksum file agrees with the bytes served (the host was changed or taken over),
  // but the bytes are not the release whose hash install.sh pins: refused, nothing installed.
  it.each([
    ["node", "NODE_SHA256_X64", `node-v${pins.node}-linux-x64.tar.xz`],
    ["helm", "HELM_SHA256_AMD64", `helm-v${pins.helm}-linux-amd64.tar.gz`],
    ["kubectl", "KUBECTL_SHA256_AMD64", "kubectl"],
  ] as const)("refuses a %s download that matches its host's checksum file but not the pinned SHA-256", (tool, variable, file) => {
    const box = makeToolbox(Object.fromEntries(Object.entries(pins).filter(([other]) => other !== tool)));
    const bytes = `not the ${tool} release install.sh pins`;
    writeFileSync(path.join(box.downloads, file), bytes);
    const sums = { node: "SHASUMS256.txt", helm: `${file}.sha256sum`, kubectl: "kubectl.sha256" }[tool];
    writeFileSync(path.join(box.downloads, sums), tool === "kubectl" ? sha256(bytes) : `${sha256(bytes)}  ${file}\n`);
    const result = runInstaller([], box.env);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`SHA-256 of ${file} is ${sha256(bytes)}, not ${pinned(variable)} as pinned in install.sh`);
    expect(result.stderr).not.toContain("SHA-256 mismatch"); // the same-origin check passed
    expect(existsSync(path.join(box.env.INSTALL_PREFIX as string, "bin", tool))).toBe(false);
    expect(existsSync(path.join(box.env.INSTALL_PREFIX as string, "lib"))).toBe(false);
  });

  it("fails clearly when a download is unavailable", () => {
    const box = makeToolbox(others);
    const result = runInstaller([], box.env);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("download failed: https://get.helm.sh/");
  });
});

describe("shellcheck", () => {
  it("finds nothing in install.sh", (context) => {
    if (!which("shellcheck")) {
      console.log("skipping: shellcheck is not installed (Debian: apt-get install -y shellcheck)");
      context.skip();
    }
    const result = spawnSync("shellcheck", ["--severity=style", installer], { encoding: "utf8" });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
