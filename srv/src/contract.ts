/**
 * The service's contract: the single source of truth for how `gradyent/tech-interview` is reached.
 * The chart's probes, its tests and the smoke command all read these values.
 */
export const contract = {
  image: "gradyent/tech-interview",
  /** The tag the smoke command and the chart use when none is given; not SemVer, so pin a digest where it matters. */
  defaultTag: "latest",
  /** The container listens here. It runs as a non-root user, so it cannot bind a port below 1024. */
  port: 8080,
  portName: "http",
  readiness: { path: "/", status: 200, body: "OK" },
  liveness: { path: "/hello", status: 200, body: "world" },
  /** The image is built for this platform only. */
  platform: { os: "linux", architecture: "amd64" },
} as const;

export type Contract = typeof contract;
export type Endpoint = Contract["readiness"] | Contract["liveness"];
