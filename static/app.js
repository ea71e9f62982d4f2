// Keeps a copy of unsaved form input in the browser, so nothing typed is lost if the
// session expires, the network drops or the tab is closed before "Lagre".
(function () {
  "use strict";
  function snapshot(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit" || el.type === "button") return;
      if (el.type === "radio" || el.type === "checkbox") {
        data[el.name + "=" + el.value] = el.checked;
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }
  function restore(form, data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden") return;
      if (el.type === "radio" || el.type === "checkbox") {
        var key = el.name + "=" + el.value;
        if (key in data) el.checked = data[key];
      } else if (el.name in data) {
        el.value = data[el.name];
      }
    });
  }
  // A page that comes back with errors opens on its error summary, so a screen reader reads
  // what went wrong and a keyboard user starts at the links to the fields.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-autosave]");
    if (!form || !window.localStorage) return;
    var key = "autosave:" + form.getAttribute("data-autosave");
    var version = form.getAttribute("data-version");
    var initial = snapshot(form);
    var stored = null;
    try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
    if (stored && stored.version === version && !same(stored.data, initial)) {
      var banner = document.getElementById("restore-banner");
      var button = document.getElementById("restore-button");
      if (banner && button) {
        banner.hidden = false;
        button.addEventListener("click", function () { restore(form, stored.data); banner.hidden = true; });
      }
    } else if (stored && stored.version !== version) {
      localStorage.removeItem(key);  // saved since: the server has the newer version
    }
    var timer = null;
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        localStorage.setItem(key, JSON.stringify({ version: version, data: snapshot(form) }));
      }, 500);
    });
  });
})();
