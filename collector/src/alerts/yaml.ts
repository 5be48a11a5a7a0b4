/**
 * YAML for Prometheus rule files, read with the `yaml` package (eemeli/yaml: YAML 1.2, no
 * dependencies; it replaced a hand-written reader of a subset). The failsafe schema keeps every
 * scalar as its text, as Prometheus' Go structs read a rule file's fields (`for: 5m`, a label
 * `team: 1`); a plain empty value, `~` or `null` is null. Refused with the line: several
 * documents, duplicate keys (go-yaml refuses them too), and aliases past a small count (a
 * request body must not expand).
 */
import { parseDocument, visit } from "yaml";

/** A parsed document: text scalars, null, sequences and mappings. */
export type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };

/** Why a text is not YAML Driftline reads, with the line. */
export class YamlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "YamlError";
  }
}

/** Aliases one document may use: none is needed by a rule file; a few are harmless. */
const MAX_ALIASES = 20;

/** Plain scalars that YAML's core schema reads as null. */
const NULLS: ReadonlySet<string> = new Set(["", "~", "null", "Null", "NULL"]);

/** Parses one YAML document; throws {@link YamlError}. */
export function parseYaml(source: string): YamlValue {
  const doc = parseDocument(source, { schema: "failsafe", uniqueKeys: true, prettyErrors: true });
  const [error] = doc.errors;
  if (error !== undefined) throw new YamlError(error.message.split("\n")[0]);
  visit(doc, {
    Scalar(_key, node) {
      if (node.type === "PLAIN" && NULLS.has(String(node.value))) node.value = null;
    },
  });
  try {
    return (doc.toJS({ maxAliasCount: MAX_ALIASES }) as YamlValue | undefined) ?? null;
  } catch (e) {
    // toJS refuses only aliases past the count ("Excessive alias count").
    throw new YamlError(e instanceof Error ? e.message : String(e));
  }
}
