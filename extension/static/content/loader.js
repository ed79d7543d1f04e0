// Starts the content script's wasm. `wasm_bindgen` is defined by
// hn_content.js (wasm-bindgen's no-modules output), loaded just before this.
(function () {
  'use strict';
  var started = performance.now();
  var root = document.documentElement;
  // Compiled by early.js while the page was parsed; else compiled here.
  var url = chrome.runtime.getURL('content/hn_content_bg.wasm');
  var module = self.hnewCompiled || Promise.resolve(url);
  module
    .then(function (m) { return wasm_bindgen({ module_or_path: m }); })
    .then(function () {
      var ready = performance.now();
      wasm_bindgen.run();
      var done = performance.now();
      root.dataset.hnewInstantiateMs = (ready - started).toFixed(2);
      if (self.hnewCompileMs !== undefined) root.dataset.hnewCompileMs = self.hnewCompileMs.toFixed(2);
      root.dataset.hnewRunMs = (done - ready).toFixed(2);
      root.dataset.hnewMemory = String(wasm_bindgen.memory_bytes());
    })
    .catch(function (e) {
      // Most likely the page's policy refused to compile wasm: the background
      // refreshes its policy rule so the next load works. The page is left
      // exactly as the site sent it.
      root.dataset.hnewError = String(e && e.name || e);
      // Take back what early.js put on the root before the page was parsed.
      [].slice.call(root.classList).forEach(function (c) {
        if (c === 'hnew' || c.indexOf('hnew-') === 0) root.classList.remove(c);
      });
      [].slice.call(root.style).forEach(function (p) {
        if (p.indexOf('--hnew-') === 0) root.style.removeProperty(p);
      });
      delete root.dataset.hnewLook;
      console.warn('Hacker New could not start on this page:', e);
      try {
        chrome.runtime.sendMessage({ v: 1, kind: 'csp_blocked', url: location.href });
      } catch (_) { /* extension reloaded: nothing to tell */ }
    });
})();
