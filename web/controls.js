// Controls generated from a demo's `# @param` lines (parsed at build time by
// demos.params.parse_params and shipped in the demo's meta JSON).
//
// Changing a control rewrites the literal on that assignment line in the editor, so what
// runs is always exactly the code the reader sees.

import { conditionHolds, controlLabel, formatValue } from "./control-format.js";

const PARAM_LINE = /^(\s*)([A-Za-z_][A-Za-z0-9_]*)(\s*=\s*)(.+?)(\s*#\s*@param\b.*)$/;

/** A Python literal for a control value (strings via JSON: its escapes are valid Python). */
export function pythonLiteral(value) {
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return String(value);
  return JSON.stringify(String(value));
}

/** Return `source` with the literal assigned to `name` on its @param line replaced. */
export function rewriteParam(source, param, value) {
  const lines = source.split("\n");
  let index = lines.findIndex((line) => {
    const match = PARAM_LINE.exec(line);
    return match && match[2] === param.name;
  });
  if (index < 0) return source; // the reader deleted the line: nothing to rewrite
  const match = PARAM_LINE.exec(lines[index]);
  lines[index] = `${match[1]}${match[2]}${match[3]}${pythonLiteral(value)}${match[5]}`;
  return lines.join("\n");
}

function sliderValue(param, raw) {
  const number = Number(raw);
  const integral = [param.min, param.max, param.step ?? 1, param.value].every(Number.isInteger);
  return integral ? Math.round(number) : number;
}

/**
 * Build the controls for `params` inside `container`. `onChange(param, value)` fires on
 * every change. `prefix` makes element ids unique on the page.
 */
export function buildControls(container, params, prefix, onChange) {
  // Current values by name, for the `when:` conditions (a control that does not apply is
  // hidden, and disabled so no keyboard reaches it).
  const values = Object.fromEntries(params.map((param) => [param.name, param.value]));
  const rows = [];
  const applyConditions = () => {
    for (const [param, row, input] of rows) {
      const holds = conditionHolds(param, values);
      row.hidden = !holds;
      input.disabled = !holds;
    }
  };
  const notify = (param, value) => {
    values[param.name] = value;
    applyConditions();
    onChange(param, value);
  };
  params.forEach((param, position) => {
    const id = `${prefix}-param-${position}`;
    const row = document.createElement("div");
    row.className = `itt-control itt-control-${param.type}`;
    row.dataset.param = param.name;
    const label = document.createElement("label");
    label.htmlFor = id;
    const shownLabel = controlLabel(param);
    label.textContent = shownLabel.text;
    if (shownLabel.symbol) label.classList.add("itt-control-symbol");
    let input;
    const shown = document.createElement("output");
    shown.htmlFor = id;
    shown.className = "itt-control-value";
    if (param.type === "slider") {
      input = document.createElement("input");
      input.type = "range";
      input.min = String(param.min);
      input.max = String(param.max);
      input.step = String(param.step ?? 1);
      input.value = String(param.value);
      shown.textContent = formatValue(param, param.value);
      input.addEventListener("input", () => {
        const value = sliderValue(param, input.value);
        shown.textContent = formatValue(param, value);
        notify(param, value);
      });
    } else if (param.type === "select") {
      input = document.createElement("select");
      for (const option of param.options) {
        const element = document.createElement("option");
        element.value = JSON.stringify(option);
        element.textContent = formatValue(param, option);
        element.selected = option === param.value;
        input.append(element);
      }
      shown.hidden = true; // the select shows its value
      input.addEventListener("change", () => {
        const value = JSON.parse(input.value);
        notify(param, value);
      });
    } else if (param.type === "checkbox") {
      input = document.createElement("input");
      input.type = "checkbox";
      input.checked = Boolean(param.value);
      shown.hidden = true; // the box shows its state
      input.addEventListener("change", () => {
        notify(param, input.checked);
      });
    } else {
      input = document.createElement("input");
      const numeric = param.type === "number";
      input.type = numeric ? "number" : "text";
      input.value = String(param.value);
      shown.hidden = true; // the field itself shows the value
      input.addEventListener("change", () => {
        const value = numeric ? Number(input.value) : input.value;
        if (numeric && !Number.isFinite(value)) return;
        notify(param, value);
      });
    }
    input.id = id;
    row.append(label, input, shown);
    container.append(row);
    rows.push([param, row, input]);
  });
  applyConditions();
}
