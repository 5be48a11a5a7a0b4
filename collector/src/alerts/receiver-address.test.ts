import { describe, expect, it } from "vitest";
import { receiverUrlRefusal } from "./receiver-address.ts";
import { maskUrl } from "./receivers.ts";

const DEPLOYED = { allowLoopback: false, ownHost: "driftline.example.com" };
const LOCAL = { allowLoopback: true, ownHost: "127.0.0.1:8787" };
const refusal = (url: string, policy = DEPLOYED) => receiverUrlRefusal(new URL(url), policy);

describe("receiver URLs a deployed Worker refuses", () => {
  const refused: [string, RegExp][] = [
    ["http://127.0.0.1:9000/hook", /127\.0\.0\.1 is a loopback address.*ALLOW_LOCAL_RECEIVERS=1/],
    ["http://127.1.2.3/", /loopback/],
    ["http://localhost:3000/", /localhost is a loopback address/],
    ["http://app.localhost/", /loopback/],
    ["http://[::1]/", /\[::1\] is a loopback address/],
    ["http://0.0.0.0/", /unspecified/],
    ["http://[::]/", /unspecified address \(::\)/],
    ["http://169.254.169.254/latest/meta-data/", /link-local address \(cloud metadata/],
    ["http://10.0.0.1/", /private address \(RFC 1918\)/],
    ["http://172.16.5.4/", /private address \(RFC 1918\)/],
    ["http://172.31.255.255/", /private address \(RFC 1918\)/],
    ["http://192.168.1.1/", /private address \(RFC 1918\)/],
    ["http://100.64.0.1/", /CGNAT/],
    ["http://[fd00::1]/", /unique local address/],
    ["http://[fe80::1]/", /link-local address \(fe80/],
    ["http://[::ffff:127.0.0.1]/", /IPv4-mapped IPv6/],
    ["http://[::ffff:8.8.8.8]/", /IPv4-mapped IPv6/],
    ["http://[64:ff9b::a00:1]/", /NAT64 address of a private address/],
    ["http://[2002:a9fe:a9fe::]/", /6to4 address of a link-local/],
    ["http://224.0.0.1/", /multicast/],
    ["http://255.255.255.255/", /reserved/],
    ["http://metadata/computeMetadata/v1/", /single-label name/],
    ["http://metadata.google.internal/", /private-use name/],
    ["http://printer.local/", /private-use name/],
    ["https://driftline.example.com/api/models/m/alerts/x", /this Worker's own host/],
    ["https://driftline.example.com:8443/", /this Worker's own host/],
  ];
  for (const [url, reason] of refused) {
    it(`refuses ${url}`, () => {
      expect(refusal(url)).toMatch(reason);
    });
  }

  it("sees through numeric-host tricks, which the URL parser canonicalizes to 127.0.0.1", () => {
    for (const url of ["http://2130706433/", "http://0x7f.1/", "http://0177.0.0.1/", "http://0x7f000001/", "http://127.1/", "http://[0:0:0:0:0:ffff:7f00:1]/"]) {
      expect(refusal(url), url).toMatch(/loopback|IPv4-mapped/);
    }
  });

  it("accepts public hosts and addresses", () => {
    for (const url of ["https://hooks.slack.com/services/T0/B0/x", "https://alerts.example.org/hook", "http://8.8.8.8/", "http://172.32.0.1/", "http://[2606:4700::1111]/", "https://hooks.test/a"]) {
      expect(refusal(url), url).toBeUndefined();
    }
  });
});

describe("receiver URLs in local development (ALLOW_LOCAL_RECEIVERS=1)", () => {
  it("allows loopback on another port than the Worker's", () => {
    expect(refusal("http://127.0.0.1:9000/hook", LOCAL)).toBeUndefined();
    expect(refusal("http://localhost:9000/hook", LOCAL)).toBeUndefined();
    expect(refusal("http://[::1]:9000/hook", LOCAL)).toBeUndefined();
  });

  it("still refuses the Worker's own port, private, link-local and mapped addresses", () => {
    expect(refusal("http://127.0.0.1:8787/api/models", LOCAL)).toMatch(/own host/);
    expect(refusal("http://169.254.169.254/", LOCAL)).toMatch(/link-local/);
    expect(refusal("http://10.0.0.1/", LOCAL)).toMatch(/RFC 1918/);
    expect(refusal("http://[::ffff:127.0.0.1]:9000/", LOCAL)).toMatch(/IPv4-mapped/);
  });
});

describe("masked receiver URLs", () => {
  it("keeps the scheme, the host and the last characters of a long path", () => {
    expect(maskUrl("https://hooks.slack.com/services/T0000/B0000/abcdefghijklmnopQ9xZ")).toBe("https://hooks.slack.com/…Q9xZ");
    expect(maskUrl("https://user:pw@alerts.example.org:8443/hook?token=0123456789")).toBe("https://alerts.example.org:8443/…6789");
  });

  it("shows nothing of a short path", () => {
    expect(maskUrl("https://hooks.test/a")).toBe("https://hooks.test/…");
  });
});
