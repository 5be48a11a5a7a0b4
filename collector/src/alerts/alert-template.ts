/**
 * Prometheus' alert templates in labels and annotations, the part Driftline evaluates:
 * `{{ $labels.<name> }}`, `{{ $value }}` (also `.Labels.<name>` and `.Value`, which Prometheus
 * binds them to), piped through `humanize` or `humanizePercentage`. Prometheus runs full Go
 * text/template; a template using anything else is refused when the rule is stored
 * ({@link templateRefusal}), never rendered wrong at 3 a.m.
 *
 * Formatting follows Go: `$value` prints as `%v` of a float64 (shortest digits, exponent form
 * below 1e-4 and from 1e6: `1e+06`, see {@link goFloatV}), `humanize` with SI prefixes and
 * `%.4g`, `humanizePercentage` as `%.4g%`. A missing label is the empty string, as Prometheus'
 * `missingkey=zero` makes it.
 */

/** One `{{ … }}` action: what it reads and the functions it pipes through. */
type Action = { read: { label: string } | "value"; pipes: Pipe[] };
type Pipe = "humanize" | "humanizePercentage";

const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/gs;
const LABEL_READ = /^(?:\$labels|\.Labels)\.([A-Za-z_][A-Za-z0-9_]*)$/;
const PIPES: readonly string[] = ["humanize", "humanizePercentage"];

/** What a template may contain, for refusals. */
export const TEMPLATE_SUPPORT = "{{ $labels.<name> }}, {{ $value }} (or .Labels.<name>, .Value), optionally piped through humanize or humanizePercentage";

function parseAction(text: string): Action | string {
  const [head, ...rest] = text.split("|").map((part) => part.trim());
  let read: Action["read"];
  if (head === "$value" || head === ".Value") read = "value";
  else {
    const label = LABEL_READ.exec(head);
    if (label === null) return `{{ ${text} }} is not supported; templates may use ${TEMPLATE_SUPPORT}`;
    read = { label: label[1] };
  }
  for (const pipe of rest) if (!PIPES.includes(pipe)) return `{{ ${text} }}: function ${JSON.stringify(pipe)} is not supported; templates may use ${TEMPLATE_SUPPORT}`;
  return { read, pipes: rest as Pipe[] };
}

/** Why a template cannot be evaluated, or null when it can. */
export function templateRefusal(template: string): string | null {
  for (const match of template.matchAll(ACTION)) {
    const action = parseAction(match[1]);
    if (typeof action === "string") return action;
  }
  const stray = template.replace(ACTION, "");
  if (stray.includes("{{")) return `an unclosed "{{" (templates may use ${TEMPLATE_SUPPORT})`;
  return null;
}

/** The template with its actions filled from an alert's labels and value. */
export function expandTemplate(template: string, labels: Record<string, string>, value: number): string {
  if (!template.includes("{{")) return template;
  return template.replace(ACTION, (_all, body: string) => {
    const action = parseAction(body);
    if (typeof action === "string") return "";
    if (action.read !== "value") {
      const text = labels[action.read.label] ?? "";
      return action.pipes.length === 0 ? text : applyPipes(Number(text), action.pipes, text);
    }
    return action.pipes.length === 0 ? goFloatV(value) : applyPipes(value, action.pipes, goFloatV(value));
  });
}

function applyPipes(value: number, pipes: readonly Pipe[], original: string): string {
  // Prometheus' humanize functions take a number or a string that parses as one; else they fail.
  if (Number.isNaN(value) && original.trim() !== "NaN") return original;
  let out = "";
  for (const pipe of pipes) out = pipe === "humanize" ? humanize(value) : `${goG(value * 100, 4)}%`;
  return out;
}

/** Prometheus' `humanize`: SI prefixes, four significant digits. */
export function humanize(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return goG(value, 4);
  let v = value;
  let prefix = "";
  if (Math.abs(v) >= 1) {
    for (const p of ["k", "M", "G", "T", "P", "E", "Z", "Y"]) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
  } else {
    for (const p of ["m", "u", "n", "p", "f", "a", "z", "y"]) {
      if (Math.abs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
  }
  return `${goG(v, 4)}${prefix}`;
}

/**
 * Go's `%v` of a float64 (strconv's 'g' with the shortest digits): exponent form when the decimal
 * exponent is < -4 or ≥ 6, so 123456 prints as is and 1234567 as `1.234567e+06`.
 */
export function goFloatV(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  const exponent = value === 0 ? 0 : Number(value.toExponential().split("e")[1]);
  return exponent < -4 || exponent >= 6 ? goExponent(value.toExponential()) : String(value);
}

/** Go's `%.<precision>g`: exponent form when the exponent is < -4 or ≥ the precision; trailing zeros dropped. */
export function goG(value: number, precision: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  const [mantissa, exp] = value.toExponential(precision - 1).split("e");
  const exponent = Number(exp);
  const trimmed = mantissa.includes(".") ? mantissa.replace(/0+$/, "").replace(/\.$/, "") : mantissa;
  const digits = trimmed.replace(/[-.]/g, "").length;
  let eprec = precision;
  if (eprec > digits && digits >= exponent + 1) eprec = digits;
  if (exponent < -4 || exponent >= eprec) return goExponent(`${trimmed}e${exp}`);
  return Number(`${trimmed}e${exponent}`).toFixed(Math.max(digits - exponent - 1, 0));
}

/** JS exponent form ("1.5e+6") as Go writes it ("1.5e+06"). */
function goExponent(text: string): string {
  const [mantissa, exp] = text.split("e");
  const sign = exp.startsWith("-") ? "-" : "+";
  return `${mantissa}e${sign}${exp.replace(/^[+-]/, "").padStart(2, "0")}`;
}
