// Dashboard area: custom attributes and saved views (src/web/settings/custom-attributes.tsx, the sidebars'
// typed attribute controls, the saved-view filter builder). Loaded after app.js and before Alpine.
(function () {
  "use strict";

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
