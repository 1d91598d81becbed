// Marks the page as scripted, before it is painted: CSS then hides what only the no-JavaScript
// page needs (fallback "Update" buttons, "press Show results") and shows what needs htmx.
document.documentElement.classList.add("js");
