// Keyboard use of the list pages (tenants, audit log, webhook events). A list marks its table
// with data-list-keys and names its search box with data-list-search (an input id):
//   /           focuses the search box (unless the user is already typing somewhere)
//   ArrowDown   highlights the next row, ArrowUp the previous one
//   Enter       opens the highlighted row: a click on its first link, or on the row itself
// The highlight is the row's aria-selected and the class list-row-active; it is dropped when the
// rows change (a new page or search).
(() => {
    const typing = (el) => el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
    const list = () => document.querySelector("[data-list-keys]");
    const rows = (table) => [...table.querySelectorAll("tbody tr")].filter(r => r.querySelector("td") && !r.querySelector("td[colspan]"));
    let active = null;

    const highlight = (row) => {
        if (active && active !== row) {
            active.classList.remove("list-row-active");
            active.removeAttribute("aria-selected");
        }
        active = row;
        if (row) {
            row.classList.add("list-row-active");
            row.setAttribute("aria-selected", "true");
            row.scrollIntoView({ block: "nearest" });
        }
    };

    document.addEventListener("keydown", (e) => {
        const table = list();
        if (!table || e.ctrlKey || e.metaKey || e.altKey) {
            return;
        }

        if (e.key === "/" && !typing(document.activeElement)) {
            const search = document.getElementById(table.getAttribute("data-list-search") || "");
            if (search) {
                e.preventDefault();
                search.focus();
                search.select?.();
            }
            return;
        }

        if (typing(document.activeElement) && e.key !== "ArrowDown") {
            return;
        }

        const all = rows(table);
        if (all.length === 0) {
            return;
        }

        const at = active && all.includes(active) ? all.indexOf(active) : -1;
        if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            if (typing(document.activeElement)) {
                document.activeElement.blur();
            }
            const next = e.key === "ArrowDown" ? Math.min(at + 1, all.length - 1) : Math.max(at - 1, 0);
            highlight(all[next]);
        } else if (e.key === "Enter" && at >= 0) {
            e.preventDefault();
            const link = all[at].querySelector("a[href]");
            (link ?? all[at]).click();
        }
    });

    // A new page of rows: the old highlight means nothing any more.
    new MutationObserver(() => {
        const table = list();
        if (active && (!table || !rows(table).includes(active))) {
            highlight(null);
        }
    }).observe(document.documentElement, { childList: true, subtree: true });
})();
