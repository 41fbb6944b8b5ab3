// The extension's one door to Peregrine: the saved settings, the API calls, and the sentence a
// user reads when a call fails. The popup and the options page both use it, so a server that is
// down, a token that was revoked or an origin the server refuses read the same everywhere.

/** The most of a page's HTML sent, in UTF-8 bytes: the server reads up to 5 MiB
 *  (services/capture/extract.MAX_HTML_BYTES). */
export const MAX_HTML_BYTES = 5 * 1024 * 1024;

/** The origin this extension's pages send in `Origin` (what PEREGRINE_CORS_ORIGINS must list). */
export const EXTENSION_ORIGIN = globalThis.location.origin;

/** A failed call, with the sentence to show as it is. */
export class PeregrineError extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind; // "settings" | "unreachable" | "refused_origin" | "not_peregrine" | "token" | "invalid" | "server"
  }
}

export async function loadSettings() {
  const { address = "", token = "" } = await chrome.storage.local.get(["address", "token"]);
  return { address, token };
}

export async function saveSettings(settings) {
  await chrome.storage.local.set(settings);
}

/** `" http://127.0.0.1:3000/ "` → `"http://127.0.0.1:3000"`; a PeregrineError when it is no http(s) address. */
export function normalAddress(value) {
  let parsed;
  try {
    parsed = new URL(String(value).trim());
  } catch {
    throw new PeregrineError("settings", "The address must be a full web address, like http://127.0.0.1:3000.");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new PeregrineError("settings", "The address must start with http:// or https://.");
  }
  return (parsed.origin + parsed.pathname).replace(/\/+$/, "");
}

/** A link the server gave (absolute, or a path on the server) as an absolute http(s) URL, or null. */
export function serverLink(address, link) {
  if (!link) return null;
  try {
    const url = new URL(link, address + "/");
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function detailText(body) {
  const detail = body && body.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    // FastAPI's validation errors: say which field and why, one after another.
    return detail
      .map((item) => {
        const where = Array.isArray(item.loc) ? item.loc.filter((part) => part !== "body").join(".") : "";
        return where ? `${where}: ${item.msg}` : String(item.msg);
      })
      .join("; ");
  }
  return "";
}

/** Why a fetch rejected: nothing answers at the address, or something answered and the browser
 *  hid the answer because it does not allow this extension's origin (CORS). An opaque (no-cors)
 *  request tells them apart: it succeeds whenever anything answers. The extension holds no host
 *  permission, so the server's own list of origins is what lets it in. */
async function unreachableOrRefused(address) {
  try {
    await fetch(address + "/api/v1/jobs", { mode: "no-cors", credentials: "omit", cache: "no-store" });
  } catch {
    return new PeregrineError(
      "unreachable",
      `Peregrine does not answer at ${address}. Is it running, and is the address right?`,
    );
  }
  return new PeregrineError(
    "refused_origin",
    `The server at ${address} answers but does not let this extension in. If it is Peregrine, add ` +
      `${EXTENSION_ORIGIN} to PEREGRINE_CORS_ORIGINS in its environment and restart it; if not, check the address.`,
  );
}

/** Calls the API; resolves with the parsed JSON body, or rejects with a PeregrineError. */
export async function callApi(settings, path, { method = "GET", body } = {}) {
  if (!settings.address || !settings.token) {
    throw new PeregrineError("settings", "Set Peregrine's address and an API token in the extension's options first.");
  }
  const address = normalAddress(settings.address);
  let response;
  try {
    response = await fetch(address + path, {
      method,
      credentials: "omit",
      cache: "no-store",
      headers: {
        Authorization: `Bearer ${settings.token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw await unreachableOrRefused(address);
  }
  let parsed = null;
  const isJson = (response.headers.get("content-type") || "").includes("application/json");
  if (isJson) {
    try {
      parsed = await response.json();
    } catch {
      parsed = null;
    }
  }
  if (response.ok && parsed !== null) return parsed;
  const detail = detailText(parsed);
  if (response.status === 401 && detail) {
    throw new PeregrineError(
      "token",
      "Peregrine refused the API token: it is wrong or was revoked. Make a new one in Settings → REST API " +
        "and paste it in the extension's options.",
    );
  }
  if (!isJson || parsed === null || response.status === 404 || response.status === 405) {
    throw new PeregrineError(
      "not_peregrine",
      `Something answers at ${address}, but not Peregrine's API (HTTP ${response.status}). Check the address.`,
    );
  }
  if (response.status === 422 || response.status === 409) throw new PeregrineError("invalid", detail);
  throw new PeregrineError("server", `Peregrine answered HTTP ${response.status}${detail ? ": " + detail : "."}`);
}

/** Test connection: the cheapest call that needs a token (one job from the list). */
export async function testConnection(settings) {
  const jobs = await callApi(settings, "/api/v1/jobs?limit=1");
  if (!Array.isArray(jobs)) {
    throw new PeregrineError("not_peregrine", "Something answers there, but not Peregrine's API. Check the address.");
  }
  return "Connected: Peregrine answers and the token works.";
}

/** Replaces an element's children with text only: nothing the server or a page sends becomes markup. */
export function showText(element, text) {
  element.replaceChildren(document.createTextNode(text));
}
