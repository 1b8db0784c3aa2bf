import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  AWS_MAX_TAGS_PER_RESOURCE,
  EKS_KUBERNETES_VERSIONS,
  IDENTIFYING_TAG_KEYS,
  MAX_DESCRIPTOR_TAGS,
  SUPPORTED_KUBERNETES_VERSIONS,
  VERSIONS_AS_OF,
  parseDeployment,
} from "../src";

const minimal = { deployment_id: "abc1", env: "dev", region: "eu-west-1" };
const parse = (doc: object) => parseDeployment(stringify(doc), "abc1.yaml");
const refusal = (doc: object): string => {
  try {
    parse(doc);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a refusal");
};

describe("cluster.kubernetes_version", () => {
  it("accepts exactly the versions under EKS standard support on the calendar's date: 1.34 and 1.35", () => {
    expect(SUPPORTED_KUBERNETES_VERSIONS).toEqual(["1.34", "1.35"]);
    for (const version of SUPPORTED_KUBERNETES_VERSIONS) {
      expect(parse({ ...minimal, cluster: { kubernetes_version: version } }).cluster.kubernetes_version).toBe(version);
    }
  });

  it('refuses "1.10", which used to synthesize and then crash pnpm policy', () => {
    expect(refusal({ ...minimal, cluster: { kubernetes_version: "1.10" } })).toBe(
      `abc1.yaml: cluster.kubernetes_version: Kubernetes 1.10 is not a version this project knows EKS to offer (as of ${VERSIONS_AS_OF}); use one of "1.34", "1.35"`,
    );
  });

  it("refuses a version EKS has not released in the calendar, such as 1.36", () => {
    expect(refusal({ ...minimal, cluster: { kubernetes_version: "1.36" } })).toMatch(/cluster\.kubernetes_version: Kubernetes 1\.36 is not a version/);
  });

  it("refuses a version past standard support, which the cluster's STANDARD upgrade policy would upgrade by itself", () => {
    expect(refusal({ ...minimal, cluster: { kubernetes_version: "1.33" } })).toMatch(
      /cluster\.kubernetes_version: Kubernetes 1\.33 left EKS standard support on 2026-07-29/,
    );
  });

  it("keeps the calendar in order: extended support always ends 12 months after standard support", () => {
    for (const v of EKS_KUBERNETES_VERSIONS) {
      const standard = new Date(`${v.endOfStandardSupport}T00:00:00Z`);
      const extended = new Date(`${v.endOfExtendedSupport}T00:00:00Z`);
      expect(extended.getUTCFullYear() * 12 + extended.getUTCMonth() - (standard.getUTCFullYear() * 12 + standard.getUTCMonth()), v.version).toBe(12);
    }
  });
});

describe("tags", () => {
  const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`team-tag-${i}`, "x"]));

  it(`leaves room under AWS's ${AWS_MAX_TAGS_PER_RESOURCE} for the project's own tags: ${MAX_DESCRIPTOR_TAGS} of the descriptor's are accepted`, () => {
    expect(MAX_DESCRIPTOR_TAGS).toBe(50 - 6 - 8);
    expect(Object.keys(parse({ ...minimal, tags: tags(MAX_DESCRIPTOR_TAGS) }).tags)).toHaveLength(MAX_DESCRIPTOR_TAGS);
  });

  it("refuses one more, naming the field and the arithmetic", () => {
    expect(refusal({ ...minimal, tags: tags(MAX_DESCRIPTOR_TAGS + 1) })).toBe(
      `abc1.yaml: tags: has ${MAX_DESCRIPTOR_TAGS + 1} tags, more than the ${MAX_DESCRIPTOR_TAGS} a descriptor may add: AWS allows 50 per resource, the project adds 6 to every resource and keeps 8 for the ones single resources get`,
    );
  });

  it("does not count a descriptor tag that an identifying tag overrides", () => {
    const withOverridden = { ...tags(MAX_DESCRIPTOR_TAGS), env: "x", deployment: "y" };
    expect(IDENTIFYING_TAG_KEYS).toContain("env");
    expect(() => parse({ ...minimal, tags: withOverridden })).not.toThrow();
  });
});
