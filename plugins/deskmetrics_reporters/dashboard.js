// deskmetrics html dashboard: click-to-sort tables and a self-check. Inlined into the page.
(function () {
  "use strict";
  function key(cell, numeric) {
    if (!numeric) return cell.textContent.trim().toLowerCase();
    var v = cell.getAttribute("data-v");
    return v === null || v === "" ? null : parseFloat(v);
  }
  // Empty cells sort last in both directions: "no data" is never the best or the worst.
  function sortTable(table, col, dir) {
    var body = table.tBodies[0];
    var head = table.tHead.rows[0].cells;
    var numeric = head[col].getAttribute("data-type") === "num";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[col], numeric), y = key(b.cells[col], numeric);
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    for (var i = 0; i < head.length; i++) head[i].removeAttribute("aria-sort");
    head[col].setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      th.tabIndex = 0;
      function toggle() {
        var numeric = th.getAttribute("data-type") === "num";
        var current = th.getAttribute("aria-sort");
        // Numbers open largest first, names A to Z.
        var dir = current ? (current === "ascending" ? -1 : 1) : (numeric ? -1 : 1);
        sortTable(table, col, dir);
      }
      th.addEventListener("click", toggle);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") toggle(); });
    });
  });

  // Self-check: a chart without its line, or a table that does not sort, is a bug worth a
  // console error (the test suite loads this page in headless Chromium and watches for one).
  var problems = [];
  Array.prototype.forEach.call(document.querySelectorAll("svg.chart"), function (svg) {
    var line = svg.querySelector("path.line");
    var points = svg.querySelectorAll("circle.pt").length;
    if (!line || !/^M\d/.test(line.getAttribute("d") || "")) problems.push(svg.id + ": no line");
    if (points !== parseInt(svg.getAttribute("data-points"), 10)) problems.push(svg.id + ": points");
    if (svg.getBoundingClientRect().width <= 0) problems.push(svg.id + ": not laid out");
  });
  Array.prototype.forEach.call(tables, function (table) {
    var body = table.tBodies[0], head = table.tHead.rows[0].cells;
    var original = Array.prototype.slice.call(body.rows);
    for (var col = 1; col < head.length && original.length > 1; col++) {
      [1, -1].forEach(function (dir) {
        sortTable(table, col, dir);
        var seen = Array.prototype.map.call(body.rows, function (r) {
          return key(r.cells[col], true);
        }).filter(function (v) { return v !== null; });
        for (var i = 1; i < seen.length; i++) {
          if ((seen[i] - seen[i - 1]) * dir < 0) {
            problems.push(table.id + ": column " + col);
            break;
          }
        }
      });
    }
    original.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(head, function (th) { th.removeAttribute("aria-sort"); });
  });
  if (problems.length) console.error("deskmetrics dashboard self-check failed: " + problems.join("; "));
  else document.body.setAttribute("data-selfcheck", "ok");
})();
