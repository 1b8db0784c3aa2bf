import type { LookupFunction } from "node:net";
import net from "node:net";
import { describe, expect, it } from "vitest";
import { contract } from "../src/contract";
import { diagnose, endpointUrl, MAX_BODY_BYTES, probe, redactUrl, redactUrlText, showBody } from "../src/probe";
import { contractServer, hangingServer, rawServer, streamingServer, urlWithCredentials } from "./servers";

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
        socket.end("HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
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
    expect(result).toMatchObject({ ok: true, status: 200, body: "world!\n" });
    expect(result.latencyMs).toBeGreaterThan(0);
  });

  it("accepts the documented bodies as well as the served ones", async () => {
    const baseUrl = new URL(await contractServer("documented"));
    expect(await probe({ baseUrl, expect: contract.readiness, timeoutMs: 500 })).toMatchObject({ ok: true, body: "OK" });
    expect(await probe({ baseUrl, expect: contract.liveness, timeoutMs: 500 })).toMatchObject({ ok: true, body: "world" });
  });

  it("stops reading a body past the cap and fails it, even when it trims to an accepted word", async () => {
    // "ok" and then 10 MB of spaces: trimmed, it is "ok"; read in full, it would pass.
    const started = performance.now();
    const result = await probe({ baseUrl: new URL(await streamingServer("ok", " ".repeat(16 * 1024), 10 * 1024 * 1024)), expect: contract.readiness, timeoutMs: 5000 });
    expect(result.ok).toBe(false);
    expect(result.failure?.kind).toBe("body");
    expect(result.failure?.message).toContain(`answered more than ${MAX_BODY_BYTES} bytes (stopped reading there), expected "ok"`);
    expect(result.body?.length).toBeLessThanOrEqual(MAX_BODY_BYTES);
    // It did not wait for the rest: a never-ending body fails just as fast.
    const endless = await probe({ baseUrl: new URL(await streamingServer("ok", " ".repeat(16 * 1024), Number.MAX_SAFE_INTEGER)), expect: contract.readiness, timeoutMs: 5000 });
    expect(endless.failure?.summary).toBe("body too large");
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it("calls a body cut off mid-answer truncated, without the container-port hint", async () => {
    // Status line and headers, one chunk of a chunked body, then the connection drops.
    const url = await rawServer("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n", { reset: true });
    const result = await probe({ baseUrl: new URL(url), expect: contract.readiness, timeoutMs: 1000 });
    expect(result.ok).toBe(false);
    expect(result.failure?.kind).toBe("truncated");
    expect(result.failure?.message).toMatch(/^truncated answer: GET \/ answered 200, then the connection closed before the body was complete \(aborted, ECONNRESET\) after 2 bytes: "ok"/);
    expect(result.failure?.message).not.toContain("-p 8080");
    expect(result.failure?.message).not.toContain("container port");
  });

  it("says the TLS handshake got no answer, not that packets are dropped, when https:// meets a silent plain port", async () => {
    const url = (await hangingServer()).replace("http://", "https://");
    const result = await probe({ baseUrl: new URL(url), expect: contract.readiness, timeoutMs: 300 });
    expect(result.failure?.kind).toBe("timeout");
    expect(result.failure?.summary).toBe("timeout (TLS handshake)");
    expect(result.failure?.message).toContain("but the TLS handshake got no answer within 300 ms");
    expect(result.failure?.message).toContain("use http://");
    expect(result.failure?.message).not.toContain("Packets are probably dropped");
  });

  it("still says no answer when a plain-HTTP connection is up but the server is silent", async () => {
    const result = await probe({ baseUrl: new URL(await hangingServer()), expect: contract.readiness, timeoutMs: 300 });
    expect(result.failure?.summary).toBe("timeout (no answer)");
  });

  it("reports its URL without the credentials it was given", async () => {
    const url = urlWithCredentials(await contractServer(), "ops", "s3cret");
    const result = await probe({ baseUrl: new URL(url), expect: contract.readiness, timeoutMs: 500 });
    expect(result.ok).toBe(true);
    expect(result.url).toMatch(/^http:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:\d+\/$/);
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

  it("redacts user names and passwords in URLs, parsed or not", () => {
    expect(redactUrl(new URL("https://lb.example.test/"))).toBe("https://lb.example.test/");
    expect(redactUrl(new URL("https://ops:tok@lb.example.test/p"))).toBe("https://***:***@lb.example.test/p");
    expect(redactUrl(new URL("https://tok@lb.example.test/"))).toBe("https://***@lb.example.test/");
    expect(redactUrlText("got \"https://ops:t0k@lb.example test\"")).toBe('got "https://***@lb.example test"');
    expect(redactUrlText("http://a.example.test/x")).toBe("http://a.example.test/x");
  });

  it("shows bodies quoted and cut short", () => {
    expect(showBody('say "hi"\n')).toBe('"say \\"hi\\"\\n"');
    expect(showBody("x".repeat(500))).toMatch(/^"x{200}…" \(500 characters\)$/);
  });
});
