// Keeps the sign-in cookie's sliding expiry in step with real activity in the portal: a Blazor
// circuit works over its WebSocket, which the cookie middleware never sees. At most once a
// minute, while the user clicks or types, this asks /auth/session (which only authenticates).
(() => {
    let last = 0;
    const touch = () => {
        const now = Date.now();
        if (now - last < 60_000) {
            return;
        }
        last = now;
        fetch("/auth/session", { credentials: "same-origin", cache: "no-store" }).catch(() => { });
    };
    document.addEventListener("click", touch, { passive: true });
    document.addEventListener("keydown", touch, { passive: true });
})();
