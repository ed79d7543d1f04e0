// Loads the Yew app (wasm-bindgen's `web` output); its start function renders.
import init from './hn_popup.js';
init({ module_or_path: new URL('hn_popup_bg.wasm', import.meta.url) });
