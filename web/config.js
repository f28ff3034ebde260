// Where the runtime's files live, from <script id="itt-config"> written by overrides/main.html.
//
// The URLs are absolute from the site root (the base is `extra.runtime` in mkdocs.yml), so
// a mirror can host Pyodide elsewhere on its own origin without rebuilding this bundle.

function scriptDirectory() {
  // Fallback when no config is present: the files sit next to this bundle.
  const script = document.currentScript || document.querySelector('script[src*="itt.js"]');
  return script ? new URL(".", script.src).href : new URL("/assets/build/", location.href).href;
}

const BUILD_DIRECTORY = scriptDirectory();

export function readConfig() {
  const defaults = {
    pyodideBase: `${BUILD_DIRECTORY}pyodide/`,
    pythonZip: `${BUILD_DIRECTORY}python.zip`,
    workerUrl: `${BUILD_DIRECTORY}itt-worker.js`,
    figuresUrl: `${BUILD_DIRECTORY}itt-figures.js`,
    editorUrl: `${BUILD_DIRECTORY}itt-editor.js`,
  };
  const element = document.getElementById("itt-config");
  if (!element) return defaults;
  let given = {};
  try {
    given = JSON.parse(element.textContent);
  } catch (error) {
    console.warn("itt-config is not valid JSON; using the default runtime URLs", error);
  }
  const config = { ...defaults, ...given, hasDemos: given.hasDemos === true };
  // Resolve against the page so "/assets/..." and relative forms both work.
  for (const key of Object.keys(defaults)) config[key] = new URL(config[key], location.href).href;
  if (!config.pyodideBase.endsWith("/")) config.pyodideBase += "/";
  return config;
}
