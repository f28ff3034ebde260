// What a control shows (issue 17): its human label, its value with units and format, and
// whether its `when:` condition holds (demos/params.py validates all three at build time).

/**
 * The label shown for `param`: its `label:` if given; otherwise its name made readable
 * ("tokens_per_parameter" -> "Tokens per parameter"). Short names that are symbols of the
 * maths (T, d_k, n_h) stay as they are, shown in code type (`symbol` is then true).
 */
export function controlLabel(param) {
  if (param.label) return { text: param.label, symbol: false };
  const parts = param.name.split("_").filter(Boolean);
  const wordy = parts.some((part) => part.length >= 3 && /^[a-z]+$/i.test(part));
  if (!wordy) return { text: param.name, symbol: true };
  const text = parts.join(" ");
  return { text: text.charAt(0).toUpperCase() + text.slice(1), symbol: false };
}

/** `value` as the control shows it: its `format:` (".2f", ".1%", ".3e", ",") and `units:`. */
export function formatValue(param, value) {
  let text;
  const format = param.format || "";
  if (typeof value === "number" && /^\.[0-9][fe%]$/.test(format)) {
    const digits = Number(format[1]);
    if (format[2] === "f") text = value.toFixed(digits);
    else if (format[2] === "e") text = value.toExponential(digits);
    else text = `${(value * 100).toFixed(digits)}%`;
  } else if (typeof value === "number" && format === ",") {
    text = value.toLocaleString("en-US");
  } else if (typeof value === "boolean") {
    text = value ? "on" : "off";
  } else {
    text = String(value);
  }
  return param.units ? `${text} ${param.units}` : text;
}

/** Whether `param` applies given the current `values` ({name: value}). */
export function conditionHolds(param, values) {
  const when = param.when;
  if (!when || !(when.name in values)) return true;
  const value = values[when.name];
  switch (when.op) {
    case "==": return value === when.value;
    case "!=": return value !== when.value;
    case "falsy": return !value;
    default: return Boolean(value);
  }
}
