(function () {
  "use strict";
  var facts = JSON.parse(document.getElementById("facts").textContent);
  var pop = document.getElementById("pop");
  var pinned = null;
  var LABELS = { target: "目标 target", deadline: "时限 deadline", agency: "单位 agencies", measure: "措施 measure" };

  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }
  function show(mark) {
    var f = facts[mark.dataset.f];
    if (!f) return;
    var rows = Object.keys(f.fields).map(function (k) {
      var v = f.fields[k];
      return "<tr><th>" + esc(k) + "</th><td>" + esc(Array.isArray(v) ? v.join("、") : v) + "</td></tr>";
    }).join("");
    var where = f.clause ? "clause " + f.clause : (f.task != null ? "task " + f.task : "");
    pop.innerHTML = "<h3>" + esc(LABELS[f.kind] || f.kind) + (where ? " · " + esc(where) : "") + "</h3><table>" + rows + "</table>";
    pop.dataset.f = mark.dataset.f;
    pop.hidden = false;
    var r = mark.getBoundingClientRect();
    pop.style.left = Math.max(4, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - 430)) + "px";
    pop.style.top = (window.scrollY + r.bottom + 6) + "px";
  }
  function hide() { if (!pinned) pop.hidden = true; }
  // --pages: the fact's boxes on the page images, lit and scrolled to the middle of the pages panel
  var pagesPanel = document.getElementById("pages");
  function showBoxes(fid) {
    if (!pagesPanel) return;
    pagesPanel.querySelectorAll("a.box.on").forEach(function (b) { b.classList.remove("on"); });
    var boxes = Array.prototype.filter.call(pagesPanel.querySelectorAll("a.box"), function (b) { return b.dataset.f === fid; });
    boxes.forEach(function (b) { b.classList.add("on"); });
    if (!boxes.length) return;
    var r = boxes[0].getBoundingClientRect(), pr = pagesPanel.getBoundingClientRect();
    pagesPanel.scrollTop += (r.top - pr.top) - (pagesPanel.clientHeight - r.height) / 2;
  }
  function unpin() { if (pinned) pinned.classList.remove("pinned"); pinned = null; }

  document.addEventListener("mouseover", function (e) {
    var m = e.target.closest("mark.hl");
    if (m && !pinned) show(m);
  });
  document.addEventListener("mouseout", function (e) {
    if (e.target.closest("mark.hl")) hide();
  });
  document.addEventListener("click", function (e) {
    var m = e.target.closest("mark.hl");
    if (m) {
      unpin();
      pinned = m; m.classList.add("pinned"); show(m); showBoxes(m.dataset.f);
      return;
    }
    var go = e.target.closest("a[href^='#']");
    if (go) {
      var id = decodeURIComponent(go.getAttribute("href").slice(1));
      var el = document.getElementById(id);
      if (el) {
        e.preventDefault();
        history.replaceState(null, "", "#" + encodeURIComponent(id));
        el.scrollIntoView({ block: "center" });
        var sec = el.closest("section") || el;
        sec.classList.add("flash");
        setTimeout(function () { sec.classList.remove("flash"); }, 1200);
        if (el.matches("mark.hl")) { unpin(); pinned = el; el.classList.add("pinned"); show(el); showBoxes(el.dataset.f); }
        if (el.matches("a.box")) showBoxes(el.dataset.f);
        document.querySelectorAll("nav#outline a.current").forEach(function (a) { a.classList.remove("current"); });
        if (go.closest("nav#outline")) go.classList.add("current");
      }
      return;
    }
    if (!e.target.closest("#pop")) { unpin(); pop.hidden = true; }
  });

  // Filters: fact type, agency, year.
  var agencySel = document.getElementById("agency-filter");
  var yearSel = document.getElementById("year-filter");
  var status = document.getElementById("filter-status");
  document.querySelectorAll("#filters input[data-kind]").forEach(function (box) {
    box.addEventListener("change", function () { document.body.classList.toggle("hide-" + box.dataset.kind, !box.checked); });
  });
  function has(el, name) { return (el.dataset.agencies || "").split("|").indexOf(name) >= 0; }
  function apply() {
    var ag = agencySel ? agencySel.value : "", yr = yearSel ? yearSel.value : "";
    var shown = 0;
    document.querySelectorAll("#tasks tr.task").forEach(function (tr) {
      var ok = (!ag || has(tr, ag)) && (!yr || tr.dataset.year === yr);
      tr.classList.toggle("hidden", !ok);
      if (ok) shown++;
    });
    document.querySelectorAll("#targets tbody tr, #deadlines tbody tr").forEach(function (tr) {
      if (tr.classList.contains("none")) return;
      tr.classList.toggle("hidden", !!yr && tr.dataset.year !== yr);
    });
    document.querySelectorAll("mark.hl").forEach(function (m) {
      var off = (ag && m.classList.contains("k-agency") && !has(m, ag)) ||
                (yr && (m.classList.contains("k-target") || m.classList.contains("k-deadline")) && m.dataset.year !== yr);
      m.classList.toggle("off", !!off);
      m.classList.toggle("sel", !!ag && has(m, ag));
    });
    document.querySelectorAll("article#text section.clause").forEach(function (s) {
      s.classList.toggle("dim", !!ag && !has(s, ag));
    });
    document.querySelectorAll("nav#outline a[data-c]").forEach(function (a) {
      var s = document.getElementById("c-" + a.dataset.c);
      a.parentElement.closest("li").classList.toggle("dim", !!ag && !!s && !has(s, ag));
    });
    status.textContent = (ag || yr) ? shown + " task row(s) shown" : "";
  }
  if (agencySel) agencySel.addEventListener("change", apply);
  if (yearSel) yearSel.addEventListener("change", apply);
})();
