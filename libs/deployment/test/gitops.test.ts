import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { DEFAULT_ROLLOUT_GROUP, parseDeployment, rolloutGroupOrder } from "../src";

const SHA = "0578de0a1b2c3d4e5f60718293a4b5c6d7e8f901";
const minimal = { deployment_id: "abc1", env: "dev", region: "eu-west-1" };
const gitops = { engine: "argocd", repo_url: "https://github.com/example/gpp-platform.git", revision: SHA };
const FILE = "/tmp/deployments/abc1.yaml";
const parse = (doc: object) => parseDeployment(stringify(doc), FILE);
const refusal = (doc: object): string => {
  try {
    parse(doc);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("accepted");
};

describe("tenant delivery in the descriptor", () => {
  it("without gitops, today's behaviour: no gitops block, every tenant in the default group", () => {
    const d = parse({ ...minimal, tenants: [{ id: "acme" }] });
    expect(d.gitops).toBeUndefined();
    expect(d.tenants[0]?.rollout_group).toBe(DEFAULT_ROLLOUT_GROUP);
  });

  it("reads the issue's keys as written", () => {
    const d = parse({ ...minimal, gitops, tenants: [{ id: "acme", rollout_group: "canary" }, { id: "beta" }] });
    expect(d.gitops).toEqual(gitops);
    expect(d.tenants.map((t) => t.rollout_group)).toEqual(["canary", "default"]);
  });

  it("takes a tag, refs/tags/<tag>, a SHA-256 commit id and ssh or scp-like URLs", () => {
    for (const revision of ["v1.4.0", "refs/tags/release-2026.12", "a".repeat(64)]) {
      expect(parse({ ...minimal, gitops: { ...gitops, revision } }).gitops?.revision).toBe(revision);
    }
    for (const repo_url of ["ssh://git@github.com/example/gpp-platform.git", "git@github.com:example/gpp-platform.git"]) {
      expect(parse({ ...minimal, gitops: { ...gitops, repo_url } }).gitops?.repo_url).toBe(repo_url);
    }
  });

  it.each([
    [{ ...gitops, revision: undefined }, "gitops.revision", "is required with engine argocd"],
    [{ ...gitops, revision: "main" }, "gitops.revision", "names a branch"],
    [{ ...gitops, revision: "HEAD" }, "gitops.revision", "names a branch"],
    [{ ...gitops, revision: "0578de0" }, "gitops.revision", "abbreviated commit SHA"],
    [{ ...gitops, revision: "v1..2" }, "gitops.revision", "neither a full commit SHA nor a valid Git tag"],
    [{ ...gitops, revision: "v1 2" }, "gitops.revision", "neither a full commit SHA nor a valid Git tag"],
    [{ ...gitops, revision: "v1.lock" }, "gitops.revision", "neither a full commit SHA nor a valid Git tag"],
    [{ ...gitops, repo_url: "github.com/example/repo" }, "gitops.repo_url", "is not a Git URL"],
    [{ ...gitops, repo_url: "http://github.com/example/repo.git" }, "gitops.repo_url", "uses http:"],
    [{ ...gitops, repo_url: "https://github.com/" }, "gitops.repo_url", "names no repository path"],
    [{ ...gitops, repo_url: "https://me:secret@github.com/example/repo.git" }, "gitops.repo_url", "carries a password"],
    [{ ...gitops, engine: "flux" }, "gitops.engine", 'must be "argocd"'],
  ])("refuses %j naming the file and %s", (block, field, message) => {
    const text = refusal({ ...minimal, gitops: block });
    expect(text).toContain(`${FILE}: ${field}: `);
    expect(text).toContain(message);
  });

  it.each([
    ["Canary-", "tenants[0].rollout_group"],
    ["wave 1", "tenants[0].rollout_group"],
    ["", "tenants[0].rollout_group"],
    ["x".repeat(64), "tenants[0].rollout_group"],
  ])("refuses rollout_group %j, which is no Kubernetes label value, naming %s", (group, field) => {
    expect(refusal({ ...minimal, gitops, tenants: [{ id: "acme", rollout_group: group }] })).toContain(`${FILE}: ${field}: must be a Kubernetes label value`);
  });

  it.each(["Acme", "acme_corp", "a".repeat(41), "-acme"])("refuses tenant id %j, which would not make a valid Application and namespace name", (id) => {
    expect(refusal({ ...minimal, gitops, tenants: [{ id }] })).toContain(`${FILE}: tenants[0].id: `);
  });
});

describe("rollout order", () => {
  const group = (...groups: string[]) => groups.map((rollout_group) => ({ rollout_group }));
  it("puts canary first, the other groups as first named, the default group last", () => {
    expect(rolloutGroupOrder(group("default", "wave2", "canary", "wave1", "wave2"))).toEqual(["canary", "wave2", "wave1", "default"]);
  });
  it("has only the groups tenants are in", () => {
    expect(rolloutGroupOrder(group("default", "default"))).toEqual(["default"]);
    expect(rolloutGroupOrder(group("wave1"))).toEqual(["wave1"]);
    expect(rolloutGroupOrder([])).toEqual([]);
  });
});
