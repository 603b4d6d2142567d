// The site's one stylesheet and one script, served as files (/assets/site.css, /assets/copy.js) so the pages'
// CSP can say `style-src 'self'; script-src 'self'` with nothing inline.
import { createHash } from 'node:crypto';

/**
 * Colours meet WCAG 2.2 AA contrast (4.5:1 for text) in both schemes; the line length stays near 70 characters
 * (44rem); nothing is wider than a 320 px screen; focus is a visible 3 px outline; no web fonts.
 */
export const SITE_CSS = `:root{color-scheme:light dark;--bg:#fff;--fg:#1b1b1b;--muted:#595959;--link:#0b57d0;--line:#d9d9d9;--box:#f4f6f8;--mark-bg:#fff1c2;--mark-fg:#5c4400;--full-bg:#e3f1e6;--full-fg:#1d5228;--focus:#c24e00}
@media (prefers-color-scheme:dark){:root{--bg:#121416;--fg:#e6e6e6;--muted:#b3b3b3;--link:#8ab4f8;--line:#3a3d41;--box:#1d2024;--mark-bg:#3d3000;--mark-fg:#ffe08a;--full-bg:#11331b;--full-fg:#a8e0b5;--focus:#ffb870}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{font:1rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:44rem;padding:0 1rem 2rem;color:var(--fg);background:var(--bg);overflow-wrap:anywhere}
a{color:var(--link)}
a:focus-visible,button:focus-visible,input:focus-visible,summary:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--bg);padding:.5rem 1rem;z-index:1}
.skip:focus{left:.5rem}
.site{display:flex;flex-wrap:wrap;align-items:baseline;gap:.2rem 1rem;border-bottom:1px solid var(--line);padding:.7rem 0 .5rem;margin-bottom:.5rem}
.site .brand{font-weight:700;font-size:1.15rem;text-decoration:none;color:var(--fg)}
.site ul{display:flex;flex-wrap:wrap;gap:.2rem 1rem;list-style:none;margin:0;padding:0;font-size:.95rem}
h1{font-size:1.5rem;line-height:1.25;margin:.8rem 0 .4rem}
h2{font-size:1.2rem;line-height:1.3;margin:1.4rem 0 .3rem}
h2 small,.muted,.meta,.provenance,time{color:var(--muted)}
h2 small{font-weight:normal;font-size:.85rem}
.crumbs{font-size:.9rem;margin:.3rem 0}
nav.days ul{display:flex;flex-wrap:wrap;gap:.3rem;list-style:none;margin:.5rem 0;padding:0}
nav.days a{display:inline-block;min-width:2.2rem;text-align:center;padding:.2rem .3rem;border:1px solid var(--line);border-radius:.3rem}
nav.agencies ul{display:flex;flex-wrap:wrap;gap:.2rem 1rem;list-style:none;margin:.5rem 0;padding:0}
.feeds{margin:.2rem 0;font-size:.95rem}
.none{color:var(--muted)}
ul.plain{padding-left:1.2rem}ul.plain li{margin:.35rem 0}
ol.stories{list-style:none;margin:0;padding:0}
ol.stories>li{border-top:1px solid var(--line);padding:.6rem 0}
ol.stories h2,ol.stories h3{font-size:1.05rem;margin:0 0 .15rem;font-weight:600}
.meta{font-size:.9rem;margin:0 0 .2rem}
.provenance{font-size:.85rem;margin:0 0 1rem}
.summary{margin:0;font-size:.95rem}
.mark{display:inline-block;font-size:.78rem;line-height:1.4;padding:0 .4rem;border-radius:.6rem;background:var(--full-bg);color:var(--full-fg)}
.mark.teaser{background:var(--mark-bg);color:var(--mark-fg)}
form.search{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.6rem 0;padding:.6rem;background:var(--box);border-radius:.4rem}
form.search label{flex:1 1 100%;font-size:.9rem}
form.search input[type=search]{flex:1 1 12rem;min-width:0}
input,button{font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--muted);border-radius:.3rem;padding:.35rem .5rem}
button{cursor:pointer;background:var(--box)}
form.search details{flex:1 1 100%;font-size:.9rem}
form.search details label{display:block;margin:.3rem 0}
.subscribe{border:1px solid var(--line);border-radius:.4rem;padding:.4rem 1rem .8rem;margin:1rem 0;background:var(--box)}
.subscribe h2{margin-top:.6rem}
.copy{display:flex;gap:.4rem;flex-wrap:wrap}
.copy input{flex:1 1 14rem;min-width:0;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9rem}
.pager{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5rem;border-top:1px solid var(--line);margin-top:1rem;padding-top:.6rem}
.months{columns:10rem;padding-left:1.2rem}
.teaser-note{background:var(--mark-bg);color:var(--mark-fg);border-left:3px solid #e0a800;padding:.4rem .7rem;font-size:.9rem}
article{overflow-wrap:anywhere}
article img{max-width:100%;height:auto}
article pre{overflow-x:auto}
table{border-collapse:collapse;width:100%}td{border-top:1px solid var(--line);padding:.4rem .3rem;vertical-align:top}
code{font-size:.85rem;overflow-wrap:anywhere}
.bad{color:#b00020}.ok{color:#1d6b2b}
@media (prefers-color-scheme:dark){.bad{color:#ff8a80}.ok{color:#8fd19e}}
main>footer,.sources{border-top:1px solid var(--line);margin-top:2rem;padding-top:.5rem;font-size:.9rem;color:var(--muted)}
body>footer{border-top:1px solid var(--line);margin-top:2rem;padding-top:.5rem;font-size:.85rem;color:var(--muted)}
`;

/**
 * The copy buttons of the subscribe pages: the site's only script. Without it (or without clipboard access) the
 * address stays in a read-only field to select by hand; the buttons are hidden until this shows them.
 */
export const COPY_JS = `// Pressroom: copy a feed address to the clipboard (subscribe pages).
(function () {
  'use strict';
  var buttons = document.querySelectorAll('button[data-copy]');
  Array.prototype.forEach.call(buttons, function (button) {
    var field = document.getElementById(button.getAttribute('data-copy'));
    var status = document.getElementById(button.getAttribute('data-copy') + '-status');
    if (!field) return;
    button.hidden = false;
    var say = function (text) { if (status) status.textContent = text; };
    button.addEventListener('click', function () {
      field.focus();
      field.select();
      var fallback = function () {
        var ok = false;
        try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
        say(ok ? 'Copied.' : 'Selected: press Ctrl+C (or Cmd+C) to copy.');
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { say('Copied.'); }, fallback);
      } else fallback();
    });
  });
})();
`;

/** A short hash of an asset's bytes, put in its URL (`?v=`) so a changed file is a new URL to every cache. */
export const assetVersion = (body: string) => createHash('sha256').update(body).digest('base64url').slice(0, 10);

export const CSS_VERSION = assetVersion(SITE_CSS);
export const JS_VERSION = assetVersion(COPY_JS);
