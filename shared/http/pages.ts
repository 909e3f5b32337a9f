/**
 * Small bilingual pages for links people open from mail (request status and confirmation; later
 * unsubscribe). Thai first, English below; every value escaped; a button posts the token back, so a
 * mail scanner that fetches the link changes nothing.
 */
import { escapeHtml } from '../html';

export interface PageBlock {
  th: string;
  en: string;
}

export function page(title: PageBlock, paragraphs: PageBlock[], form?: { action: string; fields: Record<string, string>; button: PageBlock }): string {
  const p = (b: PageBlock) => `<p lang="th">${escapeHtml(b.th)}</p><p lang="en" class="en">${escapeHtml(b.en)}</p>`;
  const formHtml = form
    ? `<form method="post" action="${escapeHtml(form.action)}">${Object.entries(form.fields)
        .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
        .join('')}<button type="submit">${escapeHtml(form.button.th)} / ${escapeHtml(form.button.en)}</button></form>`
    : '';
  return `<!doctype html><html lang="th"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title.th)} / ${escapeHtml(title.en)}</title><style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.6}h1{font-size:1.4rem}.en{color:#444}button{font-size:1rem;padding:.6rem 1.2rem;border-radius:.4rem;border:1px solid #1a5c2e;background:#1d6b35;color:#fff;cursor:pointer}button:focus{outline:3px solid #f0b400;outline-offset:2px}</style></head><body><main><h1>${escapeHtml(title.th)}<br><span class="en">${escapeHtml(title.en)}</span></h1>${paragraphs.map(p).join('')}${formHtml}</main></body></html>`;
}
