// Progressive enhancement only: every form works without this file.
(function () {
  // The sign-up form's timezone picker starts on the browser's own zone (Intl), when the list has it. Browsers (ICU)
  // still report some zones by names IANA has changed (Europe/Kiev for Europe/Kyiv): the select maps them (data-renamed).
  var tz;
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { tz = null; }
  var zoneSelect = document.querySelector('select[data-renamed]');
  if (tz && zoneSelect) {
    try { tz = JSON.parse(zoneSelect.getAttribute('data-renamed'))[tz] || tz; } catch (e) { /* keep the browser's name */ }
  }
  var has = function (select, value) {
    for (var i = 0; i < select.options.length; i++) if (select.options[i].value === value) return true;
    return false;
  };
  var auto = document.querySelectorAll('select[data-autotz]');
  for (var i = 0; i < auto.length; i++) if (tz && has(auto[i], tz)) auto[i].value = tz;

  // The preferences page keeps the saved zone, and offers the browser's when it differs.
  var saved = document.querySelector('select#timezone:not([data-autotz])');
  if (saved && tz && saved.value !== tz && has(saved, tz)) {
    var use = document.createElement('button');
    use.type = 'button';
    use.className = 'secondary';
    use.textContent = 'Use this device\u2019s timezone: ' + tz;
    use.addEventListener('click', function () { saved.value = tz; use.remove(); saved.focus(); });
    saved.insertAdjacentElement('afterend', use);
  }

  // "Find a category": shows the categories whose name or code holds what is typed, and opens their groups.
  var filter = document.querySelector('input[data-category-filter]');
  if (filter) {
    filter.parentNode.hidden = false;
    var groups = document.querySelectorAll('details.category-group');
    var wasOpen = [];
    for (var g = 0; g < groups.length; g++) wasOpen.push(groups[g].open);
    var none = document.querySelector('[data-category-none]');
    filter.addEventListener('input', function () {
      var q = filter.value.trim().toLowerCase();
      var shown = false;
      for (var g = 0; g < groups.length; g++) {
        var labels = groups[g].querySelectorAll('label.check');
        var any = false;
        for (var l = 0; l < labels.length; l++) {
          var hit = !q || labels[l].textContent.toLowerCase().indexOf(q) >= 0 || groups[g].querySelector('summary').textContent.toLowerCase().indexOf(q) >= 0;
          labels[l].hidden = !hit;
          any = any || hit;
        }
        groups[g].hidden = !any;
        groups[g].open = q ? any : wasOpen[g];
        shown = shown || any;
      }
      // Say so when nothing matches, rather than leave an empty list without a word.
      none.textContent = shown ? '' : 'No category matches \u201c' + filter.value.trim() + '\u201d: try another word (physics, cosmology) or a code such as astro-ph.CO.';
    });
  }

  // A form sent back with errors: the summary of what to fix gets the focus, so it is read out first.
  var summary = document.querySelector('.error-summary');
  if (summary) summary.focus();
})();
