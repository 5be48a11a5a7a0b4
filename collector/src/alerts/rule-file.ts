/**
 * Prometheus rule files (`groups`, `rules`, `alert`, `expr`, `for`, `keep_firing_for`, `labels`,
 * `annotations`: Prometheus' rulefmt) read into Driftline rules and written from them
 * (docs/alerts.md, "Rules as files"). A group is a model: its `name` is the model id, the same
 * grouping /api/v1/rules shows. Reading checks everything `promtool check rules` checks that
 * Driftline depends on, and what promtool accepts but Driftline cannot evaluate (recording rules,
 * a group `limit`, an expression outside the PromQL subset or giving a range vector, templates
 * beyond $labels and $value, two alerts of one name in a group) is refused naming the group, the
 * rule and the reason.
 */
import { isObject } from "./errors.ts";
import { parseYaml, YamlError } from "./yaml.ts";
import type { YamlValue } from "./yaml.ts";

/** One alerting rule as a file holds it: still Prometheus' fields, validated by parseRule later. */
export type FileRule = {
  alert: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
};

/** One group of a file: a model's rules, evaluated every `interval` when given. */
export type FileGroup = { name: string; interval?: string; rules: FileRule[] };

/** Largest rule file read, in bytes (a tenant's 200 rules per model fit several times). */
export const MAX_RULE_FILE_BYTES = 1024 * 1024;

/** A file refused: every problem found, each naming where (group, rule) and why. */
export class RuleFileError extends Error {
  override readonly name = "RuleFileError";
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.length === 1 ? problems[0] : `${problems.length} problems: ${problems.join("; ")}`);
    this.problems = problems;
  }
}

const GROUP_FIELDS = ["name", "interval", "rules", "limit"];
const RULE_FIELDS = ["alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations"];

/**
 * Reads a rule file's groups. Throws {@link RuleFileError} with every structural problem; the
 * rules' own fields (expr, durations, templates) are checked by parseRule, by the caller.
 */
export function readRuleFile(text: string): FileGroup[] {
  let doc: YamlValue;
  try {
    doc = parseYaml(text);
  } catch (error) {
    if (error instanceof YamlError) throw new RuleFileError([`not YAML that Driftline reads: ${error.message}`]);
    throw error;
  }
  const problems: string[] = [];
  if (!isObject(doc) || !Array.isArray(doc.groups)) throw new RuleFileError(["a rule file is a mapping with groups: [...] (Prometheus' rule file format)"]);
  for (const key of Object.keys(doc)) if (key !== "groups") problems.push(`field ${JSON.stringify(key)} not found in a rule file (fields: groups)`);
  const groups: FileGroup[] = [];
  const names = new Set<string>();
  doc.groups.forEach((g, i) => {
    if (!isObject(g)) return void problems.push(`groups[${i}] must be a mapping with name and rules`);
    const name = typeof g.name === "string" ? g.name : "";
    const where = name === "" ? `groups[${i}]` : `group ${JSON.stringify(name)}`;
    for (const key of Object.keys(g)) if (!GROUP_FIELDS.includes(key)) problems.push(`${where}: field ${JSON.stringify(key)} not found in a group (fields: ${GROUP_FIELDS.join(", ")})`);
    if (name === "") return void problems.push(`${where}: a group needs a name, the model id its rules belong to`);
    if (names.has(name)) problems.push(`${where}: repeated in the file (group names must be unique)`);
    names.add(name);
    if (g.limit !== undefined && g.limit !== null && g.limit !== "0") {
      problems.push(`${where}: limit is not supported: each rule holds at most MAX_ALERTS_PER_RULE alerts (remove limit or set it to 0)`);
    }
    const group: FileGroup = { name, rules: [] };
    if (g.interval !== undefined && g.interval !== null) {
      if (typeof g.interval !== "string") problems.push(`${where}: interval must be a duration`);
      else group.interval = g.interval;
    }
    if (!Array.isArray(g.rules)) {
      if (g.rules !== null && g.rules !== undefined) problems.push(`${where}: rules must be a sequence`);
    } else {
      const seen = new Set<string>();
      g.rules.forEach((r, j) => {
        const rule = readRule(r, `${where}, rules[${j}]`, problems);
        if (rule === undefined) return;
        if (seen.has(rule.alert)) problems.push(`${where}, rule ${JSON.stringify(rule.alert)}: a second alert of this name in the group; Driftline keys a model's rules by name (rename one)`);
        seen.add(rule.alert);
        group.rules.push(rule);
      });
    }
    groups.push(group);
  });
  if (problems.length > 0) throw new RuleFileError(problems);
  return groups;
}

function readRule(r: YamlValue, at: string, problems: string[]): FileRule | undefined {
  if (!isObject(r)) return void problems.push(`${at} must be a mapping with alert and expr`);
  const where = typeof r.alert === "string" ? at.replace(/rules\[\d+\]$/, `rule ${JSON.stringify(r.alert)}`) : at;
  const before = problems.length;
  for (const key of Object.keys(r)) if (!RULE_FIELDS.includes(key)) problems.push(`${where}: field ${JSON.stringify(key)} not found in a rule (fields: ${RULE_FIELDS.join(", ")})`);
  if (r.record !== undefined) return void problems.push(`${where}: recording rules (record: ${JSON.stringify(r.record)}) are not evaluated by Driftline, only alerting rules`);
  if (typeof r.alert !== "string" || r.alert === "") problems.push(`${where}: an alerting rule needs alert, its name`);
  if (typeof r.expr !== "string" || r.expr.trim() === "") problems.push(`${where}: expr must be a PromQL expression`);
  const labels = stringMap(r.labels, `${where}: labels`, problems);
  const annotations = stringMap(r.annotations, `${where}: annotations`, problems);
  for (const field of ["for", "keep_firing_for"] as const) {
    if (r[field] !== undefined && r[field] !== null && typeof r[field] !== "string") problems.push(`${where}: ${field} must be a duration`);
  }
  if (problems.length > before) return undefined;
  const rule: FileRule = { alert: r.alert as string, expr: (r.expr as string).trim(), labels, annotations };
  if (typeof r.for === "string") rule.for = r.for;
  if (typeof r.keep_firing_for === "string") rule.keep_firing_for = r.keep_firing_for;
  return rule;
}

function stringMap(value: YamlValue | undefined, at: string, problems: string[]): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    problems.push(`${at} must be a mapping of names to strings`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string" && v !== null) problems.push(`${at}.${key} must be a string`);
    else out[key] = v ?? "";
  }
  return out;
}

/** One rule to write, with an optional comment line above it. */
export type ExportRule = FileRule & { comment?: string };

/**
 * A rule file in Prometheus' format from groups of rules. Every string is written double-quoted
 * with JSON's escapes (which YAML's double-quoted style reads the same), so no expression or
 * template needs YAML quoting rules to come back unchanged.
 */
export function writeRuleFile(groups: readonly { name: string; interval?: string; rules: readonly ExportRule[] }[]): string {
  if (groups.length === 0) return "groups: []\n";
  // YAML reads JSON's escapes the same, but takes U+0085, U+2028 and U+2029 as line breaks and
  // refuses raw C1 controls and DEL: those are escaped too.
  const q = (text: string): string => JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const lines = ["# Driftline alert rules (Prometheus rule file format; docs/alerts.md, \"Rules as files\")", "groups:"];
  for (const group of groups) {
    lines.push(`  - name: ${q(group.name)}`);
    if (group.interval !== undefined) lines.push(`    interval: ${q(group.interval)}`);
    lines.push(group.rules.length === 0 ? "    rules: []" : "    rules:");
    for (const rule of group.rules) {
      if (rule.comment !== undefined) lines.push(`      # ${rule.comment.replace(/\s+/g, " ")}`);
      lines.push(`      - alert: ${q(rule.alert)}`, `        expr: ${q(rule.expr)}`);
      if (rule.for !== undefined) lines.push(`        for: ${q(rule.for)}`);
      if (rule.keep_firing_for !== undefined) lines.push(`        keep_firing_for: ${q(rule.keep_firing_for)}`);
      for (const field of ["labels", "annotations"] as const) {
        const entries = Object.entries(rule[field]);
        if (entries.length === 0) continue;
        lines.push(`        ${field}:`);
        for (const [name, value] of entries) lines.push(`          ${q(name)}: ${q(value)}`);
      }
    }
  }
  return `${lines.join("\n")}\n`;
}
