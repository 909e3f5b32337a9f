// The demo shop's own script: product search (reported with ShopPrivacy.trackSearch), the footer's
// "Cookie settings" button and the developer panel. The storefront kit is loaded before this file.
(() => {
  const kit = window.ShopPrivacy;

  const form = document.getElementById('search');
  if (form) {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const query = document.getElementById('q').value.trim().toLowerCase();
      let shown = 0;
      for (const item of document.querySelectorAll('.products li')) {
        const match = !query || item.getAttribute('data-name').toLowerCase().includes(query);
        item.hidden = !match;
        if (match) shown += 1;
      }
      const status = document.getElementById('search-status');
      if (status) status.textContent = document.documentElement.lang === 'th' ? `พบ ${shown} รายการ` : `${shown} product(s) found`;
      if (kit) kit.trackSearch('product', query, shown);
    });
  }

  for (const button of document.querySelectorAll('[data-cookie-settings]')) {
    button.addEventListener('click', () => {
      if (kit) kit.showSettings();
    });
  }

  const panel = document.getElementById('dev-state');
  const show = () => {
    const match = document.cookie.match(/(?:^|; )shop_privacy_vid=([^;]+)/);
    const id = match ? decodeURIComponent(match[1]) : '';
    panel.textContent = '';
    const line = document.createElement('span');
    line.textContent = `consent(): ${JSON.stringify(kit.consent())}${id ? ` · visitorId: ${id} · ` : ''}`;
    panel.appendChild(line);
    if (!id) return;
    const a = document.createElement('a');
    a.href = `/v1/consents/${id}`;
    a.textContent = 'stored consent';
    panel.appendChild(a);
    // The visits are behind a staff sign-in: the staff CLI signs in as the local demo person.
    const visits = document.createElement('code');
    visits.textContent = `npm run admin -- visits list --visitor ${id}`;
    panel.appendChild(document.createTextNode(' · stored visits: '));
    panel.appendChild(visits);
  };
  if (panel && kit) {
    show();
    kit.onConsentChange(show);
  }
})();
