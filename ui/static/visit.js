// The visit page: diagnoses and procedures chosen as you type (three letters), note templates
// filled in without a round trip, and the document form showing only the chosen document's
// fields. Without this script every form still works: typed words are matched on the server.
(function () {
  "use strict";

  // Choose-as-you-type for inputs marked data-terms="diagnosis|procedure".
  document.querySelectorAll("input[data-terms]").forEach(function (box) {
    var form = box.form;
    var hidden = form.querySelector("input[name=term_id]");
    var list = document.getElementById(box.getAttribute("aria-controls"));
    var kind = box.getAttribute("data-terms");
    var timer = null, seq = 0, sel = -1;
    if (!hidden || !list) return;
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-expanded", "false");

    function items() { return list.querySelectorAll("li"); }
    function mark(i) {
      var li = items();
      if (!li.length) { sel = -1; return; }
      sel = Math.max(0, Math.min(i, li.length - 1));
      li.forEach(function (x, j) { x.classList.toggle("sel", j === sel); x.setAttribute("aria-selected", j === sel); });
      li[sel].scrollIntoView({ block: "nearest" });
    }
    function close() { list.textContent = ""; sel = -1; box.setAttribute("aria-expanded", "false"); }
    function pick(li) {
      hidden.value = li.getAttribute("data-id");
      box.value = li.getAttribute("data-text");
      close();
    }
    function show(results) {
      list.textContent = "";
      results.forEach(function (r) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.setAttribute("data-id", r.id);
        li.setAttribute("data-text", r.name_en);
        li.textContent = (r.favourite ? "★ " : "") + r.name_en + " ";
        var zh = document.createElement("span");
        zh.lang = "zh-HK";
        zh.textContent = r.name_zh;
        li.appendChild(zh);
        var code = document.createElement("span");
        code.className = "code";
        code.textContent = r.code + (r.icd10 ? " · " + r.icd10 : "");
        li.appendChild(code);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(li); });
        list.appendChild(li);
      });
      box.setAttribute("aria-expanded", results.length ? "true" : "false");
      if (results.length) mark(0);
    }
    box.addEventListener("input", function () {
      hidden.value = ""; // typed again: the earlier choice no longer holds
      clearTimeout(timer);
      var q = box.value.trim();
      var han = /[\u3400-\u9fff]/.test(q);
      if (q.length < 3 && !han) { close(); return; }
      timer = setTimeout(function () {
        var my = ++seq;
        fetch("/terms/search?kind=" + encodeURIComponent(kind) + "&q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (d) { if (my === seq) show(d.results || []); })
          .catch(function () {});
      }, 120);
    });
    box.addEventListener("keydown", function (e) {
      var li = items();
      if (e.key === "ArrowDown") { e.preventDefault(); mark(sel + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark(sel - 1); }
      else if (e.key === "Enter" && li.length && sel >= 0) { e.preventDefault(); pick(li[sel]); }
      else if (e.key === "Escape") { close(); }
    });
    box.addEventListener("blur", function () { setTimeout(close, 150); });
    form.querySelectorAll("[data-term-id]").forEach(function (b) {
      b.addEventListener("click", function () {
        hidden.value = b.getAttribute("data-term-id");
        box.value = b.getAttribute("data-term-text");
      });
    });
  });

  // Templates: fill the empty parts of the note at once.
  var tpl = document.getElementById("f-template");
  var apply = document.getElementById("apply-template");
  if (tpl && apply) {
    apply.addEventListener("click", function (e) {
      var opt = tpl.options[tpl.selectedIndex];
      if (!opt || !opt.value) return;
      e.preventDefault();
      ["history", "examination", "assessment", "plan"].forEach(function (f) {
        var ta = document.getElementById("f-" + f);
        if (ta && !ta.value.trim()) ta.value = opt.getAttribute("data-" + f) || "";
      });
    });
  }

  // The document form shows the fields of the chosen document only.
  var kind = document.getElementById("f-kind");
  if (kind) {
    var sets = document.querySelectorAll("fieldset[data-kind]");
    var sync = function () {
      sets.forEach(function (fs) { fs.hidden = fs.getAttribute("data-kind") !== kind.value; });
    };
    kind.addEventListener("change", sync);
    sync();
  }
})();
