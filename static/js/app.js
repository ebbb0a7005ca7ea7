/* Behaviour that the content security policy does not allow inline (no onchange="..."). */
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
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("a[data-action-form]").forEach(openInPlace);
    document.querySelectorAll("select[data-autosubmit]").forEach(autosubmit);
    /* Older templates still carry onchange="this.form.submit()", which the policy blocks:
       take the attribute off (so it never runs twice) and attach the same behaviour. */
    document.querySelectorAll('select[onchange="this.form.submit()"]').forEach(function (el) {
      el.removeAttribute("onchange");
      autosubmit(el);
    });
  });
})();
