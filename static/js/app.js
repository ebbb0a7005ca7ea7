/* Behaviour that the content security policy does not allow inline (no onchange="...", no
   inline <script>): the design system's small helpers (docs/design.md). */
(function () {
  "use strict";
  function autosubmit(select) {
    select.addEventListener("change", function () { select.form && select.form.submit(); });
  }
  /* A link marked data-action-form opens its form in place: the server renders the form
     (from its form class) as a fragment; without script the link opens it as a page. */
  function openInPlace(link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var url = new URL(link.href, window.location.href);
      url.searchParams.set("fragment", "1");
      fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      }).then(function (html) {
        var holder = document.createElement("div");
        holder.className = "action-form-holder";
        holder.innerHTML = html;
        link.replaceWith(holder);
        var first = holder.querySelector("input:not([type=hidden]), select, textarea, button");
        if (first) { first.focus(); }
      }).catch(function () { window.location.href = link.href; });
    });
  }

  /* The sidebar marks the page it leads to (the longest matching link). */
  function markCurrentNav() {
    var path = window.location.pathname, best = null, bestLen = 0;
    document.querySelectorAll(".app-nav a.nav-link").forEach(function (a) {
      var p = new URL(a.href, window.location.href).pathname;
      var match = p === "/" ? path === "/" : path === p || path.indexOf(p) === 0;
      if (match && p.length > bestLen) { best = a; bestLen = p.length; }
    });
    if (best) { best.classList.add("active"); best.setAttribute("aria-current", "page"); }
  }

  /* Countdown badges ({% countdown %}): the server renders the text; this keeps it current. */
  function fmt(template, values) {
    return template.replace(/%\((\w+)\)[ds]/g, function (_, key) { return values[key]; });
  }
  function span(el, seconds) {
    var minutes = Math.max(Math.floor(seconds / 60), 0);
    var d = Math.floor(minutes / 1440), h = Math.floor((minutes % 1440) / 60), m = minutes % 60;
    if (d) { return fmt(el.dataset.fmtD, { d: d, h: h }); }
    if (h) { return fmt(el.dataset.fmtH, { h: h, m: m }); }
    return fmt(el.dataset.fmtM, { m: m });
  }
  var TONES = ["text-bg-danger", "text-bg-warning", "text-bg-primary"];
  function updateCountdowns() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var due = Date.parse(el.dataset.due);
      if (isNaN(due)) { return; }
      var seconds = Math.round((due - now) / 1000), text, tone;
      if (seconds < 0) {
        text = fmt(el.dataset.fmtOver, { time: span(el, -seconds) }); tone = "text-bg-danger";
      } else {
        text = fmt(el.dataset.fmtLeft, { time: span(el, seconds) });
        tone = seconds <= 3600 ? "text-bg-danger" : seconds <= 4 * 3600 ? "text-bg-warning" : "text-bg-primary";
      }
      var holder = el.querySelector(".countdown-text");
      if (holder) { holder.textContent = text; }
      TONES.forEach(function (t) { el.classList.remove(t); });
      el.classList.add(tone);
    });
  }

  /* Charts ({% chart %}): ECharts (served from static/vendor/echarts) is loaded only on pages
     that have one; each chart's options come from its json_script element. */
  function drawCharts() {
    var boxes = document.querySelectorAll("[data-chart]");
    if (!boxes.length) { return; }
    function draw() {
      boxes.forEach(function (box) {
        var source = document.getElementById(box.dataset.chart);
        if (!source) { return; }
        var chart = window.echarts.init(box, null, { renderer: "svg" });
        chart.setOption(JSON.parse(source.textContent));
        window.addEventListener("resize", function () { chart.resize(); });
      });
    }
    if (window.echarts) { draw(); return; }
    var script = document.createElement("script");
    script.src = document.body.dataset.echartsSrc;
    script.onload = draw;
    document.head.appendChild(script);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("a[data-action-form]").forEach(openInPlace);
    document.querySelectorAll("select[data-autosubmit]").forEach(autosubmit);
    /* Older templates still carry onchange="this.form.submit()", which the policy blocks:
       take the attribute off (so it never runs twice) and attach the same behaviour. */
    document.querySelectorAll('select[onchange="this.form.submit()"]').forEach(function (el) {
      el.removeAttribute("onchange");
      autosubmit(el);
    });
    markCurrentNav();
    updateCountdowns();
    window.setInterval(updateCountdowns, 30000);
    drawCharts();
  });
})();
