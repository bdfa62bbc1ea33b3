// Reports: the CSV link downloads as it streams and says how far it has got, so that a long
// report shows progress instead of a browser that seems to do nothing. Without scripts the link
// is a plain download.
(function () {
  "use strict";
  const link = document.getElementById("report-csv");
  const status = document.getElementById("report-csv-progress");
  if (!link || !status || !window.fetch || !window.ReadableStream) return;
  link.addEventListener("click", async function (ev) {
    ev.preventDefault();
    if (link.dataset.busy) return;
    link.dataset.busy = "1";
    status.hidden = false;
    status.textContent = link.dataset.started;
    try {
      const r = await fetch(link.href, { credentials: "same-origin" });
      if (!r.ok) throw new Error(String(r.status));
      const reader = r.body.getReader();
      const parts = [];
      let rows = -1; // the header line is not a row
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        for (const b of value) if (b === 10) rows++;
        status.textContent = link.dataset.progress.replace("{n}", Math.max(rows, 0));
      }
      const name = (r.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
      const a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob(parts, { type: "text/csv" }));
      a.download = name ? name[1] : "report.csv";
      document.body.appendChild(a);
      a.click();
      a.remove();
      status.textContent = link.dataset.done.replace("{n}", Math.max(rows, 0));
      status.dataset.rows = String(Math.max(rows, 0));
    } catch (e) {
      status.textContent = link.dataset.failed;
    } finally {
      delete link.dataset.busy;
    }
  });
})();
