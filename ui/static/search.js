// Search as you type on the patient search page: results arrive while typing, arrows move
// through them, Enter opens one. Without this script the form still searches on Enter.
(function () {
  "use strict";
  var box = document.querySelector("input[data-search]");
  var table = document.getElementById("results");
  if (!box || !table) return;
  var tbody = table.querySelector("tbody");
  var url = box.getAttribute("data-search");
  var timer = null, seq = 0, sel = -1;

  function rows() { return tbody.querySelectorAll("tr[data-href]"); }
  function mark(i) {
    var r = rows();
    if (!r.length) { sel = -1; return; }
    sel = Math.max(0, Math.min(i, r.length - 1));
    r.forEach(function (tr, j) { tr.classList.toggle("sel", j === sel); tr.setAttribute("aria-selected", j === sel); });
    r[sel].scrollIntoView({ block: "nearest" });
  }
  function cell(tr, text, lang) {
    var td = document.createElement("td");
    if (lang) td.lang = lang;
    td.textContent = text || "";
    tr.appendChild(td);
    return td;
  }
  function show(data) {
    tbody.textContent = "";
    sel = -1;
    data.results.forEach(function (r) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-href", "/patients/" + r.id);
      var a = document.createElement("a");
      a.href = "/patients/" + r.id;
      a.textContent = r.number;
      cell(tr, "").appendChild(a);
      var name = cell(tr, r.name_en + "  ");
      var zh = document.createElement("span");
      zh.lang = "zh-HK";
      zh.textContent = r.name_zh;
      name.appendChild(zh);
      cell(tr, r.sex); cell(tr, r.age); cell(tr, r.doc); cell(tr, r.phone); cell(tr, r.last_visit);
      tr.addEventListener("click", function () { location.href = tr.getAttribute("data-href"); });
      tbody.appendChild(tr);
    });
    if (!data.results.length && data.query) {
      var tr = document.createElement("tr");
      tr.className = "none";
      var td = cell(tr, table.getAttribute("data-none") || "");
      td.colSpan = 7;
      tbody.appendChild(tr);
    }
    if (data.results.length) mark(0);
  }
  function search() {
    var q = box.value.trim();
    var mine = ++seq;
    if (!q) { tbody.textContent = ""; return; }
    fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && mine === seq) show(data); })
      .catch(function () { /* the form still works on Enter */ });
  }
  box.addEventListener("input", function () {
    // The rows on screen no longer answer what is typed: Enter must not open one of them.
    sel = -1;
    rows().forEach(function (tr) { tr.classList.remove("sel"); tr.setAttribute("aria-selected", false); });
    clearTimeout(timer);
    timer = setTimeout(search, 120);
  });
  box.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); mark(sel + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); mark(sel - 1); }
    else if (e.key === "Enter" && sel >= 0) {
      var r = rows();
      if (r[sel]) { e.preventDefault(); location.href = r[sel].getAttribute("data-href"); }
    }
  });
  // Enter can also arrive as the form's submit (a keypress after the keydown, from some input
  // methods and automation): a chosen row still wins over searching again.
  if (box.form) {
    box.form.addEventListener("submit", function (e) {
      var r = rows();
      if (sel >= 0 && r[sel] && document.activeElement === box) {
        e.preventDefault();
        location.href = r[sel].getAttribute("data-href");
      }
    });
  }
  rows().forEach(function (tr) { tr.addEventListener("click", function () { location.href = tr.getAttribute("data-href"); }); });
  if (rows().length) mark(0);
})();
