/**
 * The service's contract: the single source of truth for how `gradyent/tech-interview` is reached and
 * what it answers. The chart's probes, its `helm test` pod, the smoke command and every test fake read
 * these values.
 *
 * Two sets of bodies exist, and both are recorded:
 * - `served`: what the real image answers, as captured with `curl -v` against it (through an ALB over
 *   HTTP/1.1 and over HTTPS/HTTP/2; screenshots `imgs/03-curl-response.png` and
 *   `imgs/05-https-curl-response.png` in github.com/davidjeddy/gradyent-practical, commit 50bc54d):
 *   `GET /` -> 200 `ok` (Content-Length 2), `GET /hello` -> 200 `world!` and a newline (Content-Length 7),
 *   both `Content-Type: text/plain; charset=utf-8`. The newline is trailing: curl's line-buffered stdout
 *   printed `world!` before its own "Connection left intact" line, but `ok` (no newline) only after it.
 * - `documented`: what the assignment's text says (`OK`, `world`).
 *
 * The matching rule (one rule for the smoke command, the chart's `helm test` pod and every test):
 * strip leading and trailing ASCII whitespace (space, tab, CR, LF, VT, FF), fold ASCII A-Z to lower case,
 * and accept the body when the result is exactly one of the endpoint's `accepted` forms:
 * `ok` for readiness, `world` or `world!` for liveness. Everything else is refused (`hello`, an empty
 * body, an HTML 404 page, `okay`, `world peace`). ASCII only on purpose: the `helm test` pod implements
 * the same rule with POSIX `sh` and `tr` in the C locale, which know nothing of Unicode case or spaces.
 * One known gap: a shell drops NUL bytes from what it captures, so the pod would take `o\0k` for `ok`
 * where this function refuses it; no such body has been seen from the image.
 */
export const contract = {
  image: "gradyent/tech-interview",
  /** The tag the smoke command and the chart use when none is given; not SemVer, so pin a digest where it matters. */
  defaultTag: "latest",
  /** The container listens here. It runs as a non-root user, so it cannot bind a port below 1024. */
  port: 8080,
  portName: "http",
  readiness: {
    path: "/",
    status: 200,
    served: { body: "ok", contentType: "text/plain; charset=utf-8", contentLength: 2 },
    documented: { body: "OK" },
    accepted: ["ok"],
  },
  liveness: {
    path: "/hello",
    status: 200,
    served: { body: "world!\n", contentType: "text/plain; charset=utf-8", contentLength: 7 },
    documented: { body: "world" },
    accepted: ["world", "world!"],
  },
  /** The image is built for this platform only. */
  platform: { os: "linux", architecture: "amd64" },
} as const;

export type Contract = typeof contract;
export type Endpoint = Contract["readiness"] | Contract["liveness"];

/** What the matching rule accepts for one endpoint, in a form other packages (and JSON) can carry. */
export interface BodyRule {
  readonly accepted: readonly string[];
}

/** The rule's normal form of a body: surrounding ASCII whitespace removed, ASCII letters in lower case. */
export function normalizeBody(body: string): string {
  return body.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, "").replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/** The one matching rule (see the module comment): true when `body` is an accepted answer of `endpoint`. */
export function bodyAccepted(endpoint: BodyRule, body: string): boolean {
  return endpoint.accepted.includes(normalizeBody(body));
}

/** The accepted forms for messages: `"ok"` or `"world" or "world!"`. */
export function describeAccepted(endpoint: BodyRule): string {
  return endpoint.accepted.map((form) => JSON.stringify(form)).join(" or ");
}
