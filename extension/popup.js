// The popup: reads the page in the tab the user is on, asks Peregrine what it makes of it
// (fields and warnings), lets the user correct every field, and saves the job.
//
// Everything the server or the page sends is shown as text (textContent, input values), never as
// markup. The tab is read through the scripting API under activeTab: the click on the toolbar
// button (or the shortcut) grants access to that one tab, and no page is ever read otherwise.

import { callApi, loadSettings, MAX_HTML_BYTES, serverLink, showText } from "./peregrine.js";

const TEXT_FIELDS = ["company", "title", "location", "work_mode", "salary_currency", "url", "source", "description"];
const NUMBER_FIELDS = ["salary_min", "salary_max"];

const form = document.getElementById("job");
const progress = document.getElementById("progress");
const problem = document.getElementById("problem");
const saveButton = document.getElementById("save");
let settings = null;

function showProblem(text) {
  showText(problem, text);
  problem.hidden = false;
}

function link(href, text) {
  const anchor = document.createElement("a");
  anchor.href = href;
  anchor.target = "_blank";
  anchor.rel = "noopener noreferrer";
  anchor.textContent = text;
  return anchor;
}

/** Runs inside the page: what the server needs to read the posting. A page's HTML past the
 *  server's limit is cut there: the posting's structured data sits near the top of a page. */
function readPage(maxBytes) {
  let html = document.documentElement ? document.documentElement.outerHTML : "";
  if (html.length > maxBytes / 4) {
    const bytes = new TextEncoder().encode(html);
    // A character cut in half at the end becomes U+FFFD: harmless in the text the server reads.
    if (bytes.length > maxBytes) html = new TextDecoder().decode(bytes.subarray(0, maxBytes));
  }
  return {
    url: location.href,
    title: document.title.slice(0, 1200),
    selection: String(globalThis.getSelection ? getSelection() : "").slice(0, 100000),
    html,
  };
}

function isPage(tab) {
  return Boolean(tab && tab.url && /^https?:/.test(tab.url));
}

/** The tab to read: the active tab of the window the popup belongs to. When the popup is open as
 *  a tab of its own (a test, or a user who opened popup.html), the most recently used web page. */
async function targetTab() {
  const [active] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
  if (active && !active.url?.startsWith(location.origin)) return active;
  const pages = (await chrome.tabs.query({})).filter(isPage);
  pages.sort((a, b) => (b.lastAccessed || 0) - (a.lastAccessed || 0));
  return pages[0] || active;
}

async function readTab() {
  const tab = await targetTab();
  try {
    const [injection] = await chrome.scripting.executeScript({
      target: { tabId: tab.id },
      func: readPage,
      args: [MAX_HTML_BYTES],
    });
    return injection.result;
  } catch {
    throw new Error("This page cannot be read (a browser page, the extension store, or a file). Open the job posting and try again.");
  }
}

function fill(fields) {
  for (const name of [...TEXT_FIELDS, ...NUMBER_FIELDS]) {
    const value = fields[name];
    form.elements[name].value = value === null || value === undefined ? "" : String(value);
  }
}

function showWarnings(warnings) {
  const list = document.getElementById("warnings");
  list.replaceChildren();
  for (const warning of warnings) {
    const item = document.createElement("li");
    item.className = `warning ${warning.kind || ""}`;
    item.append(document.createTextNode(String(warning.message || "")));
    const href = serverLink(settings.address, warning.job_url);
    if (href) item.append(" ", link(href, "Open the card"));
    list.append(item);
  }
  document.getElementById("warnings-section").hidden = warnings.length === 0;
}

function formFields() {
  const fields = {};
  for (const name of TEXT_FIELDS) fields[name] = form.elements[name].value.trim();
  fields.work_mode = fields.work_mode || null;
  for (const name of NUMBER_FIELDS) {
    const text = form.elements[name].value.trim();
    fields[name] = text === "" ? null : Number(text);
  }
  return fields;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  problem.hidden = true;
  saveButton.disabled = true;
  showText(progress, "Saving…");
  try {
    const body = { ...formFields(), saved: form.elements.saved.checked };
    const created = await callApi(settings, "/api/v1/capture", { method: "POST", body });
    form.hidden = true;
    document.getElementById("warnings-section").hidden = true;
    const done = document.getElementById("done");
    done.replaceChildren(document.createTextNode("Saved. "));
    const href = serverLink(settings.address, created.job_url);
    if (href) done.append(link(href, "Open the card"));
    done.hidden = false;
    showText(progress, "");
  } catch (error) {
    // The form keeps what the user typed: fix and save again.
    showText(progress, "");
    showProblem(error.message);
  } finally {
    saveButton.disabled = false;
  }
});

function showForm() {
  form.hidden = false;
  showText(progress, "");
  form.elements.company.focus();
}

async function start() {
  settings = await loadSettings();
  let page = null;
  try {
    page = await readTab();
    showText(progress, "Asking Peregrine…");
    const preview = await callApi(settings, "/api/v1/capture/preview", { method: "POST", body: page });
    fill(preview.fields || {});
    showWarnings(Array.isArray(preview.warnings) ? preview.warnings : []);
    showForm();
  } catch (error) {
    showText(progress, "");
    showProblem(error.message);
    // Peregrine answered but could not read this page: the user can still fill the job in by hand.
    if (page && (error.kind === "invalid" || error.kind === "server")) {
      fill({ url: page.url, title: page.title });
      showForm();
    }
  }
}

start();
