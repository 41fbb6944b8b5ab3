// The extension's background: on first install it opens the options page, since nothing works
// before Peregrine's address and a token are set. (A service worker in Chromium, an event page in
// Firefox: the manifest names this one file for both.)

chrome.runtime.onInstalled.addListener(async ({ reason }) => {
  if (reason !== "install") return;
  const { address } = await chrome.storage.local.get("address");
  if (!address) chrome.runtime.openOptionsPage();
});
