/** Container image supply chain: what runs in prod is the exact build that was reviewed. */
import { addressOf, containersOf, podBearing } from "../kubernetes";
import YAML from "yaml";
import { isObject, isToken, resources } from "../terraform";
import type { Json, Rule, Violation } from "../types";

export const DIGEST_REFERENCE = /@sha256:[a-f0-9]{64}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Image-like objects in chart values: a `repository` with a `tag` or `digest` beside it. */
function imageValues(value: unknown, path: string): { path: string; image: Json }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => imageValues(item, `${path}[${i}]`));
  if (!isObject(value)) return [];
  const here = typeof value.repository === "string" && ("tag" in value || "digest" in value) ? [{ path: path || "(root)", image: value }] : [];
  return [...here, ...Object.entries(value).flatMap(([key, inner]) => imageValues(inner, path ? `${path}.${key}` : key))];
}

export const imagesPinnedByDigestInProd: Rule = {
  id: "K8S-IMG-001",
  title: "In prod, every image is pinned by digest",
  control:
    "A prod pod runs exactly the image that was reviewed: a tag (above all `latest`) can be moved to other content " +
    "by whoever controls the registry repository. Checked on every rendered container and on the image values of " +
    "every helm_release (which also covers releases whose chart cannot be rendered here).",
  check: (input) => {
    if (input.env !== "prod") return [];
    const rendered = podBearing(input.kubernetes).flatMap(({ object, pod }) =>
      containersOf(pod.spec).flatMap((ref): Violation[] => {
        const image = String(ref.container.image ?? "");
        return DIGEST_REFERENCE.test(image) ? [] : [{ address: addressOf(object), message: `${ref.field} (${ref.name}) image "${image}" is not pinned by @sha256 digest` }];
      }),
    );
    const values = resources(input.stacks, ["helm_release"]).flatMap((release) =>
      (Array.isArray(release.body.values) ? release.body.values : []).flatMap((text, i): Violation[] => {
        const unreadable = (why: string): Violation[] => [{ address: release.address, message: `values[${i}] ${why}, so its images cannot be verified` }];
        let parsed: unknown;
        try {
          // YAML is a superset of JSON: the provider accepts either. Expressions inside strings stay strings.
          parsed = YAML.parse(String(text));
        } catch {
          return unreadable("is not valid YAML");
        }
        if (parsed !== null && !isObject(parsed)) return unreadable(isToken(parsed) ? "is an apply-time expression" : "is not a map of values");
        return imageValues(parsed, "").flatMap(({ path, image }) =>
          typeof image.digest === "string" && DIGEST.test(image.digest)
            ? []
            : [{ address: release.address, message: `values[${i}] ${path}: image ${String(image.repository)} has no sha256 digest` }],
        );
      }),
    );
    return [...values, ...rendered];
  },
};

export const IMAGE_RULES: readonly Rule[] = [imagesPinnedByDigestInProd];
