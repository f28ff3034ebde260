// Loading one of the site's optional bundles on first need: a classic script that defines a
// global (the figure renderer, itt-figures.js: self.ittFigures; the code editor,
// itt-editor.js: self.ittEditor). Loaded once per visit; a failed load may be tried again.

const loading = new Map(); // url -> Promise of the global

/** Resolves to `self[globalName]`, loading the script at `url` if it is not defined yet. */
export function loadBundle(url, globalName) {
  if (self[globalName]) return Promise.resolve(self[globalName]);
  if (!loading.has(url)) {
    loading.set(url, new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      const fail = (message) => {
        loading.delete(url); // a later need may try again
        reject(new Error(message));
      };
      script.onload = () => (self[globalName]
        ? resolve(self[globalName])
        : fail(`${url} defined no ${globalName}`));
      script.onerror = () => fail(`could not load ${url}`);
      document.head.append(script);
    }));
  }
  return loading.get(url);
}
