// The options page: Peregrine's address and an API token, kept in chrome.storage.local, and a
// Test connection that says which of the two is wrong.

import { EXTENSION_ORIGIN, loadSettings, normalAddress, PeregrineError, saveSettings, showText, testConnection } from "./peregrine.js";

const form = document.getElementById("settings");
const address = document.getElementById("address");
const token = document.getElementById("token");
const status = document.getElementById("status");

function say(text, ok) {
  showText(status, text);
  status.className = ok ? "ok" : "problem";
  status.setAttribute("role", ok ? "status" : "alert");
}

function formSettings() {
  if (!token.value.trim()) throw new PeregrineError("settings", "Paste an API token (Settings → REST API in Peregrine).");
  return { address: normalAddress(address.value), token: token.value.trim() };
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const settings = formSettings();
    await saveSettings(settings);
    address.value = settings.address;
    say("Saved.", true);
  } catch (error) {
    say(error.message, false);
  }
});

document.getElementById("test").addEventListener("click", async () => {
  say("Testing…", true);
  try {
    say(await testConnection(formSettings()), true);
  } catch (error) {
    say(error.message, false);
  }
});

showText(document.getElementById("origin"), EXTENSION_ORIGIN);
loadSettings().then((settings) => {
  address.value = settings.address;
  token.value = settings.token;
});
