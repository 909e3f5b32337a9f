import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../shared/html';

describe('escapeHtml', () => {
  it('escapes markup and both kinds of quote', () => {
    expect(escapeHtml(`<script>alert("x")</script> & O'Brien`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; O&#39;Brien');
  });
});
