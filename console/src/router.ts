/**
 * Hash routes, so the Worker serves one index.html and a reload or a shared link opens the
 * same view: `#/` lists the models, `#/models/<model>?range=6h&version=v1&segment=plan=pro&feature=income`
 * opens one. The hash holds only view state, never the token (session.ts).
 */

/** The ranges the model page offers, in seconds. */
export const RANGES = { "1h": 3600, "6h": 6 * 3600, "24h": 24 * 3600, "7d": 7 * 24 * 3600 } as const;
/** One of RANGES' names. */
export type RangeName = keyof typeof RANGES;

/** What the hash says to show. */
export type Route =
  | { page: "models" }
  | { page: "model"; model: string; range: RangeName; version: string | null; segment: { name: string; value: string } | null; feature: string | null };

/** Parses a hash (`location.hash`). Anything unknown shows the models page. */
export function parseRoute(hash: string): Route {
  const [path, query = ""] = hash.replace(/^#/, "").split("?", 2);
  const parts = path.split("/").filter((p) => p !== "");
  if (parts[0] !== "models" || parts.length !== 2) return { page: "models" };
  const params = new URLSearchParams(query);
  const range = params.get("range") ?? "1h";
  const segment = params.get("segment");
  const eq = segment === null ? -1 : segment.indexOf("=");
  return {
    page: "model",
    model: decodeURIComponent(parts[1]),
    range: Object.hasOwn(RANGES, range) ? (range as RangeName) : "1h",
    version: params.get("version"),
    segment: segment === null || eq < 1 ? null : { name: segment.slice(0, eq), value: segment.slice(eq + 1) },
    feature: params.get("feature"),
  };
}

/** The hash for `route` (the inverse of parseRoute). */
export function formatRoute(route: Route): string {
  if (route.page === "models") return "#/";
  const params = new URLSearchParams();
  params.set("range", route.range);
  if (route.version !== null) params.set("version", route.version);
  if (route.segment !== null) params.set("segment", `${route.segment.name}=${route.segment.value}`);
  if (route.feature !== null) params.set("feature", route.feature);
  return `#/models/${encodeURIComponent(route.model)}?${params.toString()}`;
}
