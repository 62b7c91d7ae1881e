// Light or dark (Components/Layout/ThemePreference.cs): marks the page with its theme (for CSS
// and charts.js), remembers it in a cookie so the next page is drawn in it from the start, and
// tells the charts to redraw.
export function apply(mode, cookieName) {
  document.documentElement.dataset.theme = mode;
  if (cookieName) {
    const secure = location.protocol === "https:" ? "; secure" : "";
    document.cookie = `${cookieName}=${mode}; path=/; max-age=31536000; samesite=lax${secure}`;
  }
  document.dispatchEvent(new CustomEvent("portal-theme-changed", { detail: mode }));
}
