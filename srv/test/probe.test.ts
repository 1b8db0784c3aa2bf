import type { LookupFunction } from "node:net";
import net from "node:net";
import { describe, expect, it } from "vitest";
import { contract } from "../src/contract";
import { bodyMatches, diagnose, endpointUrl, probe, showBody } from "../src/probe";
import { contractServer } from "./servers";

const enotfound: LookupFunction = (hostname, _options, callback) => {
  const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
  process.nextTick(() => callback(error, "", 4));
};

describe("probe", () => {
  it("says DNS lookup failed, naming the host, when the name does not resolve", async () => {
    const result = await probe({
      baseUrl: new URL("http://lb.nowhere.example.test"),
      expect: contract.readiness,
      timeoutMs: 500,
      lookup: enotfound,
    });
    expect(result.ok).toBe(false);
    expect(result.failure?.kind).toBe("dns");
    expect(result.failure?.message).toContain("DNS lookup failed for lb.nowhere.example.test (ENOTFOUND)");
  });

  it("sends the Host header it is given", async () => {
    let seen = "";
    const server = net.createServer((socket) =>
      socket.once("data", (data) => {
        seen = /^host: (.*)$/im.exec(data.toString())?.[1]?.trim() ?? "";
        socket.end("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nOK");
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    const result = await probe({ baseUrl: new URL(`http://127.0.0.1:${port}`), expect: contract.readiness, timeoutMs: 500, host: "acme.example.test" });
    server.close();
    expect(result.ok).toBe(true);
    expect(seen).toBe("acme.example.test");
  });

  it("says the peer closed without answering when it closes cleanly (FIN), with the port hint", async () => {
    const server = net.createServer((socket) => socket.once("data", () => socket.end()));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    const result = await probe({ baseUrl: new URL(`http://127.0.0.1:${port}`), expect: contract.readiness, timeoutMs: 500 });
    server.close();
    expect(result.failure?.kind).toBe("reset");
    expect(result.failure?.message).toContain("closed it without an HTTP answer");
    expect(result.failure?.message).toContain("-p 8080:8080, not -p 8080:80");
  });

  it("measures latency of a good answer", async () => {
    const result = await probe({ baseUrl: new URL(await contractServer()), expect: contract.liveness, timeoutMs: 500 });
    expect(result).toMatchObject({ ok: true, status: 200, body: "world" });
    expect(result.latencyMs).toBeGreaterThan(0);
  });
});

describe("diagnose", () => {
  const error = (code: string, message = code): NodeJS.ErrnoException => Object.assign(new Error(message), { code });
  it.each([
    ["ETIMEDOUT", "timeout", "the operating system gave up connecting to h:1"],
    ["EHOSTUNREACH", "unreachable", "no route to h:1"],
    ["EAI_AGAIN", "dns", "DNS lookup failed for h (EAI_AGAIN, temporary)"],
    ["CERT_HAS_EXPIRED", "tls", "TLS error talking to h:1: CERT_HAS_EXPIRED (CERT_HAS_EXPIRED)"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "tls", "TLS error talking to h:1"],
    ["EWEIRD", "error", "request to h:1 failed: EWEIRD"],
  ])("%s is a %s failure", (code, kind, text) => {
    const failure = diagnose(error(code), "h:1", 100, "h");
    expect(failure.kind).toBe(kind);
    expect(failure.message).toContain(text);
  });
});

describe("helpers", () => {
  it("joins endpoint paths under the base URL's path", () => {
    expect(endpointUrl(new URL("http://a:1"), "/hello").href).toBe("http://a:1/hello");
    expect(endpointUrl(new URL("http://a:1/prefix/"), "/").href).toBe("http://a:1/prefix/");
    expect(endpointUrl(new URL("http://a:1/prefix"), "/hello").href).toBe("http://a:1/prefix/hello");
  });

  it("ignores only surrounding whitespace when comparing bodies", () => {
    expect(bodyMatches("OK\n", "OK")).toBe(true);
    expect(bodyMatches("ok", "OK")).toBe(false);
    expect(bodyMatches("OK!", "OK")).toBe(false);
  });

  it("shows bodies quoted and cut short", () => {
    expect(showBody('say "hi"\n')).toBe('"say \\"hi\\"\\n"');
    expect(showBody("x".repeat(500))).toMatch(/^"x{200}…" \(500 characters\)$/);
  });
});
