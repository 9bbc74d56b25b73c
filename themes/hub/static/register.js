// Filters the standards register table in place.
//
// Progressive enhancement: without JavaScript the register is filtered
// through one page per status, association and topic (plain links). This
// script, the site's own, shows a form that combines the three filters on
// the page and announces how many standards are shown. It stores nothing
// and loads nothing.
(function () {
  "use strict";
  var form = document.getElementById("kh-register-form");
  var table = document.getElementById("kh-register-table");
  if (!form || !table || !table.tBodies.length) {
    return;
  }
  var links = document.getElementById("kh-filter-links");
  var count = document.getElementById("kh-register-count");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var message = form.getAttribute("data-count") || "{shown} / {total}";

  function selected(name) {
    var field = form.elements.namedItem(name);
    return field ? field.value : "";
  }

  function contains(list, value) {
    return (" " + (list || "") + " ").indexOf(" " + value + " ") !== -1;
  }

  function apply() {
    var status = selected("status");
    var association = selected("association");
    var topic = selected("topic");
    var shown = 0;
    rows.forEach(function (row) {
      var match =
        (!status || contains(row.getAttribute("data-status"), status)) &&
        (!association || contains(row.getAttribute("data-associations"), association)) &&
        (!topic || contains(row.getAttribute("data-topics"), topic));
      row.hidden = !match;
      if (match) {
        shown += 1;
      }
    });
    if (count) {
      count.textContent = message
        .replace("{shown}", String(shown))
        .replace("{total}", String(rows.length));
    }
  }

  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    apply();
  });
  form.addEventListener("reset", function () {
    // The fields take their reset values after this event.
    window.setTimeout(apply, 0);
  });
  form.hidden = false;
  if (links) {
    links.hidden = true;
  }
  apply();
})();
