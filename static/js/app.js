/* Behaviour that the content security policy does not allow inline (no onchange="..."). */
(function () {
  "use strict";
  function autosubmit(select) {
    select.addEventListener("change", function () { select.form && select.form.submit(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-autosubmit]").forEach(autosubmit);
    /* Older templates still carry onchange="this.form.submit()", which the policy blocks:
       take the attribute off (so it never runs twice) and attach the same behaviour. */
    document.querySelectorAll('select[onchange="this.form.submit()"]').forEach(function (el) {
      el.removeAttribute("onchange");
      autosubmit(el);
    });
  });
})();
