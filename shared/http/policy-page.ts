/**
 * The public page of policy versions (policy 7: changes are announced on the website): every
 * version in force so far and any announced for later, newest first, with its effective date, its
 * change summary in Thai and English, and the SHA-256 of its text, so anyone can check which words
 * a consent receipt refers to. Every value escaped; no script.
 */
import type { PolicyVersion } from '../domain/policy';
import { summaryOf } from '../domain/policy';
import { escapeHtml } from '../html';

const BANGKOK = 'Asia/Bangkok';
const date = (iso: string, locale: 'th' | 'en') =>
  new Intl.DateTimeFormat(locale === 'th' ? 'th-TH' : 'en-GB', { dateStyle: 'long', timeZone: BANGKOK }).format(new Date(iso));

export function policyVersionsPage(versions: PolicyVersion[], current: PolicyVersion, now: Date): string {
  const rows = [...versions]
    .sort((a, b) => Date.parse(b.effectiveAt) - Date.parse(a.effectiveAt))
    .map((v) => {
      const summary = summaryOf(v);
      const upcoming = Date.parse(v.effectiveAt) > now.getTime();
      const state =
        v.version === current.version
          ? '<strong lang="th">ฉบับที่ใช้อยู่</strong> / <strong>in force</strong>'
          : upcoming
            ? '<span lang="th">จะมีผล</span> / upcoming'
            : '<span lang="th">ฉบับก่อน</span> / earlier';
      return `<tr><th scope="row"><a href="${escapeHtml(v.url)}">${escapeHtml(v.version)}</a><br><span class="s">${state}</span></th><td><time datetime="${escapeHtml(v.effectiveAt)}"><span lang="th">${escapeHtml(date(v.effectiveAt, 'th'))}</span><br>${escapeHtml(date(v.effectiveAt, 'en'))}</time></td><td>${
        summary ? `<p lang="th">${escapeHtml(summary.th)}</p><p>${escapeHtml(summary.en)}</p>` : '<p lang="th">ไม่มีสรุป</p><p>No summary</p>'
      }</td><td><code>${escapeHtml(v.sha256)}</code></td></tr>`;
    })
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Privacy policy versions / ประวัติการแก้ไขนโยบายความเป็นส่วนตัว</title><style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}h1{font-size:1.4rem}table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.5rem;text-align:left;vertical-align:top}thead th{background:#eee}code{font-size:.8rem;word-break:break-all}.s{font-weight:normal;font-size:.9rem}p{margin:0 0 .4rem}a{color:#0b4f8a}a:focus{outline:3px solid #f0b400;outline-offset:2px}</style></head><body><main><h1><span lang="th">ประวัติการแก้ไขนโยบายความเป็นส่วนตัว</span><br>Privacy policy versions</h1><p lang="th">ทุกฉบับที่ประกาศ พร้อมวันที่มีผล สรุปสิ่งที่เปลี่ยน และค่า SHA-256 ของข้อความ</p><p>Every version announced, with the date it takes effect, what changed, and the SHA-256 of its text.</p><table><caption class="s">${escapeHtml(String(versions.length))} <span lang="th">ฉบับ</span> / versions</caption><thead><tr><th scope="col">Version / <span lang="th">ฉบับ</span></th><th scope="col">In force from / <span lang="th">มีผลตั้งแต่</span></th><th scope="col">What changed / <span lang="th">สิ่งที่เปลี่ยน</span></th><th scope="col">SHA-256</th></tr></thead><tbody>${rows}</tbody></table></main></body></html>`;
}
