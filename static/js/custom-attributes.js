// Dashboard area: custom attributes and saved views (src/web/settings/custom-attributes.tsx, the sidebars'
// typed attribute controls, the saved-view filter builder). Loaded after app.js and before Alpine.
(function () {
  "use strict";

  // Saved-view builder: an attribute offers only its type's operators, and its value box the right input.
  function fitRow(select) {
    var row = select.closest(".sv-condition");
    if (!row) return;
    var chosen = select.options[select.selectedIndex];
    var allowed = chosen && chosen.getAttribute("data-operators") ? chosen.getAttribute("data-operators").split(",") : null;
    var operator = row.querySelector(".sv-operator");
    if (operator) {
      var firstAllowed = null;
      for (var i = 0; i < operator.options.length; i++) {
        var option = operator.options[i];
        var ok = !allowed || allowed.indexOf(option.value) >= 0;
        option.disabled = !ok;
        option.hidden = !ok;
        if (ok && firstAllowed === null) firstAllowed = option.value;
      }
      if (operator.selectedOptions.length && operator.selectedOptions[0].disabled && firstAllowed !== null) operator.value = firstAllowed;
    }
    var value = row.querySelector(".sv-value");
    if (value && chosen) {
      var input = chosen.getAttribute("data-input") || "text";
      value.type = input === "date" ? "date" : input === "number" ? "number" : "text";
      var list = chosen.getAttribute("data-options");
      if (list) value.setAttribute("list", list);
      else value.removeAttribute("list");
    }
    var op = operator ? operator.value : "";
    if (value) value.disabled = op === "is_present" || op === "is_not_present";
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target || !target.closest) return;
    if (target.classList.contains("sv-attribute") || target.classList.contains("sv-operator")) {
      var row = target.closest(".sv-condition");
      var attribute = row ? row.querySelector(".sv-attribute") : null;
      if (attribute) fitRow(attribute);
    }
  });

  // "Save filter as view" starts from the list's filters as they are now (they change without a page load).
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest("a[data-view-new]") : null;
    if (!link) return;
    var form = document.querySelector("form.ws-filters") || document.getElementById("contacts-filters");
    if (!form) return;
    var url = new URL(link.href, window.location.href);
    var data = new FormData(form);
    data.forEach(function (value, key) {
      if (key !== "_csrf" && typeof value === "string" && value !== "") url.searchParams.set(key, value);
    });
    link.href = url.toString();
  });

  document.addEventListener("alpine:init", function () {
    // Settings → Custom attributes form: list options show for lists, the pattern for text.
    window.Alpine.data("customAttributeForm", function () {
      return {
        type: "text",
        init: function () {
          this.type = this.$el.getAttribute("data-type") || "text";
        },
        get isList() {
          return this.type === "list";
        },
        get isText() {
          return this.type === "text";
        },
      };
    });
  });
})();
