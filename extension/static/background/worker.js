// The service worker's shim. MV3 may start this worker *for* an event, so
// every listener is registered synchronously here, before any await; each
// forwards to the Rust handlers once the wasm is ready.
import init, * as bg from './hn_background.js';

const ready = init({ module_or_path: new URL('hn_background_bg.wasm', import.meta.url) });

// Storage for the extension's own contexts only: content scripts — which
// live inside a site's pages — may read session storage (the look and the
// page state they apply before parsing, nothing private) and nothing else;
// their records go through this worker. Chromium closes local and sync to
// them; Firefox can set the level of session storage only (README).
for (const [area, accessLevel] of [
  ['session', 'TRUSTED_AND_UNTRUSTED_CONTEXTS'], ['local', 'TRUSTED_CONTEXTS'], ['sync', 'TRUSTED_CONTEXTS'],
]) {
  try {
    const set = chrome.storage[area].setAccessLevel;
    if (set) Promise.resolve(set.call(chrome.storage[area], { accessLevel })).catch(() => {});
  } catch (_) { /* not offered for this area here */ }
}

// Every request gets an answer: the handler's, its failure, or — should an
// extension API throw where the handler does not expect it and leave the
// request pending — a refusal after a minute.
const ANSWER_WITHIN_MS = 60000;
chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Pages read their answers as text (kind, then tab-separated fields).
  const fromPage = /^https?:/.test(sender.url || '');
  const refusal = (text) => fromPage
    ? 'error\t' + text.replace(/[\\\t\n\r]/g, ' ')
    : { kind: 'error', message: text };
  const late = new Promise((resolve) => setTimeout(
    () => resolve(refusal('the background did not finish this request')), ANSWER_WITHIN_MS));
  Promise.race([ready.then(() => bg.handle_message(message, sender)), late])
    .then(sendResponse, (e) => sendResponse(refusal(String(e && e.message || e))));
  return true; // the answer comes asynchronously
});
chrome.runtime.onInstalled.addListener((details) => { ready.then(() => bg.on_installed(details.reason)); });
chrome.runtime.onStartup.addListener(() => { ready.then(() => bg.on_startup()); });
chrome.alarms.onAlarm.addListener((alarm) => { ready.then(() => bg.on_alarm(alarm.name)); });
chrome.notifications.onClicked.addListener((id) => { ready.then(() => bg.on_notification_clicked(id)); });
chrome.notifications.onButtonClicked.addListener((id) => { ready.then(() => bg.on_notification_clicked(id)); });
chrome.contextMenus.onClicked.addListener((info, tab) => { ready.then(() => bg.on_context_menu(info, tab)); });
chrome.permissions.onAdded.addListener(() => { ready.then(() => bg.on_permissions_changed()); });
chrome.permissions.onRemoved.addListener(() => { ready.then(() => bg.on_permissions_changed()); });
chrome.commands.onCommand.addListener((command, tab) => { ready.then(() => bg.on_command(command, tab)); });
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'sync') ready.then(() => bg.on_sync_changed());
});
// Run in an open HN tab by `chrome.scripting` (only when the reader asks to
// add another page, to find its discussion): each story's id, link and
// title, by the site's selectors, which the worker passes.
self.hnewStoryLinks = function (story, titleLink) {
  return [...document.querySelectorAll(story)].map((row) => {
    const a = row.querySelector(titleLink);
    return a ? [row.id, a.href, a.textContent] : null;
  }).filter(Boolean);
};
// The handler, for code running in this worker only (tests drive it through
// DevTools); pages and other extensions cannot reach a worker's globals.
self.hnewHandle = (message) => ready.then(() => bg.handle_message(message, { id: chrome.runtime.id }));
// The same with a given sender, to check what pages may ask.
self.hnewHandleAs = (message, sender) => ready.then(() => bg.handle_message(message, { id: chrome.runtime.id, ...sender }));
// The share buffer's clock and a notification click, for the same tests.
self.hnewShareTick = (at) => ready.then(() => bg.share_tick(at));
self.hnewNotificationClicked = (id) => ready.then(() => bg.on_notification_clicked(id));
// The context menu and the keyboard command, as Chrome would call them.
self.hnewContextMenu = (info, tab) => ready.then(() => bg.on_context_menu(info, tab));
self.hnewCommand = (name, tab) => ready.then(() => bg.on_command(name, tab));
// The update event, as Chrome sends it when a new version is installed.
self.hnewInstalled = (reason) => ready.then(() => bg.on_installed(reason));
// An alarm by name (the reply checks, the activity refresh), for the same tests.
self.hnewAlarm = (name) => ready.then(() => bg.on_alarm(name));
