// Runs before the page is parsed. Starts compiling the content script, and
// puts the reader's look on the root
// element (the classes and custom properties content.css reads, kept by the
// background under `look` in session storage), so the page's first style pass
// already has it: on a 3,000-comment thread each later restyle of the whole
// page costs about a second. The content script applies the same look from
// the same settings, so it changes nothing when it starts. If it cannot
// start, loader.js takes all of this off again.
(function () {
  'use strict';
  // The content script's wasm is fetched and compiled now, while the page
  // is still arriving and being parsed (compiling runs off the main
  // thread); loader.js, at the end of parsing, only instantiates it.
  try {
    var url = chrome.runtime.getURL('content/hn_content_bg.wasm');
    var started = performance.now();
    var compiled = (WebAssembly.compileStreaming
      ? WebAssembly.compileStreaming(fetch(url))
      : fetch(url).then(function (r) { return r.arrayBuffer(); }).then(WebAssembly.compile));
    self.hnewCompiled = compiled.then(function (module) {
      self.hnewCompileMs = performance.now() - started;
      return module;
    });
    // A refusal is reported by loader.js, which waits on this promise.
    self.hnewCompiled.catch(function () {});
  } catch (_) { /* loader.js compiles it itself */ }

  // What the content script reports of its run (timings, counts, which
  // features run): kept here, in the extension's own world, where a page's
  // scripts cannot read it, and put on the root as `data-hnew-*` only in
  // diagnostics mode (`diagnostics: true` in session storage — local
  // storage in Firefox — set from the extension's own pages or worker; the
  // tests and the benchmark turn it on). Both wasm modules report through these two functions.
  var report = {};
  var diagnostics = false;
  // `name`: `hnew-…`, shown as the attribute `data-hnew-…`.
  self.hnewReportGet = function (name) {
    name = 'data-' + name;
    return Object.prototype.hasOwnProperty.call(report, name) ? report[name] : null;
  };
  // `how`: 1 keeps a value already reported; 2 adds the value's words to
  // those already reported (each once).
  self.hnewReportSet = function (name, value, how) {
    name = 'data-' + name;
    value = String(value);
    var had = Object.prototype.hasOwnProperty.call(report, name);
    if (how === 1 && had) return;
    if (how === 2 && had) {
      var words = report[name].split(' ');
      value.split(' ').forEach(function (w) { if (w && words.indexOf(w) < 0) words.push(w); });
      value = words.join(' ');
    }
    report[name] = value;
    if (diagnostics && document.documentElement) document.documentElement.setAttribute(name, value);
  };
  function diagnosticsOn() {
    diagnostics = true;
    var root = document.documentElement;
    if (root) Object.keys(report).forEach(function (name) { root.setAttribute(name, report[name]); });
  }
  // What the page reads at load (follows, filters, settings), kept by the
  // background in session storage (the one area open to content scripts;
  // empty after a browser start until the worker has run): read now, so
  // the content script applies it at the end of parsing without waiting
  // for the service worker. `hnewPageState` resolves to the record, or
  // null when there is none (the content script then asks the worker).
  var pageState;
  self.hnewPageState = new Promise(function (resolve) { pageState = resolve; });
  var CLASS = /^hnew-[a-z-]{1,40}$/;
  var VAR = /^--hnew-[a-z-]{1,40}$/;
  var VALUE = /^[0-9]{1,4}(\.[0-9]{1,2})?%?$/;
  try {
    chrome.storage.session.get(['look', 'page_state', 'diagnostics'], function (items) {
      if (!chrome.runtime.lastError && items && items.diagnostics === true) diagnosticsOn();
      // (Firefox may run this script before the root element exists.)
      var root = document.documentElement;
      var state = !chrome.runtime.lastError && items && items.page_state;
      var usable = state && typeof state === 'object' && typeof state.text === 'string';
      pageState(usable ? state : null);
      var look = !chrome.runtime.lastError && items && items.look;
      // The content script already failed to start: leave the page alone.
      if (!root || root.dataset.hnewError) return;
      // Anything unexpected (an old or damaged record) is skipped: the
      // content script applies the look itself then.
      if (!look || !Array.isArray(look.classes) || !Array.isArray(look.vars)) return;
      var classes = look.classes.filter(function (c) { return typeof c === 'string' && CLASS.test(c); });
      var vars = look.vars.filter(function (v) {
        return Array.isArray(v) && VAR.test(String(v[0])) && VALUE.test(String(v[1]));
      });
      vars.forEach(function (v) { root.style.setProperty(v[0], v[1]); });
      root.classList.add.apply(root.classList, ['hnew'].concat(classes));
      self.hnewReportSet('hnew-look', 'early');
    });
  } catch (_) {
    /* extension reloaded, or (Firefox) session storage closed to content
       scripts: the content script applies the look itself */
    pageState(null);
    // Firefox keeps the diagnostics switch in local storage, which it
    // cannot close to content scripts.
    try {
      chrome.storage.local.get('diagnostics', function (items) {
        if (!chrome.runtime.lastError && items && items.diagnostics === true) diagnosticsOn();
      });
    } catch (_) { /* extension reloaded */ }
  }
})();
