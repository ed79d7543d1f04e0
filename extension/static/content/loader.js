// Starts the content script's wasm. `wasm_bindgen` is defined by
// hn_content.js (wasm-bindgen's no-modules output), loaded just before this.
//
// Also loads the second module — what a reader does by hand: cards, menus,
// replies, votes, keys — on first use: the start-up module calls
// hnewPrefetch (fetch and compile, off the main thread) on the first
// pointer movement or key, and hnewWake with the first gesture that needs
// it; the module then runs and gets that gesture replayed.
(function () {
  'use strict';
  var started = performance.now();
  var root = document.documentElement;
  // early.js keeps the run's reports; should it not have run, they go
  // nowhere.
  var reportSet = self.hnewReportSet || function () {};
  if (!self.hnewReportGet) {
    self.hnewReportSet = reportSet;
    self.hnewReportGet = function () { return null; };
  }
  // Compiled by early.js while the page was parsed; else compiled here.
  var url = chrome.runtime.getURL('content/hn_content_bg.wasm');
  var module = self.hnewCompiled || Promise.resolve(url);

  var more = null; // the second module's glue, once asked for
  var running = null; // ... once it runs
  var failed = false;
  var pending = []; // [event, message] pairs waiting for it

  function loadMore() {
    if (!more) {
      var wasm = fetch(chrome.runtime.getURL('content/hn_content_more_bg.wasm'));
      var compiled = WebAssembly.compileStreaming
        ? WebAssembly.compileStreaming(wasm)
        : wasm.then(function (r) { return r.arrayBuffer(); }).then(function (b) { return WebAssembly.compile(b); });
      more = Promise.all([import(chrome.runtime.getURL('content/hn_content_more.js')), compiled])
        .then(function (r) {
          return r[0].default({ module_or_path: r[1] }).then(function () { return r[0]; });
        });
    }
    return more;
  }

  self.hnewPrefetch = function () {
    loadMore().then(
      function () { reportSet('hnew-more-fetched', 'yes'); },
      function () { /* reported when a gesture needs it */ }
    );
  };

  // Held-back clicks and submits go ahead as the page meant them when the
  // module cannot load: the reader loses nothing.
  function asSent(event) {
    if (!event) return;
    if (event.type === 'click') {
      var link = event.target && event.target.closest && event.target.closest('a[href]');
      if (link) location.href = link.href;
    } else if (event.type === 'submit' && event.target && event.target.submit) {
      event.target.submit();
    }
  }

  self.hnewWake = function (event, message) {
    if (running) {
      if (message) running.message(message);
      return false;
    }
    if (failed) return false;
    pending.push([event, message]);
    if (pending.length > 1) return true;
    var asked = performance.now();
    reportSet('hnew-more', 'loading');
    loadMore().then(function (m) {
      // In a task of its own: when the module had compiled already, this
      // runs at a microtask checkpoint between two listeners of the very
      // gesture it holds, which would then reach the module's new
      // listeners a second time, besides the replay (a share menu opened
      // and closed by one click).
      return new Promise(function (resolve) { setTimeout(function () { resolve(m); }, 0); });
    }).then(function (m) {
      m.run_more();
      running = m;
      var queue = pending;
      pending = [];
      queue.forEach(function (p) {
        if (p[0]) m.replay(p[0]);
        if (p[1]) m.message(p[1]);
      });
      reportSet('hnew-wake-ms', (performance.now() - asked).toFixed(2));
      reportSet('hnew-more', 'running');
    }).catch(function (e) {
      failed = true;
      reportSet('hnew-more', 'failed');
      console.warn('Hacker New: cards, menus and replies are unavailable on this page:', e);
      var queue = pending;
      pending = [];
      queue.forEach(function (p) { asSent(p[0]); });
    });
    return true;
  };

  // The page's rows and their fields in one call (the index): a call from
  // wasm into the page costs more than the reading it does, and a front
  // page would otherwise make some four hundred. `parts`: the row selector's
  // parts, one a line, each queried on its own and merged in document
  // order. `fields`: selectors, one a line, read as the text of their
  // first match in the row (or, marked `^`, in the line under it: the next
  // row where `below`, else the row itself). Returns [rows, lines, text]:
  // `text` holds each row's id and fields, fields split by U+001F, rows by
  // U+001E, U+001D for a field not found (the three are taken out of the
  // texts read).
  self.hnewRows = function (scope, parts, fields, below) {
    var rows = [];
    parts.split('\n').forEach(function (part) {
      if (!part) return;
      var found = [].slice.call(scope.querySelectorAll(part));
      if (!rows.length) { rows = found; return; }
      var merged = [], i = 0, j = 0;
      while (i < rows.length || j < found.length) {
        if (j >= found.length) merged.push(rows[i++]);
        else if (i >= rows.length) merged.push(found[j++]);
        else if (rows[i] === found[j]) { merged.push(rows[i++]); j++; }
        else if (rows[i].compareDocumentPosition(found[j]) & Node.DOCUMENT_POSITION_FOLLOWING) merged.push(rows[i++]);
        else merged.push(found[j++]);
      }
      rows = merged;
    });
    var wanted = fields ? fields.split('\n') : [];
    var lines = [];
    var out = new Array(rows.length);
    for (var r = 0; r < rows.length; r++) {
      var row = rows[r];
      var line = below ? row.nextElementSibling : row;
      lines.push(line);
      var cells = [clean(row.id)];
      for (var f = 0; f < wanted.length; f++) {
        var sel = wanted[f];
        var inLine = sel.charAt(0) === '^';
        var where = inLine ? line : row;
        var el = where && where.querySelector(inLine ? sel.slice(1) : sel);
        cells.push(el ? clean(el.textContent) : '\u001d');
      }
      out[r] = cells.join('\u001f');
    }
    return [rows, lines, out.join('\u001e')];
  };
  function clean(text) {
    return String(text || '').replace(/[\u001d-\u001f]/g, '');
  }

  // Endless scroll appended rows (in the second module): the start-up
  // module reads them first.
  self.hnewStartRows = function () {
    wasm_bindgen.rows_added();
  };

  self.hnewMoreNotify = function (what) {
    if (!running) return;
    if (what === 'state') running.state_changed();
    else if (what === 'rows') running.rows_added();
  };

  function started_() {
    var ready = performance.now();
    wasm_bindgen.run();
    var done = performance.now();
    reportSet('hnew-instantiate-ms', (ready - started).toFixed(2));
    if (self.hnewCompileMs !== undefined) reportSet('hnew-compile-ms', self.hnewCompileMs.toFixed(2));
    reportSet('hnew-run-ms', (done - ready).toFixed(2));
    reportSet('hnew-memory', String(wasm_bindgen.memory_bytes()));
  }

  function failed_(e) {
    // Most likely the page's policy refused to compile wasm: the background
    // refreshes its policy rule so the next load works. The page is left
    // exactly as the site sent it.
    // The mark lets the rows pending.css holds be painted; what failed is
    // a report.
    root.dataset.hnewError = 'stopped';
    reportSet('hnew-error', String(e && e.name || e));
    // Take back what early.js put on the root before the page was parsed.
    [].slice.call(root.classList).forEach(function (c) {
      if (c === 'hnew' || c.indexOf('hnew-') === 0) root.classList.remove(c);
    });
    [].slice.call(root.style).forEach(function (p) {
      if (p.indexOf('--hnew-') === 0) root.style.removeProperty(p);
    });
    root.removeAttribute('data-hnew-look');
    console.warn('Hacker New could not start on this page:', e);
    // Only a refusal by the page's policy is reported as one: a page left
    // before its module arrived aborts the fetch (AbortError), which says
    // nothing about the policy.
    var text = String(e && e.message || e);
    var policy = e && e.name !== 'AbortError' &&
      (e.name === 'CompileError' || e.name === 'EvalError' || /unsafe-eval|Content Security Policy/i.test(text));
    if (!policy) return;
    // The background learns from this that the browser needs its policy
    // rule here and sets it; once it is in force the page loads once more
    // and starts (never twice in a row: a load that is itself a reload
    // stays as it is).
    try {
      // When this page began to load: a rule already in force then did not
      // apply to it (the site's policy changed), which the background
      // checks at once.
      var loadedAt = performance.timeOrigin;
      chrome.runtime.sendMessage({ v: 1, kind: 'csp_blocked', url: location.href, loaded_at: loadedAt }, function (answer) {
        if (chrome.runtime.lastError) return;
        var ruled = answer === 'done' || (answer && answer.kind === 'done');
        var nav = performance.getEntriesByType ? performance.getEntriesByType('navigation')[0] : null;
        var again = ruled && !(nav && nav.type === 'reload');
        // What the answer decided (tests wait for it).
        reportSet('hnew-rule-answer', again ? 'reload' : 'stay', 0);
        if (again) location.reload();
      });
    } catch (_) { /* extension reloaded: nothing to tell */ }
  }

  // Instantiated once compiled (early.js started that while the page was
  // parsed), in a task of its own. (Instantiating and running in this
  // very task when the compile has already ended was measured slower on a
  // front page, +12 ms of script and +5 ms of task, likely because the
  // page's first style and layout then run inside the script; see
  // `examples/ab.rs`.)
  module
    .then(function (m) { return wasm_bindgen({ module_or_path: m }); })
    .then(started_)
    .catch(failed_);
})();
