// Document pages: drag-and-drop order of the arenas (the buttons work without this script)
// and the live progress of an assembly job.
(function () {
  "use strict";
  function orderOf(form) {
    var ids = [];
    form.querySelectorAll("[data-arena-id]").forEach(function (li) {
      ids.push(li.getAttribute("data-arena-id"));
    });
    return ids.join(",");
  }
  function setUpOrder(form) {
    var input = form.querySelector("[data-order-input]");
    var status = document.getElementById("order-status");
    var dragged = null;
    form.querySelectorAll("[data-order-list]").forEach(function (list) {
      list.addEventListener("dragstart", function (event) {
        dragged = event.target.closest("[data-arena-id]");
        if (dragged) { event.dataTransfer.effectAllowed = "move"; dragged.classList.add("dragging"); }
      });
      list.addEventListener("dragover", function (event) {
        var over = event.target.closest("[data-arena-id]");
        if (!dragged || !over || over === dragged || over.parentNode !== dragged.parentNode) return;
        event.preventDefault();
        var box = over.getBoundingClientRect();
        var after = event.clientY > box.top + box.height / 2;
        list.insertBefore(dragged, after ? over.nextSibling : over);
      });
      list.addEventListener("dragend", function () {
        if (!dragged) return;
        dragged.classList.remove("dragging");
        dragged = null;
        input.value = orderOf(form);
        if (status) status.textContent = status.getAttribute("data-unsaved") || status.textContent;
      });
    });
  }
  function setUpProgress(box) {
    var url = box.getAttribute("data-status-url");
    var bar = document.getElementById("job-progress");
    var text = document.getElementById("job-progress-text");
    var note = document.getElementById("job-status-text");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (job) {
          if (!job) return;
          if (bar) bar.value = job.progress;
          if (text) text.textContent = job.progress + " %";
          if (note) note.textContent = job.message;
          if (job.pending) { setTimeout(poll, 2000); } else { window.location.reload(); }
        })
        .catch(function () { setTimeout(poll, 5000); });
    }
    setTimeout(poll, 2000);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-order-form]");
    if (form) setUpOrder(form);
    var box = document.querySelector("[data-status-url]");
    if (box) setUpProgress(box);
  });
})();
