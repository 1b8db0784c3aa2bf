import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { bodyAccepted, contract, describeAccepted } from "./contract";

/** Why a request did not meet the contract, in a form a person can act on. */
export type FailureKind = "refused" | "reset" | "timeout" | "dns" | "tls" | "unreachable" | "status" | "body" | "truncated" | "error";

export interface Failure {
  readonly kind: FailureKind;
  /** A few words for progress lines, e.g. "connection refused" or "status 503". */
  readonly summary: string;
  /** One or two plain sentences: what happened and what to check. */
  readonly message: string;
}

/** Failures where an HTTP answer (status line and headers) came back, but a wrong or broken one. */
const ANSWERED: ReadonlySet<FailureKind> = new Set(["status", "body", "truncated"]);

/** Failures where no HTTP answer came back at all, as opposed to a wrong answer. */
export const isUnreachable = (kind: FailureKind): boolean => !ANSWERED.has(kind);

export interface Expectation {
  readonly path: string;
  readonly status: number;
  /** The body forms the contract's matching rule accepts (`bodyAccepted` in contract.ts). */
  readonly accepted: readonly string[];
}

export interface ProbeOptions {
  /** Base URL, e.g. `http://127.0.0.1:8080` or `https://lb.example.org/prefix`. */
  readonly baseUrl: URL;
  readonly expect: Expectation;
  /** Sent as the Host header (and as the TLS server name), for a tenant behind a shared entry point. */
  readonly host?: string;
  readonly timeoutMs: number;
  /** Replaces DNS resolution; tests use it to exercise the DNS diagnosis without the network. */
  readonly lookup?: LookupFunction;
}

export interface ProbeResult {
  readonly ok: boolean;
  readonly url: string;
  readonly latencyMs: number;
  readonly status?: number;
  readonly body?: string;
  readonly failure?: Failure;
}

/**
 * Bodies are a few bytes by contract. Past this the probe stops reading and fails: a hostile or broken
 * server could otherwise stream forever, and a huge body of accepted words and spaces must not pass.
 */
export const MAX_BODY_BYTES = 64 * 1024;
const SHOWN_BODY_CHARS = 200;

/**
 * A URL as it may be printed or written: user name and password replaced by `***`. `--url` may carry
 * credentials for a protected entry point; reports and CI artefacts must not.
 */
export function redactUrl(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const shown = new URL(url.href);
  if (shown.username) shown.username = "***";
  if (shown.password) shown.password = "***";
  return shown.href;
}

/** The same for text that may not parse as a URL (a rejected `--url` value): anything before an `@` after `//`. */
export function redactUrlText(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s"]*@/gi, "$1***@");
}

/** `/prefix` + `/hello` -> `/prefix/hello`: endpoints live under the base URL's path. */
export function endpointUrl(baseUrl: URL, path: string): URL {
  const url = new URL(baseUrl.href);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${path}`;
  return url;
}

/** A body as shown in a diagnosis: quoted, escaped, cut short. */
export function showBody(body: string): string {
  const cut = body.length > SHOWN_BODY_CHARS ? `${body.slice(0, SHOWN_BODY_CHARS)}…` : body;
  return `${JSON.stringify(cut)}${body.length > SHOWN_BODY_CHARS ? ` (${body.length} characters)` : ""}`;
}

/** How far a request got before its timeout fired. */
type Phase = "connecting" | "handshake" | "waiting";

class ProbeTimeout extends Error {
  constructor(readonly phase: Phase) {
    super("probe timeout");
  }
}

const TLS_CODES = new Set([
  "EPROTO",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
  "CERT_REVOKED",
]);

function isTlsError(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_");
}

/** OpenSSL's one-line reason ("wrong version number"), not its multi-line error dump. */
function tlsReason(err: NodeJS.ErrnoException & { reason?: string }): string {
  const text = err.reason ?? (err.message.split("\n")[0] ?? err.message).replace(/^.*:SSL routines:[^:]*:/, "");
  return `${text.trim()} (${err.code})`;
}

/** Turns a socket-level error into a diagnosis. `where` is `host:port` as dialled. */
export function diagnose(error: unknown, where: string, timeoutMs: number, hostName: string): Failure {
  if (error instanceof ProbeTimeout) {
    switch (error.phase) {
      case "waiting":
        return {
          kind: "timeout",
          summary: "timeout (no answer)",
          message: `timeout: connected to ${where}, but no complete answer within ${timeoutMs} ms. The service is slow or stuck, or a proxy in front of it is waiting on a backend that does not answer.`,
        };
      case "handshake":
        // TCP got through, so nothing drops packets: the peer does not speak TLS, or is stuck.
        return {
          kind: "timeout",
          summary: "timeout (TLS handshake)",
          message: `timeout: connected to ${where}, but the TLS handshake got no answer within ${timeoutMs} ms. The port accepts TCP but does not speak TLS: is it a plain-HTTP port (use http://), or is the TLS endpoint in front of it stuck?`,
        };
      case "connecting":
        return {
          kind: "timeout",
          summary: "timeout (connecting)",
          message: `timeout: could not connect to ${where} within ${timeoutMs} ms. Packets are probably dropped: check firewalls, security groups and that the address is right.`,
        };
    }
  }
  const err = error as NodeJS.ErrnoException;
  const code = err.code ?? "";
  const detail = `${err.message}${code && !err.message.includes(code) ? ` (${code})` : ""}`;
  switch (code) {
    case "ECONNREFUSED":
      return {
        kind: "refused",
        summary: "connection refused",
        message: `connection refused: nothing is listening on ${where}. Is the service (or the container) running, and is this the port it was published on?`,
      };
    case "ECONNRESET":
    case "EPIPE":
      return {
        kind: "reset",
        summary: "connection reset by peer",
        message:
          `connection reset by peer: ${where} accepted the connection, then closed it without an HTTP answer (${detail}). ` +
          `With a container this usually means the published port maps to a container port where nothing listens: ` +
          `publish to container port ${contract.port} (e.g. -p 8080:${contract.port}, not -p 8080:80); ` +
          `the service runs as non-root and cannot listen below 1024.`,
      };
    case "ETIMEDOUT":
      return {
        kind: "timeout",
        summary: "timeout (connecting)",
        message: `timeout: the operating system gave up connecting to ${where} (${detail}). Packets are probably dropped: check firewalls and security groups.`,
      };
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_FAIL":
    case "EAI_NODATA":
    case "EAI_NONAME":
      return {
        kind: "dns",
        summary: "DNS lookup failed",
        message: `DNS lookup failed for ${hostName} (${code}${code === "EAI_AGAIN" ? ", temporary" : ""}): the name does not resolve. Check the spelling and that its DNS record exists and has propagated.`,
      };
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EADDRNOTAVAIL":
      return {
        kind: "unreachable",
        summary: "network unreachable",
        message: `network unreachable: no route to ${where} (${code}). Check the address and this machine's network or VPN.`,
      };
    default:
      if (isTlsError(code)) {
        return {
          kind: "tls",
          summary: `TLS error (${code})`,
          message: `TLS error talking to ${where}: ${tlsReason(err)}. Check the certificate (issuer, expiry, names it covers) and that the port speaks TLS (use http:// for a plain-HTTP port).`,
        };
      }
      return { kind: "error", summary: code ? `request failed (${code})` : "request failed", message: `request to ${where} failed: ${detail}` };
  }
}

/** One HTTP GET of one endpoint, checked against the expectation. Never throws. */
export function probe(options: ProbeOptions): Promise<ProbeResult> {
  const url = endpointUrl(options.baseUrl, options.expect.path);
  const secure = url.protocol === "https:";
  const port = url.port || (secure ? "443" : "80");
  const where = `${url.hostname}:${port}`;
  const hostName = options.host ?? url.hostname;
  const started = performance.now();
  const elapsed = (): number => Math.round((performance.now() - started) * 10) / 10;

  return new Promise<ProbeResult>((resolve) => {
    let settled = false;
    let phase: Phase = "connecting";
    const finish = (result: Omit<ProbeResult, "url" | "latencyMs">): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ url: redactUrl(url), latencyMs: elapsed(), ...result });
    };

    const request = (secure ? https : http).request(url, {
      method: "GET",
      // A fresh connection per request: each one proves the whole path, and no pooled socket outlives the run.
      agent: false,
      headers: { accept: "text/plain, */*", ...(options.host ? { host: options.host } : {}) },
      ...(secure && options.host ? { servername: options.host } : {}),
      ...(options.lookup ? { lookup: options.lookup } : {}),
    });
    const timer = setTimeout(() => {
      finish({ ok: false, failure: diagnose(new ProbeTimeout(phase), where, options.timeoutMs, hostName) });
      request.destroy();
    }, options.timeoutMs);

    request.on("socket", (socket) => {
      // A TLS socket emits "connect" when TCP is up and "secureConnect" after the handshake.
      socket.once("connect", () => {
        phase = secure ? "handshake" : "waiting";
      });
      if (secure) {
        socket.once("secureConnect", () => {
          phase = "waiting";
        });
      }
    });
    request.on("error", (error) => {
      finish({ ok: false, failure: diagnose(error, where, options.timeoutMs, hostName) });
    });
    request.on("response", (response) => {
      const status = response.statusCode ?? 0;
      const { expect } = options;
      const chunks: Buffer[] = [];
      let size = 0;
      const received = (): string => Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString("utf8");
      response.on("data", (chunk: Buffer) => {
        if (settled) return;
        chunks.push(chunk);
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          const body = received();
          finish({
            ok: false,
            status,
            body,
            failure: {
              kind: "body",
              summary: "body too large",
              message: `wrong body: GET ${expect.path} answered more than ${MAX_BODY_BYTES} bytes (stopped reading there), expected ${describeAccepted(expect)}; it began ${showBody(body)}.`,
            },
          });
          request.destroy();
        }
      });
      response.on("error", (error: NodeJS.ErrnoException) => {
        if (settled) return;
        // The status line and headers arrived, so the port and the path to it work: the answer broke off
        // mid-body (the service crashed or a proxy gave up), which no port mapping explains.
        const body = received();
        finish({
          ok: false,
          status,
          body,
          failure: {
            kind: "truncated",
            summary: "truncated answer",
            message: `truncated answer: GET ${expect.path} answered ${status}, then the connection closed before the body was complete (${error.message}${error.code ? `, ${error.code}` : ""}) after ${size} bytes: ${showBody(body)}. The service or a proxy in front of it broke the answer off.`,
          },
        });
      });
      response.on("end", () => {
        const body = received();
        if (status !== expect.status) {
          finish({
            ok: false,
            status,
            body,
            failure: {
              kind: "status",
              summary: `status ${status}`,
              message: `wrong status: GET ${expect.path} answered ${status}${response.statusMessage ? ` ${response.statusMessage}` : ""}, expected ${expect.status}; body ${showBody(body)}.`,
            },
          });
        } else if (!bodyAccepted(expect, body)) {
          finish({
            ok: false,
            status,
            body,
            failure: {
              kind: "body",
              summary: "wrong body",
              message: `wrong body: GET ${expect.path} answered ${showBody(body)}, expected ${describeAccepted(expect)} (case and surrounding whitespace ignored).`,
            },
          });
        } else {
          finish({ ok: true, status, body });
        }
      });
    });
    request.end();
  });
}
