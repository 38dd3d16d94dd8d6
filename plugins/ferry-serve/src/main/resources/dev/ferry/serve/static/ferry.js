// Ferry dashboard: progressive additions only; every page works without this file.
(function () {
  'use strict';

  // The matrix: hide rows as one types, before the form is sent.
  var q = document.getElementById('q');
  if (q) {
    var rows = document.querySelectorAll('table.matrix tbody tr');
    q.addEventListener('input', function () {
      var text = q.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var match = text === '' || (row.getAttribute('data-filter') || '').indexOf(text) >= 0;
        row.hidden = !match;
        if (match) { shown++; }
      });
      var summary = document.querySelector('p.summary');
      if (summary && summary.getAttribute('data-total') === null) {
        summary.setAttribute('data-total', summary.textContent);
      }
      if (summary) {
        summary.textContent = text === '' ? summary.getAttribute('data-total') : shown + ' services match "' + q.value.trim() + '"';
      }
    });
  }

  // An action's page: stream its progress lines, then show how it ended.
  var state = document.getElementById('job-state');
  if (state && state.getAttribute('data-events') && window.EventSource) {
    var list = document.getElementById('progress');
    var source = new EventSource(state.getAttribute('data-events'));
    source.onmessage = function (e) {
      var li = document.createElement('li');
      li.textContent = e.data;
      list.appendChild(li);
    };
    source.addEventListener('end', function () {
      source.close();
      window.location.reload();
    });
  }
})();
