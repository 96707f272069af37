// Settings → Macros and Settings → Automation: the ordered action editor and the condition builder.
// Rows are server-rendered; this script adds (from the builder's <template>), removes, reorders, shows the parameter
// editor that fits the chosen action or attribute, and on submit writes the rows as JSON into the builder's hidden
// input (actions_json / conditions_json). Event delegation, so it works on pages swapped in by htmx too.
(function () {
  "use strict";

  function editorsOf(builder) {
    try {
      return JSON.parse(builder.getAttribute("data-editors") || "{}");
    } catch (e) {
      return {};
    }
  }

  function showEditor(row, builder) {
    var select = row.querySelector('[data-role="action_name"]') || row.querySelector('[data-role="attribute_key"]');
    if (!select) return;
    var key = select.value;
    var map = editorsOf(builder);
    var kind = map[key] || (key.indexOf(":") > 0 ? "text" : "none");
    row.querySelectorAll("[data-editor]").forEach(function (el) {
      el.hidden = el.getAttribute("data-editor") !== kind;
    });
  }

  function idOrText(v) {
    return /^\d{1,12}$/.test(v) ? Number(v) : v;
  }

  function selected(select) {
    return Array.prototype.filter.call(select.options, function (o) {
      return o.selected;
    }).map(function (o) {
      return o.value;
    });
  }

  function visibleEditor(row) {
    return Array.prototype.find.call(row.querySelectorAll("[data-editor]"), function (el) {
      return !el.hidden;
    });
  }

  function actionOf(row) {
    var name = row.querySelector('[data-role="action_name"]').value;
    var editor = visibleEditor(row);
    var params = [];
    if (editor) {
      var kind = editor.getAttribute("data-editor");
      if (kind === "team_email") {
        params = [
          {
            team_ids: selected(editor.querySelector('[data-role="team_ids"]')).map(idOrText),
            message: editor.querySelector('[data-role="message"]').value,
          },
        ];
      } else {
        var input = editor.querySelector('[data-role="param"]');
        if (input && input.multiple) params = selected(input);
        else if (input) params = input.value === "" ? [] : [kind === "agent" || kind === "team" || kind === "file" ? idOrText(input.value) : input.value];
      }
    }
    return { action_name: name, action_params: params };
  }

  function conditionOf(row) {
    var key = row.querySelector('[data-role="attribute_key"]').value;
    var operator = row.querySelector('[data-role="filter_operator"]').value;
    var editor = visibleEditor(row);
    var values = [];
    if (editor && operator !== "is_present" && operator !== "is_not_present") {
      var input = editor.querySelector('[data-role="value"]');
      if (input && input.multiple) values = selected(input);
      else if (input && editor.getAttribute("data-editor") === "text") {
        values = input.value
          .split(",")
          .map(function (s) {
            return s.trim();
          })
          .filter(Boolean);
      } else if (input && input.value !== "") values = [idOrText(input.value)];
    }
    var out = { attribute_key: key, filter_operator: operator, values: values, query_operator: row.querySelector('[data-role="query_operator"]').value };
    var colon = key.indexOf(":");
    if (colon > 0 && /_attribute$/.test(key.slice(0, colon))) {
      out.custom_attribute_type = key.slice(0, colon);
      out.attribute_key = key.slice(colon + 1);
    }
    return out;
  }

  function serialize(builder) {
    var rows = builder.querySelectorAll("[data-builder-rows] > [data-builder-row]");
    var kind = builder.getAttribute("data-builder");
    var list = Array.prototype.map.call(rows, kind === "conditions" ? conditionOf : actionOf);
    builder.querySelector("[data-builder-output]").value = JSON.stringify(list);
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var builder = target.closest("[data-builder]");
    if (!builder) return;
    var list = builder.querySelector("[data-builder-rows]");
    if (target.closest("[data-builder-add]")) {
      var template = builder.querySelector("template[data-builder-template]");
      var row = template.content.firstElementChild.cloneNode(true);
      list.appendChild(row);
      showEditor(row, builder);
      var first = row.querySelector("select, input, textarea");
      if (first) first.focus();
      return;
    }
    var current = target.closest("[data-builder-row]");
    if (!current) return;
    if (target.closest("[data-builder-remove]")) {
      current.remove();
      return;
    }
    var move = target.closest("[data-builder-move]");
    if (move) {
      if (move.getAttribute("data-builder-move") === "-1" && current.previousElementSibling) list.insertBefore(current, current.previousElementSibling);
      else if (move.getAttribute("data-builder-move") === "1" && current.nextElementSibling) list.insertBefore(current.nextElementSibling, current);
      move.focus();
    }
  });

  // send_attachment: the chosen file is uploaded at once; the row keeps the returned file id.
  function upload(input) {
    var editor = input.closest("[data-editor]");
    var hidden = editor.querySelector('[data-role="param"]');
    var status = editor.querySelector('[data-role="file-name"]');
    var file = input.files && input.files[0];
    if (!file) return;
    var form = input.closest("form");
    var submit = form ? form.querySelector('button[type="submit"]') : null;
    var meta = document.querySelector('meta[name="csrf-token"]');
    var data = new FormData();
    data.append("attachment", file);
    status.textContent = "Uploading " + file.name + "…";
    if (submit) submit.disabled = true;
    fetch(input.getAttribute("data-upload-url"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": meta ? meta.getAttribute("content") : "" },
    })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (body) {
          if (!res.ok) throw new Error((body && body.message) || "Upload failed");
          return body;
        });
      })
      .then(function (body) {
        hidden.value = String(body.blob_id);
        status.textContent = "Sends " + body.file_name;
      })
      .catch(function (err) {
        hidden.value = "";
        status.textContent = err.message || "Upload failed";
      })
      .finally(function () {
        if (submit) submit.disabled = false;
      });
  }

  document.addEventListener("change", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (target && target.matches('[data-role="upload"]')) return upload(target);
    if (!target || !target.matches('[data-role="action_name"], [data-role="attribute_key"]')) return;
    var builder = target.closest("[data-builder]");
    var row = target.closest("[data-builder-row]");
    if (builder && row) showEditor(row, builder);
  });

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target instanceof Element ? event.target.closest("form[data-builder-form]") : null;
      if (!form) return;
      form.querySelectorAll("[data-builder]").forEach(serialize);
    },
    true,
  );
})();
