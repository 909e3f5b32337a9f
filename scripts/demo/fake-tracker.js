// A stand-in for a third-party marketing tag (Facebook Pixel, LINE Tag): the demo pages embed it marked
// `type="text/plain" data-shop-privacy-category="marketing"`, so it runs only after marketing is
// allowed. Like the real ones it sets a cookie and sends a pixel request, both served locally.
(() => {
  window.fakeTrackerRuns = (window.fakeTrackerRuns || 0) + 1;
  // biome-ignore lint/suspicious/noDocumentCookie: it imitates the third-party tags that set cookies this way
  document.cookie = `_fake_tracker=${Math.random().toString(36).slice(2)}; Max-Age=7776000; Path=/; SameSite=Lax`;
  const pixel = new Image(1, 1);
  pixel.alt = '';
  pixel.src = `fake-pixel.svg?page=${encodeURIComponent(location.pathname)}`;
})();
