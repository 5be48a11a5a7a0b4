/**
 * Which hosts an alert receiver may point at (issue 11, item 7; docs/alerts.md, "Receiver URLs").
 * The Worker POSTs to a receiver from inside the operator's network position, so a rule could
 * otherwise make it reach loopback services, a cloud metadata endpoint (169.254.169.254), private
 * networks, or the Worker's own routes. Refused: loopback, link-local, private (RFC 1918, ULA),
 * shared (CGNAT, RFC 6598), unspecified, multicast and reserved addresses; IPv4-mapped IPv6; names
 * that only resolve privately (`localhost`, `*.local`, `*.internal`, single-label names); and the
 * Worker's own host. Loopback is allowed only when the operator says so (ALLOW_LOCAL_RECEIVERS=1,
 * set by `npm start` and the tests).
 *
 * Numeric-host tricks (2130706433, 0x7f.1, 0177.0.0.1, [::ffff:127.0.0.1]) need no parser of
 * ours: the WHATWG URL parser (every runtime's `URL`) already rewrites them to their canonical
 * dotted or bracketed form, which is what is classified here. DNS names are not resolved (a
 * Worker cannot, and a deployed Worker's subrequests do not reach private networks anyway);
 * redirects are not followed by the sender (outbox.ts), so a public URL cannot bounce inward.
 */

/** How strict the check is: set once per Worker from its environment and the request. */
export type ReceiverPolicy = {
  /** Allow loopback receivers (127.0.0.0/8, ::1, localhost): local development only. */
  allowLoopback: boolean;
  /** The Worker's own `host` (hostname and port, as the request URL has it), refused as a receiver. */
  ownHost: string;
};

/** The name of the setting that allows loopback receivers. */
export const ALLOW_LOCAL_RECEIVERS = "ALLOW_LOCAL_RECEIVERS";

/** Names that resolve only inside a private network (RFC 6761, RFC 6762, RFC 8375, ICANN's .internal). */
const PRIVATE_SUFFIXES = [".local", ".localdomain", ".internal", ".home.arpa", ".lan"];

/**
 * Why `url` may not be a receiver, or undefined when it may. The reason names the host, the
 * class of address and what to do.
 */
export function receiverUrlRefusal(url: URL, policy: ReceiverPolicy): string | undefined {
  const host = url.hostname.toLowerCase();
  const own = ownHostRefusal(url, policy);
  if (own !== undefined) return own;
  const kind = host.startsWith("[") ? ipv6Class(host.slice(1, -1)) : isDottedIpv4(host) ? ipv4Class(parseIpv4(host)) : nameClass(host);
  if (kind === undefined) return undefined;
  if (kind === "loopback") {
    if (policy.allowLoopback) return undefined;
    return `${host} is a loopback address: receivers must be reachable public hosts (set ${ALLOW_LOCAL_RECEIVERS}=1 to allow loopback in local development; docs/alerts.md)`;
  }
  return `${host} is ${kind}: receivers must be reachable public hosts (docs/alerts.md, "Receiver URLs")`;
}

function ownHostRefusal(url: URL, policy: ReceiverPolicy): string | undefined {
  const own = new URL(`http://${policy.ownHost}`);
  const sameHostname = url.hostname.toLowerCase() === own.hostname.toLowerCase();
  // Locally every service shares 127.0.0.1, so there only the Worker's own port is its own.
  const samePort = effectivePort(url) === (own.port === "" ? effectivePort(url) : Number(own.port));
  if (!sameHostname || (policy.allowLoopback && !samePort)) return undefined;
  return `${url.host} is this Worker's own host: a rule may not notify the Worker's own routes`;
}

function effectivePort(url: URL): number {
  if (url.port !== "") return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

function nameClass(host: string): string | undefined {
  if (host === "localhost" || host.endsWith(".localhost")) return "loopback";
  const name = host.endsWith(".") ? host.slice(0, -1) : host;
  if (!name.includes(".")) return "a single-label name, which resolves only on a private network";
  if (PRIVATE_SUFFIXES.some((suffix) => name.endsWith(suffix))) return "a private-use name, which resolves only on a private network";
  return undefined;
}

function isDottedIpv4(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

function parseIpv4(host: string): number {
  return host.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

/** IPv4 ranges that are not public unicast (RFC 6890's special-purpose registry, the ones a receiver could abuse). */
const IPV4_RANGES: readonly [string, number, string][] = [
  ["0.0.0.0", 8, "an unspecified (\"this network\") address"],
  ["127.0.0.0", 8, "loopback"],
  ["10.0.0.0", 8, "a private address (RFC 1918)"],
  ["172.16.0.0", 12, "a private address (RFC 1918)"],
  ["192.168.0.0", 16, "a private address (RFC 1918)"],
  ["100.64.0.0", 10, "a shared address (CGNAT, RFC 6598)"],
  ["169.254.0.0", 16, "a link-local address (cloud metadata lives here)"],
  ["192.0.0.0", 24, "an IETF protocol address (RFC 6890)"],
  ["198.18.0.0", 15, "a benchmarking address (RFC 2544)"],
  ["224.0.0.0", 4, "a multicast address"],
  ["240.0.0.0", 4, "a reserved address"],
];

function ipv4Class(address: number): string | undefined {
  for (const [base, bits, kind] of IPV4_RANGES) {
    const size = 2 ** (32 - bits);
    const start = parseIpv4(base);
    if (address >= start && address < start + size) return kind;
  }
  return undefined;
}

function ipv6Class(text: string): string | undefined {
  const groups = parseIpv6(text);
  if (groups === undefined) return "an IPv6 address that does not parse";
  const first = groups[0];
  const allZeroUpTo = (n: number) => groups.slice(0, n).every((g) => g === 0);
  if (allZeroUpTo(8)) return "the unspecified address (::)";
  if (allZeroUpTo(7) && groups[7] === 1) return "loopback";
  if (allZeroUpTo(5) && groups[5] === 0xffff) return "an IPv4-mapped IPv6 address (name the IPv4 host itself)";
  if (allZeroUpTo(6)) return "an IPv4-compatible IPv6 address (deprecated)";
  const embedded = (high: number, low: number) => ipv4Class(high * 65536 + low);
  if (first === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0)) {
    const inner = embedded(groups[6], groups[7]);
    if (inner !== undefined) return `a NAT64 address of ${inner}`;
  }
  if (first === 0x2002) {
    const inner = embedded(groups[1], groups[2]);
    if (inner !== undefined) return `a 6to4 address of ${inner}`;
  }
  if ((first & 0xfe00) === 0xfc00) return "a unique local address (ULA, fc00::/7)";
  if ((first & 0xffc0) === 0xfe80) return "a link-local address (fe80::/10)";
  if ((first & 0xffc0) === 0xfec0) return "a site-local address (fec0::/10)";
  if ((first & 0xff00) === 0xff00) return "a multicast address";
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (`::` and a dotted IPv4 tail allowed), or undefined. */
function parseIpv6(text: string): number[] | undefined {
  let body = text;
  const lastColon = body.lastIndexOf(":");
  const v4 = body.slice(lastColon + 1);
  if (v4.includes(".")) {
    // A dotted IPv4 tail (::ffff:127.0.0.1) is the last two groups written in decimal.
    if (!isDottedIpv4(v4)) return undefined;
    const n = parseIpv4(v4);
    body = `${body.slice(0, lastColon + 1)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const halves = body.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN)));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  const fill = 8 - head.length - rest.length;
  if (halves.length === 1 ? fill !== 0 : fill < 0) return undefined;
  const groups = [...head, ...new Array<number>(Math.max(0, fill)).fill(0), ...rest];
  return groups.length === 8 && groups.every(Number.isFinite) ? groups : undefined;
}
