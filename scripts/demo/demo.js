// The demo shop's own script: product search (reported with ShopPrivacy.trackSearch), the footer's
// "Cookie settings" button and the developer panel. The storefront kit is loaded before this file.
(function () {
  var kit = window.ShopPrivacy;

  var form = document.getElementById('search');
  if (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var query = document.getElementById('q').value.trim().toLowerCase();
      var shown = 0;
      document.querySelectorAll('.products li').forEach(function (item) {
        var match = !query || item.getAttribute('data-name').toLowerCase().indexOf(query) >= 0;
        item.hidden = !match;
        if (match) shown += 1;
      });
      var status = document.getElementById('search-status');
      if (status) status.textContent = document.documentElement.lang === 'th' ? 'พบ ' + shown + ' รายการ' : shown + ' product(s) found';
      if (kit) kit.trackSearch('product', query);
    });
  }

  document.querySelectorAll('[data-cookie-settings]').forEach(function (button) {
    button.addEventListener('click', function () {
      if (kit) kit.showSettings();
    });
  });

  var panel = document.getElementById('dev-state');
  if (panel && kit) {
    var show = function () {
      var match = document.cookie.match(/(?:^|; )shop_privacy_vid=([^;]+)/);
      var id = match ? decodeURIComponent(match[1]) : '';
      var choices = kit.consent();
      panel.textContent = '';
      var line = document.createElement('span');
      line.textContent = 'consent(): ' + JSON.stringify(choices) + (id ? ' · visitorId: ' + id + ' · ' : '');
      panel.appendChild(line);
      if (id) {
        [
          ['/v1/consents/' + id, 'stored consent'],
          ['/v1/admin/visits?visitorId=' + id, 'stored visits (staff route)'],
        ].forEach(function (link, i) {
          var a = document.createElement('a');
          a.href = link[0];
          a.textContent = link[1];
          if (i) panel.appendChild(document.createTextNode(' · '));
          panel.appendChild(a);
        });
      }
    };
    show();
    kit.onConsentChange(show);
  }
})();
