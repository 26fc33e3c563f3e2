// Progressive enhancement only: every form works without this file.
// Pre-fills the sign-up form's timezone with the browser's own (Intl), unless the person typed one.
(function () {
  var tz;
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!tz) return;
  var fields = document.querySelectorAll('input[data-autotz]');
  for (var i = 0; i < fields.length; i++) {
    if (fields[i].value === '' || fields[i].value === 'UTC') fields[i].value = tz;
  }
})();
