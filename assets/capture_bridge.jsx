// The bookmarklet's two ends on Peregrine's side.
//
// BookmarkletLink: the `javascript:` link a user drags to the bookmarks bar. React refuses
// `javascript:` in an href it renders, so the link's address is set on the element itself, built
// for the address this page was opened at. Clicked here, it does nothing (it is for dragging).
//
// CaptureReceiver (on /capture): the page the bookmarklet opens. It tells its opener it is ready,
// takes one message from that opener only, and only when the page it describes is the opener's own
// origin, then hands it to the server (`onPage`). The bookmarklet posts only to Peregrine's origin.
import React, { useEffect, useRef } from "react";

const READY = "peregrine-capture:ready";
const PAGE = "peregrine-capture:page";

export function bookmarkletSource(origin) {
  const code = `(()=>{const o=${JSON.stringify(origin)};const w=window.open(o+"/capture","_blank");` +
    `if(!w){alert("Peregrine: allow pop-ups on this site to capture it.");return}` +
    `const l=e=>{if(e.source!==w||e.origin!==o||e.data!==${JSON.stringify(READY)})return;` +
    `removeEventListener("message",l);w.postMessage({type:${JSON.stringify(PAGE)},url:location.href,` +
    `title:document.title,selection:String(getSelection()),html:document.documentElement.outerHTML},o)};` +
    `addEventListener("message",l)})()`;
  return "javascript:" + encodeURIComponent(code);
}

export function BookmarkletLink({ children, ...rest }) {
  const link = useRef(null);
  useEffect(() => {
    link.current?.setAttribute("href", bookmarkletSource(window.location.origin));
  }, []);
  return (
    <a ref={link} {...rest} onClick={(event) => event.preventDefault()} draggable="true">
      {children}
    </a>
  );
}

// The posting's structured data sits near the top of a page: the cut keeps it.
function cut(text, maxBytes) {
  const bytes = new TextEncoder().encode(text);
  return bytes.length > maxBytes ? new TextDecoder().decode(bytes.subarray(0, maxBytes)) : text;
}

export function CaptureReceiver({ onPage, maxHtmlBytes, maxTextChars, maxChars }) {
  const handler = useRef(onPage);
  handler.current = onPage;
  useEffect(() => {
    const opener = window.opener;
    if (!opener) return undefined;
    const receive = (event) => {
      const data = event.data;
      if (event.source !== opener || !data || data.type !== PAGE || typeof data.url !== "string") return;
      let claimed;
      try {
        claimed = new URL(data.url).origin;
      } catch {
        return;
      }
      if (claimed !== event.origin) return; // a page may only send itself
      window.removeEventListener("message", receive);
      handler.current?.({
        url: data.url.slice(0, maxChars),
        title: String(data.title || "").slice(0, maxChars),
        selection: String(data.selection || "").slice(0, maxTextChars),
        html: cut(String(data.html || ""), maxHtmlBytes),
      });
    };
    window.addEventListener("message", receive);
    // "Ready" carries nothing: any opener may hear it.
    opener.postMessage(READY, "*");
    return () => window.removeEventListener("message", receive);
  }, []);
  return null;
}
