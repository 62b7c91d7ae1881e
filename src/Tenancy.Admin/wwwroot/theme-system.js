// Loaded in <head> while the staff member has not chosen light or dark (App.razor): notes the
// system's scheme (prefers-color-scheme) in the cookie ThemePreference reads first and, when
// the page was drawn in the other one (no cookie yet, and a browser that sent no colour-scheme
// client hint or another one), asks for it again before anything is shown. Never loops: the
// server draws what the cookie says, and without cookies the page stays as drawn.
(function () {
  const mode = window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  const cookie = `tenancy-theme-system=${mode}`;
  if (!document.cookie.split("; ").includes(cookie)) {
    const secure = location.protocol === "https:" ? "; secure" : "";
    document.cookie = `${cookie}; path=/; max-age=31536000; samesite=lax${secure}`;
  }
  if (document.documentElement.dataset.theme !== mode && document.cookie.split("; ").includes(cookie)) {
    location.reload();
  }
})();
