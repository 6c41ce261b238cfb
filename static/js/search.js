/* The header search box as a combobox (WAI-ARIA 1.2 pattern): htmx fetches the suggestions
   (debounced); this file shows and hides the listbox and moves the active option with the
   arrow keys. Enter on an option opens it; Enter otherwise submits the form (full results). */
(function () {
  "use strict";

  function init() {
    var input = document.getElementById("header-q");
    var listbox = document.getElementById("header-suggest");
    if (!input || !listbox) return;
    var active = -1;

    function options() {
      return Array.prototype.slice.call(listbox.querySelectorAll('[role="option"]'));
    }

    function setActive(index) {
      var opts = options();
      opts.forEach(function (opt, i) {
        var on = i === index;
        opt.setAttribute("aria-selected", on ? "true" : "false");
        opt.classList.toggle("active", on);
        if (on && opt.scrollIntoView) opt.scrollIntoView({ block: "nearest" });
      });
      active = index;
      if (index >= 0 && opts[index]) {
        input.setAttribute("aria-activedescendant", opts[index].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target !== listbox) return;
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (input.value.trim() && listbox.textContent.trim() && document.activeElement === input) {
        open();
      } else {
        close();
      }
    });

    input.addEventListener("input", function () {
      if (!input.value.trim()) close();
    });

    input.addEventListener("keydown", function (event) {
      var opts = options();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!opts.length) return;
        event.preventDefault();
        open();
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = active + step;
        if (next >= opts.length) next = 0;
        if (next < 0) next = opts.length - 1;
        setActive(next);
      } else if (event.key === "Enter") {
        if (!listbox.hidden && active >= 0 && opts[active]) {
          event.preventDefault();
          window.location.assign(opts[active].getAttribute("href"));
        }
      } else if (event.key === "Escape") {
        if (!listbox.hidden) {
          event.preventDefault();
          close();
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    // Keep the focus in the box while a suggestion is clicked with the mouse.
    listbox.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });

    input.addEventListener("blur", function () {
      window.setTimeout(function () {
        if (document.activeElement !== input) close();
      }, 150);
    });

    input.addEventListener("focus", function () {
      if (input.value.trim() && options().length) open();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
