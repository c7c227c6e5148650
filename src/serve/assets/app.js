// itcost serve: drag and drop, upload progress (XMLHttpRequest upload events), run progress (polling), and the
// cost-centre search. Pages work without it (plain forms), only without progress bars.
(function () {
  function each(sel, f) { Array.prototype.forEach.call(document.querySelectorAll(sel), f); }
  each('form.upload', function (form) {
    var input = form.querySelector('input[type=file]');
    var drop = form.querySelector('.drop');
    var bar = form.querySelector('progress');
    var msg = form.querySelector('.msg');
    if (drop && input) {
      drop.addEventListener('dragover', function (e) { e.preventDefault(); drop.classList.add('over'); });
      drop.addEventListener('dragleave', function () { drop.classList.remove('over'); });
      drop.addEventListener('drop', function (e) {
        e.preventDefault(); drop.classList.remove('over');
        input.files = e.dataTransfer.files;
        drop.querySelector('span').textContent = Array.prototype.map.call(input.files, function (f) { return f.name; }).join(', ');
      });
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.getAttribute('action'));
      xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
      if (bar) { bar.hidden = false; bar.value = 0; }
      xhr.upload.onprogress = function (ev) { if (bar && ev.lengthComputable) { bar.max = ev.total; bar.value = ev.loaded; } };
      xhr.onload = function () {
        if (xhr.status === 200) {
          var r = JSON.parse(xhr.responseText);
          window.location.href = r.url;
        } else {
          if (msg) { msg.innerHTML = xhr.status + ': ' + xhr.responseText.replace(/<[^>]*>/g, ' '); }
        }
      };
      xhr.onerror = function () { if (msg) { msg.textContent = 'upload failed'; } };
      xhr.send(new FormData(form));
    });
  });
  var search = document.getElementById('cc-search');
  if (search) {
    search.addEventListener('input', function () {
      var q = search.value.toLowerCase();
      each('#cc tbody tr', function (tr) { tr.hidden = q && tr.textContent.toLowerCase().indexOf(q) < 0; });
    });
  }
  var run = document.getElementById('run-status');
  if (run) {
    var poll = function () {
      var xhr = new XMLHttpRequest();
      xhr.open('GET', run.getAttribute('data-url'));
      xhr.onload = function () {
        var s = JSON.parse(xhr.responseText);
        if (s.state === 'done' || s.state === 'failed' || s.state === 'expired') { window.location.reload(); return; }
        run.querySelector('.state').textContent = s.state + (s.position ? ' (' + s.position + ')' : '') + ' · ' + Math.round(s.seconds) + ' s';
        setTimeout(poll, 500);
      };
      xhr.send();
    };
    setTimeout(poll, 300);
  }
})();
